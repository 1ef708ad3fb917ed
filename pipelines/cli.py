"""The `sei-stats` command: what the statistics bureau runs each month, through the same Dagster assets as the UI.

Arguments and printing only: pipelines/run.py runs the jobs and returns typed results."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sei_stats.config import DataPaths, data_paths
from sei_stats.period import parse as parse_period
from sei_stats.vocabulary import ACCEPTED

if TYPE_CHECKING:  # run.py imports Dagster: only the commands that run jobs load it
    from .run import FailedCheck, Landing, MaterializeOutcome, RunOutcome


def _say(text: str = "") -> None:
    print(text, flush=True)


def materialize(paths: DataPaths, periods: list[str]) -> MaterializeOutcome:
    """Land each period, then publish once, printing progress and failed checks as they come, then what failed."""
    from . import run

    def show(step: RunOutcome) -> None:
        if isinstance(step, run.Landing):
            where = f"[{periods.index(step.period) + 1}/{len(periods)}] {step.period}"
            _say(f"{where}: landed {_landed(step)} ({step.seconds:.1f} s)" if step.success else f"{where}: FAILED — {step.error}")
        elif isinstance(step, run.Publishing):
            _say(f"published {paths.warehouse} and charts in {paths.charts} ({step.seconds:.1f} s)" if step.success
                 else f"publish FAILED — {step.error}")
        elif not step.success:
            _say(f"guidance catalog FAILED — {step.error}\nnothing was landed or published")
        _show_checks(step)

    with run.open_instance(paths) as instance:
        _say(f"SEI_DATA_DIR={paths.root}  DAGSTER_HOME={os.environ['DAGSTER_HOME']}")
        outcome = run.materialize(paths, periods, instance=instance, progress=show)
    failures = outcome.failures
    if failures and outcome.catalog.success:
        _say(f"\n{len(failures)} failure(s); nothing of a failed month was published (its previous landing, if any, stands):")
        for what, message in failures.items():
            _say(f"  {what}: {message}")
    _say_error_checks(outcome.failed_error_checks)
    return outcome


def _landed(landing: Landing) -> str:
    """'4 lines (accepted 3, rejected 1)': every bucket with lines, and always accepted."""
    buckets = ", ".join(f"{b} {n}" for b, n in landing.buckets.items() if n or b == ACCEPTED)
    return f"{landing.rows_received} lines ({buckets})"


def _show_checks(step: RunOutcome) -> None:
    """Every asset check of a run that did not pass, one line each."""
    for check in step.failed_checks:
        _say(f"check {check.asset}/{check.check} {'WARNING' if check.is_warning else 'FAILED'}: {check.summary}")


def _say_error_checks(failed_error_checks: tuple[FailedCheck, ...]) -> None:
    """A closing line when a check of severity ERROR failed: the command then exits 1."""
    if failed_error_checks:
        _say(f"\n{len(failed_error_checks)} asset check(s) of severity ERROR failed (listed above; the Dagster UI shows them too)")


def _all_periods(paths: DataPaths) -> list[str]:
    """Every period with a folder under raw/returns/, oldest first (an exit when there is none)."""
    from sei_stats.read import available_periods

    periods = available_periods(paths.returns)
    if not periods:
        raise SystemExit(f"sei-stats: no period folders under {paths.returns} (run `sei-stats demo-data` for the demo city)")
    return periods


def _period(text: str, what: str = "--period") -> str:
    """``text`` when it is a report period YYYY-MM, else an exit naming the argument."""
    try:
        return parse_period(text, what)
    except ValueError as error:
        raise SystemExit(f"sei-stats: {error}") from None


def cmd_materialize(args: argparse.Namespace) -> int:
    paths = data_paths()
    periods = _all_periods(paths) if args.all else sorted({_period(p) for p in args.period})
    return 0 if materialize(paths, periods).success else 1


def cmd_demo_data(args: argparse.Namespace) -> int:
    from sei_stats import demo

    paths = data_paths()
    started = time.perf_counter()
    summary = demo.generate(paths.root, seed=args.seed, n_enterprises=args.enterprises)
    _say(f"demo city: {summary.n_enterprises} enterprises, {len(summary.months)} months, "
         f"{summary.lines_written} lines in {paths.returns} ({time.perf_counter() - started:.1f} s); simulated data (模拟数据)")
    return 0


def _open_warehouse(paths: DataPaths):
    """The published warehouse, read-only (it never blocks a run), or a clear exit when there is none."""
    import duckdb

    if not paths.warehouse.exists():
        raise SystemExit(f"sei-stats: no warehouse at {paths.warehouse}; run `sei-stats materialize --all` first")
    return duckdb.connect(str(paths.warehouse), read_only=True)


def cmd_headline(args: argparse.Namespace) -> int:
    from sei_stats.headline import format_headline

    paths = data_paths()
    with _open_warehouse(paths) as con:
        _say(format_headline(con, simulated=paths.simulated))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The demo city end to end: generate, materialize every month, print the headline."""
    paths = data_paths()
    started = time.perf_counter()
    cmd_demo_data(args)
    outcome = materialize(paths, _all_periods(paths))
    if outcome.failures:  # a failed check alone still leaves a published warehouse to show
        return 1
    _say()
    cmd_headline(args)
    _say(f"\nwarehouse: {paths.warehouse}  (open read-only: duckdb.connect(path, read_only=True))")
    _say(f"charts:    {paths.charts}")
    _say(f"quality:   {paths.quality}  (internal: enterprise-level)")
    _say("Dagster UI over the same runs: make dev")
    _say(f"make demo took {time.perf_counter() - started:.1f} s after set-up")
    return 0 if outcome.success else 1


def cmd_dev(args: argparse.Namespace) -> int:
    from .instance import ensure_dagster_home

    home = ensure_dagster_home(data_paths())
    dagster = Path(sys.executable).with_name("dagster")
    extra = args.dagster_args[1:] if args.dagster_args[:1] == ["--"] else args.dagster_args
    argv = [str(dagster), "dev", "-m", "sei_stats.pipelines.definitions", *extra]
    _say(f"DAGSTER_HOME={home}; starting: {' '.join(argv[1:])}")
    os.execv(str(dagster), argv)


def cmd_catalog(args: argparse.Namespace) -> int:
    paths = data_paths()
    if args.action == "reclassify":
        return _reclassify(paths)
    if args.action == "report":
        from sei_stats.catalog_report import coverage_report

        _say(coverage_report(paths.catalog))
    else:
        from sei_stats.schemas.catalog import validate_catalog

        validate_catalog(paths.catalog)
        _say(f"{paths.catalog}: catalog passes every check")
    return 0


def _reclassify(paths: DataPaths) -> int:
    """Rebuild history under today's catalog and republish, through the same Dagster assets."""
    from . import run

    with run.open_instance(paths) as instance:
        published = run.publish(instance, paths=paths)
    if not published.success:
        _say(f"reclassify FAILED — {published.error}")
        _show_checks(published)
        return 1
    if published.reclassified:
        done = published.reclassified
        _say(f"{done.months} months reclassified under the catalog in force at {done.as_of} "
             f"(version {done.catalog_version}); {done.lines_classified_differently} lines classified differently")
    _say(f"published as mart_current_catalog.* beside mart.* in {paths.warehouse}")
    _show_checks(published)
    _say_error_checks(published.failed_error_checks)
    return 1 if published.failed_error_checks else 0


def cmd_rules(args: argparse.Namespace) -> int:
    from sei_stats.schemas.rules import format_rules

    _say(format_rules())
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """What waits for a reviewer in a period: holds first, then warnings."""
    from sei_stats.schemas.reviews import REVIEW_COLUMNS

    paths = data_paths()
    _period(args.period)
    with _open_warehouse(paths) as con:
        queue = con.execute("SELECT * FROM qa.review_queue WHERE strftime(period, '%Y-%m') = ? "
                            "ORDER BY severity = 'warn', rule, credit_code", [args.period]).df()
    target = paths.review_file(args.period)
    if args.csv:
        template = queue.assign(decision="", corrected_value="", reviewer="", note="")[list(REVIEW_COLUMNS)]
        sys.stdout.write(template.to_csv(index=False))
        return 0
    if queue.empty:
        _say(f"{args.period}: nothing waits for a decision")
        return 0
    counts = queue["severity"].value_counts().to_dict()
    _say(f"{args.period}: {counts.get('hold', 0)} held (out of the figures until decided), {counts.get('warn', 0)} warnings")
    _say(queue.drop(columns=["period"]).to_markdown(index=False, floatfmt=",.1f"))
    _say(f"\nDecide in {target} (columns: {', '.join(REVIEW_COLUMNS)}; decision accept, reject or correct).")
    _say(f"`sei-stats review --period {args.period} --csv > {target}` writes the open items as a template.")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="sei-stats", description="Statistics of Dalian's strategic emerging industries (战略性新兴产业).")
    sub = top.add_subparsers(dest="command", required=True)

    m = sub.add_parser("materialize", help="land report periods and publish the warehouse, through Dagster")
    which = m.add_mutually_exclusive_group(required=True)
    which.add_argument("--period", action="append", default=[], metavar="YYYY-MM", help="a report period (repeatable)")
    which.add_argument("--all", action="store_true", help="every period with a folder under raw/returns/")
    m.set_defaults(func=cmd_materialize)

    for name, func, text in (("demo-data", cmd_demo_data, "write the simulated demo city into raw/"),
                             ("demo", cmd_demo, "demo-data, materialize --all, then the headline table")):
        d = sub.add_parser(name, help=text)
        d.add_argument("--seed", type=int, default=20171109)
        d.add_argument("--enterprises", type=int, default=2000)
        d.set_defaults(func=func)

    sub.add_parser("headline", help="print the headline table from the warehouse").set_defaults(func=cmd_headline)

    dev = sub.add_parser("dev", help="start the Dagster UI on the same code location and DAGSTER_HOME")
    dev.add_argument("dagster_args", nargs=argparse.REMAINDER, help="passed on to `dagster dev`")
    dev.set_defaults(func=cmd_dev)

    sub.add_parser("rules", help="every validation rule (schemas/rules.yaml)").set_defaults(func=cmd_rules)

    rv = sub.add_parser("review", help="what waits for a reviewer's decision in a period")
    rv.add_argument("--period", required=True, metavar="YYYY-MM")
    rv.add_argument("--csv", action="store_true", help="print the open items as a review-file template")
    rv.set_defaults(func=cmd_review)

    cat = sub.add_parser("catalog", help="the guidance catalog: coverage report, validation, or history under today's catalog")
    cat.add_argument("action", choices=("report", "validate", "reclassify"))
    cat.set_defaults(func=cmd_catalog)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())

"""The `sei-stats` command: what the statistics bureau runs each month, through the same Dagster assets as the UI."""

from __future__ import annotations

import argparse
import os
import re
import sys
import time
from pathlib import Path

from sei_stats.config import DataPaths, data_paths
from sei_stats.validate import BUCKETS


def _say(text: str = "") -> None:
    print(text, flush=True)


def _failure_message(result) -> str:
    """The first step failure of a Dagster run, as the library raised it."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error.cause is not None and "dagster" in error.cls_name.lower():
                error = error.cause
            return error.message.strip()
    return "the run failed (see the Dagster UI for its events)"


def _run(job_name: str, instance, partition_key: str | None = None):
    from .definitions import defs

    job = defs.resolve_job_def(job_name)
    # Progress is printed here; Dagster's own event log stays in the instance (and the UI), not the terminal.
    quiet = {"loggers": {"console": {"config": {"log_level": "ERROR"}}}}
    return job.execute_in_process(instance=instance, partition_key=partition_key, raise_on_error=False, run_config=quiet)


def _dagster_instance(paths: DataPaths):
    """The Dagster instance of `make dev` (DAGSTER_HOME under SEI_DATA_DIR), so CLI runs show in the UI."""
    import dagster as dg

    from .instance import ensure_dagster_home

    ensure_dagster_home(paths)
    return dg.DagsterInstance.get()


def materialize(paths: DataPaths, periods: list[str]) -> int:
    """Land each period, then publish once; print progress; 0 when every period landed and the publish succeeded."""
    failed: dict[str, str] = {}
    with _dagster_instance(paths) as instance:
        _say(f"SEI_DATA_DIR={paths.root}  DAGSTER_HOME={os.environ['DAGSTER_HOME']}")
        result = _run("sei_catalog", instance)
        if not result.success:
            _say(f"guidance catalog FAILED — {_failure_message(result)}\nnothing was landed or published")
            return 1
        for i, period in enumerate(periods, 1):
            started = time.perf_counter()
            result = _run("sei_land_month", instance, partition_key=period)
            seconds = time.perf_counter() - started
            if result.success:
                meta = _landing_metadata(result)
                _say(f"[{i}/{len(periods)}] {period}: landed {meta} ({seconds:.1f} s)")
            else:
                failed[period] = _failure_message(result)
                _say(f"[{i}/{len(periods)}] {period}: FAILED — {failed[period]}")
        landed_any = len(failed) < len(periods)
        if landed_any:
            started = time.perf_counter()
            result = _run("sei_publish", instance)
            if result.success:
                _say(f"published {paths.warehouse} and charts in {paths.charts} ({time.perf_counter() - started:.1f} s)")
            else:
                failed["publish"] = _failure_message(result)
                _say(f"publish FAILED — {failed['publish']}")
    if failed:
        _say(f"\n{len(failed)} failure(s); nothing of a failed month was published (its previous landing, if any, stands):")
        for what, message in failed.items():
            _say(f"  {what}: {message}")
        return 1
    return 0


def _landing_metadata(result) -> str:
    for event in result.get_asset_materialization_events():
        meta = event.materialization.metadata
        buckets = ", ".join(f"{b} {meta[f'rows_{b}'].value}" for b in BUCKETS if meta[f"rows_{b}"].value or b == "accepted")
        return f"{meta['rows_received'].value} lines ({buckets})"
    return ""


def _periods(paths: DataPaths, args: argparse.Namespace) -> list[str]:
    from sei_stats.read import available_periods

    if args.all:
        periods = available_periods(paths.returns)
        if not periods:
            raise SystemExit(f"sei-stats: no period folders under {paths.returns} (run `sei-stats demo-data` for the demo city)")
        return periods
    for period in args.period:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", period):
            raise SystemExit(f"sei-stats: --period {period!r} is not YYYY-MM")
    return sorted(set(args.period))


def cmd_materialize(args: argparse.Namespace) -> int:
    paths = data_paths()
    return materialize(paths, _periods(paths, args))


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
    code = materialize(paths, _periods(paths, argparse.Namespace(all=True, period=[])))
    if code:
        return code
    _say()
    cmd_headline(args)
    _say(f"\nwarehouse: {paths.warehouse}  (open read-only: duckdb.connect(path, read_only=True))")
    _say(f"charts:    {paths.charts}")
    _say(f"quality:   {paths.quality}  (internal: enterprise-level)")
    _say("Dagster UI over the same runs: make dev")
    _say(f"make demo took {time.perf_counter() - started:.1f} s after set-up")
    return 0


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
    with _dagster_instance(paths) as instance:
        result = _run("sei_publish", instance)
        if not result.success:
            _say(f"reclassify FAILED — {_failure_message(result)}")
            return 1
        for event in result.get_asset_materialization_events():
            if event.materialization.asset_key.to_user_string() == "reclassified_history":
                meta = {k: v.value for k, v in event.materialization.metadata.items()}
                _say(f"{meta['months']} months reclassified under the catalog in force at {meta['as_of']} "
                     f"(version {meta['catalog_version']}); {meta['lines_classified_differently']} lines classified differently")
    _say(f"published as mart_current_catalog.* beside mart.* in {paths.warehouse}")
    return 0


def cmd_rules(args: argparse.Namespace) -> int:
    from sei_stats.schemas.rules import format_rules

    _say(format_rules())
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """What waits for a reviewer in a period: holds first, then warnings."""
    from sei_stats.schemas.reviews import REVIEW_COLUMNS

    paths = data_paths()
    with _open_warehouse(paths) as con:
        queue = con.execute("SELECT * FROM qa.review_queue WHERE strftime(period, '%Y-%m') = ? "
                            "ORDER BY severity = 'warn', rule, credit_code", [args.period]).df()
    target = paths.raw / "reviews" / f"{args.period}.csv"
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

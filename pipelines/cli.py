"""The `sei-stats` command: what the statistics bureau runs each month, through the same Dagster assets as the UI.

Arguments and printing only: pipelines/run.py runs the jobs and returns typed results."""

from __future__ import annotations

import argparse
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sei_stats.calendar import calendar_in_force
from sei_stats.config import DataPaths, data_paths
from sei_stats.period import parse as parse_period
from sei_stats.vocabulary import ACCEPTED

if TYPE_CHECKING:  # run.py imports Dagster: only the commands that run jobs load it
    from .run import FailedCheck, Landing, MaterializeOutcome, RunOutcome
    from .runlog import RunRecord


# A command line asking for what cannot be done exits 2 (as argparse does) before anything runs.
EXIT_REFUSED = 2
EXIT_STOPPED = 130  # as a shell reports a command stopped by Ctrl-C


class Refused(Exception):
    """The command line cannot be run as given: ``lines`` go to stderr, the exit code is 2, nothing ran."""

    def __init__(self, *lines: str):
        super().__init__("\n".join(lines))
        self.lines = lines


# --quiet: only errors and each command's result are printed, not its progress and notes. Set by main().
QUIET = False
# The record of this run (pipelines/runlog.py) when the command changes or publishes something; set by main().
RECORD: RunRecord | None = None


def _say(text: str = "") -> None:
    print(text, flush=True)


def _tell(text: str = "") -> None:
    """Progress and notes: printed unless --quiet."""
    if not QUIET:
        _say(text)


def _failed(text: str) -> None:
    """An error: printed (with --quiet too) and kept as the run record's error."""
    _say(text)
    if RECORD is not None:
        RECORD.fail(text)


def materialize(paths: DataPaths, periods: list[str], *, notes: list[str] | tuple[str, ...] = (),
                lenient: bool = False, years: list[str] | tuple[str, ...] = (), as_of: str = "") -> MaterializeOutcome:
    """Land each period, then each year's annual report (``years``), then publish once, printing progress and failed
    checks as they come, then what failed.

    ``notes`` (warnings and ignored entries of raw/returns/ and raw/annual/) are printed first; each landing's own
    notes under its progress line. ``lenient`` lands a period in spite of a subfolder or a file that
    is no return (each a warning then)."""
    from . import run

    def show(step: RunOutcome) -> None:
        if RECORD is not None:
            RECORD.add_run(step)
        if isinstance(step, run.Landing):
            if isinstance(step, run.AnnualLanding):
                where = f"[{list(years).index(step.period) + 1}/{len(years)}] annual {step.period}"
            else:
                where = f"[{periods.index(step.period) + 1}/{len(periods)}] {step.period}"
            if step.skipped:
                _tell(f"{where}: skipped — {step.skipped}")
            else:
                _tell(f"{where}: landed {_landed(step)} ({step.seconds:.1f} s)") if step.success \
                    else _say(f"{where}: FAILED — {step.error}")
                for note in step.notes:
                    _tell(f"    {note}")
            bar.landed(step)
        elif isinstance(step, run.Publishing):
            bar.published()
            kept = "; inputs unchanged, the last publish kept" if step.kept else ""
            _say(f"published {paths.warehouse} (and the internal {paths.warehouse_detail.name}) and charts in "
                 f"{paths.charts}{kept} ({step.seconds:.1f} s)" if step.success
                 else f"publish FAILED — {step.error}; the published files are those of the last publish that completed")
            for line in step.waiting:  # a published file held open: its new build waits (sei-stats publish)
                _say(line)
        elif not step.success:
            _say(f"guidance catalog FAILED — {step.error}\nnothing was landed or published")
        _show_checks(step)

    from .recovery import recover_dead_runs

    if RECORD is not None:
        RECORD.add_periods([*periods, *years])
    with run.open_instance(paths) as instance:
        _tell(f"SEI_DATA_DIR={paths.root}  DAGSTER_HOME={os.environ['DAGSTER_HOME']}")
        for dead in recover_dead_runs(instance):
            _tell(f"run {dead.run_id} ({dead.job}) marked failed: {dead.why}; its pool slots freed")
        for note in notes:
            _tell(note)
        with _Progress(len(periods) + len(years), enabled=not QUIET and sys.stdout.isatty()) as bar:
            outcome = run.materialize(paths, periods, instance=instance, progress=show, lenient=lenient, years=years,
                                      as_of=as_of, publish_step=bar.publish_step if bar.enabled else None)
    failures = outcome.failures
    if failures and outcome.catalog.success:
        _say(f"\n{len(failures)} failure(s); nothing of a failed month was published (its previous landing, if any, stands):")
        for what, message in failures.items():
            _say(f"  {what}: {message}")
    if failures and RECORD is not None:
        RECORD.fail("; ".join(f"{what}: {message}" for what, message in failures.items()))
    _say_error_checks(outcome.failed_error_checks)
    return outcome


class _Progress:
    """A progress bar with elapsed and remaining time over a run's landings (one step per period or year as each
    lands), then a spinner while it publishes: on a terminal only, and not with --quiet. Elsewhere nothing: the
    plain lines are what logs and tests read. The lines printed meanwhile go above the bar (rich redirects stdout)."""

    def __init__(self, landings: int, *, enabled: bool):
        self._left, self._any, self._bar, self._publishing = landings, False, None, None
        if enabled and landings:
            from rich.progress import (BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn,
                                       TimeElapsedColumn, TimeRemainingColumn)

            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                 TextColumn("elapsed"), TimeElapsedColumn(), TextColumn("left"), TimeRemainingColumn())
            self._landing = self._bar.add_task("landing", total=landings)

    def __enter__(self) -> _Progress:
        if self._bar is not None:
            self._bar.start()
        return self

    def __exit__(self, *exc) -> None:
        if self._bar is not None:
            self._bar.stop()

    def landed(self, step: Landing) -> None:
        self._left -= 1
        self._any = self._any or (step.success and not step.skipped)
        if self._bar is None:
            return
        self._bar.advance(self._landing)
        if self._left == 0 and self._any:  # run.materialize publishes once every landing is told, if one landed
            self._publishing = self._bar.add_task("publishing (warehouse, checks, charts, briefing)", total=None)

    @property
    def enabled(self) -> bool:
        return self._bar is not None

    def publish_step(self, step: str, steps: int) -> None:
        """A step of the publish ended (from run.py's step watcher thread): the spinner becomes a bar of its steps."""
        if self._bar is not None and self._publishing is not None:
            self._bar.update(self._publishing, total=steps, advance=1, description=f"publishing: {step} done")

    def published(self) -> None:
        if self._bar is not None and self._publishing is not None:
            total = self._bar.tasks[self._publishing].total or 1
            self._bar.update(self._publishing, total=total, completed=total, description="published")


def _landed(landing: Landing) -> str:
    """'4 lines (accepted 3, rejected 1)': every bucket with lines, and always accepted."""
    buckets = ", ".join(f"{b} {n}" for b, n in landing.buckets.items() if n or b == ACCEPTED)
    kept = "; files unchanged, current landing kept" if landing.reused else ""
    return f"{landing.rows_received} lines ({buckets}{kept})"


def _show_checks(step: RunOutcome) -> None:
    """Every asset check of a run that did not pass, one line each."""
    for check in step.failed_checks:
        (_tell if check.is_warning else _say)(
            f"check {check.asset}/{check.check} {'WARNING' if check.is_warning else 'FAILED'}: {check.summary}")


def _say_error_checks(failed_error_checks: tuple[FailedCheck, ...]) -> None:
    """A closing line when a check of severity ERROR failed: the command then exits 1."""
    if failed_error_checks:
        _say(f"\n{len(failed_error_checks)} asset check(s) of severity ERROR failed (listed above; the Dagster UI shows them too)")
        if RECORD is not None:
            RECORD.fail(f"{len(failed_error_checks)} asset check(s) of severity ERROR failed: "
                        + ", ".join(f"{c.asset}/{c.check}" for c in failed_error_checks))


def _all_reports(paths: DataPaths, *, lenient: bool = False, annual: bool = True) -> tuple[list[str], list[str], list[str]]:
    """Every report period with a folder under raw/returns/, oldest first, and with ``annual`` every year with a
    folder under raw/annual/ (its annual report): the periods, the years (oldest first) and the notes to print
    before landing.

    A folder read by no period (not named YYYY-MM, a January folder when January is no report period of the
    calendar, or outside the Dagster partitions) or a file lying directly under raw/returns/ refuses the run
    (Refused: exit 2, nothing landed); with ``lenient`` it is a warning among the notes (a January folder is then
    not read) and the other periods land. Office litter is a note either way.

    A problem of raw/annual/ (a folder not named YYYY, a file lying there, a year whose December is outside the
    Dagster partitions) refuses the run as a month's does, each listed under its folder; with ``lenient`` it is a
    warning. An exit when there is neither a period folder nor a year folder.
    """
    from sei_stats.read import scan_annual, scan_returns

    from .run import annual_outside_partitions, partition_range, unknown_periods

    first, last = partition_range()
    scan = scan_returns(paths.returns, calendar_in_force(paths))
    beyond = unknown_periods(scan.periods)
    problems = [*scan.problems, *(f"{paths.returns / p}: outside the Dagster partitions, which run from {first} to {last}, "
                                  "so it cannot be landed" for p in beyond)]
    years_scan = scan_annual(paths.annual) if annual else None
    years_beyond = annual_outside_partitions(years_scan.years) if annual else []
    annual_problems = [*(years_scan.problems if annual else ()),
                       *(f"{paths.annual / y}: its December is outside the Dagster partitions, which run from {first} to "
                         f"{last}, so its annual report cannot be landed" for y in years_beyond)]
    if (problems or annual_problems) and not lenient:
        lines = []
        if problems:
            lines += [f"sei-stats: {len(problems)} problem(s) under {paths.returns}; nothing was landed "
                      "(`--lenient` lands the report periods and warns of these):", *(f"  {p}" for p in problems)]
        if annual_problems:
            lines += [f"sei-stats: {len(annual_problems)} problem(s) under {paths.annual}; nothing was landed "
                      "(`--lenient` lands the annual reports and warns of these):", *(f"  {p}" for p in annual_problems)]
        raise Refused(*lines)
    periods = [p for p in scan.periods if p not in beyond]
    years = [y for y in years_scan.years if y not in years_beyond] if annual else []
    notes = [f"warning: {p}" for p in (*problems, *annual_problems)]
    notes += [f"note: {p}" for p in (*scan.ignored, *(years_scan.ignored if annual else ()))]
    if not periods and not years:
        raise SystemExit("\n".join([*notes, f"sei-stats: no period folders under {paths.returns} "
                                              "(run `sei-stats demo-data` for the demo city)"]))
    return periods, years, notes


def _landable(paths: DataPaths, periods: list[str]) -> list[str]:
    """``periods`` when each is a Dagster partition and a report period of the calendar, else Refused naming them
    (and the partitions' range, or why a month is no report period)."""
    from .run import not_reported, partition_range, unknown_periods

    unknown = unknown_periods(periods)
    if unknown:
        first, last = partition_range()
        raise Refused(f"sei-stats: --period {', '.join(unknown)}: outside the Dagster partitions, which run from {first} "
                      f"to {last}; nothing was landed")
    refused = not_reported(paths, periods)
    if refused:
        raise Refused(*(f"sei-stats: --period {period}: {why}; nothing was landed" for period, why in refused.items()))
    return periods


def _period(text: str, what: str = "--period") -> str:
    """``text`` when it is a report period YYYY-MM, else an exit naming the argument."""
    try:
        return parse_period(text, what)
    except ValueError as error:
        raise SystemExit(f"sei-stats: {error}") from None


def _annual_years(paths: DataPaths, given: list[str]) -> list[str]:
    """The years of ``--annual`` (YYYY), sorted, when each one's December is a Dagster partition, else Refused."""
    from sei_stats.period import parse_year

    from .run import annual_outside_partitions, partition_range

    try:
        years = sorted({parse_year(y, "--annual") for y in given})
    except ValueError as error:
        raise SystemExit(f"sei-stats: {error}") from None
    beyond = annual_outside_partitions(years)
    if beyond:
        first, last = partition_range()
        raise Refused(f"sei-stats: --annual {', '.join(beyond)}: its December is outside the Dagster partitions, which "
                      f"run from {first} to {last}; nothing was landed")
    return years


def cmd_materialize(args: argparse.Namespace) -> int:
    paths = data_paths()
    if args.all and args.annual:
        raise Refused("sei-stats: --all lands every annual report of raw/annual/ already; give --annual with --period, "
                      "or alone")
    if not (args.all or args.period or args.annual):
        raise Refused("sei-stats materialize: give --period YYYY-MM, --annual YYYY, or --all")
    years: list[str] = []
    if args.all:
        periods, years, notes = _all_reports(paths, lenient=args.lenient)
    else:
        years = _annual_years(paths, args.annual)
        periods, notes = _landable(paths, sorted({_period(p) for p in args.period})), []
    if args.as_of:  # a date, or a clear refusal before anything runs
        from sei_stats.publish import release_time

        try:
            release_time(args.as_of)
        except ValueError as err:
            raise Refused(f"sei-stats materialize: {err}") from err
    return 0 if materialize(paths, periods, notes=notes, lenient=args.lenient, years=years, as_of=args.as_of).success else 1


def cmd_demo_data(args: argparse.Namespace) -> int:
    from sei_stats import demo

    paths = data_paths()
    started = time.perf_counter()
    summary = demo.generate(paths.root, seed=args.seed, n_enterprises=args.enterprises)
    _say(f"demo city: {summary.n_enterprises} enterprises, {len(summary.months)} months, "
         f"{summary.lines_written} lines in {paths.returns} ({time.perf_counter() - started:.1f} s); simulated data (模拟数据)")
    return 0


def _open_warehouse(paths: DataPaths, *, detail: bool = False):
    """The published warehouse (or its internal detail file), read-only: it never blocks a run; a clear exit
    when there is none."""
    import duckdb

    path = paths.warehouse_detail if detail else paths.warehouse
    if not path.exists():
        raise SystemExit(f"sei-stats: no warehouse at {path}; run `sei-stats materialize --all` first")
    return duckdb.connect(str(path), read_only=True)


def cmd_headline(args: argparse.Namespace) -> int:
    from sei_stats.headline import headline_sections
    from sei_stats.terminal import print_table

    paths = data_paths()
    with _open_warehouse(paths) as con:
        sections = headline_sections(con, simulated=paths.simulated)
    for i, (title, table) in enumerate(sections):
        _say(f"\n{title}" if i else title)
        print_table(table)
    return 0


def cmd_brief(args: argparse.Namespace) -> int:
    """The monthly briefing (统计快报) of a report period, or the annual evaluation of a year: .docx, .html and
    .xlsx under output/briefings/."""
    from sei_stats import period as periods
    from sei_stats.briefing.build import BriefingError, write_annual, write_monthly

    paths = data_paths()
    if args.write_template:
        from sei_stats.briefing.docx_writer import write_template

        if paths.brief_template.exists():
            _failed(f"sei-stats brief: {paths.brief_template} exists; move it away first to write the default again")
            return 2
        _say(str(write_template(paths.brief_template)))
        return 0
    try:
        if args.year:
            files = write_annual(paths, int(periods.parse_year(args.year)))
        else:
            files = write_monthly(paths, periods.parse(args.period))
    except (BriefingError, ValueError) as err:
        _failed(f"sei-stats brief: {err}")
        return 2
    for f in files:
        _say(str(f))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    """The demo city end to end: generate, materialize every month and annual report (as --all), print the headline."""
    paths = data_paths()
    started = time.perf_counter()
    cmd_demo_data(args)
    periods, years, notes = _all_reports(paths)
    outcome = materialize(paths, periods, notes=notes, years=years)
    if outcome.failures:  # a failed check alone still leaves a published warehouse to show
        return 1
    _say()
    cmd_headline(args)
    _tell(f"\nwarehouse: {paths.warehouse}  (open read-only: duckdb.connect(path, read_only=True))")
    _tell(f"charts:    {paths.charts}")
    _tell(f"briefing:  {paths.briefings}  (the latest month; `sei-stats brief --period YYYY-MM` for others)")
    _tell(f"quality:   {paths.quality}  (internal: enterprise-level)")
    _tell("Dagster UI over the same runs: make dev")
    _tell(f"make demo took {time.perf_counter() - started:.1f} s after set-up")
    return 0 if outcome.success else 1


def cmd_serve(args: argparse.Namespace) -> int:
    from . import preloader

    if args.stop:
        _say("server stopped" if preloader.stop() else "no server running")
        return 0
    if args.status:
        running = preloader.status()
        _say(f"server {running['pid']} on {preloader.socket_path()}" if running else "no server running")
        return 0 if running else 1
    return preloader.serve(out=_say)


def cmd_dev(args: argparse.Namespace) -> int:
    from .instance import ensure_dagster_home

    home = ensure_dagster_home(data_paths())
    extra = args.dagster_args[1:] if args.dagster_args[:1] == ["--"] else args.dagster_args
    # `python -m dagster`, not a `dagster` script beside the interpreter: the same on Windows (dagster.exe) and POSIX
    argv = [sys.executable, "-m", "dagster", "dev", "-m", "sei_stats.pipelines.definitions", *extra]
    _say(f"DAGSTER_HOME={home}; starting: dagster {' '.join(argv[3:])}")
    return run_child(argv)


def run_child(argv: list[str]) -> int:
    """Run ``argv`` (same environment) to its end and return its exit code (128 + N when signal N ended it).

    Ctrl-C or SIGTERM is passed on as the child's own Ctrl-C (SIGINT; CTRL_BREAK_EVENT on Windows, the one console
    event a process group can be sent), and the child is waited for, so `dagster dev` shuts its webserver and daemon
    down itself. The child runs in its own session (process group on Windows) so a Ctrl-C at the terminal reaches it
    once, from here, not twice."""
    windows = os.name == "nt"
    child = subprocess.Popen(argv, start_new_session=not windows,
                             creationflags=subprocess.CREATE_NEW_PROCESS_GROUP if windows else 0)
    stop = signal.CTRL_BREAK_EVENT if windows else signal.SIGINT

    def forward(signum, frame) -> None:
        if child.poll() is None:
            child.send_signal(stop)

    previous = {name: signal.signal(getattr(signal, name), forward) for name in ("SIGINT", "SIGTERM")
                if hasattr(signal, name)}
    try:
        code = child.wait()
    finally:
        for name, handler in previous.items():
            signal.signal(getattr(signal, name), handler)
    return code if code >= 0 else 128 - code


def cmd_catalog(args: argparse.Namespace) -> int:
    paths = data_paths()
    if args.action == "reclassify":
        return _reclassify(paths)
    if args.action == "report":
        from sei_stats.catalog_report import coverage_report
        from sei_stats.terminal import terminal_width

        _say(coverage_report(paths.catalog, width=terminal_width()))
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
    if RECORD is not None:
        RECORD.add_run(published)
    if not published.success:
        _failed(f"reclassify FAILED — {published.error}")
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
    from sei_stats.schemas.rules import rules_table
    from sei_stats.terminal import print_table

    print_table(rules_table())
    return 0


def cmd_review(args: argparse.Namespace) -> int:
    """What waits for a reviewer in a period: holds first, then warnings."""
    from sei_stats.schemas.reviews import REVIEW_COLUMNS
    from sei_stats.spreadsheet import safe_frame
    from sei_stats.terminal import print_table

    paths = data_paths()
    calendar = calendar_in_force(paths)
    if not calendar.is_reported(_period(args.period)):
        raise Refused(f"sei-stats: --period {args.period}: {calendar.not_reported(args.period)}")
    label = f"{args.period} ({calendar.label(args.period)})"
    with _open_warehouse(paths, detail=True) as con:  # the queue names enterprises: the internal file
        queue = con.execute("SELECT * FROM qa.review_queue WHERE strftime(period, '%Y-%m') = ? "
                            "ORDER BY severity = 'warn', rule, credit_code", [args.period]).df()
    target = paths.review_file(args.period)
    if args.xlsx:
        from sei_stats.review_workbook import WorkbookExists, write_review_workbook

        book = Path(args.xlsx) if args.xlsx is not True else target.with_suffix(".xlsx")
        try:
            write_review_workbook(queue, book, period=args.period, simulated=paths.simulated, force=args.force)
        except WorkbookExists as err:
            raise Refused(f"sei-stats: {err}") from err
        _say(f"{label}: {len(queue)} open item(s) written to {book} (decide in sheet 审核; 说明 explains the columns)")
        if book.with_suffix(".csv").exists():
            _say(f"note: {book.with_suffix('.csv')} exists too; keep only one of them in raw/reviews/ or the publish refuses both")
        return 0
    if args.csv:
        # A correction replaces the prior when the rule judged the prior, else this year's value (also for a
        # queue published before it had the field column); a finding on a whole unit keeps product empty.
        judged = queue["field"] if "field" in queue.columns else [None] * len(queue)
        field = ["output_ytd_prior" if f == "output_ytd_prior" else "output_ytd" for f in judged]
        template = queue.assign(product=queue["product"].fillna(""), field=field, decision="", corrected_value="",
                                reviewer="", note="")[list(REVIEW_COLUMNS)]
        # Product codes and names are the enterprises' text: none may run as a formula in Excel or WPS.
        sys.stdout.write(safe_frame(template).to_csv(index=False))
        return 0
    if queue.empty:
        _say(f"{label}: nothing waits for a decision")
        return 0
    counts = queue["severity"].value_counts().to_dict()
    _say(f"{label}: {counts.get('hold', 0)} held (out of the figures until decided), {counts.get('warn', 0)} warnings")
    shown = queue.drop(columns=["period"])
    shown = shown.astype(object).where(shown.notna(), None)  # a finding without a line has no file, line or value
    print_table(shown, float_format=",.1f")
    _say(f"\nDecide in {target} (columns: {', '.join(REVIEW_COLUMNS)}; decision accept, reject or correct; "
         "field: the value a correction replaces, output_ytd or output_ytd_prior; product empty for a whole unit).")
    _say(f"`sei-stats review --period {args.period} --csv > {target}` writes the open items as a template.")
    return 0


def _run_records(paths: DataPaths, last: int) -> int:
    """The last run records of SEI_DATA_DIR/logs/ (pipelines/runlog.py), oldest first, as a table."""
    import pandas as pd

    from sei_stats.terminal import print_table

    from .runlog import logs_dir, read_records

    records = read_records(paths, last)
    if not records:
        _say(f"no run records in {logs_dir(paths)} (each `sei-stats` command that changes or publishes something "
             "writes one)")
        return 0

    def landed(record: dict) -> str:
        failed = sum(not landing["success"] for landing in record.get("landings", []))
        accepted = sum(landing["buckets"].get(ACCEPTED, 0) for landing in record.get("landings", []))
        count = len(record.get("landings", []))
        return f"{count} ({accepted:,} lines accepted{f', {failed} failed' if failed else ''})" if count else ""

    print_table(pd.DataFrame({
        "started (UTC)": [r.get("started_utc", "").replace("T", " ").rstrip("Z") for r in records],
        "seconds": [r.get("seconds") for r in records],
        "outcome": [r.get("outcome", "") for r in records],
        "command": [r.get("command", "") for r in records],
        "periods": [_span(r.get("periods") or []) for r in records],
        "landed": [landed(r) for r in records],
        "error": [" / ".join((r.get("error") or "").splitlines()) for r in records],
    }), float_format=",.1f")
    _tell(f"records: {logs_dir(paths)}")
    return 0


def _span(periods: list[str]) -> str:
    """'2018-03' or '2018-03 … 2018-12 (4)': the first and last of many periods."""
    return ", ".join(periods) if len(periods) <= 2 else f"{periods[0]} … {periods[-1]} ({len(periods)})"


def cmd_publish(args: argparse.Namespace) -> int:
    """Move the builds waiting in warehouse/pending/ (published files held open at their publish) into place; say
    what was moved and what still waits (exit 1 while a file waits). Builds nothing."""
    from sei_stats.publish import move_pending

    notes, still = move_pending(data_paths())
    for note in notes:
        _say(note)
    for item in still:
        _say(item.line())
    if not notes and not still:
        _say("nothing waits: the published files are in place")
    return 1 if still else 0


def cmd_runs(args: argparse.Namespace) -> int:
    """The last runs of this data folder's Dagster instance; with --recover, free what dead runs hold; with --log,
    the run records of the CLI instead."""
    if args.log:
        return _run_records(data_paths(), args.last)
    from . import run
    from .recovery import TAG_HOST, TAG_PID, recover_dead_runs

    paths = data_paths()
    with run.open_instance(paths) as instance:
        if args.recover:
            dead = recover_dead_runs(instance)
            for item in dead:
                _say(f"run {item.run_id} ({item.job}) marked failed: {item.why}; its pool slots freed")
            _say(f"{len(dead)} dead run(s) recovered")
        records = instance.get_run_records(limit=args.last)
    for record in records:
        run_ = record.dagster_run
        started = record.start_time and time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(record.start_time))
        where = f"process {run_.tags.get(TAG_PID, '—')} on {run_.tags.get(TAG_HOST, '—')}"
        partition = run_.tags.get("dagster/partition", "")
        _say(f"{run_.run_id}  {run_.job_name:<15} {partition:<8} {run_.status.value:<9} {started or '—'}  {where}")
    return 0


def cmd_query(args: argparse.Namespace) -> int:
    """One SQL query on the analysts' file (read-only), printed as an aligned table or as CSV."""
    import duckdb

    paths = data_paths()
    with _open_warehouse(paths) as con:
        try:
            result = con.execute(args.sql).df()
        except duckdb.Error as err:
            _say(f"sei-stats query: {err}")
            return 2
    if args.csv:
        sys.stdout.write(result.to_csv(index=False))
    else:
        _say(result.to_string(index=False, max_rows=args.max_rows, na_rep="NULL") if len(result.columns) else "(no columns)")
        _say(f"({len(result)} row{'s' if len(result) != 1 else ''})")
    return 0


def cmd_vintage(args: argparse.Namespace) -> int:
    """The vintages the analysts' file records (list), or one published again and compared with what it released
    (rebuild ID)."""
    paths = data_paths()
    if args.action == "rebuild":
        return _rebuild_vintage(paths, args.vintage_id, args.work)
    with _open_warehouse(paths) as con:
        rows = con.execute("SELECT vintage_id, strftime(released, '%Y-%m-%d %H:%M:%S UTC') AS released, "
                           "strftime(first_period, '%Y-%m') AS first_period, strftime(last_period, '%Y-%m') AS last_period, "
                           "periods, annual_reports, code_version FROM vintage.releases ORDER BY released").df()
    _say(rows.to_string(index=False) if len(rows) else "no vintage recorded yet")
    return 0


def _rebuild_vintage(paths: DataPaths, vintage_id: str | None, work: str | None) -> int:
    import shutil
    import tempfile

    from sei_stats import vintages

    if not vintage_id:
        _failed("sei-stats vintage rebuild: name the vintage (sei-stats vintage list)")
        return 2
    where = Path(work) if work else Path(tempfile.mkdtemp(prefix="sei-vintage-"))
    try:
        done = vintages.rebuild(paths, vintage_id, where)
    except vintages.VintageError as err:
        _failed(f"sei-stats vintage rebuild: {err}")
        return 2
    finally:
        if not work:
            shutil.rmtree(where, ignore_errors=True)
    for mart, rows in done.rows.items():
        _say(f"mart.{mart:<20} {rows:>7} rows released   {done.differing[mart]:>5} differ")
    if done.code_version != done.current_code:
        _say(f"computed with code {done.code_version}, rebuilt with {done.current_code}: a difference may come from the code")
    _say(f"vintage {vintage_id}: " + ("reproduced exactly" if done.identical else "NOT reproduced")
         + (f" (rebuilt in {done.folder})" if work else ""))
    if not done.identical and RECORD is not None:
        RECORD.fail(f"vintage {vintage_id} NOT reproduced: " + ", ".join(
            f"mart.{mart} {n} rows differ" for mart, n in done.differing.items() if n))
    return 0 if done.identical else 1


def cmd_bench(args: argparse.Namespace) -> int:
    """The benchmark (benchmarks/README.md): the stages, `materialize` and the DuckDB floor on a scaled demo city."""
    from sei_stats import bench

    if args.history:
        from sei_stats import bench_history

        ignored = [flag for flag, given in (("--scale", args.scale), ("--months", args.months), ("--keep", args.keep),
                                            ("--no-materialize", args.no_materialize), ("--dry-run", args.dry_run)) if given]
        if ignored:
            _failed(f"sei-stats bench --history: {', '.join(ignored)} belong to the scaled city's benchmark; "
                    "--history takes --enterprises, --seed, --rounds, --work and --out")
            return 2

        try:
            result = bench_history.run_history(args.history, work=args.work, out=args.out, rounds=args.rounds,
                                               enterprises=args.enterprises or 2000, seed=args.seed, say=_tell)
        except ValueError as err:  # too few years, or a last year with no month yet
            _failed(f"sei-stats bench --history: {err}")
            return 2
        _say(bench_history.format_history(result))
        _say(f"\nresults: {result['path']}")
        return 0
    result = bench.run_bench(args.scale or "city", work=args.work, out=args.out, months=args.months, enterprises=args.enterprises,
                             seed=args.seed, end_to_end=not args.no_materialize, keep=args.keep, dry_run=args.dry_run,
                             say=_tell)
    if result:
        _say(bench.format_table(result))
        _say(f"\nresults: {result['path']}")
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    """The marts of one report period from the analysts' file, as one Excel workbook or Parquet files."""
    from sei_stats.export import ExportError, export
    from sei_stats.open_data import OpenDataError, write_open_data

    try:
        period = parse_period(args.period, "--period")
        if args.open_data:
            opened = write_open_data(data_paths(), period, args.out)
        else:
            done = export(data_paths(), period, "xlsx" if args.xlsx else "parquet", out=args.out)
    except (ExportError, OpenDataError, ValueError) as err:
        raise Refused(f"sei-stats export: {err}") from None
    if args.open_data:
        withheld = ", ".join(f"{t} {n}" for t, n in opened.suppressed.items() if n) or "none"
        _say(f"{period}: open data in {opened.folder} (publish {opened.publish_id}); withheld cells: {withheld}")
        return 0
    _say(f"{period}: {len(done.marts)} marts, {sum(done.marts.values())} rows (publish {done.publish_id})")
    for path in done.files:
        _say(str(path))
    return 0


def cmd_dictionary(args: argparse.Namespace) -> int:
    """The data dictionary of the analysts' file (docs/warehouse.md), printed or written."""
    from sei_stats.dictionary import render

    with _open_warehouse(data_paths()) as con:
        text = render(con)
    if args.write:
        args.write.parent.mkdir(parents=True, exist_ok=True)
        args.write.write_text(text, encoding="utf-8")
        _say(f"wrote {args.write}")
    else:
        sys.stdout.write(text)
    return 0


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("sei-stats")
    except PackageNotFoundError:  # run from a checkout that was never installed
        return "unknown (not installed)"


def _global_options(parser_: argparse.ArgumentParser, *, top: bool) -> None:
    """--data-dir, --quiet and --verbose: on the top parser, and again on each command so they may follow it. A
    command's copy has no default (SUPPRESS), so it never overwrites what was given before the command."""
    unset = {} if top else {"default": argparse.SUPPRESS}
    parser_.add_argument("--data-dir", type=Path, metavar="PATH", **({"default": None} if top else unset),
                         help="the data folder (default: $SEI_DATA_DIR, else the repository's data/); wins over "
                              "SEI_DATA_DIR")
    loud = parser_.add_mutually_exclusive_group()
    loud.add_argument("--quiet", action="store_true", **unset,
                      help="print only errors and the result (no progress, no notes)")
    loud.add_argument("--verbose", action="store_true", **unset,
                      help="debug logging on stderr (and Dagster's own log lines)")


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="sei-stats", description="Statistics of Dalian's strategic emerging industries (战略性新兴产业).")
    top.add_argument("--version", action="version", version=f"sei-stats {_version()}")
    _global_options(top, top=True)
    sub = top.add_subparsers(dest="command", required=True)

    m = sub.add_parser("materialize", help="land report periods and publish the warehouse, through Dagster")
    which = m.add_mutually_exclusive_group()
    which.add_argument("--period", action="append", default=[], metavar="YYYY-MM",
                       help="a report period (repeatable); YYYY-02 is 1–2月, and YYYY-01 is one only when "
                            "calendar.january_reported is true")
    which.add_argument("--all", action="store_true",
                       help="every period with a folder under raw/returns/ and every annual report under raw/annual/")
    m.add_argument("--annual", action="append", default=[], metavar="YYYY",
                   help="the annual report (年报) of a year, raw/annual/YYYY/ (repeatable; with --period or alone), "
                        "landed anew unless its files, the catalog, roster, settings and code are those of its "
                        "current landing")
    m.add_argument("--lenient", action="store_true",
                   help="land in spite of misnamed folders under raw/returns/ or raw/annual/ (with --all; a January folder that is "
                        "no report period is then not read), subfolders or files that are no return in a period's "
                        "folder: each is a warning, not an error")
    m.add_argument("--as-of", default="", metavar="YYYY-MM-DD",
                   help="the release date of this publish's figures (its vintage), for a backfill of past months: "
                        "\"what did we publish in July 2019\" then has an answer (default: now)")
    m.set_defaults(func=cmd_materialize)

    for name, func, text in (("demo-data", cmd_demo_data, "write the simulated demo city into raw/"),
                             ("demo", cmd_demo, "demo-data, materialize --all (months and annual reports), then the headline table")):
        d = sub.add_parser(name, help=text)
        d.add_argument("--seed", type=int, default=20171109)
        d.add_argument("--enterprises", type=int, default=2000)
        d.set_defaults(func=func)

    sub.add_parser("headline", help="print the headline table from the warehouse").set_defaults(func=cmd_headline)

    q = sub.add_parser("query", help="run one SQL query on the analysts' file (read-only) and print the result")
    q.add_argument("sql", help='e.g. "SELECT * FROM mart.indicators_monthly ORDER BY period DESC LIMIT 3"')
    q.add_argument("--csv", action="store_true", help="print CSV (UTF-8) instead of an aligned table")
    q.add_argument("--max-rows", type=int, default=200, help="rows printed as a table (default 200; --csv prints all)")
    q.set_defaults(func=cmd_query)

    vt = sub.add_parser("vintage", help="the vintages: what each publish released (vintage.releases, mart.revisions)")
    vt.add_argument("action", choices=["list", "rebuild"],
                    help="list: every recorded vintage, oldest first; rebuild ID: publish it again from the landings and "
                         "input files it recorded, and compare each headline mart with what it released (exit 1 if any differs)")
    vt.add_argument("vintage_id", nargs="?", help="the vintage to rebuild (its publish id)")
    vt.add_argument("--work", help="rebuild in this folder and keep it (default: a temporary folder, removed)")
    vt.set_defaults(func=cmd_vintage)

    ex = sub.add_parser("export", help="the marts of one report period from the analysts' file: an Excel workbook "
                                       "(Chinese headers) or Parquet files")
    ex.add_argument("--period", required=True, metavar="YYYY-MM",
                    help="the report period; marts by year give its year, mart.target_progress is whole")
    fmt = ex.add_mutually_exclusive_group(required=True)
    fmt.add_argument("--xlsx", action="store_true", help="one workbook sei-marts-YYYY-MM.xlsx, a sheet per mart")
    fmt.add_argument("--parquet", action="store_true", help="one Parquet file per mart, labels in the field metadata")
    fmt.add_argument("--open-data", action="store_true",
                     help="the protected tables for publication (CSV UTF-8 with BOM, Parquet, README): cells that could "
                          "reveal one enterprise are withheld (mart.disclosure); refused unless the audit passes "
                          "(default folder SEI_DATA_DIR/output/open-data/YYYY-MM/)")
    ex.add_argument("--out", type=Path, metavar="DIR", help="where to write (default SEI_DATA_DIR/output/exports/YYYY-MM/)")
    ex.set_defaults(func=cmd_export)

    dc = sub.add_parser("dictionary", help="the data dictionary of the analysts' file (columns, types, Chinese labels, "
                                           "meanings) as Markdown")
    dc.add_argument("--write", type=Path, metavar="PATH", help="write it there (docs/warehouse.md) instead of printing it")
    dc.set_defaults(func=cmd_dictionary)

    br = sub.add_parser("brief", help="write the monthly briefing (统计快报) of a report period, or the annual evaluation "
                                      "of a year, from the published warehouse: Word, HTML and Excel")
    when = br.add_mutually_exclusive_group(required=True)
    when.add_argument("--period", metavar="YYYY-MM", help="the report period (cumulative 1–X月)")
    when.add_argument("--year", metavar="YYYY", help="the year of the annual evaluation (年度评估报告)")
    when.add_argument("--write-template", action="store_true",
                      help="write the default Word template to catalog/templates/brief.docx, for the bureau to edit")
    br.set_defaults(func=cmd_brief)

    sv = sub.add_parser("serve", help="keep a process with the imports done, which the other commands fork from "
                        "(a rerun starts in a fraction of a second instead of about 9); runs until Ctrl-C")
    which = sv.add_mutually_exclusive_group()
    which.add_argument("--stop", action="store_true", help="stop the running server")
    which.add_argument("--status", action="store_true", help="say whether a server is running (exit 1 if not)")
    sv.set_defaults(func=cmd_serve)

    dev = sub.add_parser("dev", help="start the Dagster UI on the same code location and DAGSTER_HOME")
    dev.add_argument("dagster_args", nargs=argparse.REMAINDER, help="passed on to `dagster dev`")
    dev.set_defaults(func=cmd_dev)

    sub.add_parser("rules", help="every validation rule (schemas/rules.yaml)").set_defaults(func=cmd_rules)

    rv = sub.add_parser("review", help="what waits for a reviewer's decision in a period")
    rv.add_argument("--period", required=True, metavar="YYYY-MM")
    rv.add_argument("--csv", action="store_true", help="print the open items as a review-file template")
    rv.add_argument("--xlsx", nargs="?", const=True, default=None, metavar="PATH",
                    help="write the open items as an Excel review workbook (default raw/reviews/YYYY-MM.xlsx)")
    rv.add_argument("--force", action="store_true", help="with --xlsx: overwrite an existing workbook")
    rv.set_defaults(func=cmd_review)

    runs = sub.add_parser("runs", help="the last runs (CLI and UI) with their status and process, or the CLI's run "
                                       "records (--log)")
    runs.add_argument("--last", type=int, default=20, metavar="N", help="how many (default 20)")
    what = runs.add_mutually_exclusive_group()
    what.add_argument("--recover", action="store_true",
                      help="first mark failed the unfinished runs whose process is gone, and free their pool slots")
    what.add_argument("--log", action="store_true",
                      help="the run records of SEI_DATA_DIR/logs/ instead: each CLI command that changed or published "
                           "something, its outcome, periods, landings and error")
    runs.set_defaults(func=cmd_runs)

    sub.add_parser("publish", help="move into place the published files whose new build waits (they were held open "
                                   "by another program at their publish); builds nothing").set_defaults(func=cmd_publish)

    from sei_stats.bench import DEFAULT_WORK, SCALES, SEED

    bn = sub.add_parser("bench", help="time each stage, `materialize` and a plain DuckDB floor on a scaled demo city")
    bn.add_argument("--scale", choices=tuple(SCALES),
                    help="tiny (200 enterprises, 2 months: a smoke test), city (2,000; the default), province (40,000) "
                         "or national (500,000, about 2.5 million lines a month)")
    bn.add_argument("--months", type=int, metavar="N", help="the first N report periods of 2020 (default: the scale's)")
    bn.add_argument("--enterprises", type=int, metavar="N", help="instead of the scale's count")
    bn.add_argument("--seed", type=int, default=SEED)
    bn.add_argument("--work", type=Path, default=DEFAULT_WORK, metavar="DIR",
                    help="where the city and the scenarios' data folders go (the city is kept and reused)")
    bn.add_argument("--out", type=Path, metavar="FILE", help="the results' JSON (default benchmarks/results/<scale>-<time>.json)")
    bn.add_argument("--no-materialize", action="store_true", help="leave out the end-to-end `materialize` runs")
    bn.add_argument("--keep", action="store_true", help="keep the scenarios' data folders (landings, warehouse, outputs)")
    bn.add_argument("--dry-run", action="store_true", help="only check free disk for the scale")
    bn.add_argument("--history", type=int, metavar="YEARS",
                    help="instead: a correction's rerun of the last month with 1 year landed against YEARS years, on "
                         "the demo city from 2017 (years after the published GDP get a simulated one)")
    bn.add_argument("--rounds", type=int, default=3, metavar="N", help="with --history: corrections in each folder")
    bn.set_defaults(func=cmd_bench)

    cat = sub.add_parser("catalog", help="the guidance catalog: coverage report, validation, or history under today's catalog")
    cat.add_argument("action", choices=("report", "validate", "reclassify"))
    cat.set_defaults(func=cmd_catalog)

    # `sei-stats headline --data-dir X` as well as `sei-stats --data-dir X headline`; not after `dev`, whose
    # arguments all go to `dagster dev`
    for name, command in sub.choices.items():
        if name != "dev":
            _global_options(command, top=False)
    return top


def _stop_on_signals() -> None:
    """Ctrl-C and SIGTERM stop the run in progress (DuckDB and Dagster see a KeyboardInterrupt) and start no other."""
    def interrupt(signum, frame):
        stop_requested.set()
        running = sys.modules.get(f"{__package__}.run")  # loaded when a job runs
        if running is not None:
            running.STOP.set()
        raise KeyboardInterrupt
    for name in ("SIGINT", "SIGTERM"):
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), interrupt)


stop_requested = threading.Event()


def _stopped(paths: DataPaths) -> int:
    """After Ctrl-C or SIGTERM: this process's unfinished runs are marked failed and their slots freed."""
    for name in ("SIGINT", "SIGTERM"):  # a second signal must not break the clean-up
        if hasattr(signal, name):
            signal.signal(getattr(signal, name), signal.SIG_IGN)
    from . import run
    from .recovery import recover_dead_runs

    with run.open_instance(paths) as instance:
        for item in recover_dead_runs(instance, also_pid=os.getpid()):
            _say(f"run {item.run_id} ({item.job}) stopped: marked failed, its pool slots freed")
    _say("stopped; the published files are those of the last publish that completed. Run the same command again to finish.")
    return EXIT_STOPPED


# The commands that change or write something, each run of which leaves a run record (pipelines/runlog.py):
# always, or when the arguments ask for a change (`catalog reclassify`, `vintage rebuild`, `review --xlsx`).
RECORDED = {"materialize": None, "demo": None, "demo-data": None, "brief": None, "export": None, "publish": None,
            "catalog": lambda args: args.action == "reclassify", "vintage": lambda args: args.action == "rebuild",
            "review": lambda args: bool(args.xlsx)}


def _start_record(args: argparse.Namespace, argv: list[str]) -> RunRecord | None:
    """The record of this run, written at once (outcome "running"), when the command is one of RECORDED."""
    if args.command not in RECORDED or (RECORDED[args.command] and not RECORDED[args.command](args)):
        return None
    from .runlog import RunRecord

    command = " ".join([args.command, *([args.action] if getattr(args, "action", None) else [])])
    record = RunRecord(paths=data_paths(), argv=["sei-stats", *argv], command=command)
    for name in ("period", "annual", "year"):  # what the command line names; materialize adds what --all finds
        given = getattr(args, name, None)
        record.add_periods(given if isinstance(given, list) else [given] if given else [])
    record.write()
    return record


def _configure_logging(verbose: bool) -> None:
    """--verbose: debug lines of sei_stats and the libraries on stderr, and Dagster's console log of each run."""
    if not verbose:
        return
    logging.basicConfig(level=logging.DEBUG, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from . import run  # its runs keep Dagster's console log at CRITICAL unless asked

    run.QUIET["loggers"]["console"]["config"]["log_level"] = "DEBUG"


def main(argv: list[str] | None = None) -> int:
    global QUIET, RECORD
    if argv is None:  # the command line itself: a running `sei-stats serve` runs it in a child with the imports done
        from .preloader import run_in_server

        code = run_in_server(sys.argv[1:])
        if code is not None:
            return code
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser().parse_args(argv)
    QUIET, RECORD = args.quiet, None
    if args.data_dir is not None:
        # before anything reads it: data_paths(), the Dagster instance (DAGSTER_HOME under it) and the landing
        # processes, which inherit this environment (and are given the folder in their run config too)
        os.environ["SEI_DATA_DIR"] = str(args.data_dir.resolve())
    _configure_logging(args.verbose)
    _stop_on_signals()
    RECORD = _start_record(args, argv)
    code, error, stopped = 1, None, False
    try:
        code = args.func(args)
        running = sys.modules.get(f"{__package__}.run")
        stopped = stop_requested.is_set() or (running is not None and running.STOP.is_set())
        if stopped:
            code = _stopped(data_paths())
        return code
    except Refused as refused:
        for line in refused.lines:
            print(line, file=sys.stderr, flush=True)
        code, error = EXIT_REFUSED, "\n".join(refused.lines)
        return code
    except KeyboardInterrupt:
        stopped = True
        code = _stopped(data_paths())
        return code
    except BrokenPipeError:  # the reader went away (`sei-stats rules | head`): what it read was printed
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush does not fail again
        code = 0
        return code
    except SystemExit as exit_:  # an exit naming what failed ("sei-stats: no warehouse at …"), passed on
        code = exit_.code if isinstance(exit_.code, int) else 0 if exit_.code is None else 1
        error = None if isinstance(exit_.code, int) or exit_.code is None else str(exit_.code)
        raise
    except BaseException as err:  # a crash: recorded, then its traceback as before
        error = f"{type(err).__name__}: {err}"
        raise
    finally:
        if RECORD is not None:
            RECORD.finish(code, stopped=stopped, error=error)
            RECORD.write()


if __name__ == "__main__":
    sys.exit(main())

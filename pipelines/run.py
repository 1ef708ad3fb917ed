"""Running the sei-stats jobs, with typed results: what the CLI (and a test) needs of a run.

Each function runs one Dagster job of the code location (``sei_stats.pipelines.definitions.defs``)
against an instance, so the run shows in the UI, and returns a frozen dataclass. Dagster's events
are read here only, by key, in one small function per result type.

Most jobs run in-process. Many months (and annual reports) land in one run of ``sei_land_months`` with Dagster's
multiprocess executor (``land_many``): one process per month, at most ``runs.landing_max_concurrent`` at once, on a
persistent instance (the executor's processes share it); its events are read as each step ends, so the progress
is told month by month.
"""

from __future__ import annotations

import contextlib
import json
import multiprocessing
import signal
import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field

import dagster as dg
from filelock import FileLock

from sei_stats.calendar import calendar_in_force
from sei_stats.config import DataPaths
from sei_stats.vocabulary import LANDING_BUCKETS

from .assets import DUCKDB_POOL, SKIPPED
from .instance import ensure_dagster_home
from .partitions import monthly_partitions
from .recovery import PoolBusy, run_tags, wait_for_pool

CATALOG_JOB, LAND_JOB, PUBLISH_JOB = "sei_catalog", "sei_land_month", "sei_publish"
LAND_ANNUAL_JOB = "sei_land_annual"
LAND_MANY_JOB = "sei_land_months"  # pipelines/jobs.py: many months and years at once (multiprocess executor)
TAG_BATCH = "sei/batch"  # finds the run of land_many while it runs
LANDING_ASSET, RECLASSIFIED_ASSET = "monthly_returns", "reclassified_history"
KEPT_FLAG_ASSET = "mart/indicators_monthly"  # one of warehouse_marts' assets: its metadata says whether the publish was kept
ANNUAL_ASSET = "annual_returns"

# Progress and failures are the callers' to print; Dagster's own event log stays in the instance (and the UI).
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
# Set when the caller is asked to stop (Ctrl-C, SIGTERM): no further run starts.
STOP = threading.Event()
SUMMARY_CHARS = 300  # a failed check's metadata, shortened to one terminal line
STOPPED = "stopped (Ctrl-C or SIGTERM) before it ended"  # a landing of land_many the stop cut short


@dataclass(frozen=True)
class FailedCheck:
    """An asset check of a run that did not pass; WARN severity is a warning, ERROR a failure."""

    asset: str      # "mart/data_quality"
    check: str      # "nonresponse_rate"
    severity: str   # "ERROR" or "WARN"
    summary: str    # its metadata on one line: "limit (config/quality.yaml) 0.1; months_over {...}"

    @property
    def is_warning(self) -> bool:
        return self.severity == dg.AssetCheckSeverity.WARN.value


@dataclass(frozen=True, kw_only=True)
class RunOutcome:
    """One run: did it succeed, the library's own message when it did not, how long, which checks failed."""

    job: str
    success: bool
    error: str | None = None
    seconds: float = 0.0
    failed_checks: tuple[FailedCheck, ...] = ()
    run_id: str | None = None

    @property
    def failed_error_checks(self) -> tuple[FailedCheck, ...]:
        return tuple(c for c in self.failed_checks if not c.is_warning)


@dataclass(frozen=True, kw_only=True)
class Landing(RunOutcome):
    """One report period landed: lines received and the bucket each ended in (in the order of LANDING_BUCKETS)."""

    period: str
    rows_received: int | None = None                      # None when the landing failed
    buckets: dict[str, int] = field(default_factory=dict)  # {} when the landing failed
    notes: tuple[str, ...] = ()                            # files ignored, problems a lenient landing let pass
    skipped: str | None = None                             # why nothing landed: the month is no report period
    reused: bool = False                                   # inputs unchanged: the current landing was kept


@dataclass(frozen=True, kw_only=True)
class AnnualLanding(Landing):
    """One year's annual report (年报) landed: ``period`` is the year, YYYY."""


@dataclass(frozen=True)
class Reclassified:
    """History classified again under the catalog in force at ``as_of``."""

    months: int
    as_of: str
    catalog_version: str
    lines_classified_differently: int


@dataclass(frozen=True, kw_only=True)
class Publishing(RunOutcome):
    """The warehouse and charts published over every landed month."""

    reclassified: Reclassified | None = None  # None when the run did not reach it
    waiting: tuple[str, ...] = ()  # a warning line per published file held open, whose build waits (sei_stats.pending)
    kept: bool = False  # the inputs were the last publish's: its files stand (sei_stats.publish)


@dataclass(frozen=True)
class MaterializeOutcome:
    """The whole sequence: the catalog, each period landed, each annual report landed, then one publish if any
    landed."""

    catalog: RunOutcome
    landings: tuple[Landing, ...] = ()
    publishing: Publishing | None = None  # None when nothing was landed (or the catalog failed)
    annual: tuple[AnnualLanding, ...] = ()

    @property
    def runs(self) -> tuple[RunOutcome, ...]:
        return (self.catalog, *self.landings, *self.annual, *((self.publishing,) if self.publishing else ()))

    @property
    def failures(self) -> dict[str, str]:
        """What failed -> its message: "guidance catalog", periods, "annual YYYY", "publish", in the order they ran."""
        named = [("guidance catalog", self.catalog), *((landing.period, landing) for landing in self.landings),
                 *((f"annual {landing.period}", landing) for landing in self.annual),
                 *((("publish", self.publishing),) if self.publishing else ())]
        return {what: run.error or "" for what, run in named if not run.success}

    @property
    def failed_checks(self) -> tuple[FailedCheck, ...]:
        return tuple(c for run in self.runs for c in run.failed_checks)

    @property
    def failed_error_checks(self) -> tuple[FailedCheck, ...]:
        return tuple(c for c in self.failed_checks if not c.is_warning)

    @property
    def success(self) -> bool:
        """Every run succeeded and no check of severity ERROR failed."""
        return not self.failures and not self.failed_error_checks


# -- the partitions ------------------------------------------------------------------------------

def partition_range() -> tuple[str, str]:
    """The first and last report period of the Dagster partitions (2017-01 up to the last complete month)."""
    keys = monthly_partitions.get_partition_keys()
    return keys[0], keys[-1]


def unknown_periods(periods: Sequence[str]) -> list[str]:
    """The periods that are no Dagster partition (before the first, or after the last), in the order given."""
    keys = set(monthly_partitions.get_partition_keys())
    return [period for period in periods if period not in keys]


def not_reported(paths: DataPaths, periods: Sequence[str]) -> dict[str, str]:
    """The periods that are no report period of the data folder's calendar (sei_stats.calendar), with why."""
    calendar = calendar_in_force(paths)
    return {period: calendar.not_reported(period) for period in periods if not calendar.is_reported(period)}


# -- the instance ------------------------------------------------------------------------------

@contextlib.contextmanager
def open_instance(paths: DataPaths) -> Iterator[dg.DagsterInstance]:
    """The Dagster instance of `make dev` (DAGSTER_HOME under SEI_DATA_DIR), so CLI runs show in the UI."""
    home = ensure_dagster_home(paths)
    # Two processes opening a new instance at once both create its SQLite tables, and one fails:
    # open it, and have each storage create its tables, one process at a time.
    with FileLock(str(home / ".sei-instance.lock"), timeout=120):
        instance = dg.DagsterInstance.get()
        instance.get_run_records(limit=1)
        instance.all_instigator_state()
        instance.event_log_storage.get_concurrency_keys()
    with instance:
        yield instance


# -- the runs ------------------------------------------------------------------------------------

def check_catalog(instance: dg.DagsterInstance, *, paths: DataPaths | None = None) -> RunOutcome:
    """Validate the guidance catalog (job sei_catalog)."""
    result, seconds = _execute(CATALOG_JOB, instance, paths)
    return RunOutcome(**_outcome_fields(result, seconds))


def land(instance: dg.DagsterInstance, period: str, *, paths: DataPaths | None = None, lenient: bool = False) -> Landing:
    """Land one report period (job sei_land_month, partition ``period``).

    ``lenient``: a subfolder or a file that is no return in the period's folder is a warning
    (in the Landing's notes), not a failure; the landing asset's config ``lenient``.
    """
    # Not lenient is the asset's default: its config is given only when it differs.
    ops = {LANDING_ASSET: {"config": {"lenient": True}}} if lenient else None
    try:
        result, seconds = _execute(LAND_JOB, instance, paths, partition_key=period, ops=ops)
    except PoolBusy as busy:
        return Landing(period=period, job=LAND_JOB, success=False, error=str(busy))
    return Landing(period=period, **_outcome_fields(result, seconds), **_landing_fields(result.all_events))


def land_annual(instance: dg.DagsterInstance, year: str, *, paths: DataPaths | None = None,
                lenient: bool = False) -> AnnualLanding:
    """Land the annual report of ``year`` (job sei_land_annual, the asset annual_returns with config years [year]),
    whether or not its files changed since its last landing. ``lenient`` as for ``land``."""
    ops = {ANNUAL_ASSET: {"config": {"years": [year], "lenient": lenient}}}
    try:
        result, seconds = _execute(LAND_ANNUAL_JOB, instance, paths, ops=ops)
    except PoolBusy as busy:
        return AnnualLanding(period=year, job=LAND_ANNUAL_JOB, success=False, error=str(busy))
    return AnnualLanding(period=year, **_outcome_fields(result, seconds), **_annual_fields(result.all_events, year))


def annual_outside_partitions(years: Sequence[str]) -> list[str]:
    """The years whose December is no Dagster partition (before 2017, or not complete yet), in the order given."""
    keys = set(monthly_partitions.get_partition_keys())
    return [year for year in years if f"{year}-12" not in keys]


def publish(instance: dg.DagsterInstance, *, paths: DataPaths | None = None,
            briefing_periods: Sequence[str] = (), as_of: str = "",
            step_ended: Callable[[str, int], None] | None = None) -> Publishing:
    """Reclassify history, publish the warehouse over every landed month, draw the charts and write the briefing of
    each of ``briefing_periods`` (none: the latest published report period) (job sei_publish). ``step_ended`` hears
    of each step (its key, and the job's number of steps) as it ends, on a persistent instance."""
    ops = {"monthly_briefing": {"config": {"periods": list(briefing_periods)}}} if briefing_periods else {}
    if as_of:  # a backfill of past months: its vintage is released then (sei_stats.vintages)
        ops["warehouse_marts"] = {"config": {"as_of": as_of}}
    try:
        result, seconds = _execute(PUBLISH_JOB, instance, paths, ops=ops or None, step_ended=step_ended)
    except PoolBusy as busy:
        return Publishing(job=PUBLISH_JOB, success=False, error=str(busy))
    marts = _materialization(result.all_events, KEPT_FLAG_ASSET) or {}
    return Publishing(**_outcome_fields(result, seconds), reclassified=_reclassified(result), waiting=waiting_files(paths),
                      kept=bool(marts.get("kept")))


def waiting_files(paths: DataPaths | None = None) -> tuple[str, ...]:
    """A warning line per published file whose new build waits in warehouse/pending/ (it was held open)."""
    from sei_stats import pending
    from sei_stats.config import data_paths

    paths = paths or data_paths()
    return tuple(w.line() for target in (paths.warehouse_detail, paths.warehouse) for w in pending.waiting(target))


def materialize(paths: DataPaths, periods: Sequence[str], *, instance: dg.DagsterInstance | None = None,
                progress: Callable[[RunOutcome], None] | None = None, lenient: bool = False,
                years: Sequence[str] = (), max_concurrent: int | None = None, as_of: str = "",
                publish_step: Callable[[str, int], None] | None = None) -> MaterializeOutcome:
    """The catalog, then each period landed, then the annual report of each of ``years`` (YYYY), then one publish
    if anything landed.

    Nothing is landed under a catalog that fails, nor when a period is no Dagster partition or no report
    period of the calendar (ValueError before any run). ``progress`` is called after each run with its result: the
    catalog's RunOutcome, then a Landing per period, an AnnualLanding per year, then the Publishing. A year whose
    December is no partition is refused likewise. Without ``instance``,
    the runs go to the instance of `make dev` (see ``open_instance``). ``lenient`` is passed to
    each landing (see ``land``); ``publish_step`` to the publish (``step_ended``: each of its steps as it ends).

    The landings run at once, in one run of sei_land_months (``land_many``), when there are two or more, the
    instance is persistent and ``max_concurrent`` (default: the setting runs.landing_max_concurrent) is above 1;
    ``progress`` then hears of each as it ends, in the order they end. Otherwise each is a run of its own, one after
    the other, in the order given. Either way a failed landing stops no other, and the publish follows them all.
    """
    unknown = unknown_periods(periods)
    if unknown:
        first, last = partition_range()
        raise ValueError(f"{', '.join(unknown)}: outside the Dagster partitions, which run from {first} to {last}; "
                         "nothing was landed")
    refused = not_reported(paths, periods)
    if refused:
        raise ValueError("; ".join(f"{period}: {why}" for period, why in refused.items()) + "; nothing was landed")
    beyond = annual_outside_partitions(years)
    if beyond:
        first, last = partition_range()
        raise ValueError(f"annual {', '.join(beyond)}: its December is outside the Dagster partitions, which run from "
                         f"{first} to {last}; nothing was landed")
    concurrent = landing_max_concurrent(paths) if max_concurrent is None else _whole_at_least_1(max_concurrent)
    if instance is None:
        with open_instance(paths) as opened:
            return materialize(paths, periods, instance=opened, progress=progress, lenient=lenient, years=years,
                               max_concurrent=concurrent, as_of=as_of, publish_step=publish_step)
    tell = progress or (lambda step: None)
    catalog = check_catalog(instance, paths=paths)
    tell(catalog)
    if not catalog.success:
        return MaterializeOutcome(catalog=catalog)
    landings: list[Landing] = []
    annual: list[AnnualLanding] = []
    if concurrent > 1 and len(periods) + len(years) > 1 and not instance.is_ephemeral:
        if not STOP.is_set():
            landings, annual = land_many(instance, periods, years, paths=paths, lenient=lenient,
                                         max_concurrent=concurrent, progress=tell)
    else:
        for period in periods:
            if STOP.is_set():
                break
            landings.append(land(instance, period, paths=paths, lenient=lenient))
            tell(landings[-1])
        for year in years:
            if STOP.is_set():
                break
            annual.append(land_annual(instance, year, paths=paths, lenient=lenient))
            tell(annual[-1])
    publishing = None
    if any(landing.success and not landing.skipped for landing in (*landings, *annual)) and not STOP.is_set():
        # the briefing of the latest month this run landed (`sei-stats brief` writes any other)
        landed = sorted(landing.period for landing in landings if landing.success and not landing.skipped)
        publishing = publish(instance, paths=paths, briefing_periods=landed[-1:], as_of=as_of, step_ended=publish_step)
        tell(publishing)
    return MaterializeOutcome(catalog=catalog, landings=tuple(landings), publishing=publishing, annual=tuple(annual))


def _execute(job_name: str, instance: dg.DagsterInstance, paths: DataPaths | None,
             partition_key: str | None = None, ops: dict | None = None,
             step_ended: Callable[[str, int], None] | None = None) -> tuple[dg.ExecuteInProcessResult, float]:
    from .definitions import defs

    job = defs.resolve_job_def(job_name)
    run_config = dict(QUIET)
    if paths is not None:  # else the resource reads SEI_DATA_DIR when the run starts
        run_config["resources"] = {"sei_data": {"config": {"data_dir": str(paths.root)}}}
    if ops:  # the config of assets, by op name: {"monthly_returns": {"config": {"lenient": True}}}
        run_config["ops"] = ops
    started = time.perf_counter()
    if job_name != CATALOG_JOB:  # the jobs that write DuckDB files wait for the pool, but not forever
        wait_for_pool(instance, DUCKDB_POOL, pool_wait_seconds(paths), WAITING)
    # tagged with this process, so a later run can tell this one died if it is killed (pipelines/recovery.py)
    tags, watcher = run_tags(), None
    if step_ended is not None and not instance.is_ephemeral:  # each step as it ends: the CLI's progress bar
        tags[TAG_BATCH], steps = uuid.uuid4().hex, len(job.graph.node_dict)
        watcher = _StepWatcher(instance, tags[TAG_BATCH], lambda step, entries, run_id: step_ended(step, steps), 0.25)
        watcher.start()
    try:
        result = job.execute_in_process(instance=instance, partition_key=partition_key, raise_on_error=False,
                                        run_config=run_config, tags=tags)
    finally:
        if watcher is not None:
            watcher.stop()
    if _interrupted(result.all_events):  # Dagster handles Ctrl-C and SIGTERM inside the run: start no further one
        STOP.set()
    return result, time.perf_counter() - started


def _interrupted(events: Sequence[dg.DagsterEvent]) -> bool:
    """Whether the run failed because it was asked to stop (Ctrl-C, SIGTERM), not for a fault of its own."""
    for event in events:
        if event.is_step_failure and event.step_failure_data:
            error = event.step_failure_data.error
        elif event.is_run_failure and event.job_failure_data:
            error = event.job_failure_data.error
        else:
            error = None
        while error is not None:
            if error.cls_name in ("DagsterExecutionInterruptedError", "KeyboardInterrupt") \
                    or "Query interrupted" in error.message:
                return True
            error = error.cause
    return False


# -- many landings at once: one run of sei_land_months, Dagster's multiprocess executor --------------------------------

def land_many(instance: dg.DagsterInstance, periods: Sequence[str], years: Sequence[str] = (), *,
              paths: DataPaths | None = None, lenient: bool = False, max_concurrent: int = 2,
              progress: Callable[[RunOutcome], None] | None = None,
              poll: float = 0.25) -> tuple[list[Landing], list[AnnualLanding]]:
    """Land ``periods`` and the annual reports of ``years`` in one run of sei_land_months: each in a process of its
    own, at most ``max_concurrent`` at once (Dagster's multiprocess executor), on a persistent instance.

    A month that fails stops no other. ``progress`` hears of each landing as its step ends (in the order they end);
    the result lists them in the order given. A landing whose step never ended (the run was stopped, or failed
    before it) is a failure naming why; when the run was stopped (Ctrl-C, SIGTERM: STOP is set), the landings that
    had not started are left out, as ``materialize`` leaves out the periods after a stop. Writes no DuckDB file, so
    it waits for no pool.
    """
    from .jobs import land_months, mapping_key

    run_config: dict = {
        **QUIET,
        "execution": {"config": {"max_concurrent": _whole_at_least_1(max_concurrent),
                                 "start_method": _start_method(instance, land_months)}},
        "ops": {"landing_plan": {"config": {"periods": list(periods), "years": list(years)}}},
    }
    if lenient:
        run_config["ops"] |= {step: {"config": {"lenient": True}} for step in ("land_month_step", "land_year_step")}
    if paths is not None:  # else the resource reads SEI_DATA_DIR when the run starts
        run_config["resources"] = {"sei_data": {"config": {"data_dir": str(paths.root)}}}
    steps = {f"land_month_step[{mapping_key(p)}]": ("month", p) for p in periods}
    steps |= {f"land_year_step[{mapping_key(y)}]": ("year", y) for y in years}
    batch = uuid.uuid4().hex
    told: set[str] = set()

    def landing_of(step: str, entries: list, run_id: str | None, error: str | None = None):
        kind, what = steps[step]
        events = [entry.dagster_event for entry in entries]
        fields = _step_fields(entries, run_id, STOPPED if error is None and _interrupted(events) else error)
        if kind == "month":
            return Landing(period=what, **fields, **(_landing_fields(events) if fields["success"] else {}))
        return AnnualLanding(period=what, **fields, **(_annual_fields(events, what) if fields["success"] else {}))

    def step_ended(step: str, entries: list, run_id: str) -> None:
        if step in steps and step not in told:
            told.add(step)
            if progress is not None:
                progress(landing_of(step, entries, run_id))

    watcher = _StepWatcher(instance, batch, step_ended, poll)
    watcher.start()
    try:
        with _stop_signals_noted() as stop_signalled:
            result = dg.execute_job(dg.reconstructable(land_months), instance=instance, run_config=run_config,
                                    tags={**run_tags(), TAG_BATCH: batch}, raise_on_error=False)
            signalled = stop_signalled()
    finally:
        watcher.stop()
    entries = [entry for entry in instance.all_logs(result.run_id) if entry.dagster_event is not None]
    events = [entry.dagster_event for entry in entries]
    # Dagster handles Ctrl-C or SIGTERM inside the run (and forgets one that came once every step had ended):
    # start no further run either way
    if signalled or _interrupted(events):
        STOP.set()
    by_step = _entries_by_step(entries)
    not_run = (STOPPED if STOP.is_set()
               else f"the run {result.run_id} ended before this landing did: {failure_message(events)}")
    outcomes = {}
    for step in steps:
        if STOP.is_set() and step not in by_step:
            continue  # as one after the other: what had not started when asked to stop is not said
        ended = any(e.dagster_event.is_step_success or e.dagster_event.is_step_failure for e in by_step.get(step, ()))
        outcomes[step] = landing_of(step, by_step.get(step, []), result.run_id, None if ended else not_run)
        if step not in told:
            told.add(step)
            if progress is not None:
                progress(outcomes[step])
    landings = [o for o in outcomes.values() if not isinstance(o, AnnualLanding)]
    return landings, [o for o in outcomes.values() if isinstance(o, AnnualLanding)]


@contextlib.contextmanager
def _stop_signals_noted() -> Iterator[Callable[[], bool]]:
    """Whether SIGINT or SIGTERM came meanwhile, whichever handler took it: Dagster takes them during a run and
    forgets them when it ends, so the signal numbers are read from a wakeup file descriptor (the main thread only;
    elsewhere no signal reaches Python)."""
    if threading.current_thread() is not threading.main_thread():
        yield lambda: False
        return
    read, write = socket.socketpair()
    for end in (read, write):
        end.setblocking(False)
    previous = signal.set_wakeup_fd(write.fileno(), warn_on_full_buffer=False)
    stops = {int(signal.SIGINT), int(getattr(signal, "SIGTERM", signal.SIGINT))}

    def came() -> bool:
        try:
            return bool(stops & set(read.recv(4096)))
        except BlockingIOError:
            return False
    try:
        yield came
    finally:
        signal.set_wakeup_fd(previous)
        read.close()
        write.close()


def _start_method(instance: dg.DagsterInstance, job) -> dict:
    """How the landing processes start: forked from one server process that imported the code location and the
    instance's storage once, where the platform has a fork server (Linux, macOS): a process then starts in about
    0.2 s, not the 2 – 4 s of importing them; each a fresh interpreter elsewhere (Windows)."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        return {"forkserver": {"preload_modules": _preload(instance, job)}}
    return {"spawn": {}}


def _preload(instance: dg.DagsterInstance, job) -> list[str]:
    """The modules the landing processes import before they fork: the job's, and those of the instance's storage
    and services (each process opens the instance; importing its SQL storage takes about a second)."""
    ref = instance.get_ref()
    services = (getattr(ref, name, None) for name in ("storage_data", "run_storage_data", "event_storage_data",
                                                       "schedule_storage_data", "compute_logs_data",
                                                       "local_artifact_storage_data"))
    return list(dict.fromkeys([job.__module__, *(data.module_name for data in services if data is not None)]))


class _StepWatcher(threading.Thread):
    """Reads the events of the run tagged ``batch`` while it runs, and calls ``step_ended(step key, its event log
    entries, run id)`` when a step succeeds or fails. Its own instance (same storage): the running one is the run's."""

    def __init__(self, instance: dg.DagsterInstance, batch: str, step_ended: Callable[[str, list, str], None],
                 poll: float):
        super().__init__(name="sei-step-watcher", daemon=True)
        self._ref, self._batch, self._step_ended, self._poll = instance.get_ref(), batch, step_ended, poll
        self._done = threading.Event()

    def stop(self) -> None:
        self._done.set()
        self.join()

    def run(self) -> None:
        try:
            with dg.DagsterInstance.from_ref(self._ref) as instance:
                run_id, cursor, by_step = None, None, {}
                while not self._done.wait(self._poll):
                    if run_id is None:
                        ids = instance.get_run_ids(dg.RunsFilter(tags={TAG_BATCH: self._batch}), limit=1)
                        run_id = ids[0] if ids else None
                        if run_id is None:
                            continue
                    connection = instance.get_records_for_run(run_id, cursor=cursor)
                    cursor = connection.cursor
                    for record in connection.records:
                        entry = record.event_log_entry
                        event = entry.dagster_event
                        if event is None or event.step_key is None:
                            continue
                        by_step.setdefault(event.step_key, []).append(entry)
                        if event.is_step_success or event.is_step_failure:
                            self._step_ended(event.step_key, by_step[event.step_key], run_id)
        except Exception:  # progress is a courtesy: the run's result is read again when it ends
            pass


def _entries_by_step(entries: Sequence) -> dict[str, list]:
    by_step: dict[str, list] = {}
    for entry in entries:
        if entry.dagster_event.step_key is not None:
            by_step.setdefault(entry.dagster_event.step_key, []).append(entry)
    return by_step


def _step_fields(entries: Sequence, run_id: str | None, error: str | None = None) -> dict:
    """The RunOutcome fields of one step of a run, from its event log entries: its success, error, seconds (its
    first event to its last: the process started, the landing, its checks) and failed checks."""
    events = [entry.dagster_event for entry in entries]
    success = error is None and any(e.is_step_success for e in events)
    times = [entry.timestamp for entry in entries]
    return {"job": LAND_MANY_JOB, "success": success, "run_id": run_id,
            "error": None if success else (error or failure_message(events)),
            "seconds": (max(times) - min(times)) if times else 0.0, "failed_checks": failed_checks(events)}


def landing_max_concurrent(paths: DataPaths | None = None) -> int:
    """The setting runs.landing_max_concurrent: how many months land at once (1: one after the other)."""
    from sei_stats.settings import SettingsError, load_settings

    settings = load_settings(data=paths)
    value = settings.runs["landing_max_concurrent"]
    try:
        return _whole_at_least_1(value)
    except ValueError:
        raise SettingsError(f"{settings.source('runs', 'landing_max_concurrent')}: runs.landing_max_concurrent: "
                            f"{value!r} is not a whole number of at least 1") from None


def _whole_at_least_1(value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) or value < 1:
        raise ValueError(f"max_concurrent: {value!r} is not a whole number of at least 1")
    return int(value)


def pool_wait_seconds(paths: DataPaths | None = None) -> float:
    from sei_stats.settings import load_settings

    return float(load_settings(data=paths).runs["pool_wait_seconds"])


def _say_waiting(text: str) -> None:
    print(text, flush=True)


# What a run waiting for the pool says (the CLI prints it; tests may replace it).
WAITING: Callable[[str], None] = _say_waiting


# -- reading a run's events: by key, here only ---------------------------------------------------

def _outcome_fields(result: dg.ExecuteInProcessResult, seconds: float) -> dict:
    return {"job": result.job_def.name, "success": result.success,
            "error": None if result.success else failure_message(result.all_events),
            "seconds": seconds, "failed_checks": failed_checks(result.all_events), "run_id": result.run_id}


def failure_message(events: Sequence[dg.DagsterEvent]) -> str:
    """The first step failure among a run's events, as the library raised it (below Dagster's own wrappers)."""
    for event in events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error.cause is not None and "dagster" in error.cls_name.lower():
                error = error.cause
            return error.message.strip()
    return "the run failed (see the Dagster UI for its events)"


def failed_checks(events: Sequence[dg.DagsterEvent]) -> tuple[FailedCheck, ...]:
    """Every asset check among a run's events that did not pass, warnings (WARN severity) included."""
    evaluations = [e.event_specific_data for e in events if e.event_type_value == "ASSET_CHECK_EVALUATION"]
    return tuple(
        FailedCheck(asset=e.asset_key.to_user_string(), check=e.check_name, severity=e.severity.value,
                    summary=_summary(e.metadata))
        for e in evaluations if not e.passed
    )


def _summary(metadata) -> str:
    def text(value) -> str:
        value = getattr(value, "value", value)
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False, default=str)
        return " ".join(str(value).split())  # one line

    line = "; ".join(f"{key} {text(value)}" for key, value in metadata.items())
    return line if len(line) <= SUMMARY_CHARS else line[:SUMMARY_CHARS - 1] + "…"


def _materialization(events: Sequence[dg.DagsterEvent], asset: str):
    """The metadata of ``asset``'s materialization among a run's events, or None when it was not materialized."""
    key = dg.AssetKey.from_user_string(asset)
    for event in events:
        if event.is_step_materialization and event.step_materialization_data.materialization.asset_key == key:
            metadata = event.step_materialization_data.materialization.metadata
            return {name: value.value for name, value in metadata.items()}
    return None


def _landing_fields(events: Sequence[dg.DagsterEvent]) -> dict:
    meta = _materialization(events, LANDING_ASSET)
    if meta is None:
        skipped = _skipped(events)
        return {} if skipped is None else {"skipped": skipped, "notes": (skipped,)}
    return {"rows_received": int(meta["rows_received"]), "buckets": {b: int(meta[f"rows_{b}"]) for b in LANDING_BUCKETS},
            "notes": _notes(meta.get("notes")), "reused": bool(meta.get("reused", False))}


def _annual_fields(events: Sequence[dg.DagsterEvent], year: str) -> dict:
    """The lines and buckets of ``year``'s annual report as the run's annual_returns materialization records them."""
    meta = _materialization(events, ANNUAL_ASSET)
    landing = (meta or {}).get("landings", {}).get(year)
    if landing is None:
        return {}
    return {"rows_received": int(landing["rows_received"]),
            "buckets": {b: int(landing[f"rows_{b}"]) for b in LANDING_BUCKETS},
            "notes": _notes([*(meta.get("notes") or []), *(landing.get("notes") or [])]),
            "reused": bool(landing.get("reused", False))}


def _skipped(events: Sequence[dg.DagsterEvent]) -> str | None:
    """Why the landing asset landed nothing (its observation's "skipped" metadata), or None."""
    key = dg.AssetKey.from_user_string(LANDING_ASSET)
    for event in events:
        if event.event_type_value == "ASSET_OBSERVATION":
            observation = event.event_specific_data.asset_observation
            if observation.asset_key == key and SKIPPED in observation.metadata:
                return str(observation.metadata[SKIPPED].value)
    return None


def _notes(value) -> tuple[str, ...]:
    """The landing's "notes" metadata (a JSON list of strings) as a tuple; () when the landing gave none."""
    if value is None:
        return ()
    if isinstance(value, str):
        return tuple(line for line in value.splitlines() if line.strip())
    return tuple(str(note) for note in value)


def _reclassified(result: dg.ExecuteInProcessResult) -> Reclassified | None:
    meta = _materialization(result.all_events, RECLASSIFIED_ASSET)
    if meta is None:
        return None
    return Reclassified(months=int(meta["months"]), as_of=str(meta["as_of"]), catalog_version=str(meta["catalog_version"]),
                        lines_classified_differently=int(meta["lines_classified_differently"]))

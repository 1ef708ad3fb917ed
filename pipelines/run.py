"""Running the sei-stats jobs in-process, with typed results: what the CLI (and a test) needs of a run.

Each function runs one Dagster job of the code location (``sei_stats.pipelines.definitions.defs``)
against an instance, so the run shows in the UI, and returns a frozen dataclass. Dagster's events
are read here only, by key, in one small function per result type.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
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
LANDING_ASSET, RECLASSIFIED_ASSET = "monthly_returns", "reclassified_history"
ANNUAL_ASSET = "annual_returns"

# Progress and failures are the callers' to print; Dagster's own event log stays in the instance (and the UI).
QUIET = {"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}}
# Set when the caller is asked to stop (Ctrl-C, SIGTERM): no further run starts.
STOP = threading.Event()
SUMMARY_CHARS = 300  # a failed check's metadata, shortened to one terminal line


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
    return Landing(period=period, **_outcome_fields(result, seconds), **_landing_fields(result))


def land_annual(instance: dg.DagsterInstance, year: str, *, paths: DataPaths | None = None,
                lenient: bool = False) -> AnnualLanding:
    """Land the annual report of ``year`` (job sei_land_annual, the asset annual_returns with config years [year]),
    whether or not its files changed since its last landing. ``lenient`` as for ``land``."""
    ops = {ANNUAL_ASSET: {"config": {"years": [year], "lenient": lenient}}}
    try:
        result, seconds = _execute(LAND_ANNUAL_JOB, instance, paths, ops=ops)
    except PoolBusy as busy:
        return AnnualLanding(period=year, job=LAND_ANNUAL_JOB, success=False, error=str(busy))
    return AnnualLanding(period=year, **_outcome_fields(result, seconds), **_annual_fields(result, year))


def annual_outside_partitions(years: Sequence[str]) -> list[str]:
    """The years whose December is no Dagster partition (before 2017, or not complete yet), in the order given."""
    keys = set(monthly_partitions.get_partition_keys())
    return [year for year in years if f"{year}-12" not in keys]


def publish(instance: dg.DagsterInstance, *, paths: DataPaths | None = None) -> Publishing:
    """Reclassify history, publish the warehouse over every landed month, draw the charts (job sei_publish)."""
    try:
        result, seconds = _execute(PUBLISH_JOB, instance, paths)
    except PoolBusy as busy:
        return Publishing(job=PUBLISH_JOB, success=False, error=str(busy))
    return Publishing(**_outcome_fields(result, seconds), reclassified=_reclassified(result))


def materialize(paths: DataPaths, periods: Sequence[str], *, instance: dg.DagsterInstance | None = None,
                progress: Callable[[RunOutcome], None] | None = None, lenient: bool = False,
                years: Sequence[str] = ()) -> MaterializeOutcome:
    """The catalog, then each period landed in the order given, then the annual report of each of ``years``
    (YYYY), then one publish if anything landed.

    Nothing is landed under a catalog that fails, nor when a period is no Dagster partition or no report
    period of the calendar (ValueError before any run). ``progress`` is called after each run with its result: the
    catalog's RunOutcome, then a Landing per period, an AnnualLanding per year, then the Publishing. A year whose
    December is no partition is refused likewise. Without ``instance``,
    the runs go to the instance of `make dev` (see ``open_instance``). ``lenient`` is passed to
    each landing (see ``land``).
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
    if instance is None:
        with open_instance(paths) as opened:
            return materialize(paths, periods, instance=opened, progress=progress, lenient=lenient, years=years)
    tell = progress or (lambda step: None)
    catalog = check_catalog(instance, paths=paths)
    tell(catalog)
    if not catalog.success:
        return MaterializeOutcome(catalog=catalog)
    landings = []
    for period in periods:
        if STOP.is_set():
            break
        landings.append(land(instance, period, paths=paths, lenient=lenient))
        tell(landings[-1])
    annual = []
    for year in years:
        if STOP.is_set():
            break
        annual.append(land_annual(instance, year, paths=paths, lenient=lenient))
        tell(annual[-1])
    publishing = None
    if any(landing.success and not landing.skipped for landing in (*landings, *annual)) and not STOP.is_set():
        publishing = publish(instance, paths=paths)
        tell(publishing)
    return MaterializeOutcome(catalog=catalog, landings=tuple(landings), publishing=publishing, annual=tuple(annual))


def _execute(job_name: str, instance: dg.DagsterInstance, paths: DataPaths | None,
             partition_key: str | None = None, ops: dict | None = None) -> tuple[dg.ExecuteInProcessResult, float]:
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
    result = job.execute_in_process(instance=instance, partition_key=partition_key, raise_on_error=False,
                                    run_config=run_config, tags=run_tags())
    if _interrupted(result):  # Dagster handles Ctrl-C and SIGTERM inside the run: start no further one
        STOP.set()
    return result, time.perf_counter() - started


def _interrupted(result: dg.ExecuteInProcessResult) -> bool:
    """Whether the run failed because it was asked to stop (Ctrl-C, SIGTERM), not for a fault of its own."""
    for event in result.all_events:
        error = event.step_failure_data.error if event.is_step_failure and event.step_failure_data else None
        while error is not None:
            if error.cls_name in ("DagsterExecutionInterruptedError", "KeyboardInterrupt") \
                    or "Query interrupted" in error.message:
                return True
            error = error.cause
    return False


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
            "error": None if result.success else failure_message(result),
            "seconds": seconds, "failed_checks": failed_checks(result), "run_id": result.run_id}


def failure_message(result: dg.ExecuteInProcessResult) -> str:
    """The first step failure of a run, as the library raised it (below Dagster's own wrappers)."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error.cause is not None and "dagster" in error.cls_name.lower():
                error = error.cause
            return error.message.strip()
    return "the run failed (see the Dagster UI for its events)"


def failed_checks(result: dg.ExecuteInProcessResult) -> tuple[FailedCheck, ...]:
    """Every asset check of the run that did not pass, warnings (WARN severity) included."""
    return tuple(
        FailedCheck(asset=e.asset_key.to_user_string(), check=e.check_name, severity=e.severity.value,
                    summary=_summary(e.metadata))
        for e in result.get_asset_check_evaluations() if not e.passed
    )


def _summary(metadata) -> str:
    def text(value) -> str:
        value = getattr(value, "value", value)
        if isinstance(value, (dict, list)):
            return json.dumps(value, ensure_ascii=False, default=str)
        return " ".join(str(value).split())  # one line

    line = "; ".join(f"{key} {text(value)}" for key, value in metadata.items())
    return line if len(line) <= SUMMARY_CHARS else line[:SUMMARY_CHARS - 1] + "…"


def _materialization(result: dg.ExecuteInProcessResult, asset: str):
    """The metadata of ``asset``'s materialization in the run, or None when it was not materialized."""
    key = dg.AssetKey.from_user_string(asset)
    for event in result.get_asset_materialization_events():
        if event.materialization.asset_key == key:
            return {name: value.value for name, value in event.materialization.metadata.items()}
    return None


def _landing_fields(result: dg.ExecuteInProcessResult) -> dict:
    meta = _materialization(result, LANDING_ASSET)
    if meta is None:
        skipped = _skipped(result)
        return {} if skipped is None else {"skipped": skipped, "notes": (skipped,)}
    return {"rows_received": int(meta["rows_received"]), "buckets": {b: int(meta[f"rows_{b}"]) for b in LANDING_BUCKETS},
            "notes": _notes(meta.get("notes"))}


def _annual_fields(result: dg.ExecuteInProcessResult, year: str) -> dict:
    """The lines and buckets of ``year``'s annual report as the run's annual_returns materialization records them."""
    meta = _materialization(result, ANNUAL_ASSET)
    landing = (meta or {}).get("landings", {}).get(year)
    if landing is None:
        return {}
    return {"rows_received": int(landing["rows_received"]),
            "buckets": {b: int(landing[f"rows_{b}"]) for b in LANDING_BUCKETS},
            "notes": _notes([*(meta.get("notes") or []), *(landing.get("notes") or [])])}


def _skipped(result: dg.ExecuteInProcessResult) -> str | None:
    """Why the landing asset landed nothing (its observation's "skipped" metadata), or None."""
    key = dg.AssetKey.from_user_string(LANDING_ASSET)
    for event in result.all_events:
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
    meta = _materialization(result, RECLASSIFIED_ASSET)
    if meta is None:
        return None
    return Reclassified(months=int(meta["months"]), as_of=str(meta["as_of"]), catalog_version=str(meta["catalog_version"]),
                        lines_classified_differently=int(meta["lines_classified_differently"]))

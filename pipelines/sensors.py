"""Notice new or corrected return files: a period whose files are newer than its landing is run again."""


import dagster as dg

from sei_stats.config import DataPaths
from sei_stats.read import available_periods

from .jobs import monthly_job, publish_job
from .partitions import monthly_partitions
from .resources import SeiData


def stale_periods(paths: DataPaths, valid_keys: set) -> dict:
    """Periods whose newest return file is newer than the landed month (or never landed), with that file's mtime."""
    stale = {}
    for period in available_periods(paths.returns):
        if period not in valid_keys:
            continue
        files = [p for p in (paths.returns / period).iterdir() if p.is_file()]
        if not files:
            continue
        newest = max(p.stat().st_mtime_ns for p in files)
        landed = paths.landed_month(period)
        if not landed.exists() or landed.stat().st_mtime_ns < newest:
            stale[period] = newest
    return stale


def stale_reference(paths: DataPaths) -> int | None:
    """The mtime of the newest review, roster, GDP or rate file newer than the published warehouse, else None."""
    files = [*(paths.raw / "reviews").glob("*.csv"), *(paths.raw / "roster").glob("*.csv"), paths.gdp_csv, paths.va_rates_csv]
    newest = max((p.stat().st_mtime_ns for p in files if p.exists()), default=None)
    if newest is None or not paths.warehouse.exists():
        return None
    return newest if newest > paths.warehouse.stat().st_mtime_ns else None


@dg.sensor(jobs=[monthly_job, publish_job], minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Runs a report period when a return file in raw/returns/YYYY-MM/ is new or corrected, "
                       "and republishes when a review, roster, GDP or rate file changes.")
def new_return_files(context: dg.SensorEvaluationContext, sei_data: SeiData):
    paths = sei_data.paths()
    stale = stale_periods(paths, set(monthly_partitions.get_partition_keys()))
    for period, newest in sorted(stale.items()):
        # The run key makes one request per state of the folder, however often the sensor ticks.
        yield dg.RunRequest(job_name=monthly_job.name, partition_key=period, run_key=f"{period}@{newest}")
    reference = None if stale else stale_reference(paths)  # a month's run republishes anyway
    if reference is not None:
        yield dg.RunRequest(job_name=publish_job.name, run_key=f"publish@{reference}")
    if not stale and reference is None:
        yield dg.SkipReason("every period is landed and the warehouse is newer than every review and roster file")

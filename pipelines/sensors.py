"""Notice new or corrected return files: a period whose files are newer than its landing is run again."""


import dagster as dg

from sei_stats.config import DataPaths
from sei_stats.read import available_periods

from .jobs import monthly_job
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


@dg.sensor(job=monthly_job, minimum_interval_seconds=60, default_status=dg.DefaultSensorStatus.RUNNING,
           description="Runs a report period when a return file in raw/returns/YYYY-MM/ is new or corrected.")
def new_return_files(context: dg.SensorEvaluationContext, sei_data: SeiData):
    keys = set(monthly_partitions.get_partition_keys())
    stale = stale_periods(sei_data.paths(), keys)
    if not stale:
        return dg.SkipReason("every period with return files is landed and up to date")
    for period, newest in sorted(stale.items()):
        # The run key makes one request per state of the folder, however often the sensor ticks.
        yield dg.RunRequest(partition_key=period, run_key=f"{period}@{newest}")

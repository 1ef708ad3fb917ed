"""Notice new or corrected return files: a period whose files are newer than its landing is run again, and so are
the annual reports (raw/annual/YYYY/) whose files are newer than their landing."""


import dagster as dg
import duckdb

from sei_stats import inputs
from sei_stats.calendar import calendar_in_force
from sei_stats.config import DataPaths
from sei_stats.land import stale_annual_years
from sei_stats.read import available_periods, scan_period

from .jobs import annual_job, monthly_job, publish_job
from .partitions import annual_in_partitions, monthly_partitions
from .resources import SeiData


def stale_periods(paths: DataPaths, valid_keys: set) -> dict:
    """Report periods whose newest return file is newer than the landed month (or never landed), with that file's
    mtime. A January folder that is no report period (sei_stats.calendar) asks for nothing."""
    stale = {}
    for period in available_periods(paths.returns, calendar_in_force(paths)):
        if period not in valid_keys:
            continue
        files = scan_period(paths.returns / period).files  # office litter (Thumbs.db, ~$x.xlsx) asks for nothing
        if not files:
            continue
        newest = max(p.stat().st_mtime_ns for p in files)
        landed = paths.landed_month(period)
        if not landed.exists() or landed.stat().st_mtime_ns < newest:
            stale[period] = newest
    return stale


def stale_annual(paths: DataPaths) -> dict[str, int]:
    """The years whose annual report files are newer than their annual landing (or never landed), with the newest
    file's mtime; a year whose December is no partition yet asks for nothing."""
    return {year: newest for year, newest in stale_annual_years(paths).items() if annual_in_partitions(year)}


def stale_reference(paths: DataPaths) -> dict[str, str]:
    """The reference inputs whose version differs from the one the published warehouse read, with their version."""
    if not paths.warehouse.exists():
        return {}
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        published = dict(con.execute("SELECT input, version FROM ref.input_versions").fetchall())
    return {name: version for name, version in inputs.versions(paths).items() if published.get(name) != version}


@dg.sensor(jobs=[monthly_job, annual_job, publish_job], minimum_interval_seconds=60,
           default_status=dg.DefaultSensorStatus.RUNNING,
           description="Runs a report period when a return file in raw/returns/YYYY-MM/ is new or corrected, "
                       "lands the annual reports when a file in raw/annual/YYYY/ is, "
                       "and republishes when a reference input (sei_stats.inputs) differs from the version the warehouse read.")
def new_return_files(context: dg.SensorEvaluationContext, sei_data: SeiData):
    paths = sei_data.paths()
    stale = stale_periods(paths, set(monthly_partitions.get_partition_keys()))
    for period, newest in sorted(stale.items()):
        # The run key makes one request per state of the folder, however often the sensor ticks.
        yield dg.RunRequest(job_name=monthly_job.name, partition_key=period, run_key=f"{period}@{newest}")
    annual = stale_annual(paths)
    if annual:  # one run lands every changed year (the asset's default), then republishes
        state = ",".join(f"{year}@{newest}" for year, newest in sorted(annual.items()))
        yield dg.RunRequest(job_name=annual_job.name, run_key=f"annual:{state}")
    changed = {} if stale or annual else stale_reference(paths)  # a month's or a year's run republishes anyway
    if changed:
        state = ",".join(f"{name}={version}" for name, version in sorted(changed.items()))
        yield dg.RunRequest(job_name=publish_job.name, run_key=f"publish@{state}")
    if not stale and not annual and not changed:
        yield dg.SkipReason("every period and annual report is landed and the warehouse read the current version of every reference input")

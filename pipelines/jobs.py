"""Jobs: a month end to end (the schedule and sensor run it), the annual reports end to end (the sensor),
landing and publishing alone (the CLI), and many months and years landed in parallel (the CLI's backfill)."""

import dagster as dg

from sei_stats import period as periods
from sei_stats.calendar import calendar_in_force
from sei_stats.land import land_annual

from . import assets
from .partitions import annual_in_partitions, monthly_partitions
from .resources import SeiData

ALL_MARTS = dg.AssetSelection.groups("warehouse")
PUBLISH = ALL_MARTS | dg.AssetSelection.groups("briefing")

# One report period: land it, then republish the warehouse and charts over every landed month.
monthly_job = dg.define_asset_job(
    "sei_monthly",
    selection=dg.AssetSelection.assets("guidance_catalog", "monthly_returns") | PUBLISH,
    description="Land one report period, then publish the warehouse and the briefing charts.",
    executor_def=dg.in_process_executor,
)

land_job = dg.define_asset_job(
    "sei_land_month",
    selection=dg.AssetSelection.assets("monthly_returns"),
    description="Land one report period only (the CLI lands every month, then publishes once).",
    executor_def=dg.in_process_executor,
)

# The annual reports (年报): land every year whose files changed (or the years of the config), then republish.
annual_job = dg.define_asset_job(
    "sei_annual",
    selection=dg.AssetSelection.assets("guidance_catalog", "annual_returns") | PUBLISH,
    description="Land the annual reports whose files changed since their landing, then publish the warehouse and charts.",
    executor_def=dg.in_process_executor,
)

land_annual_job = dg.define_asset_job(
    "sei_land_annual",
    selection=dg.AssetSelection.assets("annual_returns"),
    description="Land annual reports only (the CLI lands the years asked, then publishes once).",
    executor_def=dg.in_process_executor,
)

publish_job = dg.define_asset_job(
    "sei_publish",
    selection=PUBLISH,
    description="Publish the warehouse over the landed months and draw the briefing charts.",
    executor_def=dg.in_process_executor,
)

catalog_job = dg.define_asset_job(
    "sei_catalog",
    selection=dg.AssetSelection.assets("guidance_catalog"),
    description="Validate the guidance catalog (the CLI runs it before landing any month).",
    executor_def=dg.in_process_executor,
)


# -- many months (and annual reports) landed in parallel: Dagster's multiprocess executor --------------------------
#
# Landing a month (read, normalise, per-line rules, one Parquet file) writes no DuckDB file and needs no other month,
# so the months of a backfill land at once, each in a process of its own (max_concurrent of them, the setting
# runs.landing_max_concurrent). A Dagster run of a partitioned asset has one step, whatever its partitions, so the
# fan-out is a graph of ops: one mapped step per month and per year, each landing through the same function as the
# asset (assets.land_and_check_month) and recording the same materialization and checks, of the asset
# monthly_returns's partition (annual_returns for a year). What needs a year in month order (the frame, imputation,
# cross-period rules) and every DuckDB writer is the publish, a job of its own run after this one, in the pool.
LAND_MONTHS_JOB = "sei_land_months"


class LandingPlanConfig(dg.Config):
    """periods: the report periods (YYYY-MM) to land; years: the annual reports (YYYY). Each landing step's own config
    (assets.LandingConfig) says lenient."""

    periods: list[str] = []
    years: list[str] = []


def mapping_key(period: str) -> str:
    """A period or year as a Dagster mapping key (letters, digits and _): '2020-05' -> '2020_05'."""
    return period.replace("-", "_")


@dg.op(out={"month": dg.DynamicOut(str, is_required=False), "year": dg.DynamicOut(str, is_required=False)},
       description="Fan out: one step per report period and one per annual report of the config.")
def landing_plan(config: LandingPlanConfig):
    keys = set(monthly_partitions.get_partition_keys())
    wanted = [periods.parse(period) for period in config.periods]
    years = [periods.parse_year(year) for year in config.years]
    beyond = [p for p in wanted if p not in keys] + [f"annual {y}" for y in years if not annual_in_partitions(y)]
    if beyond:  # nothing lands: as `sei-stats materialize` refuses them
        raise ValueError(f"{', '.join(beyond)}: outside the Dagster partitions (a year: its December); "
                         "nothing was landed")
    for period in wanted:
        yield dg.DynamicOutput(period, mapping_key=mapping_key(period), output_name="month")
    for year in years:
        yield dg.DynamicOutput(year, mapping_key=mapping_key(year), output_name="year")


def _evaluation(asset: dg.AssetKey, result: dg.AssetCheckResult,
                partition: str | None = None) -> dg.AssetCheckEvaluation:
    """An asset's check result as the event an op records for it."""
    return dg.AssetCheckEvaluation(asset_key=asset, check_name=result.check_name, passed=result.passed,
                                   metadata=result.metadata, severity=result.severity,
                                   description=result.description, partition=partition)


@dg.op(out={}, description="Land one report period as the asset monthly_returns does, and record its materialization "
                           "(partition = the period) and checks.")
def land_month_step(context: dg.OpExecutionContext, config: assets.LandingConfig, sei_data: SeiData, period: str):
    paths = sei_data.paths()
    key = dg.AssetKey("monthly_returns")
    calendar = calendar_in_force(paths)
    if not calendar.is_reported(period):  # as the asset: an observation says why, the checks pass on 0 lines
        note = f"{period}: {calendar.not_reported(period)}; nothing landed"
        context.log.info(note)
        context.log_event(dg.AssetObservation(asset_key=key, partition=period, metadata={assets.SKIPPED: note}))
        for result in assets.skipped_checks(note):
            context.log_event(_evaluation(key, result, period))
        return
    landed, metadata, checks = assets.land_and_check_month(paths, period, lenient=config.lenient)
    context.log.info(f"{landed.period}: {landed.rows_received} lines received, {landed.buckets}")
    context.log_event(dg.AssetMaterialization(asset_key=key, partition=period, metadata=metadata))
    for result in checks:
        context.log_event(_evaluation(key, result, period))


@dg.op(out={}, description="Land the annual report of one year as the asset annual_returns does with config years "
                           "[year], and record its materialization and checks.")
def land_year_step(context: dg.OpExecutionContext, config: assets.LandingConfig, sei_data: SeiData, year: str):
    paths = sei_data.paths()
    key = dg.AssetKey("annual_returns")
    landed = {year: land_annual(paths, year, lenient=config.lenient)}
    context.log.info(f"annual report {year}: {landed[year].rows_received} lines received, {landed[year].buckets}")
    context.log_event(dg.AssetMaterialization(asset_key=key, metadata=assets.annual_metadata(landed, [])))
    for result in assets._annual_checks(paths, landed):
        context.log_event(_evaluation(key, result))


@dg.job(
    name=LAND_MONTHS_JOB,
    description="Land many report periods and annual reports at once, one process per month or year (multiprocess "
                "executor; run config execution.config.max_concurrent). A failed month stops no other. Publishes "
                "nothing: `sei-stats materialize` runs sei_publish after it.",
    executor_def=dg.multiprocess_executor,
    resource_defs={"sei_data": SeiData()},  # reconstructed in each step's process from this module alone
)
def land_months():
    months, years = landing_plan()
    months.map(land_month_step)
    years.map(land_year_step)

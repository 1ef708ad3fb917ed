"""Jobs: a month end to end (the schedule and sensor run it), the annual reports end to end (the sensor), and
landing and publishing alone (the CLI)."""

import dagster as dg

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

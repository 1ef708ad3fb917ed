"""The sei-stats code location: `dagster dev` and the CLI load these definitions."""

import dagster as dg

from . import assets, checks
from .jobs import annual_job, catalog_job, land_annual_job, land_job, land_months, monthly_job, publish_job
from .resources import SeiData
from .schedules import monthly_schedule
from .sensors import new_return_files

defs = dg.Definitions(
    assets=[*assets.REFERENCE_ASSETS, assets.guidance_catalog, assets.monthly_returns, assets.annual_returns,
            assets.reclassified_history, assets.warehouse_marts,
            assets.briefing_charts, assets.monthly_briefing, assets.quality_reports],
    asset_checks=[checks.conservation_identity, checks.value_added_rates_complete, checks.rejected_output_share,
                  checks.held_output_share, checks.nonresponse_rate],
    jobs=[monthly_job, catalog_job, land_job, publish_job, annual_job, land_annual_job, land_months],
    schedules=[monthly_schedule],
    sensors=[new_return_files],
    # SeiData reads SEI_DATA_DIR when a run starts (default: the repo's data/).
    resources={"sei_data": SeiData()},
)

"""Returns for a month arrive in the following weeks: run the month on the 10th of the next month."""

import dagster as dg

from .jobs import monthly_job

monthly_schedule = dg.build_schedule_from_partitioned_job(
    monthly_job,
    name="sei_monthly_on_the_10th",
    day_of_month=10,
    hour_of_day=6,
    description="At 06:00 on the 10th, run the report period of the month before.",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)

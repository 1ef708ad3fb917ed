"""Returns for a month arrive in the following weeks: run the month on the 10th of the next month.

Only report periods run (sei_stats.calendar): unless calendar.january_reported, January is none, so the
February run does nothing (a SkipReason says why); 1–2月 runs on 10 March.
"""

import datetime as dt

import dagster as dg

from sei_stats import period as periods
from sei_stats.calendar import calendar_in_force

from .jobs import monthly_job
from .partitions import monthly_partitions
from .resources import SeiData


def month_before(when: dt.datetime) -> str:
    """The report period a run at ``when`` is for: the month before (2020-03-10 -> '2020-02')."""
    return periods.previous(f"{when.year:04d}-{when.month:02d}")


@dg.schedule(
    name="sei_monthly_on_the_10th",
    job=monthly_job,
    cron_schedule="0 6 10 * *",
    description="At 06:00 on the 10th, run the report period of the month before; nothing when that month is no "
                "report period (January, unless calendar.january_reported).",
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
def monthly_schedule(context: dg.ScheduleEvaluationContext, sei_data: SeiData):
    when = context.scheduled_execution_time or dt.datetime.now(dt.UTC)
    period = month_before(when)
    calendar = calendar_in_force(sei_data.paths())
    if not calendar.is_reported(period):
        return dg.SkipReason(f"{period}: {calendar.not_reported(period)}; nothing to run")
    if not monthly_partitions.has_partition_key(period):
        return dg.SkipReason(f"{period}: no Dagster partition (they start at {monthly_partitions.get_first_partition_key()})")
    return dg.RunRequest(partition_key=period, run_key=period)

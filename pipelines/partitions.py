"""Report periods as Dagster partitions: keys are YYYY-MM, the names of the raw/returns folders. The annual
reports (raw/annual/YYYY) are no partitions: a year is landable when its December is one."""

import dagster as dg

monthly_partitions = dg.MonthlyPartitionsDefinition(start_date="2017-01", fmt="%Y-%m")


def annual_in_partitions(year: str) -> bool:
    """Whether the annual report of ``year`` (YYYY) can be landed: its December is a partition (2017 up to the
    last year whose December is complete)."""
    return f"{year}-12" in set(monthly_partitions.get_partition_keys())

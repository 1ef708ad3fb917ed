"""Report periods as Dagster partitions: keys are YYYY-MM, the names of the raw/returns folders."""

import dagster as dg

monthly_partitions = dg.MonthlyPartitionsDefinition(start_date="2017-01", fmt="%Y-%m")

"""pandera contracts for the reference inputs beside the returns: GDP and value-added rates."""

from __future__ import annotations

import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

gdp_schema = DataFrameSchema(
    {
        "year": Column(int, Check.in_range(1990, 2100)),
        "quarter": Column(int, Check.isin([1, 2, 3, 4])),
        "gdp_ytd": Column(float, Check.gt(0, error="GDP in 亿元 must be positive")),
    },
    unique=["year", "quarter"],
    strict=True,
    coerce=True,
    name="raw/gdp.csv",
)

va_rates_schema = DataFrameSchema(
    {
        "year": Column(int, Check.in_range(1990, 2100)),
        "industry_division": Column(str, Check.str_matches(r"^\d{2}$", error="a 2-digit GB/T 4754 division")),
        "va_rate": Column(float, Check.in_range(0, 1, include_min=False, include_max=True, error="a fraction in (0, 1]")),
    },
    unique=["year", "industry_division"],
    strict=True,
    coerce=True,
    name="raw/va_rates.csv",
)


class ReferenceError(ValueError):
    """A reference input that breaks its contract."""


def check(frame, schema: DataFrameSchema, path) -> object:
    """The validated frame, or a ReferenceError naming the file, line, column and rule."""
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        case = err.failure_cases.iloc[0]
        line = "" if case["index"] is None else f"line {int(case['index']) + 2}: "
        raise ReferenceError(f"{path}: {line}{case['column']} fails {case['check']} (value {case['failure_case']!r}); "
                             f"{len(err.failure_cases)} failure(s) in all") from err

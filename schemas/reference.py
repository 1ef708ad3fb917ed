"""pandera contracts for the reference inputs beside the returns: GDP and value-added rates.

Both files are read as text (sei_stats.inputs) and may carry vintages: the optional columns
``vintage`` (free text: preliminary, final, census_revised, provisional …) and ``released`` (the
day it was released, YYYY-MM-DD). A row without a vintage (the columns absent or empty) belongs to
the file's one unnamed vintage; a named vintage needs its released date, so that the latest one,
the one in force, is always defined (an undated unnamed vintage counts as the earliest).
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from .failures import first_failure

VINTAGE_COLUMNS = ("vintage", "released")
_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")  # ASCII digits only


class ReferenceError(ValueError):
    """A reference input that breaks its contract."""


def released_date(text: str) -> dt.date | None:
    """YYYY-MM-DD as a date; None when it is not that form or no such day exists."""
    if not _DAY.fullmatch(text):
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


_YEAR = Column(int, Check.in_range(1990, 2100))
_VINTAGE = Column(str)
_RELEASED = Column(str, Check(lambda v: v == "" or released_date(v) is not None, element_wise=True,
                              error="a real day YYYY-MM-DD, or empty"))


def _once(columns: list[str], what: str) -> Check:
    return Check(lambda f: ~f.duplicated(columns, keep="first"), error=f"{', '.join(columns)} listed once ({what})")


# A named vintage needs its released date, so that the latest vintage is defined.
_NAMED_IS_DATED = Check(lambda f: (f["vintage"] == "") | (f["released"] != ""),
                        error="a named vintage has its released date")


def _same_day(keys: list[str]) -> Check:
    """Two vintages of the same ``keys`` released on the same day: which one is in force is undefined."""
    def rule(f: pd.DataFrame) -> pd.Series:
        dated = f[f["released"] != ""]
        clash = dated.groupby([*keys, "released"])["vintage"].transform("nunique") > 1
        return ~clash.reindex(f.index, fill_value=False)
    return Check(rule, error=f"no two vintages of one {' and '.join(keys)} released the same day (the latest is in force)")


def _one_release_per_vintage(f: pd.DataFrame) -> pd.Series:
    """Every row of a year's vintage carries the same released date (a vintage is released whole)."""
    return f.groupby(["year", "vintage"])["released"].transform("nunique") == 1


gdp_schema = DataFrameSchema(
    {
        "year": _YEAR,
        "quarter": Column(int, Check.isin([1, 2, 3, 4])),
        "gdp_ytd": Column(float, Check.gt(0, error="GDP in 亿元 must be positive")),
        "vintage": _VINTAGE,
        "released": _RELEASED,
    },
    checks=[_once(["year", "quarter", "vintage"], "one figure per vintage"), _NAMED_IS_DATED,
            _same_day(["year", "quarter"])],
    strict=True,
    coerce=True,
    name="raw/gdp.csv",
)

va_rates_schema = DataFrameSchema(
    {
        "year": _YEAR,
        "industry_division": Column(str, Check.str_matches(r"^\d{2}$", error="a 2-digit GB/T 4754 division")),
        "va_rate": Column(float, Check.in_range(0, 1, include_min=False, include_max=True, error="a fraction in (0, 1]")),
        "vintage": _VINTAGE,
        "released": _RELEASED,
    },
    checks=[_once(["year", "industry_division", "vintage"], "one rate per vintage"), _NAMED_IS_DATED,
            Check(_one_release_per_vintage, error="one released date for all rows of a year and vintage"),
            _same_day(["year"])],
    strict=True,
    coerce=True,
    name="raw/va_rates.csv",
)


def check(frame: pd.DataFrame, schema: DataFrameSchema, path) -> pd.DataFrame:
    """The validated frame, or a ReferenceError naming the file, the first line failing, its field and rule."""
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise ReferenceError(first_failure(err.failure_cases, list(frame.columns), path, _field_failure)) from err


def _field_failure(column: str, value, check: str) -> str:
    return f"{column} fails {check} (value {value!r})"

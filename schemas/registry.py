"""pandera contracts for the registries of the plan's other targets (raw/registry/, read by sei_stats.inputs).

platforms.csv lists the innovation platforms recognised (新建各级创新平台50个); enterprises.csv the
enterprises designated 龙头企业 or 创新型领军企业 (培育龙头企业30家、创新型领军企业100家). Every line
is text as received; a date is YYYY-MM-DD, or YYYY-MM when only the month is known.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from sei_stats.credit_code import problem as credit_code_problem
from sei_stats.vocabulary import AREAS, DESIGNATION_LABELS, PLATFORM_LEVEL_LABELS

from .failures import first_failure

PLATFORM_COLUMNS = ("name", "level", "kind", "area", "field", "host_credit_code", "recognised_date", "source")
ENTERPRISE_COLUMNS = ("credit_code", "enterprise_name", "designation", "area", "field", "recognised_date", "source")
# Optional columns, with the value a file without them means: a designation withdrawn (empty: still held).
ENTERPRISE_OPTIONAL = {"withdrawn_date": ""}
CREDIT_CODE_COLUMNS = ("host_credit_code", "credit_code")
DATE_COLUMNS = ("recognised_date", "withdrawn_date")
_DATE = re.compile(r"([0-9]{4})-([0-9]{2})(?:-([0-9]{2}))?")  # ASCII digits only


class RegistryError(ValueError):
    """A registry file that breaks its contract."""


def parse_date(text: str) -> dt.date | None:
    """YYYY-MM-DD, or YYYY-MM (its first day); None when it is neither or no such day exists."""
    match = _DATE.fullmatch(text)
    if not match:
        return None
    year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


def _labels(labels: dict[str, str]) -> str:
    return ", ".join(f"{code} ({label})" for code, label in labels.items())


def _text(error: str) -> Column:
    return Column(str, Check.str_length(min_value=1, error=error))


_AREA = Column(str, Check.isin(AREAS, error=f"one of the plan's six areas: {', '.join(AREAS)}"))
_CREDIT_CODE = Column(str, Check(lambda v: credit_code_problem(v) is None, element_wise=True,
                                 error="a valid credit code (GB 32100-2015: 18 characters, check character)"))
_RECOGNISED = Column(str, Check(lambda v: parse_date(v) is not None, element_wise=True,
                                error="a date YYYY-MM-DD, or a month YYYY-MM"))


def _once(columns: list[str], what: str) -> Check:
    return Check(lambda f: ~f.duplicated(columns, keep="first"), error=f"{' and '.join(columns)} listed once ({what})")


platforms_schema = DataFrameSchema(
    {
        "name": _text("the platform's name"),
        "level": Column(str, Check.isin(list(PLATFORM_LEVEL_LABELS), error=f"one of {_labels(PLATFORM_LEVEL_LABELS)}")),
        # open: the plan names 工程研究中心, 企业技术中心, 技术创新中心, 国家地方联合创新平台 "等"
        "kind": _text("the kind of platform (e.g. 工程研究中心)"),
        "area": _AREA,
        "field": Column(str),
        "host_credit_code": _CREDIT_CODE,
        "recognised_date": _RECOGNISED,
        "source": _text("the document that recognised it"),
    },
    checks=[_once(["name", "level"], "a platform is recognised once at a level")],
    strict=False,
    name="raw/registry/platforms.csv",
)

enterprises_schema = DataFrameSchema(
    {
        "credit_code": _CREDIT_CODE,
        "enterprise_name": _text("the enterprise's name"),
        "designation": Column(str, Check.isin(list(DESIGNATION_LABELS), error=f"one of {_labels(DESIGNATION_LABELS)}")),
        "area": _AREA,
        "field": Column(str),
        "recognised_date": _RECOGNISED,
        "source": _text("the document that designated it"),
        "withdrawn_date": Column(str, Check(lambda v: v == "" or parse_date(v) is not None, element_wise=True,
                                            error="empty (still held), or a date YYYY-MM-DD or a month YYYY-MM")),
    },
    checks=[_once(["credit_code", "designation"], "an enterprise holds a designation once"),
            # compared as dates only where both parse: a bad date is its column's check to report
            Check(lambda f: pd.Series([not (w and parse_date(w) and parse_date(r)) or parse_date(w) > parse_date(r)
                                       for r, w in zip(f["recognised_date"], f["withdrawn_date"])], index=f.index, dtype=bool),
                  error="withdrawn_date after recognised_date")],
    strict=False,
    name="raw/registry/enterprises.csv",
)


def validate(frame: pd.DataFrame, schema: DataFrameSchema, path) -> pd.DataFrame:
    """The validated frame, or a RegistryError naming the file, the first line failing, its field and rule."""
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as err:
        raise RegistryError(first_failure(err.failure_cases, list(frame.columns), path, _field_failure)) from err


def _field_failure(column: str, value, check: str) -> str:
    """A field's value and rule; a credit code also says why it fails (GB 32100-2015)."""
    why = credit_code_problem(value) if column in CREDIT_CODE_COLUMNS and isinstance(value, str) else None
    return f"{column} {value!r} fails {check}{f': {why}' if why else ''}"

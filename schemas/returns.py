"""pandera contracts for the monthly SEI product returns.

`received_lines_schema` judges lines exactly as received (all text): each check is one rule of
docs/data-contract.md, named as there, so a failure names its rule. `accepted_lines_schema`
is what every accepted line must satisfy once landed (typed); the pipeline re-checks it.
"""

from __future__ import annotations

import re
from decimal import Decimal

import pandas as pd
import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from sei_stats import period as periods
from sei_stats.credit_code import problem as credit_code_problem

TEXT = pd.StringDtype()
REQUIRED_FIELDS = ("period", "credit_code", "enterprise_name", "district_code", "industry_code", "product_name")
NUMBER = re.compile(r"^[+-]?\d+(\.\d{1,3})?$")
PERIOD = re.compile(f"^{periods.PATTERN}$")


def _is_number(text: str) -> bool:
    return bool(NUMBER.match(text))


def _not_negative(text: str) -> bool:
    # Only numbers are judged here; text that is no number fails the *_numeric rule alone.
    return not _is_number(text) or Decimal(text) >= 0


def _required() -> Check:
    return Check(lambda s: s.notna(), name="required", ignore_na=False, error="is empty (required)")


def _money_checks(field: str, *, required: bool) -> list[Check]:
    checks = [
        Check(_is_number, element_wise=True, name=f"{field}_numeric",
              error="is not a number in 千元 (at most 3 decimals)"),
        Check(_not_negative, element_wise=True, name=f"{field}_non_negative", error="is negative"),
    ]
    if required:
        checks.insert(0, Check(lambda s: s.notna(), name=f"{field}_missing", ignore_na=False, error="is empty (required)"))
    return checks


def received_lines_schema(period: str, district_codes: frozenset[str] | set[str]) -> DataFrameSchema:
    """The reject rules for the lines of report period ``period`` (YYYY-MM), as received (text, empty = NA)."""
    districts = frozenset(district_codes)

    def text(*checks: Check, required: bool = False) -> Column:
        return Column(TEXT, checks=[_required(), *checks] if required else list(checks), nullable=True)

    return DataFrameSchema(
        {
            "period": text(
                Check(lambda v: bool(PERIOD.match(v)) and v == period, element_wise=True,
                      name="period_matches_folder", error=f"is not YYYY-MM of the folder, {period}"),
                required=True,
            ),
            "credit_code": text(
                Check(lambda v: credit_code_problem(v) is None, element_wise=True, name="credit_code_check",
                      error="fails GB 32100-2015"),
                required=True,
            ),
            "enterprise_name": text(required=True),
            "district_code": text(
                Check(lambda v: v in districts, element_wise=True, name="district_in_dalian",
                      error="is not one of Dalian's ten district codes (GB/T 2260)"),
                required=True,
            ),
            "industry_code": text(
                Check(lambda v: len(v) == 4 and v.isascii() and v.isdigit(), element_wise=True,
                      name="industry_code_format", error="is not a 4-digit GB/T 4754-2017 class"),
                required=True,
            ),
            "product_code": text(),
            "product_name": text(required=True),
            "output_ytd": Column(TEXT, checks=_money_checks("output_ytd", required=True), nullable=True),
            "output_ytd_prior": Column(TEXT, checks=_money_checks("output_ytd_prior", required=False), nullable=True),
        },
        strict=False,
        name="received_lines",
    )


def accepted_lines_schema(district_codes: frozenset[str] | set[str]) -> DataFrameSchema:
    """What every landed accepted line must satisfy: typed money in 千元, valid codes, a bucket."""
    districts = sorted(district_codes)
    return DataFrameSchema(
        {
            "period": Column("datetime64[us]", Check(lambda s: s.dt.day == 1, name="first_of_month")),
            "credit_code": Column(TEXT, Check(lambda v: credit_code_problem(v) is None, element_wise=True,
                                              name="credit_code_check")),
            "district_code": Column(TEXT, Check.isin(districts, name="district_in_dalian")),
            "industry_code": Column(TEXT, Check.str_matches(r"^\d{4}$", name="industry_code_format")),
            "output_ytd": Column(float, Check.ge(0, name="output_ytd_non_negative")),
            "output_ytd_prior": Column(float, Check.ge(0, name="output_ytd_prior_non_negative"), nullable=True),
            "status": Column(TEXT, Check.eq("accepted")),
            "is_sei": Column(bool),
        },
        strict=False,
        coerce=True,
        name="accepted_lines",
    )


def failures(error: pa.errors.SchemaErrors, schema: DataFrameSchema) -> pd.DataFrame:
    """One row per failed line and rule: row (the frame's index), rule, field, message."""
    cases = error.failure_cases
    cases = cases[cases["index"].notna()]
    rows = []
    for case in cases.itertuples(index=False):
        check = schema.columns[case.column].checks[case.check_number] if case.check_number is not None else None
        rule = check.name if check is not None else str(case.check)
        message = f"{case.column} {check.error if check is not None else case.check}"
        if not pd.isna(case.failure_case):
            message += f": {case.failure_case!r}"
            if rule == "credit_code_check":
                message += f" ({credit_code_problem(str(case.failure_case))})"
        rows.append((int(case.index), rule, case.column, message))
    frame = pd.DataFrame(rows, columns=["row", "rule", "field", "message"])
    return frame.drop_duplicates(["row", "rule", "field"]).sort_values(["row", "field", "rule"], ignore_index=True)

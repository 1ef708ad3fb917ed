"""pandera contracts for the monthly SEI product returns (and the annual report, 年报, which has the same form).

`received_lines_schema` judges lines exactly as received (all text): each check is one rule of
docs/data-contract.md, named as there, so a failure names its rule. Its parameters (the rules'
`params:` in schemas/rules.yaml) come in as an argument: the caller passes the settings in force
(defaults with config/quality.yaml's overrides), since the contracts import nothing but the
shared core. `accepted_lines_schema` is what every accepted line must satisfy once landed
(typed); the pipeline re-checks it.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

import numpy as np
import pandas as pd
import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from sei_stats import period as periods
from sei_stats.credit_code import problem as credit_code_problem, valid_mask as valid_credit_codes
from sei_stats.schemas.rules import load_rules

TEXT = pd.StringDtype()
REQUIRED_FIELDS = ("period", "credit_code", "enterprise_name", "district_code", "industry_code", "product_name")
# ASCII digits only: `\d` would take any Unicode digit (٣٤٥, ३), which no DECIMAL cast reads.
# Full-width digits were folded to ASCII before (sei_stats.normalize); anything else is no number.
NUMBER = re.compile(r"[+-]?[0-9]+(\.[0-9]{1,3})?")
PERIOD = re.compile(f"^{periods.PATTERN}$")
YEAR = re.compile(f"^{periods.YEAR_PATTERN}$")
# The landed money type, DECIMAL(18,3) in 千元, holds at most this: no parameter may admit more.
STORED_MAX_QIANYUAN = Decimal("999999999999999.999")
# A value longer than this is shown cut in a message (a 200,000-character field is no message).
SHOWN_CHARS = 60

RuleParams = Mapping[str, Mapping[str, float]]


def _is_number(text: str) -> bool:
    return NUMBER.fullmatch(text) is not None


def _not_negative(text: str) -> bool:
    # Only numbers are judged here; text that is no number fails the *_numeric rule alone.
    return not _is_number(text) or Decimal(text) >= 0


def _at_most(limit: Decimal):
    # Only numbers are judged here too: text that is no number fails the *_numeric rule alone.
    return lambda text: not _is_number(text) or Decimal(text) <= limit


# An unsigned number of at most 3 decimals: a text every money rule's predicate is sure of without a call
# (``_per_value``), up to how many integer digits (``_digits_below``).
_UNSIGNED = r"[0-9]{{1,{digits}}}(?:\.[0-9]{{1,3}})?"
_MAX_DIGITS = 100  # a pattern's repetition stays small; fewer digits than a limit allows is only narrower


def _digits_below(limit: Decimal) -> int:
    """The most integer digits a number may have and stay at or below ``limit`` whatever they are (0: none)."""
    return min(limit.adjusted(), _MAX_DIGITS) if limit >= 1 else 0  # 10**adjusted <= limit


def _unsigned_below(limit: Decimal) -> str | None:
    """The pattern of unsigned numbers (at most 3 decimals) certainly at or below ``limit``: under 10**digits."""
    digits = _digits_below(limit)
    return _UNSIGNED.format(digits=digits) if digits else None


def _credit_codes_valid(roster: frozenset[str] = frozenset()):
    """GB 32100-2015's check character judged over a whole column at once (credit_code.valid_mask: the national
    month's 500,000 distinct codes one call each took 2.6 s); a code of ``roster`` passes too."""
    def credit_codes_valid(column: pd.Series) -> pd.Series:  # (named so that pandera takes it for no built-in check)
        valid = valid_credit_codes(column)
        if roster and not valid.all():  # only the failing codes looked up (isin over every line: 2.1 s)
            valid[~valid] = column[~valid].isin(roster).to_numpy(dtype=bool)
        return pd.Series(valid, index=column.index)
    return credit_codes_valid


def _per_value(predicate, *, passing: str | None = None):
    """An element-wise check's ``predicate`` run over a whole column at once, with the same outcome for every value:
    a value matching the pattern ``passing`` (one the predicate passes, always) passes without a call, every other
    value is judged by ``predicate``, each distinct value once (most repeat: codes, the period). Missing values never
    come here (pandera leaves them out: ignore_na)."""
    def judged_per_value(column: pd.Series) -> pd.Series:  # (named so that pandera takes it for no built-in check)
        result = np.ones(len(column), dtype=bool)
        todo = np.ones(len(column), dtype=bool)
        if passing is not None:
            todo = ~column.str.fullmatch(passing).to_numpy(dtype=bool, na_value=False)
        if todo.any():
            codes, distinct = pd.factorize(column[todo], use_na_sentinel=False)
            result[todo] = np.array([bool(predicate(value)) for value in distinct], dtype=bool)[codes]
        return pd.Series(result, index=column.index)
    return judged_per_value


def _plain(number: float | Decimal) -> str:
    """A parameter as people write it: 1000000000000, 0.5 (never 1e+12)."""
    return format(Decimal(str(number)).normalize(), "f")


def default_params() -> dict[str, dict[str, float]]:
    """Each rule's parameters as schemas/rules.yaml declares them (without local overrides)."""
    return {r.name: dict(r.params) for r in load_rules().itertuples() if r.params}


def _required() -> Check:
    return Check(lambda s: s.notna(), name="required", ignore_na=False, error="is empty (required)")


def _too_long(max_chars: int) -> Check:
    return Check(lambda s: s.str.len() <= max_chars, name="field_too_long",
                 error=f"is longer than {max_chars} characters")


def _money_checks(field: str, *, required: bool, max_value: Decimal, max_chars: int) -> list[Check]:
    unsigned = _UNSIGNED.format(digits=_MAX_DIGITS)  # a number (NUMBER), never below zero
    checks = [
        Check(_per_value(_is_number, passing=unsigned), name=f"{field}_numeric",
              error="is not a number in 千元 (at most 3 decimals)"),
        Check(_per_value(_not_negative, passing=unsigned), name=f"{field}_non_negative", error="is negative"),
        Check(_per_value(_at_most(max_value), passing=_unsigned_below(max_value)), name=f"{field}_in_range",
              error=f"is beyond the range stored, above {_plain(max_value)} 千元"),
        _too_long(max_chars),
    ]
    if required:
        checks.insert(0, Check(lambda s: s.notna(), name=f"{field}_missing", ignore_na=False, error="is empty (required)"))
    return checks


def received_lines_schema(period: str, district_codes: frozenset[str] | set[str],
                          params: RuleParams | None = None) -> DataFrameSchema:
    """The line-level rules for the lines of report period ``period`` (YYYY-MM), as received (text, empty = NA).

    ``period`` a year YYYY: the lines of that year's annual report (raw/annual/YYYY/), whose rule
    period_matches_folder accepts exactly that year; every other rule is a month's.
    ``params``: each rule's parameters in force (rule -> name -> value), as
    ``sei_stats.settings.load_settings().rule_params`` gives them; by default those of schemas/rules.yaml.
    """
    districts = frozenset(district_codes)
    params = default_params() if params is None else params

    def param(rule: str, name: str) -> float:
        return params[rule][name]

    max_chars = int(param("field_too_long", "max_field_chars"))
    max_output = min(Decimal(str(param("output_ytd_in_range", "max_value_qianyuan"))), STORED_MAX_QIANYUAN)
    max_prior = min(Decimal(str(param("output_ytd_prior_in_range", "max_prior_value_qianyuan"))), STORED_MAX_QIANYUAN)
    max_line = Decimal(str(param("output_ytd_implausible", "max_line_output_qianyuan")))

    def text(*checks: Check, required: bool = False) -> Column:
        checks = [_required(), *checks] if required else list(checks)
        return Column(TEXT, checks=[*checks, _too_long(max_chars)], nullable=True)

    output_checks = _money_checks("output_ytd", required=True, max_value=max_output, max_chars=max_chars)
    # Not refused but held: a line this large is a suspected unit error (元 entered as 千元) even for a
    # new unit with no prior to compare with; a reviewer decides. Values beyond the range are refused
    # by output_ytd_in_range alone.
    # Each element-wise rule runs as _per_value: the same predicate, over each distinct value once.
    if periods.is_year(period):  # the annual report of a year (年报)
        period_check = Check(_per_value(lambda v: bool(YEAR.match(v)) and v == period),
                             name="period_matches_folder", error=f"is not YYYY of the annual report's folder, {period}")
    else:
        period_check = Check(_per_value(lambda v: bool(PERIOD.match(v)) and v == period),
                             name="period_matches_folder", error=f"is not YYYY-MM of the folder, {period}")

    output_checks.append(Check(_per_value(lambda v: not _is_number(v) or not (max_line < Decimal(v) <= max_output),
                                          passing=_unsigned_below(max_line)),
                               name="output_ytd_implausible",
                               # held for a reviewer: in Chinese, as the review queue's other findings
                               error=f"（本年累计）超过单行合理上限{_plain(max_line)}千元，疑似将元误填为千元，暂缓待审"))

    return DataFrameSchema(
        {
            "period": text(period_check, required=True),
            "credit_code": text(
                Check(_credit_codes_valid(), name="credit_code_check",
                      error="fails GB 32100-2015"),
                required=True,
            ),
            "enterprise_name": text(required=True),
            "district_code": text(
                Check(_per_value(lambda v: v in districts), name="district_in_dalian",
                      error="is not one of Dalian's ten district codes (GB/T 2260)"),
                required=True,
            ),
            "industry_code": text(
                Check(_per_value(lambda v: len(v) == 4 and v.isascii() and v.isdigit()),
                      name="industry_code_format", error="is not a 4-digit GB/T 4754-2017 class"),
                required=True,
            ),
            "product_code": text(),
            "product_name": text(required=True),
            "output_ytd": Column(TEXT, checks=output_checks, nullable=True),
            "output_ytd_prior": Column(TEXT, checks=_money_checks("output_ytd_prior", required=False, max_value=max_prior,
                                                                  max_chars=max_chars), nullable=True),
        },
        strict=False,
        name="received_lines",
    )


def accepted_lines_schema(district_codes: frozenset[str] | set[str],
                          roster_codes: frozenset[str] | set[str] = frozenset()) -> DataFrameSchema:
    """What every landed accepted line must satisfy: typed money in 千元, valid codes, a bucket.

    A credit code failing GB 32100-2015 is accepted only for an enterprise of the year's roster
    (``roster_codes``): exactly the lines landing accepts under rule credit_code_check_roster.
    Output is never NULL on an accepted line (a value no DECIMAL holds would be).
    """
    districts = sorted(district_codes)
    roster = frozenset(roster_codes)
    return DataFrameSchema(
        {
            "period": Column("datetime64[us]", Check(lambda s: s.dt.day == 1, name="first_of_month")),
            "credit_code": Column(TEXT, Check(_credit_codes_valid(roster), name="credit_code_check")),
            "district_code": Column(TEXT, Check.isin(districts, name="district_in_dalian")),
            "industry_code": Column(TEXT, Check.str_matches(r"^[0-9]{4}$", name="industry_code_format")),
            "output_ytd": Column(float, Check.ge(0, name="output_ytd_non_negative"), nullable=False),
            "output_ytd_prior": Column(float, Check.ge(0, name="output_ytd_prior_non_negative"), nullable=True),
            "status": Column(TEXT, Check.eq("accepted")),
            "is_sei": Column(bool),
        },
        strict=False,
        coerce=True,
        name="accepted_lines",
    )


def _shown(value) -> str:
    """A value as received, for a message: its repr, cut with its length when it is long."""
    text = str(value)
    if len(text) <= SHOWN_CHARS:
        return repr(value)
    return f"{text[:SHOWN_CHARS]!r}… ({len(text)} characters)"


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
            message += f": {_shown(case.failure_case)}"
            if rule == "credit_code_check":
                message += f" ({credit_code_problem(str(case.failure_case))})"
        rows.append((int(case.index), rule, case.column, message))
    frame = pd.DataFrame(rows, columns=["row", "rule", "field", "message"])
    return frame.drop_duplicates(["row", "rule", "field"]).sort_values(["row", "field", "rule"], ignore_index=True)

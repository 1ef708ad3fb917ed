"""pandera contract for a statistician's review decisions: raw/reviews/YYYY-MM.csv, and YYYY.csv on the annual
report of a year (read by sei_stats.inputs)."""

from __future__ import annotations

import pandas as pd
from pandera.pandas import Check, Column, DataFrameSchema

from sei_stats.vocabulary import DECISIONS

from .rules import load_rules

REVIEW_COLUMNS = ("credit_code", "product", "rule", "decision", "field", "corrected_value", "reviewer", "note")
# Optional columns, with the value a file without them means.
OPTIONAL_COLUMNS = {"field": "output_ytd"}
CORRECTABLE_FIELDS = ("output_ytd", "output_ytd_prior")
# Rules whose findings are on a whole unit: their review rows leave product empty.
UNIT_RULES = ("imputed_too_long",)


class ReviewError(ValueError):
    """A review file that breaks its contract."""


def reviews_schema() -> DataFrameSchema:
    rules = load_rules()
    reviewable = rules[rules["severity"].isin(["hold", "warn"])]
    allowed = {r.name: set(r.decisions) for r in reviewable.itertuples()}
    return DataFrameSchema(
        {
            "credit_code": Column(str, Check.str_length(18, 18, error="an 18-character credit code")),
            "product": Column(str),
            "rule": Column(str, Check.isin(sorted(allowed), error="a hold or warn rule of schemas/rules.yaml")),
            "decision": Column(str, Check.isin(DECISIONS, error="accept, reject or correct")),
            "field": Column(str, Check.isin(CORRECTABLE_FIELDS, error="output_ytd or output_ytd_prior")),
            # ASCII digits only, and no more than a landed value may hold (1e12 千元)
            "corrected_value": Column(str, Check.str_matches(r"^([0-9]{1,12}(\.[0-9]{1,3})?|1000000000000(\.0{1,3})?)?$",
                                                             error="empty, or 千元 from 0 to 1e12 with at most 3 decimals")),
            "reviewer": Column(str, Check.str_length(min_value=1, error="who decided")),
            "note": Column(str),
        },
        checks=[Check(lambda f: (f["decision"] == "correct") == (f["corrected_value"] != ""),
                      error="corrected_value is given exactly when the decision is correct"),
                Check(lambda f: (f["product"] == "") == f["rule"].isin(UNIT_RULES),
                      error=f"product is empty exactly for a decision on a whole unit ({', '.join(UNIT_RULES)}): "
                            "else the line's product code, or its name when it has none"),
                # an unknown rule or decision is the column checks' to report
                Check(lambda f: pd.Series([r not in allowed or d not in DECISIONS or d in allowed[r]
                                           for r, d in zip(f["rule"], f["decision"])], index=f.index, dtype=bool),
                      error="a decision the rule allows (schemas/rules.yaml: decisions)")],
        strict=False,
        name="raw/reviews",
    )

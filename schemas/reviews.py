"""pandera contract for a statistician's review decisions: raw/reviews/YYYY-MM.csv (read by sei_stats.inputs)."""

from __future__ import annotations

from pandera.pandas import Check, Column, DataFrameSchema

from sei_stats.vocabulary import DECISIONS

from .rules import load_rules

REVIEW_COLUMNS = ("credit_code", "product", "rule", "decision", "corrected_value", "reviewer", "note")


class ReviewError(ValueError):
    """A review file that breaks its contract."""


def reviews_schema() -> DataFrameSchema:
    rules = load_rules()
    reviewable = sorted(rules.loc[rules["severity"].isin(["hold", "warn"]), "name"])
    return DataFrameSchema(
        {
            "credit_code": Column(str, Check.str_length(18, 18, error="an 18-character credit code")),
            "product": Column(str, Check.str_length(min_value=1, error="the line's product code, or its name when it has none")),
            "rule": Column(str, Check.isin(reviewable, error="a hold or warn rule of schemas/rules.yaml")),
            "decision": Column(str, Check.isin(DECISIONS, error="accept, reject or correct")),
            # ASCII digits only, and no more than a landed value may hold (1e12 千元)
            "corrected_value": Column(str, Check.str_matches(r"^([0-9]{1,12}(\.[0-9]{1,3})?|1000000000000(\.0{1,3})?)?$",
                                                             error="empty, or 千元 from 0 to 1e12 with at most 3 decimals")),
            "reviewer": Column(str, Check.str_length(min_value=1, error="who decided")),
            "note": Column(str),
        },
        checks=[Check(lambda f: (f["decision"] == "correct") == (f["corrected_value"] != ""),
                      error="corrected_value is given exactly when the decision is correct")],
        strict=False,
        name="raw/reviews",
    )

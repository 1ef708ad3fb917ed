"""pandera contract for a statistician's review decisions: raw/reviews/YYYY-MM.csv."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
from pandera.pandas import Check, Column, DataFrameSchema

from .rules import load_rules

REVIEW_COLUMNS = ("credit_code", "product", "rule", "decision", "corrected_value", "reviewer", "note")
DECISIONS = ("accept", "reject", "correct")


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
            "corrected_value": Column(str, Check.str_matches(r"^(\d+(\.\d{1,3})?)?$", error="empty, or 千元 ≥ 0 with at most 3 decimals")),
            "reviewer": Column(str, Check.str_length(min_value=1, error="who decided")),
            "note": Column(str),
        },
        checks=[Check(lambda f: (f["decision"] == "correct") == (f["corrected_value"] != ""),
                      error="corrected_value is given exactly when the decision is correct")],
        strict=False,
        name="raw/reviews",
    )


def read_reviews(reviews_dir: Path) -> pd.DataFrame:
    """Every decision of raw/reviews/YYYY-MM.csv, validated, with period (DATE) and review_file."""
    frames = []
    for path in sorted(Path(reviews_dir).glob("*.csv")) if Path(reviews_dir).is_dir() else []:
        if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])\.csv", path.name):
            raise ReviewError(f"{path}: a review file is named after its report period, YYYY-MM.csv")
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
        missing = [c for c in REVIEW_COLUMNS if c not in frame.columns]
        if missing:
            raise ReviewError(f"{path}: line 1: missing columns {', '.join(missing)}")
        frame = frame[list(REVIEW_COLUMNS)].apply(lambda s: s.str.strip())
        try:
            reviews_schema().validate(frame, lazy=True)
        except pa.errors.SchemaErrors as err:
            case = err.failure_cases.iloc[0]
            where = f"line {int(case['index']) + 2}: " if pd.notna(case["index"]) else ""
            raise ReviewError(f"{path}: {where}{case['column'] or 'row'} fails {case['check']} ({case['failure_case']!r})") from err
        frame["period"] = pd.Timestamp(path.stem + "-01")
        frame["review_file"] = f"reviews/{path.name}"
        frames.append(frame)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in (*REVIEW_COLUMNS, "review_file")}
                            | {"period": pd.Series(dtype="datetime64[us]")})
    return pd.concat(frames, ignore_index=True)

"""The message of a pandera failure in a reference file: the first failure in file order, with its line."""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd


def first_failure(cases: pd.DataFrame, columns: list[str], path, field: Callable[[str, object, str], str]) -> str:
    """'<path>: line N: …; K failure(s) in all' for the first failure (line, then column) of ``cases`` (pandera's
    failure_cases): a rule across fields names the fields it speaks of with their values; a field's failure is
    ``field(column, value, check)``."""
    cases = cases.assign(order=cases["column"].map(lambda c: columns.index(c) if c in columns else len(columns)))
    case = cases.sort_values(["index", "order"], na_position="last", kind="stable").iloc[0]
    where = f"line {int(case['index']) + 2}: " if pd.notna(case["index"]) else ""
    total = f"; {len(cases.drop_duplicates(['index', 'check']))} failure(s) in all"
    if case["schema_context"] == "DataFrameSchema" and pd.notna(case["index"]):
        row = cases[(cases["index"] == case["index"]) & (cases["check"] == case["check"])]
        fields = ", ".join(f"{c} {v!r}" for c, v in zip(row["column"], row["failure_case"])
                           if re.search(rf"\b{c}\b", case["check"]))
        return f"{path}: {where}fails {case['check']} ({fields}){total}"
    return f"{path}: {where}{field(case['column'], case['failure_case'], case['check'])}{total}"

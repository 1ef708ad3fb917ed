"""Judge received lines against the rules of schemas/rules.yaml and put every line in exactly one bucket.

Line-level rules run here, at landing: what is no return at all, the pandera reject rules, the
roster's exception for early credit codes, corrections and duplicates. Rules that compare a line
with other months run in SQL over the whole landed history (src/sei_stats/sql/), so they never
go stale when an earlier month is landed again.
"""

from __future__ import annotations

import re

import pandas as pd
import pandera.pandas as pa

from sei_stats.credit_code import problem as credit_code_problem
from sei_stats.schemas.returns import failures as schema_failures
from sei_stats.schemas.returns import received_lines_schema
from sei_stats.schemas.rules import load_rules, severity

from .read import COLUMNS, FIELDS
from .settings import load_settings
from .vocabulary import ACCEPTED, DUPLICATE, HELD, NOT_A_RETURN, REJECTED, SUPERSEDED

FAILURE_COLUMNS = ("row", "rule", "field", "severity", "message")
TOTAL_WORDS = re.compile(r"^(合\s*计|小\s*计|总\s*计|共\s*计|total|subtotal|sum)\b", re.IGNORECASE)
_HEADER_WORDS = {k.lower() for k in COLUMNS} | {v for v in COLUMNS.values()} | {v.removesuffix("(千元)") for v in COLUMNS.values()}


def _failures(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(FAILURE_COLUMNS))
    return frame.astype({"row": "int64"} | {c: "string" for c in FAILURE_COLUMNS[1:]})


def _per_distinct(column: pd.Series, operation) -> pd.Series:
    """``operation`` (on a Series of text, value by value) done once per distinct value of ``column``, spread back
    to every line: the same result, for a column whose values repeat (a period, codes, names of several lines)."""
    codes, distinct = column.factorize(use_na_sentinel=False)
    result = operation(pd.Series(distinct)).take(codes)
    result.index = column.index
    return result


def find_non_returns(lines: pd.DataFrame) -> pd.DataFrame:
    """Rows that are no return: 合计/小计 total rows and repeated header rows."""
    text = lines[list(FIELDS)].fillna("").astype(str).apply(lambda s: s.str.strip())
    header_word = text.apply(lambda column: _per_distinct(
        column, lambda s: s.str.replace("（", "(").str.replace("）", ")").str.lower().isin(_HEADER_WORDS)))
    header = header_word.sum(axis=1) >= 6
    worded = pd.concat([_per_distinct(text[f], lambda s: s.str.match(TOTAL_WORDS))
                        for f in ("credit_code", "enterprise_name", "period", "product_name")], axis=1).any(axis=1)
    total = worded & (text["credit_code"].str.len() != 18) & ~header
    rows = [(i, "repeated_header", "", NOT_A_RETURN, "the header row repeated below the header") for i in lines.index[header]]
    rows += [(i, "total_row", "", NOT_A_RETURN, f"a total row ({text.at[i, 'enterprise_name'] or text.at[i, 'credit_code']}), not a return")
             for i in lines.index[total]]
    return _failures(sorted(rows))


def _registry_severity(rule: str) -> str:
    """The registry's severity of a rule; a check the registry does not know refuses its line."""
    return severity(rule) if rule in set(load_rules()["name"]) else "reject"


def find_failures(lines: pd.DataFrame, period: str, district_codes: set[str],
                  roster_codes: frozenset[str] | set[str] = frozenset(),
                  rule_params: dict[str, dict[str, float]] | None = None) -> pd.DataFrame:
    """Every failed line-level rule: row (index into ``lines``), rule, field, severity, message.

    ``period``: the report period YYYY-MM of the lines, or a year YYYY for the lines of its annual report
    (schemas/returns.py: period_matches_folder then accepts exactly that year).

    Each finding has its rule's severity in schemas/rules.yaml (reject, or hold for a line that waits
    for a reviewer); ``rule_params`` are the rules' parameters in force (default: the settings,
    rules.yaml's defaults with config/quality.yaml's overrides).
    """
    params = load_settings().rule_params if rule_params is None else rule_params
    schema = received_lines_schema(period, frozenset(district_codes), params)
    text = lines[list(FIELDS)].replace("", pd.NA)
    try:
        schema.validate(text, lazy=True)
        found = _failures([])
    except pa.errors.SchemaErrors as error:
        found = schema_failures(error, schema)
        found.insert(3, "severity", found["rule"].map(_registry_severity))
        found = found.astype({"severity": "string"})
    # An early pilot code that fails its check character but belongs to a roster enterprise is a warning.
    pilot = found["rule"] == "credit_code_check"
    if pilot.any():  # isin costs the size of its values: only the failing codes are looked up in the roster
        codes = found["row"].map(lines["credit_code"])
        pilot &= codes.isin(frozenset(roster_codes).intersection(codes[pilot].dropna()))
        found.loc[pilot, "rule"] = "credit_code_check_roster"
        found.loc[pilot, "severity"] = severity("credit_code_check_roster")
        found.loc[pilot, "message"] = codes[pilot].map(  # a finding for the reviewers' queue: in Chinese
            lambda code: f"统一社会信用代码{code}未通过GB 32100-2015校验（{credit_code_problem(code, chinese=True)}），"
                         "该单位在调查名录内")
    return found.reset_index(drop=True)


def find_duplicates(lines: pd.DataFrame, candidates: pd.Series) -> pd.DataFrame:
    """Among ``candidates`` (valid, not superseded): exact repeats (all but the first) and conflicting lines."""
    pool = lines[candidates].fillna({f: "" for f in FIELDS})
    exact = pool.duplicated(list(FIELDS), keep="first")
    rows = [(i, "exact_duplicate", "", DUPLICATE, "an exact repeat of an earlier line of the period") for i in pool.index[exact]]
    distinct = pool[~exact]
    key = distinct["product_code"].where(distinct["product_code"] != "", "name:" + distinct["product_name"])
    grouped = distinct.assign(key=key).groupby(["credit_code", "key"])
    conflicting = grouped["output_ytd"].transform("size") > 1
    for i in distinct.index[conflicting]:
        rows.append((i, "conflicting_duplicate", "output_ytd", severity("conflicting_duplicate"),
                     f"{distinct.at[i, 'credit_code']}的产品{key[i].removeprefix('name:')}在本期报表中有多行且数值不同"))
    return _failures(rows)


def assign_buckets(lines: pd.DataFrame, failures: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Lines with status (one of vocabulary.BUCKETS) and superseded_by, and the duplicate findings among them.

    Non-returns come first, then rejects, holds (a line whose only findings besides warnings are
    holds waits for a reviewer; a rejected line stays rejected), corrections, and duplicates among
    what is left (accepted and held lines).
    An enterprise whose credit code appears on a valid line of a later file (``file_order``) has
    all its lines in earlier files superseded, rejected ones included: the latest file holding a
    valid line of the enterprise is its return for the period.
    """
    out = lines.copy()
    by_severity = failures.groupby("severity")["row"].apply(set).to_dict()
    not_a_return = out.index.isin(list(by_severity.get(NOT_A_RETURN, set())))
    rejected = out.index.isin(list(by_severity.get("reject", set())))
    held = out.index.isin(list(by_severity.get("hold", set()))) & ~rejected & ~not_a_return
    valid = ~not_a_return & ~rejected
    code = out["credit_code"].replace("", pd.NA)
    latest = out[valid & code.notna()].groupby("credit_code")["file_order"].max()
    correcting = code.map(latest).where(~not_a_return)
    superseded = correcting.notna() & (out["file_order"] < correcting)

    status = pd.Series(ACCEPTED, index=out.index, dtype="string")
    status[rejected] = REJECTED
    status[held] = HELD
    status[superseded] = SUPERSEDED
    status[not_a_return] = NOT_A_RETURN
    source_by_order = out.drop_duplicates("file_order").set_index("file_order")["source_file"]
    out["superseded_by"] = correcting.where(superseded).map(source_by_order).astype("string")

    duplicates = find_duplicates(out, status.isin([ACCEPTED, HELD]))
    status[duplicates.loc[duplicates["severity"] == DUPLICATE, "row"].to_numpy()] = DUPLICATE
    status[duplicates.loc[duplicates["severity"] == "hold", "row"].to_numpy()] = HELD
    out["status"] = status
    return out, duplicates


def judge_period(lines: pd.DataFrame, period: str, district_codes: set[str],
                 roster_codes: frozenset[str] | set[str] = frozenset(),
                 rule_params: dict[str, dict[str, float]] | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every line of a period in its bucket, and every finding (rule, field, severity, message) by row."""
    non_returns = find_non_returns(lines)
    returns = lines.drop(index=non_returns["row"])
    findings = pd.concat([non_returns, find_failures(returns, period, district_codes, roster_codes, rule_params)],
                         ignore_index=True)
    judged, duplicates = assign_buckets(lines, findings)
    findings = pd.concat([findings, duplicates], ignore_index=True).sort_values(["row", "field", "rule"], ignore_index=True)
    return judged, findings

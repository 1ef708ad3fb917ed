"""The step over the survey frame, between the views of sql/: classification by the frame, imputation.

The frame (fact.frame) and the final lines (fact.lines, fact.scope_lines) are views over the landed
months; this step reads them, year by year in month order, and fills the tables the figures are
built on (sql/fact_scope.sql): the lines classified again by their unit's frame industry
(fact.frame_classes), the imputed lines of live units without a usable figure (fact.imputed_lines),
the frame rules' findings (fact.frame_findings) and every unit's state each month (qa.frame).
"""

from __future__ import annotations

import duckdb
import pandas as pd

from .classify import CLASS_COLUMNS, classify
from .impute import impute


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def _classified_by_frame(lines: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """``lines`` (period, product_code, industry_code = the frame's) with the CLASS_COLUMNS of their match."""
    if lines.empty:
        return lines.assign(**{c: pd.Series(dtype=object) for c in CLASS_COLUMNS})
    parts = [classify(group, catalog, period.strftime("%Y-%m"))
             for period, group in lines.groupby(pd.to_datetime(lines["period"]))]
    return pd.concat(parts).loc[lines.index]


def _insert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> None:
    if frame.empty:
        return
    con.register("frame_to_insert", frame)
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame_to_insert")
    con.unregister("frame_to_insert")


def fill(con: duckdb.DuckDBPyConnection, catalog: pd.DataFrame, min_respondents: int, max_consecutive_months: int,
         *, suffix: str = "") -> None:
    """Fill fact.frame_classes, fact.imputed_lines, fact.frame_findings and qa.frame (schemas + ``suffix``)."""
    fact, qa = f"fact{suffix}", f"qa{suffix}"
    lines = _frame(con, f"""
        SELECT period, source_file, line_number, credit_code, enterprise_name, product_code, product_name, product_key,
               CAST(output_ytd AS DOUBLE) AS output_ytd, CAST(prior AS DOUBLE) AS prior, district_code, industry_code,
               industry_code_reported, catalog_version
        FROM {fact}.scope_lines""")
    frame = _frame(con, f"""
        SELECT period, credit_code, enterprise_name, district_code, industry_code, area, frame_source, live,
               out_of_scope_reason
        FROM {fact}.frame""")
    returned = _frame(con, f"""
        SELECT period, credit_code, coalesce(product_code, product_name) AS product_key, status
        FROM {fact}.lines
        WHERE status IN ('accepted', 'held', 'rejected', 'out_of_scope') AND credit_code IS NOT NULL""")

    moved = lines[lines["industry_code"] != lines["industry_code_reported"]]
    classes = _classified_by_frame(moved[["period", "source_file", "line_number", "product_code", "industry_code"]],
                                   catalog)
    _insert(con, f"{fact}.frame_classes", classes.drop(columns=["product_code", "industry_code"]))

    result = impute(lines, frame, returned, min_respondents, max_consecutive_months)
    imputed = result.lines
    if len(imputed):
        imputed = _classified_by_frame(imputed, catalog)
    _insert(con, f"{fact}.imputed_lines", imputed)
    _insert(con, f"{fact}.frame_findings", result.findings)

    frame["period"] = pd.to_datetime(frame["period"])
    sent = set(zip(pd.to_datetime(returned["period"]), returned["credit_code"]))
    states = frame.merge(result.status.drop(columns=["responded"]), on=["period", "credit_code"], how="left")
    states["responded"] = [(p, c) in sent for p, c in zip(states["period"], states["credit_code"])]
    states["usable"] = states["usable"].fillna(False).astype(bool)
    states["imputed"] = states["imputed"].fillna(False).astype(bool)
    states["lines_imputed"] = states["lines_imputed"].fillna(0).astype("int64")
    states["months_imputed_running"] = states["months_imputed_running"].fillna(0).astype("int64")
    states["why"] = states["why"].where(states["live"], states["out_of_scope_reason"])
    _insert(con, f"{qa}.frame", states.drop(columns=["out_of_scope_reason"]))

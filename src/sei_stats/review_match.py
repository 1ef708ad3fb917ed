"""Every reviewer's decision must decide a finding: a decision that matches none is an error, never ignored.

The warehouse joins decisions to findings by report, period, credit code, product and rule
(sql/fact_review.sql, fact_scope.sql, fact_annual.sql); a decision that joins nothing would change
nothing and say nothing. That is how a code Excel mangled goes unseen — a product code whose leading
zero it stripped, a credit code it rounded as 9.1E+17 — so each such decision is reported with its
file, its line and the field that matches nothing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from .schemas.reviews import ReviewError

# How many unmatched decisions an error lists (the rest are counted).
SHOWN = 5

# The findings a decision may decide, as the warehouse joins them (as landed: the current-catalog variant
# judges the same lines by the same rules). Frame findings are decided for the whole year (fact.frame_flags).
FINDINGS_SQL = """
SELECT 'monthly' AS report, period, credit_code, product, rule FROM fact.flags
UNION ALL
SELECT 'annual', l.period, l.credit_code, coalesce(l.product_code, l.product_name), f.failure.rule
FROM (SELECT * FROM fact.annual_received_lines WHERE len(failures) > 0 AND status IN ('accepted', 'held')) AS l,
     LATERAL (SELECT unnest(l.failures) AS failure) AS f
WHERE f.failure.severity IN ('hold', 'warn')
UNION ALL
SELECT 'frame', period, credit_code, product, rule FROM fact.frame_findings WHERE outcome = 'fail'
"""


def check_decisions(con: duckdb.DuckDBPyConnection, raw: Path) -> None:
    """Refuse (ReviewError) when a decision of ref.reviews matches no finding; ``raw`` is the folder the
    review files' names (reviews/…) are under."""
    reviews = con.execute("SELECT credit_code, product, rule, decision, period, report, review_file, line_number "
                          "FROM ref.reviews ORDER BY review_file, line_number").df()
    if reviews.empty:
        return
    findings = con.execute(FINDINGS_SQL).df()
    problems = unmatched(reviews, findings, raw)
    if problems:
        more = f"\n(and {len(problems) - SHOWN} more)" if len(problems) > SHOWN else ""
        raise ReviewError("\n".join(problems[:SHOWN]) + more)


def _year(value) -> int:
    return pd.Timestamp(value).year


def unmatched(reviews: pd.DataFrame, findings: pd.DataFrame, raw: Path) -> list[str]:
    """One message per decision of ``reviews`` that decides none of ``findings`` (both with report, period,
    credit_code, product, rule; findings' report 'frame' for the frame rules, decided for the whole year)."""
    findings = findings.assign(period=pd.to_datetime(findings["period"]), product=findings["product"].fillna(""))
    lines = findings[findings["report"] != "frame"]
    frame = findings[findings["report"] == "frame"]
    line_keys = set(zip(lines["report"], lines["period"], lines["credit_code"], lines["product"], lines["rule"]))
    frame_keys = set(zip(frame["period"].dt.year, frame["credit_code"], frame["product"], frame["rule"]))
    problems = []
    for r in reviews.itertuples(index=False):
        period = pd.Timestamp(r.period)
        product = r.product or ""
        if (r.report, period, r.credit_code, product, r.rule) in line_keys:
            continue
        if r.report == "monthly" and (period.year, r.credit_code, product, r.rule) in frame_keys:
            continue
        # the findings the decision could have meant: its report's, in its period (a frame rule's: in its year)
        near = lines[(lines["report"] == r.report) & (lines["period"] == period)]
        if r.report == "monthly":
            near = pd.concat([near, frame[frame["period"].dt.year == period.year]])
        field, why = _field(near, r.credit_code, product, r.rule)
        where = raw / r.review_file
        problems.append(f"{where}: line {int(r.line_number)}: {field} {getattr(r, field)!r}: the decision "
                        f"({r.decision} on {r.rule} for {r.credit_code}, product {product!r}) matches no finding of "
                        f"{period:%Y-%m}{' (annual report)' if r.report == 'annual' else ''}: {why}")
    return problems


def _field(near: pd.DataFrame, credit_code: str, product: str, rule: str) -> tuple[str, str]:
    """The field of a decision that matches nothing, and what the findings hold instead."""
    if near.empty:
        return "credit_code", ("there is no finding in that period (is its report landed? is the file named after "
                               "the right period?)")
    unit = near[near["credit_code"] == credit_code]
    if unit.empty:
        return "credit_code", ("no finding names that credit code; copy it from the queue as text "
                               "(Excel shows an 18-digit code as 9.1E+17 and loses its last digits)")
    on_product = unit[unit["product"] == product]
    if on_product.empty:
        products = sorted(set(unit["product"]))
        stripped = [p for p in products if p.lstrip("0") == product.lstrip("0") and p != product]
        if stripped:
            return "product", (f"the finding's product is {stripped[0]!r}: Excel stripped its leading zero; "
                               "format the column as text (@) and enter the code as the queue gives it")
        return "product", f"that credit code's findings are on product {', '.join(map(repr, products))}"
    rules = sorted(set(on_product["rule"]))
    return "rule", f"the findings on that line are {', '.join(rules)}"

"""The headline table of a briefing: output, growth and GDP share by year against the plans' targets."""

from __future__ import annotations

import duckdb
import pandas as pd

from .calendar import from_warehouse
from .terminal import render_table

# The figure of record a year's figures come from (mart.indicators_annual.basis).
BASIS_ZH = {"annual_report": "年报", "december_quick": "1–12月快报"}
STATUS_ZH = {"met": "已实现", "on track": "按进度", "behind": "落后", "missed": "未实现", "cannot judge": "无法判断"}


def _pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


def _yi(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:,.1f}"


def headline_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Complete years: industrial output (亿元) and, apart, services revenue, each with its comparable growth;
    average growth since the baseline; value added of both and the GDP share.

    Each year's average growth is measured since the baseline of its plan (mart.indicators_annual.plan_id);
    when the years span several baselines, each figure names its own.
    """
    annual = con.execute("SELECT a.*, p.baseline_year FROM mart.indicators_annual AS a "
                         "LEFT JOIN ref.plan AS p USING (plan_id) ORDER BY year").df()
    baselines = sorted({int(b) for b in annual["baseline_year"].dropna()})
    if len(baselines) <= 1:
        average = f"年均增长(以{baselines[0]}年为基期)" if baselines else "年均增长"
        averages = annual["avg_growth_since_baseline"].map(_pct)
    else:
        average = "年均增长(以所属规划基期)"
        averages = [_pct(v) if pd.isna(b) or pd.isna(v) else f"{_pct(v)} (以{int(b)}年为基期)"
                    for v, b in zip(annual["avg_growth_since_baseline"], annual["baseline_year"])]
    return pd.DataFrame({
        "年份": annual["year"].astype(str),
        "工业总产值(亿元)": annual["output_value"].map(_yi),
        "同比增长": annual["output_growth"].map(_pct),
        average: averages,
        "营业收入(亿元)": annual["services_revenue"].map(_yi),
        "营业收入增长": annual["services_revenue_growth"].map(_pct),
        "增加值(亿元)": annual["value_added"].map(_yi),
        "GDP(亿元)": annual["gdp"].map(_yi),
        "增加值占GDP比重": annual["gdp_share"].map(_pct),
        "工业单位数": annual["n_enterprises"].astype("Int64"),  # counts: right-aligned like every number
        "服务业单位数": annual["n_services_enterprises"].astype("Int64"),
        "数据": annual["basis"].map(BASIS_ZH).fillna("—"),
    })


def _note(row: pd.Series) -> str:
    """Why the status says what it says: the reason it cannot be judged, a final judgement, or one so far."""
    if isinstance(row["reason"], str) and row["reason"]:
        return row["reason"]
    if row["final"]:
        return f"按{row['target_year']}年数据最终判断"
    if pd.isna(row["as_of"]):
        return "—"
    return f"截至{row['as_of'].year}年,目标年份未到"


def target_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every plan's targets: target, the figure judged (the target year's once complete), projection and status."""
    calendar = from_warehouse(con)  # the labels of the report periods the warehouse was published under
    progress = con.execute("SELECT t.*, p.title AS plan_title FROM mart.target_progress AS t "
                           "LEFT JOIN ref.plan AS p USING (plan_id) "
                           "ORDER BY t.target_year, t.plan_id, t.indicator DESC").df()

    def fmt(row: pd.Series, column: str) -> str:
        if row["unit"] == "亿元":
            return _yi(row[column]) + " 亿元"
        if row["unit"] in ("个", "家"):  # a count of the registries, whole
            return "—" if pd.isna(row[column]) else f"{row[column]:,.0f} {row['unit']}"
        return _pct(row[column])

    table = pd.DataFrame({
        "目标": progress["label"],
        "目标值": [fmt(r, "target_value") for _, r in progress.iterrows()],
        "目标年份": progress["target_year"].astype(str),
        "实际值": [fmt(r, "actual_value") for _, r in progress.iterrows()],
        # the figure of record read: the year's annual report (年报) where landed, else December's 1–12月
        "截至": [("—" if pd.isna(d) else f"{d.year}年年报" if b == "annual_report" else calendar.label(f"{d.year}-12"))
               for d, b in zip(progress["as_of"], progress["basis"])],
        "预计值": [fmt(r, "projected_value") for _, r in progress.iterrows()],
        "状态": progress["status"].map(lambda s: f"{STATUS_ZH.get(s, s)} ({s})"),
        "说明": [_note(r) for _, r in progress.iterrows()],
        "口径": progress["note"].map(lambda n: n.split(" (")[0] if isinstance(n, str) else "—"),
    })
    if progress["plan_id"].nunique() > 1:
        table.insert(0, "规划", progress["plan_title"].fillna(progress["plan_id"]))
    return table


def headline_sections(con: duckdb.DuckDBPyConnection, *, simulated: bool) -> list[tuple[str, pd.DataFrame]]:
    """The headline's two tables, each with its title: the figures by year, then the plans' targets."""
    stamp = "  [模拟数据 simulated data]" if simulated else ""
    documents = [d for d, in con.execute("SELECT document FROM ref.plan ORDER BY target_year, plan_id").fetchall()]
    return [(f"大连市战略性新兴产业主要指标{stamp}", headline_table(con)),
            (f"规划目标进展 ({'; '.join(documents)})" if documents else "规划目标进展", target_table(con))]


def format_headline(con: duckdb.DuckDBPyConnection, *, simulated: bool, width: int | None = None) -> str:
    """The headline as text: two tables aligned by display width, each at most ``width`` columns (None: one line
    per row)."""
    return "\n\n".join(f"{title}\n{render_table(table, width=width)}"
                       for title, table in headline_sections(con, simulated=simulated))

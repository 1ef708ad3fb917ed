"""The headline table of a briefing: output, growth and GDP share by year against the plan's targets."""

from __future__ import annotations

import duckdb
import pandas as pd

STATUS_ZH = {"met": "已实现", "on track": "按进度", "behind": "落后", "missed": "未实现", "no data": "无数据"}


def _pct(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value * 100:.1f}%"


def _yi(value: float | None) -> str:
    return "—" if value is None or pd.isna(value) else f"{value:,.1f}"


def headline_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Complete years: output (亿元), comparable growth, average growth since the baseline, GDP share."""
    annual = con.execute("SELECT * FROM mart.indicators_annual ORDER BY year").df()
    baseline = con.execute("SELECT baseline_year FROM ref.plan").fetchone()[0]
    return pd.DataFrame({
        "年份": annual["year"].astype(str),
        "产值(亿元)": annual["output_value"].map(_yi),
        "同比增长": annual["output_growth"].map(_pct),
        f"年均增长(以{baseline}年为基期)": annual["avg_growth_since_baseline"].map(_pct),
        "增加值(亿元)": annual["value_added"].map(_yi),
        "GDP(亿元)": annual["gdp"].map(_yi),
        "增加值占GDP比重": annual["gdp_share"].map(_pct),
        "单位数": annual["n_enterprises"].astype(str),
    })


def target_table(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """The three targets: target, actual in the last complete year, projection and status."""
    progress = con.execute("SELECT * FROM mart.target_progress ORDER BY indicator DESC").df()

    def fmt(row: pd.Series, column: str) -> str:
        return _yi(row[column]) + " 亿元" if row["unit"] == "亿元" else _pct(row[column])

    return pd.DataFrame({
        "目标": progress["label"],
        "目标值": [fmt(r, "target_value") for _, r in progress.iterrows()],
        "目标年份": progress["target_year"].astype(str),
        "实际值": [fmt(r, "actual_value") for _, r in progress.iterrows()],
        "截至": progress["as_of"].map(lambda d: "—" if pd.isna(d) else f"{d.year}年1–12月"),
        "预计值": [fmt(r, "projected_value") for _, r in progress.iterrows()],
        "状态": progress["status"].map(lambda s: f"{STATUS_ZH.get(s, s)} ({s})"),
    })


def format_headline(con: duckdb.DuckDBPyConnection, *, simulated: bool) -> str:
    """The headline as text for the terminal."""
    stamp = "  [模拟数据 simulated data]" if simulated else ""
    parts = [
        f"大连市战略性新兴产业主要指标{stamp}",
        headline_table(con).to_markdown(index=False),
        "",
        "规划目标进展 (大政办发〔2017〕133号)",
        target_table(con).to_markdown(index=False),
    ]
    return "\n".join(parts)

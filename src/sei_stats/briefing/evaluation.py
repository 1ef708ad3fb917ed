"""The annual evaluation report (年度评估报告) of a year, read from the marts like the monthly briefing.

The year's figures are its figure of record (mart.indicators_annual: the annual report, 年报, where landed, else
December's 1–12月); the breakdowns by area, key field, district and zone are December's cumulative 1–12月 (the
breakdown marts are monthly), and the report says so. Each target is judged by mart.target_progress.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import pandas as pd

from .. import period as periods
from ..headline import BASIS_ZH
from .content import (ISSUER, SOURCE, Offices, _areas, _key_fields, _movers, _numbered, _Numbers, _one, _places,
                      _rows, _target_table, change_word)
from .document import Briefing, Figure, Section, Table, format_value, percent

TITLE = "大连市战略性新兴产业发展年度评估报告"


def _headline(year: int, row: pd.Series) -> str:
    sentence = f"{year}年，全市战略性新兴产业工业总产值{format_value(row['output_value'], 'yi')}亿元"
    if pd.notna(row["output_growth"]):
        sentence += f"，同比{change_word(row['output_growth'])}"
    if pd.notna(row["avg_growth_since_baseline"]):
        sentence += f"，以{int(row['baseline_year'])}年为基期年均{change_word(row['avg_growth_since_baseline'])}"
    if pd.notna(row["gdp_share"]):
        sentence += f"；增加值{format_value(row['value_added'], 'yi')}亿元，占地区生产总值的比重为{percent(row['gdp_share'])}%"
    return sentence + "。"


def _trend(con: duckdb.DuckDBPyConnection, year: int, baseline: int | None, numbers: _Numbers) -> Table:
    first = baseline if baseline is not None else year
    years = _rows(con, "SELECT * FROM mart.indicators_annual WHERE year BETWEEN ? AND ? ORDER BY year", first, year)
    frame = pd.DataFrame({
        "年份": years["year"].astype(str),
        "工业总产值（亿元）": years["output_value"],
        "同比增长": years["output_growth"],
        "年均增长（以基期计）": years["avg_growth_since_baseline"],
        "营业收入（亿元）": years["services_revenue"],
        "增加值（亿元）": years["value_added"],
        "占GDP比重": years["gdp_share"],
        "数据": years["basis"].map(BASIS_ZH).fillna("—"),
    })
    formats = {"年份": "text", "工业总产值（亿元）": "yi", "同比增长": "pct", "年均增长（以基期计）": "pct",
               "营业收入（亿元）": "yi", "增加值（亿元）": "yi", "占GDP比重": "pct", "数据": "text"}
    since = f"{first}年以来" if baseline is not None else f"{year}年"
    return Table(numbers.next_table(), f"{since}战略性新兴产业主要指标", frame, formats,
                 ("各年数据为年报（未报年报时为1–12月快报）；营业收入与工业总产值口径不同，不相加。",), "历年指标")


def _trend_text(years: pd.DataFrame, year: int) -> tuple[str, ...]:
    """One sentence: output at the first year of the table and now, with the average growth since the baseline."""
    if len(years) < 2:
        return ()
    first, last = years.iloc[0], years.iloc[-1]
    text = f"{first['年份']}年至{year}年，全市战略性新兴产业工业总产值由{format_value(first['工业总产值（亿元）'], 'yi')}亿元增至" \
           f"{format_value(last['工业总产值（亿元）'], 'yi')}亿元"
    if pd.notna(last["年均增长（以基期计）"]):
        text += f"，年均{change_word(last['年均增长（以基期计）'])}"
    return (text + "。",)


def _quality(con: duckdb.DuckDBPyConnection, year: int) -> str:
    months = _rows(con, "SELECT * FROM mart.data_quality WHERE year(period) = ? ORDER BY period", year)
    if months.empty:
        return "数据质量：本年无数据质量记录。"
    december = months.iloc[-1]
    rejected = months["rows_rejected"].sum() / months["rows_received"].sum() if months["rows_received"].sum() else None
    return (f"数据质量：本年{len(months)}期月报，回报率在{format_value(months['response_rate'].min(), 'pct')}至"
            f"{format_value(months['response_rate'].max(), 'pct')}之间；1–12月推算产值占"
            f"{format_value(december['imputed_share'], 'pct')}；全年拒收记录占{format_value(rejected, 'pct')}。")


def annual_evaluation(con: duckdb.DuckDBPyConnection, year: int, *, catalog_dir: Path, charts=(),
                      simulated: bool) -> Briefing:
    """The evaluation of ``year``; LookupError when the year is not complete in the warehouse."""
    row = _one(con, "SELECT a.*, p.baseline_year FROM mart.indicators_annual AS a LEFT JOIN ref.plan AS p USING (plan_id) "
                    "WHERE a.year = ?", year)
    if row is None:
        raise LookupError(f"mart.indicators_annual has no row for {year}: its December (or annual report) is not published")
    december = periods.december(year)
    total = _one(con, "SELECT * FROM mart.indicators_monthly WHERE period = ?", periods.first_day(december))
    baseline = None if pd.isna(row["baseline_year"]) else int(row["baseline_year"])
    numbers = _Numbers()
    figures = {c.name: Figure(0, c.title, Path(c.png), Path(c.svg), c.source) for c in charts}
    targets = Section("一、规划目标完成情况", (), (_target_table(con, _rows(
        con, "SELECT * FROM mart.target_progress WHERE target_year >= ? ORDER BY target_year, plan_id, indicator DESC",
        year), december, numbers),), tuple(f for n, f in figures.items() if n.endswith("_vs_target")))
    trend_table = _trend(con, year, baseline, numbers)
    trend = Section("二、发展趋势", _trend_text(trend_table.frame, year), (trend_table,))
    label = "1–12月"
    sections = [targets, trend]
    if total is not None:
        note = ("以下分领域、区县和功能区数据为1–12月快报。",)
        areas = _areas(con, december, label, total, numbers, figures)
        sections += [Section("三、六大领域", note + areas.paragraphs, areas.tables, areas.figures),
                     # numbered 四–六 as in the monthly briefing, which has the same two sections before them
                     _key_fields(con, december, label, total, Offices.read(catalog_dir), numbers, figures),
                     _places(con, december, label, total, numbers, figures),
                     _movers(con, december, label, total, numbers)]
    sections = [_numbered(s, numbers) for s in sections]
    publish = _one(con, "SELECT any_value(publish_id) AS id FROM ref.publish")
    plans = [d for d, in con.execute("SELECT document FROM ref.plan ORDER BY target_year, plan_id").fetchall()]
    return Briefing(
        kind="annual", title=TITLE, period_label=f"{year}年", issuer=ISSUER, headline=_headline(year, row),
        sections=tuple(sections), quality=_quality(con, year),
        sources=(SOURCE + (f"，发布批次 {publish['id']}" if publish is not None else "") + "。",
                 f"{year}年数据：{BASIS_ZH.get(row['basis'], row['basis'])}。",
                 *(f"规划目标：{d}。" for d in plans)),
        simulated=simulated, file_stem=f"evaluation-{year}",
        published="" if publish is None else str(publish["id"]))


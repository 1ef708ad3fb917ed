"""The open-data export of a report period (政务数据开放, the plan's section 四(四)3): the protected breakdown tables
as CSV (UTF-8 with BOM, which Excel opens as Chinese) and Parquet, with a README of the tables, units and the mark.

Every figure is a mart's; a cell the disclosure pattern (mart.disclosure) suppresses prints as "…" in the CSV and
is NULL in the Parquet with its ``*_suppressed`` column true, and its growth goes with it. The export is refused
unless the audit proves the period's pattern safe (sei_stats.protection.check_release). Files are written in a
folder of their own and moved into place together: a killed export leaves no half-written table.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from . import period as periods
from . import protection
from .briefing.document import SUPPRESSED_MARK, half_up, is_missing
from .config import DataPaths
from .disclosure import DisclosureError, Rules
from .settings import load_settings


class OpenDataError(Exception):
    """The open data of a period cannot be written: no warehouse, no such period, or the audit fails."""


# measure -> (value's header, its mart column, growth's header, its mart column)
MEASURES = {"industry": ("工业总产值（亿元）", "output_ytd", "同比增长（%）", "growth"),
            "services": ("营业收入（亿元）", "services_revenue", "营业收入增长（%）", "services_revenue_growth")}
# table -> (caption, breakdown of mart.disclosure, the query of its rows for one period, the columns that name a row)
TABLES = {
    "total": ("全市合计", "total", "SELECT period, output_value AS output_ytd, output_growth AS growth, services_revenue, "
              "services_revenue_growth FROM mart.indicators_monthly WHERE period = $day", []),
    "areas": ("六大领域", "area", "SELECT * FROM mart.output_by_area WHERE period = $day ORDER BY area", ["area"]),
    "districts": ("各区县", "district", "SELECT * FROM mart.output_by_district WHERE period = $day ORDER BY district_code",
                  ["district_code", "district_name"]),
    "area_district": ("领域×区县", "area_district", "SELECT * FROM mart.output_by_area_district WHERE period = $day "
                      "ORDER BY area, district_code", ["area", "district_code", "district_name"]),
    "fields_by_month": ("产业方向（本年各月累计）", "field", "SELECT * FROM mart.output_by_field WHERE period <= $day "
                        "AND year(period) = year($day) ORDER BY period, area, field", ["area", "field", "key_field"]),
    "key_fields": ("六个重点领域", "field", "SELECT * FROM mart.output_by_field WHERE period = $day AND key_field "
                   "ORDER BY area, field", ["area", "field"]),
    "zones": ("功能区", "zone", "SELECT * FROM mart.output_by_zone WHERE period = $day ORDER BY zone_id",
              ["zone_id", "zone_name"]),
}
LABELS = {"area": "领域", "field": "产业方向", "key_field": "重点领域", "district_code": "区县代码",
          "district_name": "区县", "zone_id": "功能区代码", "zone_name": "功能区", "period_label": "时期"}


@dataclass(frozen=True)
class OpenData:
    folder: Path
    files: list[Path]
    suppressed: dict[str, int]   # table -> cells withheld (a value and its growth count once)
    publish_id: str


def _frame(con: duckdb.DuckDBPyConnection, name: str, period: str) -> pd.DataFrame:
    """One table of ``period``: its naming columns, then each measure's value and growth (NaN when suppressed, with
    the ``<measure>_suppressed`` flag)."""
    _, breakdown, sql, columns = TABLES[name]
    rows = con.execute(sql, {"day": pd.Timestamp(periods.first_day(period)).date()}).df()
    withheld: dict = {}  # (month, measure) -> the suppressed cells of the breakdown

    def hidden(r, measure) -> bool:
        month = f"{pd.Timestamp(r['period']):%Y-%m}"
        if (month, measure) not in withheld:
            withheld[month, measure] = protection.suppressed(con, month, measure, breakdown)
        return tuple(None if pd.isna(r[k]) else r[k] for k in protection.CELL_KEYS[breakdown]) in withheld[month, measure]

    records = rows.to_dict("records")
    out = pd.DataFrame({"period_label": [f"{pd.Timestamp(p).year}年{periods.cumulative_label(pd.Timestamp(p).month)}"
                                         for p in rows["period"]]})
    for column in columns:
        out[column] = rows[column].to_numpy()
    for measure, (value_label, value, growth_label, growth) in MEASURES.items():
        flags = pd.Series([hidden(r, measure) for r in records], index=rows.index, dtype=bool)
        out[value_label] = _one_decimal(rows[value], 0).where(~flags).to_numpy()
        out[growth_label] = _one_decimal(rows[growth], 2).where(~flags).to_numpy()
        out[f"{measure}_suppressed"] = flags.to_numpy()
    return out.rename(columns=LABELS)


def _one_decimal(values: pd.Series, shift: int) -> pd.Series:
    """values × 10**shift with one decimal, rounded half up as the briefings print them (the same digits)."""
    return pd.Series([None if is_missing(v) else float(half_up(v, shift, 1)) for v in values],
                     index=values.index, dtype=float)


def _csv(frame: pd.DataFrame) -> pd.DataFrame:
    """The CSV's cells: a suppressed value and its growth as the mark, no value as empty."""
    out = frame.astype(object)
    for measure, (value_label, _, growth_label, _) in MEASURES.items():
        for column in (value_label, growth_label):
            out.loc[frame[f"{measure}_suppressed"], column] = SUPPRESSED_MARK
    if LABELS["key_field"] in out.columns:
        out[LABELS["key_field"]] = out[LABELS["key_field"]].map({True: "是", False: "否"})
    return out.drop(columns=[f"{m}_suppressed" for m in MEASURES])


def _readme(period: str, label: str, publish_id: str, tables: dict[str, pd.DataFrame], rules: Rules,
            simulated: bool) -> str:
    lines = [f"# 大连市战略性新兴产业统计数据（开放数据）{label}", "",
             *(["**模拟数据（simulated data）：本目录数据为演示用模拟数据，非正式统计数据。**", ""] if simulated else []),
             f"报告期：{label}（{period}），各表为本年1月至本期的累计数。数据版本（发布批次）：{publish_id}。", "",
             "## 表", "", "| 文件 | 内容 | 行数 |", "| --- | --- | ---: |"]
    lines += [f"| {name}.csv / {name}.parquet | {TABLES[name][0]} | {len(frame)} |" for name, frame in tables.items()]
    lines += ["", "## 单位和口径", "",
              "- 工业总产值、营业收入：亿元，保留一位小数；同比增长：%，可比口径（本期统计范围内企业的上年同期数）。",
              "- 工业总产值与营业收入口径不同，不相加。",
              "- 领域×区县表的合计即六大领域表和各区县表；产业方向的合计即所属领域；功能区只含名录库标注在功能区内的企业。",
              "", "## 不予公布的数据", "",
              f"- CSV 中“{SUPPRESSED_MARK}”表示该数据可能识别或推断单个企业，依《中华人民共和国统计法》第二十五条不予公布，"
              "其增速一并不公布；Parquet 中为空值，`industry_suppressed` / `services_suppressed` 列为 true。",
              f"- 规则：单元格企业数少于{rules.min_frequency}家，或最大1家企业超过该单元格的"
              f"{rules.dominance[0][1]:.0%}、最大2家合计超过{rules.dominance[1][1]:.0%}，即不予公布（首次隐藏）；"
              "为防止由合计、相邻表格或本年此前各月的累计数推算，另有数据一并隐去（二次隐藏）。",
              f"- 经线性规划审核，每个不予公布的数据可推算的范围均超过其数值的±{rules.protection:.0%}。",
              "- 全市合计为规划指标，照常公布。", "",
              "## Open data (English)", "",
              f"SEI output (industrial output, 工业总产值) and services revenue (营业收入) of Dalian, cumulative "
              f"January to {period}, in 100 million yuan (亿元) with one decimal; growth in % on a comparable basis. "
              f"CSV files are UTF-8 with a byte-order mark. '{SUPPRESSED_MARK}' (NULL in Parquet, with the "
              "*_suppressed column true) marks a value withheld under the Statistics Law (art. 25) so that no "
              "enterprise can be identified; its growth is withheld with it. Every withheld value was audited by "
              f"linear programming: what the published tables imply about it spans more than ±{rules.protection:.0%}.",
              ""]
    return "\n".join(lines)


def write_open_data(paths: DataPaths, period: str, out: Path | None = None) -> OpenData:
    """output/open-data/YYYY-MM/ (or ``out``): every table of TABLES as .csv and .parquet, and README.md."""
    period = periods.parse(period)
    if not paths.warehouse.exists():
        raise OpenDataError(f"no warehouse at {paths.warehouse}: run `sei-stats materialize` first")
    rules = Rules.from_settings(load_settings(data=paths))
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        if not con.execute("SELECT count(*) FROM mart.indicators_monthly WHERE period = ?",
                           [periods.first_day(period)]).fetchone()[0]:
            raise OpenDataError(f"{period} is not published in {paths.warehouse}")
        try:
            protection.check_release(con, period, rules, passed=paths.release_audits)
        except DisclosureError as err:
            raise OpenDataError(str(err)) from err
        except duckdb.CatalogException as err:
            raise OpenDataError(f"no disclosure pattern (mart.disclosure) in {paths.warehouse}: publish again") from err
        tables = {name: _frame(con, name, period) for name in TABLES}
        publish_id = con.execute("SELECT any_value(publish_id) FROM ref.publish").fetchone()[0]
        label = f"{periods.year(period)}年{periods.cumulative_label(periods.month(period))}"
    folder = Path(out) if out else paths.root / "output" / "open-data" / period
    building = folder.parent / f".{folder.name}.{os.getpid()}.building"
    shutil.rmtree(building, ignore_errors=True)
    building.mkdir(parents=True)
    try:
        for name, frame in tables.items():
            _csv(frame).to_csv(building / f"{name}.csv", index=False, encoding="utf-8-sig")
            frame.to_parquet(building / f"{name}.parquet", index=False)
        (building / "README.md").write_text(_readme(period, label, publish_id, tables, rules, paths.simulated),
                                            encoding="utf-8")
        if folder.exists():
            shutil.rmtree(folder)
        os.replace(building, folder)
    finally:
        shutil.rmtree(building, ignore_errors=True)
    files = sorted(folder.iterdir())
    return OpenData(folder, files, {name: int(frame[[f"{m}_suppressed" for m in MEASURES]].to_numpy().sum())
                                    for name, frame in tables.items()}, publish_id)

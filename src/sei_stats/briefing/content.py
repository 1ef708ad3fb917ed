"""The monthly briefing (统计快报) of a report period, read from the marts of the analysts' warehouse.

Every figure is a mart's (mart.indicators_monthly, target_path, target_progress, output_by_area, output_by_field,
output_by_district, output_by_zone, data_quality), never recomputed from lines; this module only chooses,
orders and words them. Money in 亿元; rates and shares as fractions until a writer formats them. The
responsible offices of a key field come from catalog/field_offices.csv and offices.csv, by the office name in
force in the period (an office replaced by the 2019-01 reform is named by its successor from then on).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from .. import period as periods
from .. import protection
from ..calendar import from_warehouse
from ..document_charts import DOCUMENT_SOURCE as SOURCE
from ..headline import STATUS_ZH
from .document import SUPPRESSED, SUPPRESSED_NOTE, Briefing, Figure, Section, Table, format_value, percent

ISSUER = "大连市统计局"
TITLE = "大连市战略性新兴产业统计快报"
NUMERALS = "一二三四五六七八九十"
MOVERS = 3  # the largest movers shown each way, by field and by district


def change_word(value: float, up: str = "增长", down: str = "下降") -> str:
    """'增长4.6%' / '下降4.6%' by the sign of a rate (a fraction); one decimal, rounded as the tables are."""
    return f"{up if value >= 0 else down}{percent(abs(value))}%"


def pace_word(difference: float) -> str:
    """How a growth rate compares with another: 加快 / 回落 Z个百分点, or 持平 (one decimal)."""
    points = percent(difference)
    if points == 0:
        return "与上年同期持平"
    return f"比上年同期{'加快' if points > 0 else '回落'}{abs(points)}个百分点"


@dataclass(frozen=True)
class Offices:
    """Each field's responsible offices (catalog/field_offices.csv, by position) and each office's successor."""
    by_field: dict[str, list[str]]          # field name -> office short names, lead first
    successors: dict[str, tuple[str, str]]  # office -> (successor, YYYY-MM from when)

    @classmethod
    def read(cls, catalog_dir: Path) -> "Offices":
        def csv(name: str) -> pd.DataFrame:
            path = Path(catalog_dir) / name
            return pd.read_csv(path, dtype=str, keep_default_na=False) if path.exists() else pd.DataFrame()

        fields, links, offices = csv("fields.csv"), csv("field_offices.csv"), csv("offices.csv")
        by_field: dict[str, list[str]] = {}
        if len(fields) and len(links):
            named = links.merge(fields[["field_id", "name"]], on="field_id")
            named = named.assign(position=named["position"].astype(int)).sort_values(["name", "position"])
            by_field = {name: list(group["office"]) for name, group in named.groupby("name", sort=False)}
        successors = {}
        if len(offices):
            moved = offices[(offices["successor"] != "") & (offices["successor"] != offices["office"])]
            successors = {o: (s, d) for o, s, d in zip(moved["office"], moved["successor"], moved["successor_date"])}
        return cls(by_field, successors)

    def in_force(self, field: str, period: str) -> list[str]:
        """The field's offices under the names they had in ``period``."""
        names = []
        for office in self.by_field.get(field, []):
            successor, since = self.successors.get(office, (office, ""))
            name = successor if since and since <= period else office
            if name not in names:
                names.append(name)
        return names


class _Numbers:
    """Numbers the sections use: the tables and figures in order."""

    def __init__(self):
        self.table = 0
        self.figure = 0

    def next_table(self) -> int:
        self.table += 1
        return self.table

    def next_figure(self) -> int:
        self.figure += 1
        return self.figure


def _one(con: duckdb.DuckDBPyConnection, sql: str, *params) -> pd.Series | None:
    frame = con.execute(sql, list(params)).df()
    return None if frame.empty else frame.iloc[0]


def _rows(con: duckdb.DuckDBPyConnection, sql: str, *params) -> pd.DataFrame:
    return con.execute(sql, list(params)).df()


def _adds_up(parts: pd.Series, total: float) -> tuple[str, ...]:
    """A note when the parts as printed (one decimal) do not add up to the total as printed."""
    if round(sum(round(v, 1) for v in parts.fillna(0)), 1) != round(total, 1):
        return ("因四舍五入，分项之和与合计略有出入。",)
    return ()


def headline(con: duckdb.DuckDBPyConnection, period: str, label: str) -> tuple[str, pd.Series]:
    """The headline sentence of ``period`` and the month's indicators (mart.indicators_monthly)."""
    now = _one(con, "SELECT * FROM mart.indicators_monthly WHERE period = ?", periods.first_day(period))
    if now is None:
        raise LookupError(f"mart.indicators_monthly has no row for {period}: publish that month first")
    sentence = f"{label}，全市战略性新兴产业工业总产值{format_value(now['output_value'], 'yi')}亿元"
    if pd.notna(now["output_growth"]):
        sentence += f"，同比{change_word(now['output_growth'])}"
        before = _one(con, "SELECT output_growth FROM mart.indicators_monthly WHERE period = ?",
                      periods.first_day(periods.same_period_last_year(period)))
        if before is not None and pd.notna(before["output_growth"]):
            sentence += f"，增速{pace_word(now['output_growth'] - before['output_growth'])}"
    return sentence + "。", now


def revised_growth(con: duckdb.DuckDBPyConnection, period: str) -> str | None:
    """A note when last year's growth for the same period, as computed now, differs (at one decimal) from what was
    first published for it (mart.revisions' first release); None when it does not, or nothing was recorded."""
    last_year = periods.first_day(periods.same_period_last_year(period))
    try:
        first = _one(con, "SELECT value, released FROM mart.revisions WHERE report = 'monthly' AND period = ? "
                          "AND indicator = 'output_growth' AND first_release", last_year)
    except duckdb.CatalogException:  # a warehouse published before vintages were recorded
        return None
    now = _one(con, "SELECT output_growth FROM mart.indicators_monthly WHERE period = ?", last_year)
    if first is None or now is None or pd.isna(first["value"]) or pd.isna(now["output_growth"]):
        return None
    if percent(first["value"]) == percent(now["output_growth"]):
        return None
    return (f"上年同期增速按现行数据为{percent(now['output_growth'])}%，"
            f"{pd.Timestamp(first['released']):%Y年%m月%d日}首次发布时为{percent(first['value'])}%（数据已修订）。")


def _overview(now: pd.Series, label: str, numbers: _Numbers) -> Section:
    parts = [f"{label}，全市纳入统计的战略性新兴产业工业企业{int(now['n_enterprises']):,}家，"
             f"实现工业总产值{format_value(now['output_value'], 'yi')}亿元"
             + (f"，同比{change_word(now['output_growth'])}" if pd.notna(now["output_growth"]) else "") + "。"]
    if now["services_revenue"] > 0:
        parts.append(f"战略性新兴服务业企业{int(now['n_services_enterprises']):,}家，实现营业收入"
                     f"{format_value(now['services_revenue'], 'yi')}亿元"
                     + (f"，同比{change_word(now['services_revenue_growth'])}"
                        if pd.notna(now["services_revenue_growth"]) else "")
                     + "。营业收入与工业总产值口径不同，不相加。")
    if pd.notna(now.get("gdp_share")):
        parts.append(f"战略性新兴产业增加值{format_value(now['value_added'], 'yi')}亿元，占地区生产总值的比重为"
                     f"{percent(now['gdp_share'])}%。")
    rows = [("工业总产值", now["output_value"], now["output_ytd_prior"], now["output_growth"]),
            ("营业收入", now["services_revenue"], now["services_revenue_prior"], now["services_revenue_growth"]),
            ("增加值", now["value_added"], None, None)]
    frame = pd.DataFrame(rows, columns=["指标", "本期（亿元）", "上年同期（亿元）", "同比增长"])
    table = Table(numbers.next_table(), f"{label}战略性新兴产业主要指标", frame,
                  {"指标": "text", "本期（亿元）": "yi", "上年同期（亿元）": "yi", "同比增长": "pct"},
                  ("上年同期为本期统计范围内企业的同期数；营业收入与工业总产值不相加。",), "主要指标")
    return Section("一、总体情况", tuple(parts), (table,))


def _targets(con: duckdb.DuckDBPyConnection, period: str, label: str, numbers: _Numbers) -> Section:
    year = periods.year(period)
    path = _rows(con, "SELECT * FROM mart.target_path WHERE period = ? ORDER BY plan_id", periods.first_day(period))
    progress = _rows(con, "SELECT * FROM mart.target_progress WHERE target_year >= ? ORDER BY target_year, plan_id, "
                          "indicator DESC", year)
    paragraphs, tables = [], []
    for row in path.itertuples():
        if pd.isna(row.path_value):
            continue
        where = "快于" if row.position == "ahead" else "慢于"
        paragraphs.append(f"按实现{year}年目标{format_value(row.path_annual, 'yi')}亿元的序时进度，{label}应完成{format_value(row.path_value, 'yi')}亿元，"
                          f"实际完成{format_value(row.output_value, 'yi')}亿元，{where}序时进度"
                          f"{format_value(abs(row.gap), 'yi')}亿元。")
    if len(progress):
        tables.append(_target_table(con, progress, period, numbers))
    if not paragraphs and not tables:
        paragraphs.append("本期无可对照的规划目标。")
    return Section("二、规划目标进展", tuple(paragraphs), tuple(tables))


def _target_table(con: duckdb.DuckDBPyConnection, progress: pd.DataFrame, period: str, numbers: _Numbers) -> Table:
    """The plans' targets with the latest figure known in ``period``: mart.target_progress's where it was judged on
    data up to ``period``; else (a later publish judges on later months) the last complete year before the
    period's year from mart.indicators_annual, without a judgement, so the briefing never shows later months."""
    year = periods.year(period)
    annual = _one(con, "SELECT * FROM mart.indicators_annual WHERE year = ?", year - 1)
    actual, status, notes = [], [], []
    for _, r in progress.iterrows():
        if pd.notna(r["as_of"]) and pd.Timestamp(r["as_of"]) <= pd.Timestamp(periods.first_day(period)):
            actual.append(r["actual_value"])
            status.append(STATUS_ZH.get(r["status"], r["status"]))
        else:
            known = annual is not None and r["indicator"] in annual.index
            actual.append(annual[r["indicator"]] if known else None)
            status.append("—")
    if any(s == "—" for s in status):
        notes.append(f"实际值为{year - 1}年数据（年报，未报年报时为1–12月快报）；目标完成情况以年度数据判断，见年度评估报告。")
    percent = progress["unit"] == "fraction"
    frame = pd.DataFrame({
        "目标": progress["label"],
        "目标年份": progress["target_year"].astype(int).astype(str),
        "目标值": progress["target_value"].where(~percent, progress["target_value"] * 100),
        "实际值": pd.Series(actual, dtype=float).where(~percent.to_numpy(), pd.Series(actual, dtype=float) * 100),
        "单位": progress["unit"].replace({"fraction": "%"}),
        "状态": status,
    })
    notes.append("比重和增速以%为单位。")
    return Table(numbers.next_table(), "规划目标进展", frame,
                 {"目标": "text", "目标年份": "text", "目标值": "yi", "实际值": "yi", "单位": "text", "状态": "text"},
                 tuple(notes), "目标进展")


def hidden(con: duckdb.DuckDBPyConnection, period: str, breakdown: str, frame: pd.DataFrame) -> Hidden:
    """Which rows of a breakdown mart's ``frame`` (its key columns, protection.CELL_KEYS) have their industrial output
    and their services revenue suppressed in ``period`` (mart.disclosure)."""
    keys = list(protection.CELL_KEYS[breakdown])
    rows = [tuple(None if pd.isna(v) else v for v in r) for r in frame[keys].itertuples(index=False, name=None)]

    def flags(measure: str) -> pd.Series:
        cells = protection.suppressed(con, period, measure, breakdown)
        return pd.Series([r in cells for r in rows], index=frame.index, dtype=bool)

    return Hidden(flags("industry"), flags("services"))


@dataclass(frozen=True)
class Hidden:
    """Per row of a breakdown: whether its industrial output (with its growth and share) and its services revenue
    (with its growth) are suppressed."""
    industry: pd.Series
    services: pd.Series

    @classmethod
    def none(cls, frame: pd.DataFrame) -> "Hidden":
        return cls(pd.Series(False, index=frame.index), pd.Series(False, index=frame.index))

    @property
    def any(self) -> bool:
        return bool(self.industry.any() or self.services.any())


def _suppress(out: pd.DataFrame, rows: pd.Series, columns: list[str]) -> None:
    for column in columns:
        out[column] = out[column].astype(object)
        out.loc[rows.to_numpy(), column] = SUPPRESSED


def _share_table(frame: pd.DataFrame, name: str, total: pd.Series, number: int, caption: str, sheet: str,
                 extra: dict[str, tuple[pd.Series, str]] | None = None, partial: tuple[str, ...] = (),
                 withheld: Hidden | None = None) -> Table:
    """A breakdown table: name, output, growth, share of the total, services revenue and its growth. ``partial``:
    the notes of a breakdown that does not cover the total (they replace the rounding note). ``withheld``: the
    rows whose figures the disclosure control suppresses; they keep their names and print the mark (a difference
    of growth rates, kind pp, goes with the output)."""
    out = pd.DataFrame({
        name: frame["name"],
        "工业总产值（亿元）": frame["output_ytd"],
        "同比增长": frame["growth"],
        "占全市比重": frame["output_ytd"] / total["output_value"] if total["output_value"] else None,
        "营业收入（亿元）": frame["services_revenue"],
        "营业收入增长": frame["services_revenue_growth"],
    })
    formats = {name: "text", "工业总产值（亿元）": "yi", "同比增长": "pct", "占全市比重": "pct",
               "营业收入（亿元）": "yi", "营业收入增长": "pct"}
    for column, (values, kind) in (extra or {}).items():
        out[column] = values.to_numpy()
        formats[column] = kind
    withheld = withheld or Hidden.none(frame)
    _suppress(out, withheld.industry, ["工业总产值（亿元）", "同比增长", "占全市比重",
                                       *(c for c, (_, kind) in (extra or {}).items() if kind == "pp")])
    _suppress(out, withheld.services, ["营业收入（亿元）", "营业收入增长"])
    if withheld.any:
        notes = (*partial, SUPPRESSED_NOTE)  # the printed parts cannot add up: some are not printed
    else:
        notes = partial or _adds_up(frame["output_ytd"], total["output_value"])
    return Table(number, caption, out.reset_index(drop=True), formats, notes, sheet)


def _areas(con, period: str, label: str, total: pd.Series, numbers: _Numbers, figures: dict[str, Figure]) -> Section:
    areas = _rows(con, "SELECT area AS name, * FROM mart.output_by_area WHERE period = ? ORDER BY output_ytd DESC",
                  periods.first_day(period))
    withheld = hidden(con, period, "area", areas)
    table = _share_table(areas, "领域", total, numbers.next_table(), f"{label}六大领域工业总产值", "六大领域",
                         withheld=withheld)
    growing = areas[areas["growth"].notna() & ~withheld.industry].sort_values("growth", ascending=False)
    text = []
    if len(growing):
        top = growing.iloc[0]
        among = "公布数据的领域中" if withheld.industry.any() else "六大领域中"  # a withheld area may grow faster
        text.append(f"{among}，{top['name']}产值{format_value(top['output_ytd'], 'yi')}亿元，同比{change_word(top['growth'])}，增速居首"
                    + (f"；{growing.iloc[-1]['name']}增速最低，同比{change_word(growing.iloc[-1]['growth'])}"
                       if len(growing) > 1 else "")
                    + "。")
    return Section("三、六大领域", tuple(text), (table,), tuple(f for n, f in figures.items() if n == "areas"))


def _key_fields(con, period: str, label: str, total: pd.Series, offices: Offices, numbers: _Numbers,
                figures: dict[str, Figure]) -> Section:
    fields = _rows(con, "SELECT field AS name, * FROM mart.output_by_field WHERE period = ? AND key_field "
                        "ORDER BY output_ytd DESC", periods.first_day(period))
    difference = fields["growth"] - total["output_growth"]
    lead = pd.Series([(offices.in_force(f, period) or ["—"])[0] for f in fields["name"]])
    withheld = hidden(con, period, "field", fields)
    table = _share_table(fields, "重点领域", total, numbers.next_table(), f"{label}六个重点领域工业总产值", "重点领域",
                         {"增速比全市（百分点）": (difference, "pp"), "牵头单位": (lead, "text")},
                         ("重点领域之间不重叠，但不覆盖全部战略性新兴产业，分项之和小于合计。",
                          "牵头单位为责任单位之首，按本期机构名称列示（catalog/field_offices.csv，offices.csv）。"),
                         withheld=withheld)
    slow = fields[(difference < 0) & ~withheld.industry]
    text = []
    if len(fields) and not withheld.industry.any():
        text.append(f"六个重点领域合计工业总产值{format_value(fields['output_ytd'].sum(), 'yi')}亿元，占全市的"
                    f"{percent(fields['output_ytd'].sum() / total['output_value'])}%。")
    elif len(fields):  # their sum would be one more equation the audit did not see: named, without figures
        text.append(f"{'、'.join(fields.loc[withheld.industry, 'name'])}的数据可能识别或推断单个企业，不予公布，"
                    "重点领域合计亦不公布。")
    for _, row in slow.iterrows():
        text.append(f"{row['name']}同比{change_word(row['growth'])}，低于全市增速"
                    f"{percent(abs(row['growth'] - total['output_growth']))}个百分点，请"
                    f"{'、'.join(offices.in_force(row['name'], period)) or '有关部门'}关注。")
    return Section("四、重点领域", tuple(text), (table,), tuple(f for n, f in figures.items() if n == "key_fields"))


def _places(con, period: str, label: str, total: pd.Series, numbers: _Numbers, figures: dict[str, Figure]) -> Section:
    districts = _rows(con, "SELECT coalesce(district_name, district_code) AS name, * FROM mart.output_by_district "
                           "WHERE period = ? ORDER BY output_ytd DESC", periods.first_day(period))
    tables = [_share_table(districts, "区县", total, numbers.next_table(), f"{label}各区县工业总产值", "区县",
                           withheld=hidden(con, period, "district", districts))]
    zones = _rows(con, "SELECT coalesce(zone_name, zone_id) AS name, * FROM mart.output_by_zone WHERE period = ? "
                       "ORDER BY output_ytd DESC", periods.first_day(period))
    if len(zones):
        tables.append(_share_table(zones, "功能区", total, numbers.next_table(), f"{label}功能区工业总产值", "功能区",
                                   partial=("功能区按名录库标注的企业所在功能区汇总，功能区之外的企业不列入，分项之和小于合计。",),
                                   withheld=hidden(con, period, "zone", zones)))
        text = ()
    else:
        text = ("本期调查名录未标注企业所在功能区（名录由报表推得时不含功能区），不分功能区汇总。",)
    return Section("五、区县和功能区", text, tuple(tables), tuple(f for n, f in figures.items() if n == "districts"))


def _movers(con, period: str, label: str, total: pd.Series, numbers: _Numbers) -> Section:
    """The fields and districts that moved the total most: change on the same period last year, and the
    percentage points of the total's growth it makes (拉动)."""
    frames, suppressed_any = [], False
    for kind, breakdown, sql in (
            ("领域方向", "field", "SELECT field AS name, area, field, output_comparable, output_ytd_prior "
                                 "FROM mart.output_by_field WHERE period = ?"),
            ("区县", "district", "SELECT coalesce(district_name, district_code) AS name, district_code, output_comparable, "
                               "output_ytd_prior FROM mart.output_by_district WHERE period = ?")):
        rows = _rows(con, sql, periods.first_day(period)).dropna(subset=["output_comparable", "output_ytd_prior"])
        withheld = hidden(con, period, breakdown, rows).industry
        suppressed_any = suppressed_any or bool(withheld.any())
        rows = rows[~withheld]  # a suppressed cell is no mover either
        rows = rows.assign(change=rows["output_comparable"] - rows["output_ytd_prior"])
        rows = rows.sort_values(["change", "name"], ascending=[False, True])  # ties by name: the same order each time
        up = rows[rows["change"] > 0].head(MOVERS)
        down = rows[rows["change"] < 0].iloc[::-1].head(MOVERS)
        frames.append(pd.concat([up, down]).assign(kind=kind))
    movers = pd.concat(frames, ignore_index=True)
    if not total["output_ytd_prior"]:
        return Section("六、增长贡献", ("本期无可比的上年同期数，不计算增长贡献。",))
    if movers.empty:
        return Section("六、增长贡献", ("各领域方向和区县的数据不予公布，不列增长贡献。" if suppressed_any else
                                     "本期无可比的上年同期数，不计算增长贡献。",))
    frame = pd.DataFrame({"类别": movers["kind"], "名称": movers["name"],
                          "比上年同期增减（亿元）": movers["change"],
                          "拉动全市增长（百分点）": movers["change"] / total["output_ytd_prior"]})
    table = Table(numbers.next_table(), f"{label}增长贡献最大的领域方向和区县", frame,
                  {"类别": "text", "名称": "text", "比上年同期增减（亿元）": "yi", "拉动全市增长（百分点）": "pp"},
                  (f"各取增加和减少最多的{MOVERS}个（数据不予公布的领域方向和区县不列入）；拉动 = 增减额 ÷ 全市上年同期"
                   "工业总产值；不列单个企业。",), "增长贡献")
    return Section("六、增长贡献", (), (table,))


def quality_line(con: duckdb.DuckDBPyConnection, period: str) -> str:
    row = _one(con, "SELECT * FROM mart.data_quality WHERE period = ?", periods.first_day(period))
    if row is None:
        return "数据质量：本期无数据质量记录。"
    rejected = row["rows_rejected"] / row["rows_received"] if row["rows_received"] else None
    return (f"数据质量：应报单位{int(row['live_units']):,}家，回报率{format_value(row['response_rate'], 'pct')}；"
            f"推算产值占{format_value(row['imputed_share'], 'pct')}；拒收记录占{format_value(rejected, 'pct')}。")


def monthly_briefing(con: duckdb.DuckDBPyConnection, period: str, *, catalog_dir: Path, charts=(),
                     simulated: bool) -> Briefing:
    """The briefing of report period ``period`` (YYYY-MM). ``charts``: the document charts drawn for it
    (sei_stats.charts' DocumentChart: name, title, source, png, svg), placed in the sections they belong to."""
    calendar = from_warehouse(con)
    label = calendar.short_label(period)  # ValueError for a month that is no report period
    sentence, now = headline(con, period, label)
    numbers = _Numbers()
    figures = {c.name: Figure(0, c.title, Path(c.png), Path(c.svg), c.source) for c in charts}
    overview = _overview(now, label, numbers)
    revised = revised_growth(con, period)
    if revised:
        overview = Section(overview.title, (*overview.paragraphs, revised), overview.tables, overview.figures)
    targets = _targets(con, period, label, numbers)
    sections = [
        overview,
        Section(targets.title, targets.paragraphs, targets.tables,
                tuple(f for n, f in figures.items() if n == "target_path")),
        _areas(con, period, label, now, numbers, figures),
        _key_fields(con, period, label, now, Offices.read(catalog_dir), numbers, figures),
        _places(con, period, label, now, numbers, figures),
        _movers(con, period, label, now, numbers),
    ]
    sections = [_numbered(s, numbers) for s in sections]
    publish = _one(con, "SELECT any_value(publish_id) AS id FROM ref.publish")
    plans = [d for d, in con.execute("SELECT document FROM ref.plan ORDER BY target_year, plan_id").fetchall()]
    return Briefing(
        kind="monthly", title=TITLE, period_label=calendar.label(period), issuer=ISSUER, headline=sentence,
        sections=tuple(sections), quality=quality_line(con, period),
        sources=(SOURCE + (f"，发布批次 {publish['id']}" if publish is not None else "") + "。",
                 *(f"规划目标：{d}。" for d in plans)),
        simulated=simulated, file_stem=f"brief-{period}",
        published="" if publish is None else str(publish["id"]))


def _numbered(section: Section, numbers: _Numbers) -> Section:
    """The section with its figures numbered in order (tables are numbered as they are made)."""
    figures = tuple(Figure(numbers.next_figure(), f.caption, f.png, f.svg, f.source) for f in section.figures)
    return Section(section.title, section.paragraphs, section.tables, figures)

"""Charts drawn for the page of a Word/HTML briefing: sei_stats.charts' drawing in its DOCUMENT layout.

At the A4 text width (156 mm) the briefing charts' own 8×5-inch figures print their labels at about 6 pt.
These are drawn at that width: no text under 9 pt, no title and no source line in the image (the document
writes the caption "图N title" and the source under it), PNG (300 dpi, 1843 px wide) and SVG.

A monthly briefing (``period``, 'YYYY-MM') draws the figures as of that report period, cumulative 1–X月,
never a later month the warehouse already holds:

- ``target_path``: the year's cumulative output month by month to ``period`` against the path to the
  year's target (序时进度, mart.target_path);
- ``areas``: the plan's six areas' industrial output (工业总产值) and its growth (mart.output_by_area);
- ``key_fields``: the six key fields' (重点领域) output and growth (mart.output_by_field where key_field);
- ``districts``: output and growth by district (mart.output_by_district), largest first.

An annual evaluation (``year``) draws ``output_vs_target``, ``growth_vs_target`` and ``gdp_share_vs_target``
as the briefing charts do but over the complete years to ``year``, plus ``areas`` and ``key_fields`` of the
year's December. Growth beside output is drawn in a panel of its own (the 同比 of the same rows), with the
SEI total's growth (mart.indicators_monthly.output_growth of the period) as a dashed reference line.

A chart whose data are absent (no path for the year, no rows of a breakdown mart, a mart an older warehouse
lacks) is left out; nothing here fails for missing data. Files are written only when their content
(``document_chart_key``: the data drawn, ``simulated``, the layout, the drawing code) changed, as
``charts.render_charts`` does.
"""

from __future__ import annotations

import dataclasses
import functools
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import numpy as np
import pandas as pd

from sei_stats import crashpoints, protection
from sei_stats.briefing.document import SUPPRESSED_MARK
from sei_stats import period as periods
from sei_stats.catalog import AREAS
from sei_stats.charts import (
    BAR, DOCUMENT, FONT_PACKAGE, GROWTH, STAMP_TEXT, TARGET, ChartData, Layout, _legend, _measure, _new_figure,
    _present, _save, chart_gdp_share_vs_target, chart_growth_vs_target, chart_output_vs_target, chart_target_path,
    code_version, content_key, fit, fmt_amount, fmt_percent, read_chart_data, read_plan_targets, read_target_path, stamp,
    stored_content_key, tick_formatter, use_cjk_font,
)

if TYPE_CHECKING:  # matplotlib is imported where a chart is drawn (sei_stats.charts)
    from matplotlib.figure import Figure

log = logging.getLogger(__name__)

# What may be missing from a warehouse a chart reads: a mart an older warehouse lacks, a column not yet there.
_ABSENT = (duckdb.CatalogException, duckdb.BinderException)
# The source line a document prints under each chart (the full-size charts carry theirs inside the image).
DOCUMENT_SOURCE = "资料来源：企业战略性新兴产业产品产值月报（sei-stats）"


@dataclass(frozen=True)
class DocumentChart:
    """A chart written for a briefing: ``title`` is its caption without the number (the document writes
    "图N title"), ``source`` the line under it; the files are ``png`` (for Word) and ``svg`` (for HTML)."""

    name: str
    title: str
    source: str
    png: Path
    svg: Path


@dataclass(frozen=True)
class Breakdown:
    """Industrial output (工业总产值) and its growth of one report period broken down by area, key field or
    district: what the chart shows, and all it is keyed by."""

    period: str  # 'YYYY-MM'
    kind: str  # areas, key_fields or districts
    rows: pd.DataFrame  # index the names drawn, top first; output in 亿元, growth in % (NaN: no comparable prior);
    #                     suppressed: the disclosure control withholds the row's figures (drawn as a named row)
    total_growth: float | None  # the SEI total's growth that period, % (mart.indicators_monthly), None when absent


@dataclass(frozen=True)
class DocumentSpec:
    """A document chart whose data are there: its name (the files' stem), caption title, the data it is
    drawn from (its content key covers exactly these) and how it is drawn (an unsaved, unframed figure)."""

    name: str
    title: str
    data: object
    draw: Callable[[object], Figure] = field(compare=False, repr=False)


# --- what the charts draw --------------------------------------------------------------------


def _span(period: str) -> str:
    """A report period as a caption names it: '2020年1–6月', '2020年1–2月' (period.cumulative_label)."""
    return f"{periods.year(period)}年{periods.cumulative_label(periods.month(period))}"


def _total_growth(con, period: str) -> float | None:
    """The SEI total's comparable growth of ``period`` in % (mart.indicators_monthly), None when absent."""
    try:
        rows = con.execute("select output_growth::double * 100 from mart.indicators_monthly where period = $day::date",
                           {"day": periods.first_day(period)}).fetchall()
    except _ABSENT:
        return None
    return rows[0][0] if rows and _present(rows[0][0]) else None


def read_breakdown(con, kind: str, period: str) -> Breakdown | None:
    """Industrial output and growth of ``period`` by area (mart.output_by_area, the plan's order), key field
    (mart.output_by_field where key_field, by the plan's order of their areas) or district
    (mart.output_by_district, largest first); None when the mart is missing or shows no industrial output
    that period (services revenue, a measure of its own, is not drawn here)."""
    day = periods.first_day(period)
    queries = {
        "areas": "select area as name, area, output_ytd::double as output, growth::double * 100 as growth "
                 "from mart.output_by_area where period = $day::date",
        "key_fields": "select field as name, area, field, output_ytd::double as output, growth::double * 100 as growth "
                      "from mart.output_by_field where period = $day::date and key_field",
        "districts": "select coalesce(district_name, district_code, '未明确区域') as name, null as area, district_code, "
                     "output_ytd::double as output, growth::double * 100 as growth "
                     "from mart.output_by_district where period = $day::date",
    }
    breakdown = {"areas": "area", "key_fields": "field", "districts": "district"}[kind]
    try:
        rows = con.execute(queries[kind], {"day": day}).df()
    except _ABSENT as error:
        log.info("%s: no %s chart (%s)", period, kind, error)
        return None
    if rows.empty or not (rows["output"].fillna(0) > 0).any():
        return None
    if kind == "districts":
        rows = rows.sort_values(["output", "name"], ascending=[False, True], na_position="last")
    else:
        # The plan's areas in its order (an area it does not name last), fields by name within their area.
        order = {area: i for i, area in enumerate(AREAS)}
        rows = rows.assign(_order=rows["area"].map(order).fillna(len(AREAS))).sort_values(["_order", "name"])
    # a cell the disclosure control suppresses is drawn as a named row without figures (mart.disclosure)
    keys = list(protection.CELL_KEYS[breakdown])
    withheld = protection.suppressed(con, period, "industry", breakdown)
    rows["suppressed"] = [tuple(None if pd.isna(v) else v for v in r) in withheld
                          for r in rows[keys].itertuples(index=False, name=None)]
    rows.loc[rows["suppressed"], ["output", "growth"]] = np.nan
    rows = rows.set_index("name")[["output", "growth", "suppressed"]].astype({"output": float, "growth": float})
    return Breakdown(period, kind, rows, _total_growth(con, period))


def _path_data(con, period: str) -> ChartData | None:
    """The year of ``period`` month by month to ``period`` against its path within the year, as
    ``charts.drawn_from`` gives the path chart; None without the period's month or without a path."""
    try:
        path = read_target_path(con, period)
        targets = read_plan_targets(con, periods.year(period))[1]
    except _ABSENT as error:
        log.info("%s: no target_path chart (%s)", period, error)
        return None
    if path is None or periods.month(period) not in path.months.index or not path.months["path_value"].notna().any():
        return None
    return ChartData(annual=pd.DataFrame(), areas=pd.DataFrame(), targets={}, baseline_year=None, target_year=None,
                     path=path, measure=_measure(targets))


def _years(annual: pd.DataFrame, column: str, year: int) -> str:
    """'2017–2020年' (or '2020年'): the years of ``column`` drawn, to ``year``."""
    shown = annual[column].dropna().index
    first = int(shown.min()) if len(shown) else year
    return f"{year}年" if first == year else f"{first}–{year}年"


def _on_the_page(chart: Callable[[ChartData, Layout], tuple[Figure, str]]) -> Callable[[ChartData], Figure]:
    """One of the briefing charts (sei_stats.charts.CHARTS) drawn in the DOCUMENT layout, its title dropped."""
    return lambda data: chart(data, DOCUMENT)[0]


def _monthly_specs(con, period: str) -> list[DocumentSpec]:
    specs = []
    path = _path_data(con, period)
    if path is not None:
        title = f"{_span(period)}战略性新兴产业{path.measure_label}与序时进度（亿元）"
        specs.append(DocumentSpec("target_path", title, path, _on_the_page(chart_target_path)))
    specs += _breakdown_specs(con, period, _span(period), ("areas", "key_fields", "districts"))
    return specs


_BREAKDOWN_TITLES = {"areas": "六大领域工业总产值（亿元）及增速", "key_fields": "重点领域工业总产值（亿元）及增速",
                     "districts": "各区市县工业总产值（亿元）及增速"}


def _breakdown_specs(con, period: str, span: str, kinds) -> list[DocumentSpec]:
    specs = []
    for kind in kinds:
        data = read_breakdown(con, kind, period)
        if data is not None:
            specs.append(DocumentSpec(kind, f"{span}{_BREAKDOWN_TITLES[kind]}", data, chart_breakdown))
    return specs


def _annual_specs(con, year: int) -> list[DocumentSpec]:
    """The annual evaluation's charts. ``areas`` and ``key_fields`` are December's (1–12月) figures of
    mart.output_by_area / mart.output_by_field: the monthly returns cumulated to the year's end, which may
    differ from the annual figure of record in mart.indicators_annual (年报; mart.annual_vs_december)."""
    specs = []
    try:
        data = read_chart_data(con, year)
    except _ABSENT as error:
        log.info("%s: no annual charts (%s)", year, error)
        data = None
    if data is not None and year in data.annual.index:
        # What the three draw: the complete years to ``year`` and the plan's targets (no areas, no path).
        data = dataclasses.replace(data, areas=pd.DataFrame(), other_areas=None, path=None)
        annual, targets, label = data.annual, data.targets, data.measure_label
        output_goal = f"与{data.target_year}年目标" if "output_value" in targets and data.target_year else ""
        growth_goal = "与目标" if "avg_growth_since_baseline" in targets else ""
        share_goal = "与目标" if "gdp_share" in targets else ""
        series = (  # name, the columns of which one must be there (the first names the years), title, drawing
            ("output_vs_target", ["output_value"], f"战略性新兴产业{label}{output_goal}（亿元）", chart_output_vs_target),
            ("growth_vs_target", ["output_growth", "avg_growth_since_baseline"], f"战略性新兴产业{label}增长{growth_goal} (%)",
             chart_growth_vs_target),
            ("gdp_share_vs_target", ["gdp_share"], f"战略性新兴产业增加值占GDP比重{share_goal} (%)", chart_gdp_share_vs_target),
        )
        for name, columns, title, chart in series:
            if annual[columns].notna().any().any():
                specs.append(DocumentSpec(name, _years(annual, columns[0], year) + title, data, _on_the_page(chart)))
    elif data is not None:
        log.info("%s: not a complete year in mart.indicators_annual: no annual series charts", year)
    specs += _breakdown_specs(con, periods.december(year), f"{year}年", ("areas", "key_fields"))
    return specs


def document_specs(con, *, period: str | None = None, year: int | None = None) -> list[DocumentSpec]:
    """The document charts whose data the warehouse holds, in the briefing's order: a monthly briefing's for
    ``period`` ('YYYY-MM'), an annual evaluation's for ``year``; exactly one of them. ValueError otherwise."""
    if (period is None) == (year is None):
        raise ValueError("give exactly one of period (a monthly briefing) and year (the annual evaluation)")
    if period is not None:
        return _monthly_specs(con, periods.parse(period))
    return _annual_specs(con, int(periods.parse_year(year)))


# --- drawing ---------------------------------------------------------------------------------


def _room_for_labels(ax, labels) -> None:
    """Widen the x limits until every value label at a bar's end lies inside the axes (a label's size is
    fixed in points, the bars' length is not): right of positive bars, left of negative ones."""
    fig = ax.figure
    renderer = fig.canvas.get_renderer()
    margin = 4  # px kept free inside the frame
    for _ in range(3):
        box = ax.get_window_extent(renderer)
        low, high = ax.get_xlim()
        need_low, need_high = low, high
        for text, value in labels:
            extent = text.get_window_extent(renderer)
            anchor = ax.transData.transform((value, 0))[0]
            if value >= 0:  # anchor ... extent.x1 must fit before the right edge
                reach = extent.x1 - anchor + margin
                if reach < box.width:
                    need_high = max(need_high, low + (value - low) * box.width / (box.width - reach))
            else:
                reach = anchor - extent.x0 + margin
                if reach < box.width:
                    need_low = min(need_low, high - (high - value) * box.width / (box.width - reach))
        if (need_low, need_high) == (low, high):
            return
        ax.set_xlim(need_low, need_high)


def chart_breakdown(data: Breakdown, layout: Layout = DOCUMENT) -> Figure:
    """Industrial output of each row (bars, 亿元, left panel) and its growth (bars, %, right panel, with the
    SEI total's growth as a dashed line): two measures of the same rows, each on its own axis."""
    rows, n = data.rows, len(data.rows)
    height = max(layout.height, 1.2 + 0.25 * n)  # many districts: a taller figure, never thinner bars
    fig, ax = _new_figure(height, layout)
    ax.set_position((0.2, 0.15, 0.44, 0.7))
    right = fig.add_axes((0.7, 0.15, 0.26, 0.7), sharey=ax)
    ys = list(range(n))
    output, growth = rows["output"], rows["growth"]
    ax.barh(ys, output.fillna(0.0), height=0.62, color=BAR)
    right.barh(ys, growth.fillna(0.0), height=0.62, color=GROWTH)
    size = layout.pt(9)
    # A white box keeps a growth label legible where the total's line crosses it.
    box = {"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"}
    output_labels, growth_labels = [], []
    for y, v in zip(ys, output):
        if _present(v):
            output_labels.append((ax.annotate(fmt_amount(v), (v, y), xytext=(3, 0), textcoords="offset points",
                                              va="center", ha="left", fontsize=size), v))
    withheld = rows["suppressed"] if "suppressed" in rows else pd.Series(False, index=rows.index)
    for y, hidden in zip(ys, withheld):
        if hidden:  # named, without figures: the mark the tables print, in both panels
            for axes in (ax, right):
                axes.annotate(SUPPRESSED_MARK, (0, y), xytext=(3, 0), textcoords="offset points", va="center",
                              ha="left", fontsize=size, color="#888888")
    for y, g, hidden in zip(ys, growth, withheld):
        if hidden:
            continue
        if _present(g):
            sign = 1 if g >= 0 else -1
            text = f"{'+' if g > 0 else ''}{fmt_percent(g)}"
            growth_labels.append((right.annotate(text, (g, y), xytext=(3 * sign, 0), textcoords="offset points", va="center",
                                                 ha="left" if sign > 0 else "right", fontsize=size, bbox=box), g))
        else:
            right.annotate("—", (0, y), xytext=(3, 0), textcoords="offset points", va="center", ha="left",
                           fontsize=size, color="#888888")
    shown = [g for g in growth if _present(g)]
    if data.total_growth is not None:
        right.axvline(data.total_growth, color=TARGET, linestyle="--", linewidth=1.2,
                      label=f"战略性新兴产业合计增速 {fmt_percent(data.total_growth)}")
        shown.append(data.total_growth)
    right.axvline(0, color="#555555", linewidth=0.8)
    high = max([v for v in output if _present(v)], default=1.0)
    ax.set_xlim(0, high if high > 0 else 1.0)
    low_g, high_g = min([0.0, *shown]), max([0.0, *shown])
    right.set_xlim(low_g - 0.05 * ((high_g - low_g) or 1.0), high_g + 0.05 * ((high_g - low_g) or 1.0))
    ax.set_yticks(ys, list(rows.index), fontsize=layout.pt(9.5))
    ax.set_ylim(n - 0.5, -0.5)  # the first row on top
    right.tick_params(labelleft=False, left=False, labelsize=size)
    right.spines["left"].set_visible(False)  # the zero line stands for it
    for axes, unit, label in ((ax, "亿元", "工业总产值（亿元）"), (right, "%", "同比增长（%，可比口径）")):
        from matplotlib.ticker import MaxNLocator

        axes.xaxis.set_major_locator(MaxNLocator(nbins=4, steps=[1, 2, 2.5, 5, 10]))
        axes.xaxis.set_major_formatter(tick_formatter(unit))
        axes.set_xlabel(label, fontsize=layout.pt(10))
        axes.spines[["top", "right"]].set_visible(False)
        axes.grid(axis="x", color="#dddddd", linewidth=0.6)
        axes.set_axisbelow(True)
    _legend(right, layout)  # the house legend, in the top strip
    for _ in range(2):  # the labels' room depends on the axes' width, which fit settles
        fit(fig, layout)
        _room_for_labels(ax, output_labels)
        _room_for_labels(right, growth_labels)
    return fig


def document_figure(spec: DocumentSpec, *, simulated: bool) -> Figure:
    """Chart ``spec`` drawn in the DOCUMENT layout, with the 模拟数据 stamp for simulated data, unsaved."""
    fig = spec.draw(spec.data)
    if simulated:
        stamp(fig, DOCUMENT)
    fit(fig, DOCUMENT)
    return fig


def build_document_figures(con, *, period: str | None = None, year: int | None = None,
                           simulated: bool) -> dict[str, Figure]:
    """The document charts' figures by name (``document_specs``), drawn but unsaved."""
    use_cjk_font()
    return {spec.name: document_figure(spec, simulated=simulated) for spec in document_specs(con, period=period, year=year)}


@functools.cache
def _document_code() -> str:
    return code_version(("sei_stats.charts", "sei_stats.document_charts", "sei_stats.calendar", "sei_stats.period",
                         "sei_stats.vocabulary"), packages=("matplotlib", "pillow", FONT_PACKAGE.replace("_", "-")))


def document_chart_key(spec: DocumentSpec, *, simulated: bool) -> str:
    """The content key of a document chart: the data it is drawn from, ``simulated``, the layout, the code."""
    return content_key(_document_code(), DOCUMENT, spec.name, simulated, AREAS, spec.data)


def render_document_charts(con, out_dir: Path, *, period: str | None = None, year: int | None = None,
                           simulated: bool) -> list[DocumentChart]:
    """Draw a briefing's charts for the page into ``out_dir`` as <name>.png and <name>.svg.

    ``con``: a DuckDB connection to the warehouse. Exactly one of ``period`` ('YYYY-MM': a monthly briefing,
    figures as of that report period, cumulative 1–X月) and ``year`` (the annual evaluation). Returns the
    charts whose data are there, in the briefing's order; a chart without data is left out. A chart whose
    PNG and SVG both carry its current content key is kept as it is; the others are drawn and saved. Nothing
    is written (not even ``out_dir``) when no chart has data.
    """
    use_cjk_font()
    specs = document_specs(con, period=period, year=year)
    out_dir = Path(out_dir)
    source = f"{DOCUMENT_SOURCE}（{STAMP_TEXT}）" if simulated else DOCUMENT_SOURCE
    result = [DocumentChart(s.name, s.title, source, out_dir / f"{s.name}.png", out_dir / f"{s.name}.svg") for s in specs]
    keys = {s.name: document_chart_key(s, simulated=simulated) for s in specs}
    stale = [s for s, c in zip(specs, result) if any(stored_content_key(f) != keys[s.name] for f in (c.png, c.svg))]
    figures = {s.name: document_figure(s, simulated=simulated) for s in stale}
    if specs:
        out_dir.mkdir(parents=True, exist_ok=True)
    try:
        for spec in stale:
            _save(figures[spec.name], out_dir, spec.name, keys[spec.name])
            crashpoints.reach("charts")
    finally:
        for fig in figures.values():
            fig.clear()
    log.info("document charts in %s: %d drawn, %d kept", out_dir, len(stale), len(specs) - len(stale))
    return result

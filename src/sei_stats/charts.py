"""Briefing charts of the SEI indicators against the plan's targets, read from the warehouse.

Five charts, each written as PNG (300 dpi) and SVG: output against the 5000亿元 trajectory,
the latest year month by month against the path within the year (序时进度), comparable growth
against 18%, the GDP share against 15%, and output by the plan's six areas.
Figures are built with ``matplotlib.figure.Figure`` on an Agg canvas, never through pyplot:
the global backend of whoever imports this module (a notebook, Dagster) is left alone and no
figure stays registered anywhere after a render.

A chart is drawn again only when what it shows changed: each file carries a content key (PNG: a
tEXt chunk, SVG: its dc:identifier), the hash of the data the chart is drawn from (``drawn_from``),
``simulated`` and the drawing code (this module and what it reads, matplotlib's and the font's
versions). ``render_charts`` keeps a chart whose PNG and SVG both carry its current key, and says
which it drew and which it kept (``Rendered``). ``content_key``/``stored_content_key`` are shared
with the data-quality report.

The house style is public for other figures to share (the data-quality report's chart does):
the colours (BAR, TARGET, PATH, AVERAGE, STAMP), ``use_cjk_font``, the number formats
``fmt_amount``/``fmt_percent``/``fmt_target``, and ``stamp``, ``note``, ``tick_formatter``,
``value_axis``.

The drawing takes a ``Layout``: FULL (8×5 inches, title and source line inside, what ``render_charts``
writes) or DOCUMENT (the A4 text width, 156 mm, no text under 9 pt, no title or source inside, axes
placed by ``fit``), which sei_stats.document_charts draws a briefing's page charts in.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib
import importlib.metadata
import importlib.resources
import logging
import math
import os
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from typing import TYPE_CHECKING

import pandas as pd

from sei_stats import crashpoints
from sei_stats import period as periods
from sei_stats.calendar import EVERY_MONTH, Calendar, from_warehouse
from sei_stats.catalog import AREAS
from sei_stats.vocabulary import MEASURE_LABELS

if TYPE_CHECKING:  # matplotlib (2 s to import) is imported where a chart is drawn: a kept chart needs none of it
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

log = logging.getLogger(__name__)

FONT_PACKAGE = "noto_cjk_sans_otc"
FONT_FILE = "NotoSansCJK-Regular.ttc"
# The .ttc holds JP, KR, SC, TC and HK faces; matplotlib registers each under its own name.
FONT_FACE = "Noto Sans CJK SC"
FALLBACK_FACE = "DejaVu Sans"

DPI = 300
STAMP_TEXT = "模拟数据"
STAMP_GID = "sei-simulated-stamp"
SOURCE = "来源: 企业战略性新兴产业产品产值月报, sei-stats"

# Restrained colours that survive greyscale printing.
BAR = "#3b6ea5"
TARGET = "#c0392b"
PATH = "#e67e22"
AVERAGE = "#2c3e50"
SERVICES = "#8c6bb1"  # services revenue: a colour of its own, never stacked on industrial output
STAMP = "#d62728"
YEAR_COLOURS = ("#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b", "#525252", "#969696", "#bdbdbd")
GROWTH = "#6baed6"  # growth bars beside output bars: another measure, another colour


# --- layouts ---------------------------------------------------------------------------------

MM = 1 / 25.4  # inches


@dataclass(frozen=True)
class Layout:
    """How a chart is laid out: its size (inches), its smallest text (pt) and whether the title and source
    line are inside the image.

    FULL is the briefing charts' own: 8×5 inches, title and source inside, margins fixed. DOCUMENT is drawn
    for the page of a Word/HTML briefing: the A4 text width (156 mm), no text under 9 pt, no title and no
    source line (the document writes its caption and source), the legend and the 模拟数据 stamp in a strip
    across the top and the axes fitted to what their labels need (``fit``).
    """

    name: str
    width: float
    height: float
    min_font: float = 0.0  # pt: every font size asked for is raised to this
    framed: bool = True  # the title (suptitle) and source line drawn inside the image
    pad: float = 0.0  # inches left clear along the edges (fitted layouts only)
    stamp_room: float = 0.0  # inches kept free at the right of the top strip for the stamp (fitted layouts)

    def pt(self, size: float) -> float:
        """A font size in this layout: ``size``, or the layout's smallest when that is larger."""
        return max(size, self.min_font)


FULL = Layout("full", 8.0, 5.0)
DOCUMENT = Layout("document", 156 * MM, 95 * MM, min_font=9.0, framed=False, pad=0.04, stamp_room=0.95)


# --- font ------------------------------------------------------------------------------------


def cjk_font_path() -> Path:
    """Where the packaged Noto Sans CJK collection lies (inside the noto_cjk_sans_otc package)."""
    path = Path(str(importlib.resources.files(FONT_PACKAGE).joinpath(FONT_FILE)))
    if not path.is_file():
        raise FileNotFoundError(f"{path}: the {FONT_PACKAGE} package ships no {FONT_FILE}")
    return path


def use_cjk_font() -> str:
    """Make matplotlib draw Chinese with the packaged Noto Sans CJK SC; returns the face name.

    Idempotent: the font file is registered once, the rcParams are set to the same values.
    """
    import matplotlib
    from matplotlib.font_manager import fontManager

    path = cjk_font_path()
    if not any(Path(entry.fname) == path for entry in fontManager.ttflist):
        fontManager.addfont(path)
    if not any(entry.name == FONT_FACE for entry in fontManager.ttflist):
        raise RuntimeError(f"{path}: matplotlib found no face named {FONT_FACE!r} in it")
    # Per-glyph fallback: anything Noto lacks is looked up in DejaVu Sans.
    matplotlib.rcParams["font.family"] = [FONT_FACE, FALLBACK_FACE]
    # U+2212 is not in every face; the ASCII hyphen is, and reads the same in tables.
    matplotlib.rcParams["axes.unicode_minus"] = False
    return FONT_FACE


# --- numbers ---------------------------------------------------------------------------------


def fmt_amount(value: float) -> str:
    """An amount the Chinese statistical way: thousands separated, one decimal (3,012.5)."""
    return f"{value:,.1f}"


def fmt_percent(value: float) -> str:
    """A percentage already in percent, one decimal (18.0%)."""
    return f"{value:.1f}%"


def fmt_target(value: float, unit: str) -> str:
    """A plan target as the plan writes it: 5,000亿元, 18%, 15% (no trailing .0)."""
    text = f"{value:,.1f}".removesuffix(".0")
    return f"{text}{unit}"


def _present(value) -> bool:
    """Whether a figure read from the warehouse is there (not NULL/NaN)."""
    return value is not None and not (isinstance(value, float) and math.isnan(value))


# --- data ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One of the plan's targets, its value in display units (亿元 or %)."""

    label: str
    value: float
    unit: str
    measure: str = "industry"  # output and growth targets: the measure judged (ref.targets.measure)


@dataclass(frozen=True)
class PathData:
    """The latest year landed, month by month (1–X月), against the path within the year (序时进度)."""

    year: int
    target_year: int | None  # the target year of the plan whose path is drawn
    # index month (1–12, the months landed): output_value, last_year_value, path_annual, path_value, gap in 亿元;
    # gap_share and output_growth in %; position (ahead, behind or None)
    months: pd.DataFrame
    calendar: Calendar = field(default_factory=Calendar)  # the report periods (ref.settings): the x axis and labels


@dataclass(frozen=True)
class ChartData:
    """Everything the charts draw: complete years, areas of those years, the plan's targets, the latest year's path."""

    annual: pd.DataFrame  # index year; money in 亿元, rates in %
    areas: pd.DataFrame  # index year, columns the plan's areas in its order; 亿元
    targets: dict[str, Target]
    baseline_year: int | None
    target_year: int | None
    path: PathData | None = None
    measure: str = "industry"  # what the output target is judged on (ref.targets.measure): output_value is that measure
    other_areas: pd.DataFrame | None = None  # the other measure by area (services revenue beside industrial output)

    @property
    def measure_label(self) -> str:
        """工业总产值 or 营业收入: the words every output label uses (the two measures are never added)."""
        return MEASURE_LABELS[self.measure]

    def years(self) -> list[int]:
        """Every year the x axis spans: the data's years, the baseline and the target year."""
        known = [int(y) for y in self.annual.index]
        known += [y for y in (self.baseline_year, self.target_year) if y is not None]
        return list(range(min(known), max(known) + 1))


def read_annual(con) -> pd.DataFrame:
    """mart.indicators_annual by year, money as float 亿元 and rates as percent, both measures apart (industry_*,
    services_*); ``read_chart_data`` names the output target's output_value and output_growth."""
    frame = con.sql(
        """
        select year::integer as year,
               output_value::double as industry_value, output_growth::double as industry_growth,
               services_revenue::double as services_value, services_revenue_growth::double as services_growth,
               value_added::double as value_added, gdp::double as gdp, gdp_share::double as gdp_share,
               avg_growth_since_baseline::double as avg_growth_since_baseline
        from mart.indicators_annual order by year
        """
    ).df()
    frame = frame.set_index("year")
    for column in ("industry_growth", "services_growth", "gdp_share", "avg_growth_since_baseline"):
        frame[column] = frame[column] * 100
    return frame


def read_areas(con, measure: str = "industry", until_year: int | None = None) -> pd.DataFrame:
    """December output of ``measure`` by area (the annual totals) of complete years (to ``until_year`` when
    given), areas in the plan's order."""
    column = "output_ytd" if measure == "industry" else "services_revenue"
    long = con.execute(
        f"""
        select year(period)::integer as year, area, {column}::double as output_ytd
        from mart.output_by_area
        where month(period) = 12 and year(period) in (select year from mart.indicators_annual)
          and ($until is null or year(period) <= $until)
        """,
        {"until": until_year},
    ).df()
    if long.empty:
        return pd.DataFrame(columns=list(AREAS), dtype=float)
    wide = long.pivot_table(index="year", columns="area", values="output_ytd", aggfunc="sum")
    # An area the plan does not name would be a data error upstream; show it after the six.
    extra = sorted(c for c in wide.columns if c not in AREAS)
    return wide.reindex(columns=[*AREAS, *extra]).sort_index()


def chart_plan(plans: pd.DataFrame, latest_year: int | None):
    """The plan the charts draw: the one ``latest_year`` is read against in mart.indicators_annual — of the
    plans whose years (baseline_year+1 … target_year) contain it the first to end, else the latest plan
    ended before it, else (data before every plan) the first plan. ``plans``: plan_id, baseline_year,
    target_year; a row of it, or None without a plan."""
    if plans.empty:
        return None
    plans = plans.sort_values(["target_year", "baseline_year", "plan_id"], ascending=[True, False, True])
    if latest_year is not None:
        holding = plans[(plans["baseline_year"] < latest_year) & (latest_year <= plans["target_year"])]
        if not holding.empty:
            return holding.iloc[0]
        ended = plans[plans["target_year"] < latest_year]
        if not ended.empty:
            return ended.sort_values(["target_year", "baseline_year"], ascending=False).iloc[0]
    return plans.iloc[0]


def read_plan_targets(con, latest_year: int | None = None) -> tuple[str | None, dict[str, Target], int | None, int | None]:
    """The plan the charts draw (``chart_plan``): its id, its ref.targets by indicator (fractions turned
    into %), its baseline and target years."""
    rows = con.sql(
        "select plan_id, indicator, label, target_value::double as value, unit, baseline_year::integer as baseline_year, "
        "target_year::integer as target_year, coalesce(measure, 'industry') as measure from ref.targets"
    ).df()
    plan = chart_plan(rows.groupby("plan_id", as_index=False)[["baseline_year", "target_year"]].max(), latest_year)
    if plan is None:
        return None, {}, None, None
    rows = rows[rows["plan_id"] == plan["plan_id"]]
    targets = {}
    for row in rows.itertuples():
        percent = row.unit == "fraction"
        targets[row.indicator] = Target(row.label, row.value * 100 if percent else row.value, "%" if percent else row.unit,
                                        row.measure)
    return plan["plan_id"], targets, int(plan["baseline_year"]), int(plan["target_year"])


def read_targets(con, latest_year: int | None = None) -> tuple[dict[str, Target], int | None, int | None]:
    """The drawn plan's targets by indicator, with its baseline and target years (``read_plan_targets``)."""
    return read_plan_targets(con, latest_year)[1:]


def _measured_for(con, plan_id: str, years) -> list[bool]:
    """Which of ``years`` mart.indicators_annual measures the average growth for ``plan_id`` (its column
    plan_id; a warehouse without it: every year)."""
    (has_column,), = con.sql("select count(*) from duckdb_columns() where schema_name = 'mart' "
                             "and table_name = 'indicators_annual' and column_name = 'plan_id'").fetchall()
    if not has_column:
        return [True] * len(years)
    plan_of = dict(con.sql("select year::integer, plan_id from mart.indicators_annual").fetchall())
    return [plan_of.get(int(y)) == plan_id for y in years]


def read_target_path(con, period: str | None = None) -> PathData | None:
    """The latest year landed by month: output and the same period last year (mart.indicators_monthly) with
    the path within the year of the plan that year is read against (``chart_plan``, mart.target_path);
    None when no month is landed.

    With ``period`` ('YYYY-MM', a monthly briefing's): that period's year, its months to ``period`` only —
    months the warehouse holds after it are not read; None when none of them is landed."""
    if period is None:
        (year,), = con.sql("select max(year(period))::integer from mart.indicators_monthly").fetchall()
        if year is None:
            return None
        last = 12
    else:
        year, last = periods.year(period), periods.month(period)
    plan_id, targets, _, target_year = read_plan_targets(con, year)
    value, growth = ("output_value", "output_growth") if _measure(targets) == "industry" else (
        "services_revenue", "services_revenue_growth")
    months = con.execute(
        f"""
        select month(m.period)::integer as month, m.{value}::double as output_value,
               ly.{value}::double as last_year_value, p.path_annual::double as path_annual,
               p.path_value::double as path_value, p.gap::double as gap, p.gap_share::double * 100 as gap_share,
               m.{growth}::double * 100 as output_growth, p.position
        from mart.indicators_monthly as m
        left join mart.indicators_monthly as ly on ly.period = make_date(year(m.period) - 1, month(m.period), 1)
        left join mart.target_path as p on p.period = m.period and p.plan_id = $plan
        where year(m.period) = $year and month(m.period) <= $last
        order by month
        """,
        {"plan": plan_id, "year": year, "last": last},
    ).df()
    if months.empty:
        return None
    return PathData(year, target_year, months.set_index("month"), from_warehouse(con))


def _measure(targets: dict[str, Target]) -> str:
    """The measure the output target is judged on: industrial output unless targets.yaml says services."""
    target = targets.get("output_value") or targets.get("avg_growth_since_baseline")
    return target.measure if target else "industry"


def read_chart_data(con, year: int | None = None) -> ChartData | None:
    """The published tables the charts draw from, in display units; None without a complete year.

    With ``year`` (an annual evaluation's): the complete years to ``year`` only, against the plan ``year`` is
    read against, and no path within the year (``path`` None)."""
    annual = read_annual(con)
    if year is not None:
        annual = annual[annual.index <= year]
    if annual.empty:
        return None
    plan_id, targets, baseline_year, target_year = read_plan_targets(con, int(annual.index.max()))
    measure = _measure(targets)
    annual["output_value"], annual["output_growth"] = annual[f"{measure}_value"], annual[f"{measure}_growth"]
    if plan_id is not None:
        # The average growth drawn is the drawn plan's: since its baseline year.
        shown = (annual.index > baseline_year) & pd.Series(_measured_for(con, plan_id, annual.index), index=annual.index)
        annual.loc[~shown, "avg_growth_since_baseline"] = float("nan")
    other = "services" if measure == "industry" else "industry"
    path = read_target_path(con) if year is None else None
    return ChartData(annual, read_areas(con, measure, year), targets, baseline_year, target_year, path, measure,
                     read_areas(con, other, year))


# --- the house style (public) ----------------------------------------------------------------


def stamp(fig: Figure, layout: Layout = FULL) -> None:
    """A red corner stamp plus a faint diagonal watermark: nobody takes these numbers as real.

    Call once the axes exist: their backgrounds turn transparent so the watermark shows through. In a
    fitted layout (DOCUMENT) the stamp sits in the top strip's right end, which ``fit`` keeps clear.
    """
    width, height = fig.get_figwidth(), fig.get_figheight()
    corner = (0.985, 1 - 0.12 / height) if layout.framed else (1 - (layout.pad + 0.03) / width, 1 - (layout.pad + 0.03) / height)
    fig.text(
        *corner, STAMP_TEXT, gid=STAMP_GID, fontsize=12 if layout.framed else layout.pt(10), color=STAMP,
        ha="right", va="top",
        bbox={"boxstyle": "round,pad=0.3", "facecolor": "white", "edgecolor": STAMP, "linewidth": 1.5},
    )
    fig.text(
        0.53, 0.5, STAMP_TEXT, fontsize=64 if layout.framed else 48, color=STAMP, alpha=0.12, rotation=25,
        ha="center", va="center", zorder=-1,
    )
    for ax in fig.axes:
        ax.set_facecolor("none")


def value_axis(ax, unit: str, values: Iterable[float]) -> None:
    """The y axis in its unit, from zero (or below, for falls) with room above the highest value for labels."""
    values = [v for v in values if _present(v)]
    high = max(values, default=1.0)
    low = min([0.0, *values])
    span = (high - low) or 1.0
    ax.set_ylim(low - (0.12 * span if low < 0 else 0), high + 0.15 * span)
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 5, 10]))
    ax.yaxis.set_major_formatter(tick_formatter(unit))
    ax.set_ylabel(unit, fontsize=10)
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)


def tick_formatter(unit: str) -> FuncFormatter:
    """Tick labels in the Chinese statistical style: 1,000 / 2,500.5 for 亿元, 15% / 2.5% for %."""

    def label(value: float, _position) -> str:
        # Round ticks read better without a trailing .0; others keep their one decimal.
        whole = abs(value - round(value)) < 1e-9
        if unit == "%":
            return f"{value:.0f}%" if whole else fmt_percent(value)
        return f"{value:,.0f}" if whole else fmt_amount(value)

    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(label)


def note(ax, text: str) -> None:
    """A grey note in the plot where data is missing, instead of an empty frame without reason."""
    ax.text(0.5, 0.5, text, transform=ax.transAxes, ha="center", va="center", fontsize=11, color="#888888")


# --- content keys (public: the data-quality report keys its pages the same way) ----------------

CONTENT_KEY = "sei-content-key"
# Where a file says its key: a PNG tEXt chunk (keyword NUL key), an SVG dc:identifier (name:key), an HTML
# <meta name=… content=…>. Always near the start of the file: the first KEY_SCAN_BYTES are read.
_STORED_KEY = re.compile(rb'sei-content-key(?:\x00|:|" content=")([0-9a-f]{64})')
KEY_SCAN_BYTES = 16384


@dataclass(frozen=True)
class Rendered:
    """The files of a render: ``paths`` every one in drawing order, ``written`` those drawn this time; the
    others (``kept``) already showed exactly this content and were left untouched."""

    paths: list[Path]
    written: list[Path]

    @property
    def kept(self) -> list[Path]:
        drawn = set(self.written)
        return [p for p in self.paths if p not in drawn]


# Significant digits of a float in a content key. DuckDB sums doubles in parallel, so the same rows can sum to
# values that differ in the last bits from one publish to the next (6393.705442 亿元 either side of one ulp):
# at full precision that redrew charts and pages that show the same figures. 12 digits still tell 0.001 千元 apart
# in a city's total of 5000亿元, far below what any chart or page prints.
KEY_DIGITS = 12


def canonical_float(value: float) -> str:
    return format(value, f".{KEY_DIGITS}g")


def canonical_row(values: tuple) -> str:
    """A row's values as text for a content key: floats at KEY_DIGITS significant digits, the rest as repr."""
    return "(" + ", ".join(canonical_float(v) if isinstance(v, float) else repr(v) for v in values) + ")"


def _canonical(value) -> str:
    """``value`` as text that differs whenever what it holds differs: frames as CSV with their index and
    floats at KEY_DIGITS significant digits, dataclasses by their compared fields, dicts and sets sorted."""
    if isinstance(value, pd.Series):
        value = value.to_frame()
    if isinstance(value, pd.DataFrame):
        return "DataFrame\n" + value.to_csv(lineterminator="\n", float_format=f"%.{KEY_DIGITS}g")
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        inner = ", ".join(f"{f.name}={_canonical(getattr(value, f.name))}" for f in dataclasses.fields(value) if f.compare)
        return f"{type(value).__name__}({inner})"
    if isinstance(value, dict):
        return "{" + ", ".join(sorted(f"{_canonical(k)}: {_canonical(v)}" for k, v in value.items())) + "}"
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(_canonical(v) for v in value)) + "}"
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_canonical(v) for v in value) + "]"
    if hasattr(value, "item") and not isinstance(value, (str, bytes)):  # a numpy scalar
        value = value.item()
    return canonical_float(value) if isinstance(value, float) else repr(value)


def content_key(*parts) -> str:
    """The content key of what ``parts`` hold (data, flags, a code version): 64 hex digits (SHA-256)."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(_canonical(part).encode("utf-8"))
        digest.update(b"\x1e")
    return digest.hexdigest()


def code_version(modules: Iterable[str], files: Iterable[Path] = (), packages: Iterable[str] = ()) -> str:
    """A hash of the source of ``modules`` (by import name), of ``files`` and of the installed versions of
    ``packages``: part of every content key, so that changed drawing code draws again."""
    digest = hashlib.sha256()
    sources = [Path(importlib.import_module(name).__file__) for name in modules] + [Path(f) for f in files]
    for path in sources:
        digest.update(f"{path.name}\x1f".encode())
        digest.update(path.read_bytes())
    for package in packages:
        try:
            version = importlib.metadata.version(package)
        except importlib.metadata.PackageNotFoundError:
            version = "?"
        digest.update(f"\x1e{package}={version}".encode())
    return digest.hexdigest()


def stored_content_key(path: Path) -> str | None:
    """The content key a chart or report file carries; None when the file is missing or carries none."""
    try:
        with open(path, "rb") as f:
            head = f.read(KEY_SCAN_BYTES)
    except OSError:
        return None
    found = _STORED_KEY.search(head)
    return found.group(1).decode("ascii") if found else None


@functools.cache
def _chart_code() -> str:
    # Computed once a process: the key names the code this process draws with.
    return code_version(("sei_stats.charts", "sei_stats.calendar", "sei_stats.period", "sei_stats.vocabulary"),
                        packages=("matplotlib", "pillow", FONT_PACKAGE.replace("_", "-")))


# --- the common frame ------------------------------------------------------------------------


def _new_figure(height: float | None = None, layout: Layout = FULL) -> tuple[Figure, Axes]:
    """A figure on an Agg canvas with one axes, margins left for title, legend and source line (FULL), or
    placed roughly for ``fit`` to settle (DOCUMENT). ``height`` in inches, the layout's by default."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    height = layout.height if height is None else height
    fig = Figure(figsize=(layout.width, height), dpi=100)
    FigureCanvasAgg(fig)
    if layout.framed:
        # Fixed margins (in inches) so the title, legend row and source line never collide.
        top = 1 - 1.05 / height
        bottom = 0.85 / height
        ax = fig.add_axes((0.10, bottom, 0.86, top - bottom))
    else:
        ax = fig.add_axes((0.12, 0.15, 0.84, 0.7))
    ax.spines[["top", "right"]].set_visible(False)
    ax.tick_params(labelsize=layout.pt(9))
    return fig, ax


def _frame(fig: Figure, title: str, *, simulated: bool) -> None:
    """Title, source line and — for simulated data — the 模拟数据 stamp, the same on every chart."""
    height = fig.get_figheight()
    fig.suptitle(title, fontsize=14, y=1 - 0.18 / height, va="top")
    source = f"{SOURCE}（{STAMP_TEXT}）" if simulated else SOURCE
    fig.text(0.02, 0.12 / height, source, fontsize=8, color="#555555", ha="left", va="bottom")
    if simulated:
        stamp(fig)


def _legend(ax, layout: Layout = FULL) -> None:
    """The legend as one row between the title and the plot, clear of the data (FULL); in a fitted layout,
    from the top strip's left end in as few rows as the width (less the stamp's room) allows."""
    from matplotlib.container import BarContainer

    handles, labels = ax.get_legend_handles_labels()
    # matplotlib lists lines before bars; the actual figures (the bars) should lead.
    pairs = sorted(zip(handles, labels), key=lambda pair: not isinstance(pair[0], BarContainer))
    handles, labels = [h for h, _ in pairs], [label for _, label in pairs]
    if not handles:
        return
    if layout.framed:
        ax.legend(
            handles, labels, loc="lower center", bbox_to_anchor=(0.5, 1.01), ncol=min(len(handles), 4),
            fontsize=8.5, frameon=False, handlelength=1.8, columnspacing=1.2,
        )
        return
    fig = ax.figure
    width, height = fig.get_figwidth(), fig.get_figheight()
    room = width - 2 * layout.pad - layout.stamp_room
    renderer = fig.canvas.get_renderer()
    n = len(handles)

    def place(ncol: int):
        # matplotlib fills a legend column by column; this order reads row by row, in the order above.
        order = [i for c in range(ncol) for i in range(c, n, ncol)]
        return ax.legend(
            [handles[i] for i in order], [labels[i] for i in order], loc="upper left",
            bbox_to_anchor=(layout.pad / width, 1 - layout.pad / height), bbox_transform=fig.transFigure,
            ncol=ncol, fontsize=layout.pt(8.5), frameon=False, handlelength=1.8, columnspacing=1.2,
            borderaxespad=0.0, borderpad=0.2,
        )

    ncol = n
    while ncol > 1 and place(ncol).get_window_extent(renderer).width / fig.dpi > room:
        ncol -= 1
    rows = math.ceil(n / ncol)
    legend = place(math.ceil(n / rows))  # as many rows as needed, the entries spread evenly over them
    legend.set_in_layout(False)  # in the top strip, which ``fit`` keeps clear: not part of the axes' room


def fit(fig: Figure, layout: Layout) -> None:
    """Place the axes of a fitted layout (DOCUMENT): their tick labels, axis labels and the labels inside them
    fill the figure within ``layout.pad``, under the top strip that holds the legends and the stamp. Several
    axes keep their places relative to each other. Call once everything is drawn; idempotent."""
    renderer = fig.canvas.get_renderer()
    width, height = fig.get_figwidth(), fig.get_figheight()
    axes = list(fig.axes)
    if not axes:
        return
    strip = [ax.get_legend() for ax in axes if ax.get_legend() is not None]
    strip += [t for t in fig.texts if t.get_gid() == STAMP_GID]
    top = layout.pad
    if strip:
        top += max(a.get_window_extent(renderer).height for a in strip) / fig.dpi + 0.1
    for _ in range(4):  # tick labels move a little as the axes do: settle in a few rounds
        boxes = [ax.get_tightbbox(renderer) for ax in axes]
        x0, y0 = (min(b.x0 for b in boxes) / fig.dpi, min(b.y0 for b in boxes) / fig.dpi)
        x1, y1 = (max(b.x1 for b in boxes) / fig.dpi, max(b.y1 for b in boxes) / fig.dpi)
        places = [ax.get_position() for ax in axes]
        px0, py0 = min(p.x0 for p in places) * width, min(p.y0 for p in places) * height
        px1, py1 = max(p.x1 for p in places) * width, max(p.y1 for p in places) * height
        nx0, ny0 = px0 + layout.pad - x0, py0 + layout.pad - y0
        nx1, ny1 = px1 + (width - layout.pad) - x1, py1 + (height - top) - y1
        moved = max(abs(nx0 - px0), abs(ny0 - py0), abs(nx1 - px1), abs(ny1 - py1))
        sx, sy = (nx1 - nx0) / (px1 - px0), (ny1 - ny0) / (py1 - py0)
        for ax, p in zip(axes, places):
            ax.set_position((
                (nx0 + (p.x0 * width - px0) * sx) / width, (ny0 + (p.y0 * height - py0) * sy) / height,
                p.width * width * sx / width, p.height * height * sy / height,
            ))
        if moved < 0.005:
            break


def _year_axis(ax, years: list[int]) -> None:
    """Years along x, one tick each, labelled 2017 … with the axis named 年份."""
    ax.set_xticks(years, [str(y) for y in years])
    ax.set_xlim(years[0] - 0.6, years[-1] + 0.6)
    ax.set_xlabel("年份", fontsize=10)


def png_dpi(width: float) -> float:
    """The resolution a PNG of a figure ``width`` inches wide is written at: DPI, or — when ``width`` is no
    whole number of DPI-th inches (156 mm is 1842.5 dots) — a hair above it, so that the image has the
    whole dots rounded up (1843) and says it is ``width`` wide (matplotlib would cut it to 1842)."""
    dots = width * DPI
    if abs(dots - round(dots)) < 1e-6:
        return DPI
    return (math.ceil(dots) + 0.01) / width


def _save(fig: Figure, out_dir: Path, name: str, key: str | None = None) -> list[Path]:
    """Write one figure as <name>.png (300 dpi, ``png_dpi``) and <name>.svg; return both paths.

    SVG text is drawn as paths: the chart then looks the same on a reader's machine without
    Noto CJK. A fixed hash salt and no date keep reruns on the same data byte-identical. ``key``,
    the chart's content key, is written into both (PNG tEXt, SVG dc:identifier).
    """
    png, svg = out_dir / f"{name}.png", out_dir / f"{name}.svg"
    import matplotlib

    png_meta, svg_meta = ({CONTENT_KEY: key}, {"Identifier": f"{CONTENT_KEY}:{key}"}) if key else ({}, {})
    with matplotlib.rc_context({"svg.fonttype": "path", "svg.hashsalt": "sei-stats"}):
        _save_atomically(fig, png, dpi=png_dpi(fig.get_figwidth()), facecolor="white", metadata=png_meta)
        _save_atomically(fig, svg, dpi=DPI, facecolor="white", metadata={"Date": None, **svg_meta})
    return [png, svg]


def _save_atomically(fig: Figure, target: Path, **options) -> None:
    """Save beside the target, then move onto it: a run killed while drawing never leaves half a file."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        fig.savefig(partial, format=target.suffix[1:], **options)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


# --- the charts ------------------------------------------------------------------------------


def _bar_labels(ax, xs, values, formatter: Callable[[float], str], layout: Layout = FULL) -> None:
    """Each bar's value inside its end, or just past it when the bar is too short to hold it.

    Inside, because the target lines cross the bars' tops and would strike labels out.
    Call after the axis limits are set: "too short" is measured against them.
    """
    low, high = ax.get_ylim()
    for x, v in zip(xs, values):
        if not _present(v):
            continue
        sign = 1 if v >= 0 else -1
        inside = abs(v) / (high - low) > 0.08
        ax.annotate(
            formatter(v), (x, v), xytext=(0, -4 * sign if inside else 3 * sign), textcoords="offset points",
            ha="center", va=("top" if sign > 0 else "bottom") if inside else ("bottom" if sign > 0 else "top"),
            fontsize=layout.pt(8), color="white" if inside else "black",
        )


def trajectories(base: float, baseline_year: int, target_year: int, target_value: float, rate: float | None):
    """The compound path from the baseline's output to the target, and the path at the target rate.

    Returns (years, required_path, required_rate, rate_path or None); rate is in %.
    """
    years = list(range(baseline_year, target_year + 1))
    n = target_year - baseline_year
    required = (target_value / base) ** (1 / n) - 1
    required_path = [base * (1 + required) ** (y - baseline_year) for y in years]
    rate_path = [base * (1 + rate / 100) ** (y - baseline_year) for y in years] if rate is not None else None
    return years, required_path, required * 100, rate_path


def chart_output_vs_target(data: ChartData, layout: Layout = FULL) -> tuple[Figure, str]:
    """Annual SEI output (bars) against the trajectories to the plan's output target."""
    fig, ax = _new_figure(layout=layout)
    years, annual = data.years(), data.annual
    ax.bar(annual.index, annual["output_value"], width=0.6, color=BAR, label=f"战略性新兴产业{data.measure_label}")
    shown = list(annual["output_value"])
    target = data.targets.get("output_value")
    growth = data.targets.get("avg_growth_since_baseline")
    base = annual["output_value"].get(data.baseline_year)
    if target and data.target_year and _present(base) and base > 0 and data.baseline_year < data.target_year:
        path_years, required, required_rate, at_rate = trajectories(
            base, data.baseline_year, data.target_year, target.value, growth.value if growth else None
        )
        ax.plot(path_years, required, color=TARGET, linestyle="--", marker="o", markersize=3.5,
                label=f"实现目标所需路径（年均{fmt_percent(required_rate)}）")
        if at_rate is not None:
            ax.plot(path_years, at_rate, color=PATH, linestyle=":", marker="s", markersize=3.5,
                    label=f"按年均增长{fmt_target(growth.value, '%')}测算")
            shown += at_rate
    if target and data.target_year:
        ax.plot([data.target_year], [target.value], marker="*", markersize=14, color=TARGET, linestyle="none",
                label=f"{data.target_year}年目标 {fmt_target(target.value, '亿元')}")
        ax.annotate(f"目标 {fmt_target(target.value, '')}", (data.target_year, target.value),
                    xytext=(0, 9), textcoords="offset points", ha="center", fontsize=layout.pt(8.5), color=TARGET)
        shown.append(target.value)
    _year_axis(ax, years)
    value_axis(ax, "亿元", shown)
    _bar_labels(ax, annual.index, annual["output_value"], fmt_amount, layout)
    _legend(ax, layout)
    year = f"与{data.target_year}年目标" if target and data.target_year else ""
    return fig, f"战略性新兴产业{data.measure_label}{year}（亿元）"


def _month_axis(ax, calendar: Calendar) -> None:
    """The report months along x, each a cumulative figure from January labelled by the calendar: 1–2月 … 1–12月
    (1月 first only when January is reported)."""
    ax.set_xticks(calendar.months, [calendar.short_label(f"2000-{m:02d}") for m in calendar.months])
    ax.set_xlim(calendar.months[0] - 0.6, 12.6)
    ax.set_xlabel("累计至当月（1–X月）", fontsize=10)


def path_status(month: int, row, measure_label: str = MEASURE_LABELS["industry"],
                calendar: Calendar = EVERY_MONTH) -> str:
    """The latest month in the bureau's words: output (of the target's measure), ahead of or behind the path
    (序时进度), growth. The span is the calendar's label (1–2月; 1月 only when January is reported)."""
    output, gap, gap_share, growth = (row[k] for k in ("output_value", "gap", "gap_share", "output_growth"))
    span = calendar.short_label(f"2000-{month:02d}")
    lines = [f"{span}累计{measure_label} {fmt_amount(output)}亿元"]
    if row["position"] in ("ahead", "behind"):
        side = "快于" if row["position"] == "ahead" else "慢于"
        lines.append(f"{side}序时进度 {fmt_amount(abs(gap))}亿元（{fmt_percent(abs(gap_share))}）")
    else:
        lines.append("无序时进度（基期或上年月度数据未齐）")
    if _present(growth):
        lines.append(f"同比{'增长' if growth >= 0 else '下降'} {fmt_percent(abs(growth))}（可比口径）")
    return "\n".join(lines)


def chart_target_path(data: ChartData, layout: Layout = FULL) -> tuple[Figure, str]:
    """The latest year landed month by month: cumulative output (bars) against the path within the year
    (序时进度: the path to the output target spread over the year as last year's months were) and the
    same period last year."""
    fig, ax = _new_figure(layout=layout)
    path = data.path
    _month_axis(ax, path.calendar if path is not None else Calendar())
    if path is None or path.months.empty:
        value_axis(ax, "亿元", [])
        note(ax, "暂无月度数据")
        return fig, f"战略性新兴产业{data.measure_label}序时进度（亿元）"
    months, year = path.months, path.year
    ax.bar(months.index, months["output_value"], width=0.6, color=BAR, label=f"{year}年累计{data.measure_label}")
    if months["path_value"].notna().any():
        # The full series, NaN included, so a month without a path breaks the line instead of bridging it.
        ax.plot(months.index, months["path_value"], color=TARGET, linestyle="--", marker="o", markersize=3.5,
                label="序时进度（目标路径）")
    ax.plot(months.index, months["last_year_value"], color="#7f7f7f", linestyle=":", marker="s", markersize=3.5,
            label=f"{year - 1}年同期")
    shown = [*months["output_value"], *months["path_value"], *months["last_year_value"]]
    annual = months["path_annual"].dropna()
    if not annual.empty:
        # Where the path ends the year: the whole year's path value, the target itself in the target year.
        what = "目标" if year == path.target_year else "全年路径值"
        ax.plot([12], [annual.iloc[0]], marker="*", markersize=12, color=TARGET, linestyle="none",
                label=f"{year}年{what} {fmt_target(annual.iloc[0], '亿元')}")
        shown.append(annual.iloc[0])
    value_axis(ax, "亿元", shown)
    latest = int(months.index.max())
    # Cumulative figures rise through the year: the upper left stays clear for the status (which also
    # says when there is no path).
    ax.text(0.02, 0.97, path_status(latest, months.loc[latest], data.measure_label, path.calendar), transform=ax.transAxes, ha="left", va="top",
            fontsize=layout.pt(9), linespacing=1.5,
            bbox={"boxstyle": "round,pad=0.4", "facecolor": "white", "edgecolor": "#cccccc"})
    _legend(ax, layout)
    return fig, f"{year}年战略性新兴产业{data.measure_label}序时进度（亿元）"


def chart_growth_vs_target(data: ChartData, layout: Layout = FULL) -> tuple[Figure, str]:
    """Annual comparable-basis growth (bars) against the target rate and the average since the baseline."""
    fig, ax = _new_figure(layout=layout)
    years, annual = data.years(), data.annual
    growth = annual["output_growth"]
    ax.bar(growth.index, growth, width=0.6, color=BAR, label=f"{data.measure_label}同比增长（可比口径）")
    shown = list(growth)
    average = annual["avg_growth_since_baseline"].dropna()
    if not average.empty:
        since = f"{data.baseline_year}年以来" if data.baseline_year else "基期以来"
        ax.plot(average.index, average, color=AVERAGE, marker="o", markersize=4, linewidth=1.4,
                label=f"{since}年均增长")
        for x, v in average.items():
            # A white box keeps the label legible where it crosses a bar's top edge.
            ax.annotate(fmt_percent(v), (x, v), xytext=(0, 7), textcoords="offset points",
                        ha="center", va="bottom", fontsize=layout.pt(8), color=AVERAGE,
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none"})
        shown += list(average)
    target = data.targets.get("avg_growth_since_baseline")
    if target:
        ax.axhline(target.value, color=TARGET, linestyle="--", linewidth=1.2, label=f"目标：年均增长{fmt_target(target.value, '%')}")
        shown.append(target.value)
    for year in growth.index[growth.isna()]:
        ax.annotate("无可比数据", (year, 0), xytext=(0, 4), textcoords="offset points",
                    ha="center", va="bottom", fontsize=layout.pt(8), color="#888888")
    ax.axhline(0, color="#555555", linewidth=0.8)
    _year_axis(ax, years)
    value_axis(ax, "%", shown)
    _bar_labels(ax, growth.index, growth, fmt_percent, layout)
    _legend(ax, layout)
    return fig, f"战略性新兴产业{data.measure_label}增长与目标（%）"


def chart_gdp_share_vs_target(data: ChartData, layout: Layout = FULL) -> tuple[Figure, str]:
    """SEI value added as a share of GDP (line) against the target share."""
    fig, ax = _new_figure(layout=layout)
    years, series = data.years(), data.annual["gdp_share"]
    share = series.dropna()
    # The full series, NaN included, so a missing year breaks the line instead of bridging it.
    ax.plot(series.index, series, color=BAR, marker="o", markersize=5, linewidth=1.8, label="增加值占全市GDP比重")
    for x, v in share.items():
        # On the page, a white box keeps the label legible where the target line crosses it.
        box = None if layout.framed else {"boxstyle": "round,pad=0.1", "facecolor": "white", "edgecolor": "none"}
        ax.annotate(fmt_percent(v), (x, v), xytext=(0, 7), textcoords="offset points", ha="center",
                    fontsize=layout.pt(8), bbox=box)
    shown = list(share)
    target = data.targets.get("gdp_share")
    if target:
        when = f"{data.target_year}年" if data.target_year else ""
        ax.axhline(target.value, color=TARGET, linestyle="--", linewidth=1.2, label=f"{when}目标 {fmt_target(target.value, '%')}")
        shown.append(target.value)
    if share.empty:
        note(ax, "暂无GDP比重数据")
    _year_axis(ax, years)
    value_axis(ax, "%", shown)
    _legend(ax, layout)
    return fig, "战略性新兴产业增加值占GDP比重与目标（%）"


def _area_bars(ax, areas: pd.DataFrame, names: list[str], *, labels: bool = True) -> None:
    """One horizontal bar per complete year for each area (the plan's first area on top), valued in 亿元."""
    n_years = max(len(areas.index), 1)
    height = 0.8 / n_years
    for i, year in enumerate(areas.index):
        ys = [k + (i - (n_years - 1) / 2) * height for k in range(len(names))]
        values = areas.loc[year].reindex(names)
        ax.barh(ys, values.fillna(0.0), height=height * 0.92, color=YEAR_COLOURS[i % len(YEAR_COLOURS)], label=f"{year}年")
        # Beyond five years the bars grow thinner than the 7pt labels; the axis must do.
        for y, v in zip(ys, values):
            if n_years <= 5 and _present(v):
                ax.annotate(fmt_amount(v), (v, y), xytext=(3, 0), textcoords="offset points", va="center", fontsize=7)
    ax.set_yticks(range(len(names)), names if labels else [""] * len(names), fontsize=9.5)
    ax.set_ylim(len(names) - 0.5, -0.5)  # the plan's first area on top
    ax.spines[["top", "right"]].set_visible(False)
    high = float(areas.max().max()) if not areas.empty else 1.0
    ax.set_xlim(0, (high if _present(high) and high > 0 else 1.0) * 1.2)
    ax.xaxis.set_major_formatter(tick_formatter("亿元"))
    ax.set_xlabel("亿元", fontsize=10)
    ax.grid(axis="x", color="#dddddd", linewidth=0.6)
    ax.set_axisbelow(True)
    if areas.empty:
        ax.set_xticks([])  # a 0-1 scale would suggest figures that are not there
        note(ax, "暂无分领域数据")


def chart_output_by_area(data: ChartData) -> tuple[Figure, str]:
    """Output by the plan's six areas, one horizontal bar per complete year, areas in the plan's order; where
    service units report, their revenue in a panel of its own beside it (two measures, never added)."""
    areas, other = data.areas, data.other_areas
    fig, ax = _new_figure(height=6.0)
    names = list(areas.columns) if not areas.empty else list(AREAS)
    # Long area names need the room on the left; the axes start further right than the others.
    left = 0.21
    box = ax.get_position()
    two = other is not None and not other.empty and bool((other.fillna(0) > 0).any().any())
    ax.set_position((left, box.y0, (0.56 if two else 0.96) - left, box.height))
    _area_bars(ax, areas, names)
    if not two:
        _legend(ax)
        return fig, f"战略性新兴产业分领域{data.measure_label}（亿元）"
    other_label = MEASURE_LABELS["services" if data.measure == "industry" else "industry"]
    right = fig.add_axes((0.61, box.y0, 0.35, box.height))
    right.tick_params(labelsize=9)
    _area_bars(right, other.reindex(columns=names), names, labels=False)
    for axes, label in ((ax, data.measure_label), (right, other_label)):
        axes.set_title(label, fontsize=10, loc="left", pad=4)
    _legend(ax)
    ax.get_legend().set_bbox_to_anchor((0.5 * (0.96 - left) / (0.56 - left), 1.06))
    return fig, f"战略性新兴产业分领域{data.measure_label}与{other_label}（亿元，分列不相加）"


def chart_industry_and_services(data: ChartData) -> tuple[Figure, str]:
    """Industrial output and services revenue of each complete year side by side: two measures, never added."""
    fig, ax = _new_figure()
    annual, width = data.annual, 0.38
    shown = []
    for offset, measure, colour in ((-width / 2, "industry", BAR), (width / 2, "services", SERVICES)):
        values, growth = annual[f"{measure}_value"], annual[f"{measure}_growth"]
        xs = [y + offset for y in annual.index]
        ax.bar(xs, values, width=width * 0.95, color=colour, label=f"{MEASURE_LABELS[measure]}（亿元）")
        for x, v, g in zip(xs, values, growth):
            if _present(v):
                text = fmt_amount(v) + (f"\n{'+' if g >= 0 else ''}{fmt_percent(g)}" if _present(g) else "")
                ax.annotate(text, (x, v), xytext=(0, 3), textcoords="offset points", ha="center", va="bottom",
                            fontsize=7.5, linespacing=1.1)
        shown += list(values)
    _year_axis(ax, [int(y) for y in annual.index])
    value_axis(ax, "亿元", shown)
    ax.text(0.01, 0.98, "工业总产值与营业收入口径不同，分列不相加\n柱上标注：亿元，同比增长（可比口径）", transform=ax.transAxes,
            ha="left", va="top", fontsize=8, color="#555555", linespacing=1.4)
    _legend(ax)
    return fig, "战略性新兴产业工业总产值与服务业营业收入（亿元）"


CHARTS: dict[str, Callable[[ChartData], tuple[Figure, str]]] = {
    "output_vs_target": chart_output_vs_target,
    "output_target_path": chart_target_path,
    "growth_vs_target": chart_growth_vs_target,
    "gdp_share_vs_target": chart_gdp_share_vs_target,
    "output_by_area": chart_output_by_area,
    "industry_and_services": chart_industry_and_services,
}


# --- entry points ----------------------------------------------------------------------------


# The charts drawn from the latest year's months (ChartData.path); the others are drawn from the complete years.
PATH_CHARTS = frozenset({"output_target_path"})


def drawn_from(name: str, data: ChartData) -> ChartData:
    """The part of ``data`` chart ``name`` is drawn from, and keyed by: the latest year's path (and the measure)
    for a chart of PATH_CHARTS, everything but the path for the others. Each chart is given only this part,
    so it cannot show what its key does not cover; a month landed within the year redraws the path chart
    alone."""
    if name in PATH_CHARTS:
        return ChartData(annual=pd.DataFrame(), areas=pd.DataFrame(), targets={}, baseline_year=None,
                         target_year=None, path=data.path, measure=data.measure)
    return dataclasses.replace(data, path=None)


def _figure(name: str, data: ChartData, *, simulated: bool) -> Figure:
    fig, title = CHARTS[name](drawn_from(name, data))
    _frame(fig, title, simulated=simulated)
    return fig


def build_figures(con, *, simulated: bool) -> dict[str, Figure]:
    """The framed figures by chart name (``CHARTS``), unsaved; {} when there is no complete year."""
    use_cjk_font()
    data = read_chart_data(con)
    if data is None:
        log.info("no complete year in mart.indicators_annual: no charts")
        return {}
    return {name: _figure(name, data, simulated=simulated) for name in CHARTS}


def chart_key(name: str, data: ChartData, *, simulated: bool) -> str:
    """The content key of chart ``name``: the part of ``data`` it is drawn from, ``simulated``, the drawing code."""
    return content_key(_chart_code(), name, simulated, AREAS, drawn_from(name, data))


def render_charts(con, out_dir: Path, *, simulated: bool) -> Rendered:
    """Write every briefing chart as PNG (300 dpi) and SVG into out_dir, each only when what it shows changed.

    `con` is a DuckDB connection to the warehouse. A chart whose PNG and SVG both carry its content key
    (``chart_key``) is kept as it is; the others are drawn (all of them before any file is written) and
    saved. Returns every chart file and which were written. With no complete year nothing is written (not
    even out_dir) and both lists are empty.
    """
    data = read_chart_data(con)
    if data is None:
        log.info("no complete year in mart.indicators_annual: no charts")
        return Rendered([], [])
    out_dir = Path(out_dir)
    keys = {name: chart_key(name, data, simulated=simulated) for name in CHARTS}
    files = {name: [out_dir / f"{name}.png", out_dir / f"{name}.svg"] for name in CHARTS}
    stale = [name for name in CHARTS if any(stored_content_key(f) != keys[name] for f in files[name])]
    if stale:  # (matplotlib is imported only to draw)
        use_cjk_font()
    figures = {name: _figure(name, data, simulated=simulated) for name in stale}
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    try:
        for name in CHARTS:
            if name in figures:
                written += _save(figures[name], out_dir, name, keys[name])
            crashpoints.reach("charts")
    finally:
        # Not pyplot figures, so nothing to close; clearing frees their artists at once.
        for fig in figures.values():
            fig.clear()
    return Rendered([f for name in CHARTS for f in files[name]], written)


def figure_texts(fig: Figure) -> list[str]:
    """Every text a figure shows (titles, labels, ticks, legend, stamp), to check what a chart says."""
    from matplotlib.text import Text

    fig.canvas.draw()  # tick labels exist only once drawn
    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]

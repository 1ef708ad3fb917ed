"""The report's chart: response rate and rejected / held share of output over the last 12 months.

The months are the report periods among them (sei_stats.calendar: 11 when January is not reported),
each labelled by its span, 1–2月 … 1–12月.

Drawn in the briefing charts' house style through the public API of ``sei_stats.charts`` only.
No pyplot: a ``Figure`` on an Agg canvas, embedded in the page as a base64 PNG.
"""

from __future__ import annotations

import base64
import io
import math

from typing import TYPE_CHECKING

import pandas as pd

from sei_stats import charts
from sei_stats import period as periods
from sei_stats.calendar import DEFAULT, Calendar
from sei_stats.charts import BAR, PATH, TARGET, fmt_target

if TYPE_CHECKING:  # matplotlib is imported where a page's chart is drawn: a kept page needs none of it
    from matplotlib.figure import Figure

CHART_DPI = 130  # sharp enough on screen and paper; the PNG encoding dominates a report's time
MONTHS = 12


def window(period: str, calendar: Calendar = DEFAULT) -> list[str]:
    """The report periods of the 12 months ending at period: the months the chart draws."""
    return list(calendar.periods(periods.shift(period, 1 - MONTHS), period))


def _window(quality: pd.DataFrame, period: str, calendar: Calendar) -> pd.DataFrame:
    """The report periods of the 12 months ending at period, one row each (NaN where one was not published)."""
    months = window(period, calendar)
    frame = quality.set_index("period").reindex(months)
    # Shares of the returns' output: what total and header rows carry is no output.
    received = (pd.to_numeric(frame["output_received"], errors="coerce")
                - pd.to_numeric(frame["output_not_a_return"], errors="coerce").fillna(0)).where(lambda s: s > 0)
    return pd.DataFrame({
        "response": pd.to_numeric(frame["response_rate"], errors="coerce") * 100,
        "rejected": pd.to_numeric(frame["output_rejected"], errors="coerce") / received * 100,
        "held": pd.to_numeric(frame["output_held"], errors="coerce") / received * 100,
    }, index=months)


def _month_axis(ax, months: list[str], calendar: Calendar) -> None:
    # Each period's span (1–2月 …), the year under the first and under each year's first report period.
    labels = [calendar.short_label(p) + (f"\n{periods.year(p)}年" if i == 0 or p == calendar.first_period(periods.year(p)) else "")
              for i, p in enumerate(months)]
    ax.set_xticks(range(len(months)), labels)
    ax.set_xlim(-0.5, len(months) - 0.5)
    ax.tick_params(labelsize=8.5)


def _response_panel(ax, data: pd.DataFrame, limits: dict[str, float]) -> None:
    values = data["response"]
    ax.plot(range(len(values)), values, color=BAR, marker="o", markersize=4, linewidth=1.6, label="回报率")
    shown = list(values.dropna())
    if "max_nonresponse_rate" in limits:
        floor = (1 - limits["max_nonresponse_rate"]) * 100
        ax.axhline(floor, color=TARGET, linestyle="--", linewidth=1.1, label=f"下限 {fmt_target(floor, '%')}")
        shown.append(floor)
    # Response rates crowd near 100%: start the axis a little below the lowest, on a multiple of 5.
    low = max(0.0, math.floor((min(shown, default=90.0) - 2) / 5) * 5)
    ax.set_ylim(low, 101)
    ax.yaxis.set_major_formatter(charts.tick_formatter("%"))
    ax.set_title("回报率（在营调查单位中报送的比例，%）", fontsize=10.5, loc="left")
    ax.grid(axis="y", color="#dddddd", linewidth=0.6)
    if values.isna().all():
        charts.note(ax, "无调查范围数据，无回报率")


def _share_panel(ax, data: pd.DataFrame, limits: dict[str, float]) -> None:
    xs = range(len(data))
    ax.plot(xs, data["rejected"], color=TARGET, marker="s", markersize=4, linewidth=1.6, label="剔除产值占比")
    ax.plot(xs, data["held"], color=PATH, marker="o", markersize=4, linewidth=1.6, label="待审暂缓产值占比")
    keys = ("max_rejected_output_share", "max_held_output_share")
    ceilings = sorted({limits[k] * 100 for k in keys if k in limits})  # one line when both limits agree
    for ceiling in ceilings:
        ax.axhline(ceiling, color="#555555", linestyle="--", linewidth=1.0, label=f"上限 {fmt_target(ceiling, '%')}")
    charts.value_axis(ax, "%", [*data["rejected"].dropna(), *data["held"].dropna(), *ceilings])
    ax.set_ylabel("")  # the unit is in the panel's title
    ax.set_title("剔除与待审暂缓产值占报送产值比重（%）", fontsize=10.5, loc="left")
    if data[["rejected", "held"]].isna().all().all():
        charts.note(ax, "未发布分去向的产值")


def quality_chart(quality: pd.DataFrame, period: str, limits: dict[str, float], *, simulated: bool,
                  calendar: Calendar = DEFAULT) -> Figure:
    """Two panels over the 12 months to period: response rate, and rejected / held share of output.

    ``quality`` is mart.data_quality as read by ``load_quality_data``; ``limits`` the checks' limits
    (fractions), drawn as dashed lines where given; ``calendar`` the report periods (QualityData.calendar).
    """
    charts.use_cjk_font()
    data = _window(quality, period, calendar)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(8.0, 5.6), dpi=100)
    FigureCanvasAgg(fig)
    top, bottom = fig.add_axes((0.08, 0.56, 0.72, 0.34)), fig.add_axes((0.08, 0.13, 0.72, 0.34))
    _response_panel(top, data, limits)
    _share_panel(bottom, data, limits)
    for ax in (top, bottom):
        ax.spines[["top", "right"]].set_visible(False)
        ax.axvspan(len(data) - 1.5, len(data) - 0.5, color="#eeeeee", zorder=-2)  # this month
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8.5, frameon=False)
        _month_axis(ax, list(data.index), calendar)
    top.tick_params(labelbottom=False)  # the months once, under the lower panel
    fig.suptitle(f"近12个月数据质量（截至{calendar.label(period)}）", fontsize=12.5, x=0.08, ha="left", y=0.985)
    if simulated:
        charts.stamp(fig)
    return fig


def png_data_uri(fig: Figure) -> str:
    """The figure as a data: URI of a PNG, so the page needs no file beside it."""
    buffer = io.BytesIO()
    # No Software metadata: the same figure gives the same bytes whatever matplotlib wrote it.
    fig.savefig(buffer, format="png", dpi=CHART_DPI, facecolor="white", metadata={"Software": None},
                pil_kwargs={"compress_level": 3})
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")

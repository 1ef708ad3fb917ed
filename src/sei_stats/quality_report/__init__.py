"""The monthly data-quality report (数据质量报告) for the statistics bureau: one HTML file a month.

`render_quality_report(con, "2020-03", out_dir, simulated=...)` writes
``out_dir/quality_2020-03.html``: one self-contained page (CSS inline, the chart a base64 PNG,
no external URL) with six sections — summary (the survey frame with response and imputation,
the bucket conservation identity, where growth's priors come from), a chart of the last 12
months, rule results, the open review queue, the reviewers' decisions and the enterprises that
moved the month most. It names enterprises: the page is marked 内部资料.

`con` is a (read-only) connection to the published warehouse; a relation or column it does not
publish is reported as not published, never a crash. The report checks nothing itself: whether
received = Σ buckets holds is the warehouse's verdict (``mart.data_quality.identity_*``), the
limits are the checks' settings. Three parts: ``data`` reads the warehouse, ``chart`` draws the
12 months, ``page`` fills the Jinja2 template ``templates/quality_report.html.j2`` (autoescaped:
every value on the page is HTML-escaped).
"""

from __future__ import annotations

import os
from pathlib import Path

from sei_stats.calendar import DEFAULT, Calendar

from .chart import quality_chart
from .data import QualityData, load_quality_data
from .page import quality_report_html

__all__ = ["FILE_NAME", "QualityData", "load_quality_data", "period_label", "quality_chart", "quality_report_html",
           "render_all_quality_reports", "render_quality_report"]

FILE_NAME = "quality_{period}.html"


def period_label(period: str, calendar: Calendar = DEFAULT) -> str:
    """The report period as the page names it: '2020-02' -> '2020年1–2月' (sei_stats.calendar; '2020年1月' only when
    ``calendar`` reports January; the page uses the calendar the warehouse was published under)."""
    return calendar.label(period)


def _write(data: QualityData, period: str, out_dir: Path, *, simulated: bool) -> Path:
    page = quality_report_html(data, period, simulated=simulated)  # before anything is written
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / FILE_NAME.format(period=period)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")  # a killed run never leaves half a page
    try:
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path


def render_quality_report(con, period: str, out_dir: Path, *, simulated: bool) -> Path:
    """Write out_dir/quality_YYYY-MM.html for period 'YYYY-MM' and return its path.

    Raises ValueError for a malformed period, LookupError when mart.data_quality lacks it.
    """
    return _write(load_quality_data(con, period), period, out_dir, simulated=simulated)


def render_all_quality_reports(con, out_dir: Path, *, simulated: bool) -> list[Path]:
    """One report for every period of mart.data_quality (the warehouse read once); the paths written."""
    data = load_quality_data(con)
    return [_write(data, period, out_dir, simulated=simulated) for period in data.periods()]

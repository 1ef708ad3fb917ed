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

A page is rewritten only when what it shows changed. It is built from its period's slice of the
data (``QualityData.for_period``: the period's rows, and mart.data_quality over the chart's 12
months) and carries that slice's content key (``<meta name="sei-content-key">``, with ``simulated``
and a hash of this package, the template, the chart code and the library versions); a page whose
file already carries the key is kept untouched. A month's new figures therefore redraw its own page
and the pages of the 11 report periods after it (whose charts show it), no other. The page of a
period the warehouse no longer publishes is left as it is (neither rewritten nor removed). A run on a
publish whose pages were all drawn (``.rendered.json`` records its publish id and each page's key; a
publish is never changed in place) reads nothing at all.
"""

from __future__ import annotations

import dataclasses
import json
import os
from functools import cache
from pathlib import Path

import duckdb
import pandas as pd

from sei_stats.calendar import DEFAULT, Calendar
from sei_stats.charts import CONTENT_KEY, Rendered, code_version, content_key, stored_content_key

from .chart import quality_chart, window
from .data import QualityData, load_quality_data
from .page import TEMPLATE, quality_report_html

__all__ = ["FILE_NAME", "QualityData", "Rendered", "load_quality_data", "page_key", "period_label", "quality_chart",
           "quality_report_html", "render_all_quality_reports", "render_quality_report"]

FILE_NAME = "quality_{period}.html"


def period_label(period: str, calendar: Calendar = DEFAULT) -> str:
    """The report period as the page names it: '2020-02' -> '2020年1–2月' (sei_stats.calendar; '2020年1月' only when
    ``calendar`` reports January; the page uses the calendar the warehouse was published under)."""
    return calendar.label(period)


@cache
def _code() -> str:
    # Computed once a process: the key names the code this process draws with.
    templates = Path(__file__).resolve().parent.parent / "templates"
    return code_version(
        ("sei_stats.quality_report", "sei_stats.quality_report.data", "sei_stats.quality_report.chart",
         "sei_stats.quality_report.page", "sei_stats.charts", "sei_stats.calendar", "sei_stats.period",
         "sei_stats.vocabulary"),
        files=sorted(templates.glob("quality_report.*")),
        packages=("matplotlib", "pillow", "jinja2", "noto-cjk-sans-otc"))


def _page(data: QualityData, period: str) -> tuple[QualityData, dict[str, list[str]]]:
    """The period's slice of ``data`` (``QualityData.for_period``) and its frames' rows as text."""
    _, sliced, rows = next(data.slices(lambda p: window(p, data.calendar), [period]))
    return sliced, rows


def _key(sliced: QualityData, rows: dict[str, list[str]], period: str, simulated: bool) -> str:
    # Each frame as its columns and its rows in sorted order: a view leaves the order of ties to chance (the
    # demo's qa.review_queue lists the same rows differently from one read to the next), and rows that
    # only come in another order are no change worth a page.
    parts = {f.name: getattr(sliced, f.name) for f in dataclasses.fields(sliced)}
    for name, value in parts.items():
        if isinstance(value, pd.DataFrame):
            parts[name] = (list(value.columns), sorted(rows[name]))
    return content_key(_code(), period, simulated, parts)


def page_key(data: QualityData, period: str, *, simulated: bool) -> str:
    """The content key of the period's page: its slice of ``data`` (``for_period``), ``simulated``, the code."""
    return _key(*_page(data, period), period, simulated)


def _with_key(page: str, key: str) -> str:
    """The page with its content key in the head, right after the charset."""
    tag = f'<meta name="{CONTENT_KEY}" content="{key}">'
    for anchor in ('<meta charset="utf-8">', "<head>"):
        at = page.find(anchor)
        if at >= 0:
            at += len(anchor)
            return f"{page[:at]}\n{tag}{page[at:]}"
    raise RuntimeError(f"templates/{TEMPLATE}: the page has no <head> to carry its content key")


def _write(data: QualityData, rows: dict[str, list[str]], period: str, out_dir: Path, *,
           simulated: bool) -> tuple[Path, bool]:
    """Write the period's page from its slice of the data (``_page``) unless the file already carries its
    content key; (path, whether written)."""
    data.row(period)  # LookupError before anything is read or written
    key = _key(data, rows, period, simulated)
    path = Path(out_dir) / FILE_NAME.format(period=period)
    if stored_content_key(path) == key:
        return path, False
    page = _with_key(quality_report_html(data, period, simulated=simulated), key)  # before anything is written
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.{os.getpid()}.partial")  # a killed run never leaves half a page
    try:
        partial.write_text(page, encoding="utf-8")
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return path, True


def render_quality_report(con, period: str, out_dir: Path, *, simulated: bool, marts=None) -> Path:
    """Write out_dir/quality_YYYY-MM.html for period 'YYYY-MM' (unless it already shows exactly this) and
    return its path. ``marts``: the analysts' file of the same publish (``load_quality_data``).

    Raises ValueError for a malformed period, LookupError when mart.data_quality lacks it.
    """
    sliced, rows = _page(load_quality_data(con, period, marts=marts), period)
    return _write(sliced, rows, period, out_dir, simulated=simulated)[0]


def render_all_quality_reports(con, out_dir: Path, *, simulated: bool, marts=None) -> Rendered:
    """One report for every period of mart.data_quality (the warehouse read once), each written only when
    what it shows changed: every page's path in period order, and which were written (``Rendered``).
    ``marts``: the analysts' file of the same publish, to read the marts from (``load_quality_data``).

    The pages of one publish, drawn by this code, are recorded (``RENDERED`` in ``out_dir``): a run on the same
    publish (one that kept it: nothing it publishes changed) finds every page there and reads nothing more."""
    record = Path(out_dir) / RENDERED
    publish = _publish_key(con, simulated)
    kept = _recorded_pages(record, publish, Path(out_dir))
    if kept is not None:
        return Rendered(kept, [])
    data = load_quality_data(con, marts=marts)
    done = [_write(sliced, rows, period, out_dir, simulated=simulated)
            for period, sliced, rows in data.slices(lambda p: window(p, data.calendar))]
    rendered = Rendered([path for path, _ in done], [path for path, written in done if written])
    if publish is not None:
        partial = record.with_name(f".{record.name}.{os.getpid()}.partial")
        pages = {p.name: stored_content_key(p) for p in rendered.paths}
        partial.write_text(json.dumps({"publish": publish, "pages": pages}), encoding="utf-8")
        os.replace(partial, record)
    return rendered


RENDERED = ".rendered.json"


def _publish_key(con, simulated: bool) -> str | None:
    """The publish ``con`` holds, with this code and ``simulated``; None when it records no publish id."""
    try:
        ids = sorted(row[0] for row in con.execute("SELECT DISTINCT publish_id FROM ref.publish").fetchall())
    except duckdb.Error:
        return None
    return content_key(_code(), ids, simulated) if ids else None


def _recorded_pages(record: Path, publish: str | None, out_dir: Path) -> list[Path] | None:
    """The pages recorded for ``publish``, when every one of them still carries the content key it was written
    with (none deleted or replaced); else None."""
    if publish is None or not record.exists():
        return None
    try:
        recorded = json.loads(record.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    pages = recorded.get("pages") or {}
    if recorded.get("publish") != publish or not pages or \
            any(key is None or stored_content_key(out_dir / name) != key for name, key in pages.items()):
        return None
    return [out_dir / name for name in pages]

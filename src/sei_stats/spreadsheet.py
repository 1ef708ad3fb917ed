"""Text that is safe to open in a spreadsheet: no cell of ours is ever run as a formula.

A CSV the bureau opens in Excel or WPS turns a cell starting with '=', '+', '-' or '@' into a
formula (CSV injection: ``=HYPERLINK(...)``, ``@SUM(1+1)*cmd|' /C calc'!A0``), and a leading
tab or carriage return can hide one. Product codes and names come from the returns, so they
are the enterprises' text, not ours. Following OWASP's CSV-injection guidance, such a text cell
gets a leading apostrophe, which spreadsheets read as "this is text". Numbers stay numbers: a
negative number is not text and is left alone. Missing values stay missing (an empty cell).
"""

from __future__ import annotations

import pandas as pd

# What a spreadsheet may take as the start of a formula (OWASP, CSV Injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"


def safe_cell(value: object) -> object:
    """``value`` as a spreadsheet cannot run it: text starting with a formula character gets a leading "'".

    Numbers, dates, None, NaN and pd.NA come back unchanged (a number is never text, even negative).
    """
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return QUOTE + value
    return value


def _is_text(column: pd.Series) -> bool:
    return pd.api.types.is_string_dtype(column) or pd.api.types.is_object_dtype(column)


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of ``frame`` whose text columns pass through ``safe_cell``; number columns are untouched."""
    out = frame.copy()
    for name in out.columns:
        if _is_text(out[name]):
            out[name] = out[name].map(safe_cell, na_action="ignore")
    return out


# --- worksheets the bureau prints (the briefings' tables, the exports) ------------------------------------

STAMP_COLOUR = "D62728"  # sei_stats.charts.STAMP, the red of 模拟数据


def text_width(text: str) -> float:
    """Excel's column width units: one per Latin character, two per CJK character."""
    import unicodedata

    return sum(2.0 if unicodedata.east_asian_width(ch) in ("W", "F") else 1.0 for ch in text)


def print_setup(ws, simulated: bool, *, stamp: str, title_rows: str | None = None, across: int = 1,
                landscape: bool = False) -> None:
    """A4, ``across`` pages wide, page numbers in the footer, ``title_rows`` repeated on every page; when
    ``simulated``, ``stamp`` (模拟数据) in red in every page header (odd, even and first)."""
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    if landscape:
        ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = across
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    if title_rows:
        ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "第 &[Page] 页，共 &[Pages] 页"
    if simulated:
        for header in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
            header.center.text = stamp
            header.center.color = STAMP_COLOUR


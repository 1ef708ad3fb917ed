"""The briefing's tables as an Excel workbook: the numbers as numbers, for whoever computes with them.

The first sheet, 说明, says what the workbook is (title, period, issuer, headline, the data-quality line,
the sources, 模拟数据 when simulated) and lists the tables with a link to each. Then one sheet per table
(its ``sheet`` name, made valid and unique): row 1 the table's label, row 2 its header, then its rows,
then its notes. Rows 1–2 are frozen and repeated on every printed page.

Values are stored as numbers with ``XLSX_FORMATS[kind]`` as the cell's number format, so the sheet shows
what the .docx shows:

* yi (亿元) and int as they are, with thousands separators;
* pct (a rate or share) as the fraction, shown as a percentage ("0.0%");
* pp (a difference of two rates or shares) as the difference **in 百分点**, i.e. the fraction × 100
  (0.012 -> 1.2, shown "+1.2"); the header says （百分点） unless it already names them;
* text as text;
* no value as an empty cell (the documents' "—"); a note under the table says so.

A simulated briefing says 模拟数据 in every sheet's printed header and, on screen, in red in row 1: at the
right end of a table sheet's label row, at the top of 说明.
"""

from __future__ import annotations

import math
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from ..spreadsheet import STAMP_COLOUR, print_setup, text_width
from .document import (MISSING, SIMULATED_NOTE, STAMP, SUPPRESSED, SUPPRESSED_MARK, XLSX_FORMATS, Briefing, Table,
                       is_missing)

README_SHEET = "说明"
INVALID_SHEET_CHARS = set('[]:*?/\\')
SHEET_NAME_LIMIT = 31
EMPTY_NOTE = f"注：空白单元格表示无数据（文档中记为“{MISSING}”）。"
PP = "百分点"

THIN = Side(style="thin", color="000000")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def sheet_name(wanted: str, taken: set[str], fallback: str) -> str:
    """A valid sheet name from ``wanted``: no []:*?/\\, no leading or trailing apostrophe, at most 31 characters,
    unique among ``taken`` (Excel compares without case); ``taken`` gets the name."""
    name = "".join("_" if ch in INVALID_SHEET_CHARS else ch for ch in wanted).strip().strip("'").strip()
    name = name or fallback
    name = name[:SHEET_NAME_LIMIT]
    candidate, n = name, 1
    while candidate.casefold() in {t.casefold() for t in taken}:
        n += 1
        suffix = f"({n})"
        candidate = name[:SHEET_NAME_LIMIT - len(suffix)] + suffix
    taken.add(candidate)
    return candidate


def cell_value(value, kind: str):
    """What a cell stores: a Python number (pp in 百分点), text, the mark of a suppressed value, or None for no
    value."""
    if value is SUPPRESSED:
        return SUPPRESSED_MARK
    if is_missing(value):
        return None
    if kind == "text":
        return str(value)
    number = float(value)
    if kind == "pp":
        return round(number * 100, 10)  # 0.012 * 100 is 1.2000000000000002
    if kind == "int":
        return int(number) if number.is_integer() else number
    return number


def header_text(column: str, kind: str) -> str:
    return f"{column}（{PP}）" if kind == "pp" and PP not in column else column


def _width(text: str) -> float:
    return text_width(text)


def _print_setup(ws: Worksheet, simulated: bool, title_rows: str | None = None) -> None:
    print_setup(ws, simulated, stamp=STAMP, title_rows=title_rows)


def _stamp_font() -> Font:
    return Font(bold=True, color=STAMP_COLOUR, size=12)


def _readme(ws: Worksheet, briefing: Briefing, sheets: list[tuple[Table, str]]) -> None:
    ws.column_dimensions["A"].width = 14
    ws.column_dimensions["B"].width = 70
    ws.column_dimensions["C"].width = 24
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    if briefing.simulated:
        ws.cell(row, 1, STAMP + SIMULATED_NOTE).font = _stamp_font()
        ws.row_dimensions[row].height = 20
        row += 1
    ws.cell(row, 1, briefing.title).font = Font(bold=True, size=16)
    ws.row_dimensions[row].height = 28  # a row keeps the default height where no one computes it (LibreOffice)
    row += 2
    lines = [("期别", briefing.period_label), ("发布单位", briefing.issuer), ("要点", briefing.headline),
             ("数据质量", briefing.quality)]
    lines += [("资料来源" if i == 0 else "", source) for i, source in enumerate(briefing.sources)]
    if briefing.published:
        lines.append(("数据版本", briefing.published))
    if briefing.simulated:
        lines.append(("模拟数据", "本工作簿的数字为模拟数据，非正式统计数据。"))
    lines.append(("单位", f"金额为亿元；比率和比重以小数存放，显示为百分数；差额以{PP}存放；空白单元格表示无数据。"))
    for label, text in lines:
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.cell(row, 1).alignment = wrap
        ws.cell(row, 2, text).alignment = wrap
        lines_taken = max(1, math.ceil(_width(str(text)) / 68))
        if lines_taken > 1:
            ws.row_dimensions[row].height = 15 * lines_taken
        row += 1
    row += 1
    ws.cell(row, 1, "表格目录").font = Font(bold=True, size=12)
    row += 1
    for col, head in enumerate(("表号", "标题", "工作表"), start=1):
        cell = ws.cell(row, col, head)
        cell.font = Font(bold=True)
        cell.border = BOX
    row += 1
    for table, name in sheets:
        ws.cell(row, 1, f"表{table.number}").border = BOX
        ws.cell(row, 2, table.caption).border = BOX
        link = ws.cell(row, 3, name)
        link.hyperlink = f"#'{name}'!A1"
        link.font = Font(color="0563C1", underline="single")
        link.border = BOX
        row += 1
    _print_setup(ws, briefing.simulated)


def _table_sheet(ws: Worksheet, table: Table, simulated: bool) -> None:
    columns = list(table.frame.columns)
    kinds = [table.formats[c] for c in columns]
    heads = [header_text(str(c), k) for c, k in zip(columns, kinds)]
    texts = table.formatted()

    ws.cell(1, 1, table.label).font = Font(bold=True, size=12)
    for j, head in enumerate(heads, start=1):
        cell = ws.cell(2, j, head)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        cell.border = BOX
    missing = False
    for i, values in enumerate(table.frame.itertuples(index=False, name=None), start=3):
        for j, (value, kind) in enumerate(zip(values, kinds), start=1):
            stored = cell_value(value, kind)
            missing |= stored is None and kind != "text"
            cell = ws.cell(i, j, stored)
            cell.number_format = XLSX_FORMATS[kind]
            cell.border = BOX
            cell.alignment = Alignment(horizontal="left" if kind == "text" else "right", vertical="center")
    row = 3 + len(table.frame) + 1
    notes = list(table.notes) + ([EMPTY_NOTE] if missing else [])
    for note in notes:
        ws.cell(row, 1, note).font = Font(size=9)
        row += 1

    # Widths: what the cells show (their formatted text), the header up to 16 units before it wraps.
    widths = []
    for column, head in zip(columns, heads):
        shown = [_width(str(v)) for v in texts[column]] if len(texts) else []
        widths.append(max([min(_width(head), 16.0), *shown, 6.0]) + 2)
    if simulated:
        # The stamp at the right end of the label row; the label (which spills to the right) must reach it.
        last = max(len(columns), 2)
        while len(widths) < last:
            widths.append(10.0)
        need = _width(table.label) * 1.1 + 2
        if sum(widths[:last - 1]) < need:
            widths[0] += need - sum(widths[:last - 1])
        stamp = ws.cell(1, last, STAMP)
        stamp.font = _stamp_font()
        stamp.alignment = Alignment(horizontal="right")
    widths = [min(width, 60) for width in widths]
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    ws.row_dimensions[1].height = 20
    header_lines = max([math.ceil(_width(h) / w) for h, w in zip(heads, widths)], default=1)
    ws.row_dimensions[2].height = 15 * header_lines + 3
    ws.freeze_panes = "A3"
    _print_setup(ws, simulated, title_rows="1:2")


def write_xlsx(briefing: Briefing, path: Path) -> Path:
    """Write ``briefing``'s tables as a workbook at ``path``: 说明 first, then a sheet per table."""
    path = Path(path)
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    taken = {README_SHEET}
    sheets = [(t, sheet_name(t.sheet, taken, fallback=f"表{t.number}")) for t in briefing.tables]
    _readme(readme, briefing, sheets)
    for table, name in sheets:
        _table_sheet(wb.create_sheet(name), table, briefing.simulated)
    wb.properties.title = f"{briefing.title} {briefing.period_label}".strip()
    wb.properties.creator = briefing.issuer
    wb.properties.keywords = STAMP if briefing.simulated else None
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path

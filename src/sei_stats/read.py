"""Read the monthly returns of one report period (raw/returns/YYYY-MM/) exactly as received.

This stage only changes format: every cell stays text, nothing is judged here except whether
a file can be read at all. Judging lines is validate.py's job; making messy-but-valid text
uniform (widths, separators, lost zeros, period formats) is normalize.py's.

Files exported by the online reporting system carry title rows above the header and a units or
column-numbering row below it; those rows belong to the header, not to the received lines.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from pathlib import Path

import pandas as pd

from . import period as periods

# The contract's columns, in order, with the Chinese header that names the same column.
COLUMNS = {
    "period": "报告期",
    "credit_code": "统一社会信用代码",
    "enterprise_name": "单位详细名称",
    "district_code": "行政区划代码",
    "industry_code": "行业代码",
    "product_code": "产品代码",
    "product_name": "产品名称",
    "output_ytd": "本年累计产值(千元)",
    "output_ytd_prior": "上年同期累计产值(千元)",
}
FIELDS = tuple(COLUMNS)
SUFFIXES = (".csv", ".xlsx")


class ReturnFileError(ValueError):
    """A return file that cannot be read at all: the whole month fails."""

    def __init__(self, path: Path, problem: str):
        super().__init__(f"{path}: {problem}")
        self.path = path
        self.problem = problem


def _header_key(name: str) -> str:
    """Header text reduced to what identifies a column: case, spaces, character widths and units aside."""
    key = unicodedata.normalize("NFKC", str(name)).strip().lower()
    key = re.sub(r"\s+", "", key)
    return re.sub(r"\(千元\)$", "", key)


_HEADER_ALIASES = {_header_key(k): k for k in COLUMNS} | {_header_key(v): k for k, v in COLUMNS.items()}

# A row is the header when it names at least this many of the contract's columns; rows above
# it (titles, "填报单位：…") are not lines. A header naming fewer is no header at all.
HEADER_MIN_COLUMNS = 6

# Cells of a header-continuation row: a unit ("千元") or a column label of the form's numbering
# row ("甲", "乙", "1", "(2)", "①", "栏次"). A dash fills the cells of columns without a unit.
_UNIT_CELL = re.compile(r"^[(\[]?(千元|万元|亿元|元|计量单位|单位)[)\]]?$")
_LABEL_CELL = re.compile(r"^[(\[]?([甲乙丙丁戊己庚辛壬癸]|\d{1,2}|栏次|栏号)[)\]]?$")
_FILLER_CELL = re.compile(r"^[-—–―]+$")


def period_files(folder: Path) -> list[Path]:
    """The return files of a period folder in the order corrections apply: plain code-point order of names."""
    files = [p for p in folder.iterdir() if p.is_file() and not p.name.startswith((".", "~$"))]
    unknown = [p for p in files if p.suffix.lower() not in SUFFIXES]
    if unknown:
        raise ReturnFileError(unknown[0], f"not a return file: only {' and '.join(SUFFIXES)} are read")
    return sorted(files, key=lambda p: p.name)


def _decode(path: Path, data: bytes) -> str:
    """CSV text: UTF-8 with BOM, UTF-8, then GB18030 — the encodings the contract admits."""
    if data.startswith(b"\xef\xbb\xbf"):
        encodings = ("utf-8-sig",)
    else:
        encodings = ("utf-8", "gb18030")
    errors = []
    for encoding in encodings:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError as err:
            errors.append(f"{encoding} fails at byte {err.start}")
    raise ReturnFileError(path, "cannot be decoded as UTF-8 or GB18030 (" + "; ".join(errors) + ")")


def _csv_rows(path: Path) -> list[list[str]]:
    text = _decode(path, path.read_bytes())
    try:
        return list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as err:
        raise ReturnFileError(path, f"is not valid CSV: {err}") from err


def _cell_text(value: object) -> str:
    """An Excel cell as the text the form meant: integral numbers without '.0', dates as YYYY-MM."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.strftime("%Y-%m")
    return str(value)


def _xlsx_rows(path: Path) -> list[list[str]]:
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        rows = sheet.to_python(skip_empty_area=False)
    except Exception as err:  # calamine raises its own error types for every broken workbook
        raise ReturnFileError(path, f"is not a readable .xlsx workbook: {err}") from err
    return [[_cell_text(v) for v in row] for row in rows]


def _is_blank(row: list[str]) -> bool:
    return not any(str(c).strip() for c in row)


def _column_names(row: list[str]) -> list[str | None]:
    """The contract column each cell of a header row names, None for cells naming none."""
    return [_HEADER_ALIASES.get(_header_key(h)) for h in row]


def _header_row(rows: list[list[str]]) -> int | None:
    """Index of the header: the first row naming HEADER_MIN_COLUMNS contract columns.

    The online reporting system puts title rows above the header. When no row names enough
    columns, the first non-blank row is taken as the header, so the error names what it lacks.
    """
    first = None
    for index, row in enumerate(rows):
        if _is_blank(row):
            continue
        if first is None:
            first = index
        if len({name for name in _column_names(row) if name}) >= HEADER_MIN_COLUMNS:
            return index
    return first


def _header_cell(cell: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(cell)))


def _is_header_continuation(row: list[str], position: dict[str, int]) -> bool:
    """A units row ("千元") or a column-numbering row ("甲 乙 … 1 2 3", "(1) (2) …") below the header.

    Every non-blank cell is a unit, a column label or a dash filler; a numbering row counts its
    columns upwards. So neither credit_code nor output_ytd can hold data: a line that only
    reports a small output value is still a line (two labels at least, or a unit, are needed).
    """
    cells = [_header_cell(c) for c in row]
    filled = [c for c in cells if c]
    if not filled:
        return False
    units = [c for c in filled if _UNIT_CELL.match(c)]
    labels = [c for c in filled if _LABEL_CELL.match(c)]
    fillers = [c for c in filled if _FILLER_CELL.match(c)]
    if len(units) + len(labels) + len(fillers) != len(filled) or not (units or len(labels) >= 2):
        return False
    numbers = [int(re.sub(r"\D", "", c)) for c in labels if re.search(r"\d", c)]
    if any(b <= a for a, b in zip(numbers, numbers[1:])):
        return False
    for field in ("credit_code", "output_ytd"):
        i = position[field]
        value = cells[i] if i < len(cells) else ""
        if value and not (_UNIT_CELL.match(value) or _LABEL_CELL.match(value) or _FILLER_CELL.match(value)):
            return False
    return True


def _first_line_row(rows: list[list[str]], header: int, position: dict[str, int]) -> int:
    """Index of the first row after the header and its continuation rows (blank rows between are skipped)."""
    index = header + 1
    start = index
    while index < len(rows):
        if _is_blank(rows[index]):
            index += 1
            continue
        if not _is_header_continuation(rows[index], position):
            break
        index += 1
        start = index
    return start


def read_return_file(path: Path, label: str | None = None) -> pd.DataFrame:
    """One return file as text columns FIELDS plus source_file and line_number (the row's position in the file).

    The header is the first row naming HEADER_MIN_COLUMNS contract columns (line 1 unless title
    rows precede it); units and column-numbering rows directly below it belong to the header.
    Blank rows are not received and are dropped; their line numbers are simply skipped. Repeated
    header rows and 合计/小计 rows further down are read as ordinary lines.
    """
    path = Path(path)
    rows = _xlsx_rows(path) if path.suffix.lower() == ".xlsx" else _csv_rows(path)
    first = _header_row(rows)
    if first is None:
        raise ReturnFileError(path, "is empty: no header row")
    header = _column_names(rows[first])
    dupes = sorted({h for h in header if h and header.count(h) > 1})
    if dupes:
        raise ReturnFileError(path, f"names a column twice: {', '.join(dupes)}")
    missing = [f"{k} [{v}]" for k, v in COLUMNS.items() if k not in header]
    if missing:
        raise ReturnFileError(path, f"line {first + 1}: missing columns {', '.join(missing)}")
    position = {name: i for i, name in enumerate(header) if name}
    start = _first_line_row(rows, first, position)
    records = []
    for index in range(start, len(rows)):
        row = rows[index]
        if _is_blank(row):
            continue
        cells = [row[position[f]].strip() if position[f] < len(row) else "" for f in FIELDS]
        records.append([label or path.name, index + 1, *cells])
    if not records:
        raise ReturnFileError(path, "has a header but no lines")
    frame = pd.DataFrame(records, columns=["source_file", "line_number", *FIELDS])
    return frame.astype({f: "string" for f in ("source_file", *FIELDS)} | {"line_number": "int64"})


def read_period(returns_dir: Path, period: str) -> pd.DataFrame:
    """Every received line of a report period, files in correction order, with file_order 0, 1, …"""
    folder = Path(returns_dir) / period
    if not folder.is_dir():
        raise ReturnFileError(folder, f"no return folder for period {period}")
    files = period_files(folder)
    if not files:
        raise ReturnFileError(folder, f"no return files for period {period}")
    frames = []
    for order, path in enumerate(files):
        frame = read_return_file(path, label=f"{period}/{path.name}")
        frame.insert(1, "file_order", order)
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def available_periods(returns_dir: Path) -> list[str]:
    """The report periods that have a folder YYYY-MM under raw/returns/, oldest first."""
    if not Path(returns_dir).is_dir():
        return []
    return sorted(p.name for p in Path(returns_dir).iterdir() if p.is_dir() and periods.is_period(p.name))

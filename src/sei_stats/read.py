"""Read the monthly returns of one report period (raw/returns/YYYY-MM/) exactly as received.

This stage only changes format: every cell stays text, nothing is judged here except whether
a file can be read at all. Judging lines is validate.py's job; making messy-but-valid text
uniform (widths, separators, lost zeros, period formats) is normalize.py's.

Files exported by the online reporting system carry title rows above the header and a units or
column-numbering row below it; those rows belong to the header, not to the received lines.

The annual report (年报) of a year, raw/annual/YYYY/, has the same columns, files and rules: ``scan_annual``
sorts raw/annual/ as ``scan_returns`` sorts raw/returns/ (its folders are years), and ``read_annual_with_notes``
reads a year's folder exactly as a month's (``scan_period``, ``read_return_file``).

Nothing under raw/returns/ is skipped in silence: ``scan_returns`` and ``scan_period`` sort every
entry into what is read (report-period folders, return files), problems (a folder not named
YYYY-MM, a January folder when January is no report period (sei_stats.calendar), a subfolder of a
period holding files, a file that is no return) and office litter that is ignored with a note
(lock files, Thumbs.db, editor backups, hidden files).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import functools
import io
import re
import sys
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from . import period as periods
from .calendar import Calendar, calendar_in_force

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
SUFFIXES = (".csv", ".xlsx", ".xls")
WORKBOOK_SUFFIXES = (".xlsx", ".xls")  # read through python-calamine, first sheet

# Python's csv module refuses a field over 131,072 characters; a return's field may be longer
# (a pasted note, a runaway quote). Read it, so validation rejects that one line with its number.
CSV_FIELD_LIMIT = 64 * 1024 * 1024


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


# A service unit's form names its figure 营业收入 (services revenue), not 产值: the same column, whose
# measure the unit's industry sets (vocabulary.measure_of), never the header.
SERVICES_HEADERS = {
    "output_ytd": ("本年累计营业收入(千元)",),
    "output_ytd_prior": ("上年同期累计营业收入(千元)", "上年同期营业收入(千元)"),
}
_HEADER_ALIASES = ({_header_key(k): k for k in COLUMNS} | {_header_key(v): k for k, v in COLUMNS.items()}
                   | {_header_key(h): k for k, names in SERVICES_HEADERS.items() for h in names})

# A row is the header when it names at least this many of the contract's columns; rows above
# it (titles, "填报单位：…") are not lines. A header naming fewer is no header at all.
HEADER_MIN_COLUMNS = 6

# Cells of a header-continuation row: a unit ("千元") or a column label of the form's numbering
# row ("甲", "乙", "1", "(2)", "①", "栏次"). A dash fills the cells of columns without a unit.
_UNIT_CELL = re.compile(r"^[(\[]?(千元|万元|亿元|元|计量单位|单位)[)\]]?$")
_LABEL_CELL = re.compile(r"^[(\[]?([甲乙丙丁戊己庚辛壬癸]|\d{1,2}|栏次|栏号)[)\]]?$")
_FILLER_CELL = re.compile(r"^[-—–―]+$")


class PathNote(str):
    """A one-line message about a path under raw/returns/: the text is 'path: what'.

    A plain ``str`` everywhere (printing, metadata, ``in``); ``path`` and ``what`` are its parts.
    """

    path: Path
    what: str

    def __new__(cls, path: Path, what: str) -> PathNote:
        note = super().__new__(cls, f"{path}: {what}")
        note.path, note.what = Path(path), what
        return note

    def __getnewargs__(self) -> tuple[Path, str]:
        return self.path, self.what


@dataclass(frozen=True)
class ReturnsScan:
    """What raw/returns/ holds: report-period folders, problems, and office litter ignored."""

    periods: tuple[str, ...]        # folder names YYYY-MM of report periods, oldest first
    problems: tuple[PathNote, ...]  # a folder (or file) read by no period, naming its path and the name it needs
    ignored: tuple[PathNote, ...]   # office litter and hidden entries, one note each


@dataclass(frozen=True)
class PeriodScan:
    """What a period folder raw/returns/YYYY-MM/ holds: return files, problems, and office litter ignored."""

    files: tuple[Path, ...]         # .csv, .xlsx and .xls, in code-point order of names (correction order)
    problems: tuple[PathNote, ...]  # a subfolder holding files, a file that is not a return
    ignored: tuple[PathNote, ...]   # office litter and hidden entries, one note each


def _litter(name: str) -> str | None:
    """Why an entry named ``name`` is office litter to ignore, or None when it is not litter."""
    lower = name.lower()
    if name.startswith("~$"):
        return "an Office lock file (the workbook is open somewhere)"
    if name.startswith(".~lock."):
        return "a LibreOffice lock file (the workbook is open somewhere)"
    if lower == "thumbs.db":
        return "a Windows thumbnail cache"
    if lower == "desktop.ini":
        return "Windows folder settings"
    if name.endswith("~"):
        return "an editor's backup copy"
    if name.startswith("."):
        return "a hidden file"
    return None


def _ignored(path: Path, why: str) -> PathNote:
    return PathNote(path, f"ignored, {why}")


_LOOSE_PERIOD = re.compile(r"(\d{4})\s*(?:[-_./\s]|年)?\s*(\d{1,2})\s*(?:月份?)?")


def period_name_for(name: str) -> str | None:
    """The report period a misnamed folder means ('2020-4', '2020_04', '202004', '2020年4月' -> '2020-04'), else None."""
    match = _LOOSE_PERIOD.fullmatch(unicodedata.normalize("NFKC", name).strip())
    if match is None or not 1 <= int(match.group(2)) <= 12:
        return None
    return f"{match.group(1)}-{int(match.group(2)):02d}"


def _misnamed_folder(path: Path) -> PathNote:
    meant = period_name_for(path.name)
    if meant is not None:
        return PathNote(path, f"not a report-period folder YYYY-MM, so no period reads it: rename it {meant}")
    return PathNote(path, "not a report-period folder YYYY-MM (a month 01–12), so no period reads it: "
                          "rename it after the report period of its returns (e.g. 2020-04) or move it out of "
                          f"{path.parent}")


def _files_below(folder: Path) -> list[Path]:
    """Every file under ``folder``, at any depth, that is not office litter."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and _litter(p.name) is None)


def calendar_of(returns_dir: Path) -> Calendar:
    """The reporting calendar in force for the data folder holding ``returns_dir`` (<root>/raw/returns: its
    config/settings.yaml counts), else for SEI_DATA_DIR's."""
    returns_dir = Path(returns_dir).resolve()
    inside = returns_dir.name == "returns" and returns_dir.parent.name == "raw"
    return calendar_in_force(returns_dir.parent.parent if inside else None)


def scan_returns(returns_dir: Path, calendar: Calendar | None = None) -> ReturnsScan:
    """Sort every entry of raw/returns/: report-period folders, problems (any other folder or file), litter.

    A folder whose name is not YYYY-MM ('2020-4', '2020-13', 'tmp') is a problem, never skipped
    in silence: its returns would be missing from the figures. So is a file lying directly
    under raw/returns/ (returns belong in their period's folder), and a folder YYYY-01 when January
    is no report period of ``calendar`` (default: the one in force, ``calendar_of``): its returns
    belong in YYYY-02 as 1–2月.
    """
    returns_dir = Path(returns_dir)
    if not returns_dir.is_dir():
        return ReturnsScan((), (), ())
    found, problems, ignored = [], [], []
    for entry in sorted(returns_dir.iterdir(), key=lambda p: p.name):
        if entry.is_dir():
            if periods.is_period(entry.name):
                calendar = calendar or calendar_of(returns_dir)
                if calendar.is_reported(entry.name):
                    found.append(entry.name)
                else:
                    problems.append(PathNote(entry, calendar.not_reported(entry.name)))
            elif entry.name.startswith("."):
                ignored.append(_ignored(entry, "a hidden folder"))
            else:
                problems.append(_misnamed_folder(entry))
        elif (why := _litter(entry.name)) is not None:
            ignored.append(_ignored(entry, why))
        else:
            problems.append(PathNote(entry, "a file directly under the returns folder, so no period reads it: "
                                            "move it into its period's folder YYYY-MM"))
    return ReturnsScan(tuple(found), tuple(problems), tuple(ignored))


def scan_period(folder: Path, *, root: str = "raw/returns/") -> PeriodScan:
    """Sort every entry of a period folder: return files (code-point order of names), problems, litter.

    A subfolder holding files (e.g. '补报/') is a problem: no period reads it. So is a file of any
    suffix other than .csv, .xlsx and .xls. Office litter (lock files '~$…' and '.~lock.…',
    Thumbs.db, desktop.ini, backups '…~', hidden files '.…') and empty subfolders are ignored with a note.
    ``root``: the folder of such folders, named in a problem's advice (raw/annual/ for an annual report's).
    """
    folder = Path(folder)
    files, problems, ignored = [], [], []
    for entry in sorted(folder.iterdir(), key=lambda p: p.name):
        if entry.is_dir():
            held = [] if entry.name.startswith(".") else _files_below(entry)
            if held:
                problems.append(PathNote(entry, f"a subfolder holding {len(held)} file(s) (e.g. {held[0].name}), "
                                                f"which no period reads: move its returns into {folder} "
                                                f"(a correction sorts after what it corrects) or out of {root}"))
            else:
                ignored.append(_ignored(entry, "a hidden folder" if entry.name.startswith(".") else "a folder holding no file"))
        elif (why := _litter(entry.name)) is not None:
            ignored.append(_ignored(entry, why))
        elif entry.suffix.lower() in SUFFIXES:
            files.append(entry)
        else:
            problems.append(PathNote(entry, f"not a return file: only {', '.join(SUFFIXES[:-1])} and {SUFFIXES[-1]} are read"))
    return PeriodScan(tuple(files), tuple(problems), tuple(ignored))


def period_files(folder: Path) -> list[Path]:
    """The return files of a period folder in the order corrections apply: plain code-point order of names.

    Only the files: ``scan_period`` also gives the folder's problems and ignored litter.
    """
    return list(scan_period(folder).files)


def decode(path: Path, data: bytes) -> str:
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


@contextlib.contextmanager
def _csv_field_limit(limit: int) -> Iterator[None]:
    """csv's field limit raised to ``limit`` while reading, then put back (it is the module's global)."""
    previous = csv.field_size_limit(limit)
    try:
        yield
    finally:
        csv.field_size_limit(previous)


def _csv_rows(path: Path, text: str | None = None) -> list[list[str]]:
    text = decode(path, path.read_bytes()) if text is None else text
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        with _csv_field_limit(CSV_FIELD_LIMIT):
            return list(reader)
    except csv.Error as err:
        raise ReturnFileError(path, f"is not valid CSV at line {reader.line_num}: {err}") from err


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


def workbook_cells(path: Path) -> list[list[object]]:
    """The first sheet of an .xlsx or .xls workbook as calamine gives its cells (python-calamine reads both):
    str, float, int, bool, dates or None — the types tell a code Excel stored as a number from one kept as text."""
    from python_calamine import CalamineWorkbook

    try:
        sheet = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0)
        return sheet.to_python(skip_empty_area=False)
    except Exception as err:  # calamine raises its own error types for every broken workbook
        raise ReturnFileError(path, f"is not a readable {path.suffix.lower()} workbook: {err}") from err


def _workbook_rows(path: Path) -> list[list[str]]:
    """The first sheet of an .xlsx or .xls workbook, every cell as text."""
    return [[_cell_text(v) for v in row] for row in workbook_cells(path)]


def _is_blank(row: list[str]) -> bool:
    return not "".join(map(str, row)).strip()  # every cell blank: all of their characters are whitespace


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
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return _frame_of_rows(path, _workbook_rows(path), label)
    text = decode(path, path.read_bytes())
    fast = _plain_csv_frame(path, text, label)
    return fast if fast is not None else _frame_of_rows(path, _csv_rows(path, text), label)


def _header_of(path: Path, rows: list[list[str]]) -> tuple[int, dict[str, int]]:
    """The header row's index and each contract column's position in it; an error naming what is wrong."""
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
    return first, {name: i for i, name in enumerate(header) if name}


def _frame_of_rows(path: Path, rows: list[list[str]], label: str | None) -> pd.DataFrame:
    first, position = _header_of(path, rows)
    start = _first_line_row(rows, first, position)
    kept = [index for index in range(start, len(rows)) if not _is_blank(rows[index])]
    if not kept:
        raise ReturnFileError(path, "has a header but no lines")
    lines = [rows[index] for index in kept]
    # Column by column, straight into text columns: a month's lines are many.
    columns = {"source_file": pd.array([label or path.name] * len(lines), dtype="string"),
               "line_number": pd.array([index + 1 for index in kept], dtype="int64")}
    for field in FIELDS:
        i = position[field]
        columns[field] = pd.array([row[i].strip() if i < len(row) else "" for row in lines], dtype="string")
    return pd.DataFrame(columns)


@functools.cache
def _whitespace() -> str:
    """Every character str.strip() removes: the whole-column trim of the fast path is the row-by-row one's."""
    return "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


# The fast path looks for the header and the rows that continue it among the first rows only.
_HEAD_ROWS = 64


def _plain_csv_frame(path: Path, text: str, label: str | None) -> pd.DataFrame | None:
    """What _frame_of_rows makes of a CSV with no quote character whose rows all have as many cells as its first
    (the returns a reporting system writes), made column by column in Arrow: 3.6–5.9 times faster on the national
    benchmark's files. None for any other file, which the row-by-row reader takes."""
    if '"' in text:  # no quoting: every row is its line split at each comma, as csv.reader splits it
        return None
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.csv as pa_csv

    cells = re.match(r"[^\r\n]*", text)[0].count(",") + 1  # the first row's
    try:
        table = pa_csv.read_csv(
            io.BytesIO(text.encode("utf-8")), read_options=pa_csv.ReadOptions(autogenerate_column_names=True),
            parse_options=pa_csv.ParseOptions(quote_char=False, ignore_empty_lines=False),
            convert_options=pa_csv.ConvertOptions(column_types={f"f{i}": pa.string() for i in range(cells)},
                                                  strings_can_be_null=False))
    except pa.ArrowInvalid:  # a row of another length (a title row above the header …)
        return None
    head = [list(row) for row in zip(*(c.to_pylist() for c in table.slice(0, _HEAD_ROWS).columns))]
    longer = table.num_rows > len(head)
    first = _header_row(head)
    if longer and (first is None or len({n for n in _column_names(head[first]) if n}) < HEADER_MIN_COLUMNS):
        return None  # the header may lie further down
    first, position = _header_of(path, head)
    start = _first_line_row(head, first, position)
    if longer and all(_is_blank(r) or _is_header_continuation(r, position) for r in head[start:]):
        return None  # the rows continuing the header may go on further down
    trimmed = [pc.utf8_trim(column, characters=_whitespace()) for column in table.columns]
    blank = functools.reduce(pc.and_, (pc.equal(column, "") for column in trimmed))
    kept = np.flatnonzero(~blank.to_numpy(zero_copy_only=False) & (np.arange(table.num_rows) >= start))
    if not len(kept):
        raise ReturnFileError(path, "has a header but no lines")
    columns = {"source_file": pd.array([label or path.name] * len(kept), dtype="string"),
               "line_number": pd.array(kept + 1, dtype="int64")}
    taken = pa.array(kept)
    for field in FIELDS:
        columns[field] = pd.array(trimmed[position[field]].take(taken), dtype="string")
    return pd.DataFrame(columns)


def read_period(returns_dir: Path, period: str, *, lenient: bool = False, calendar: Calendar | None = None) -> pd.DataFrame:
    """Every received line of a report period, files in correction order, with file_order 0, 1, …

    A problem of the folder (a subfolder holding files, a file that is not a return) fails the
    month unless ``lenient``; ``read_period_with_notes`` also gives the warnings and ignored litter.
    """
    return read_period_with_notes(returns_dir, period, lenient=lenient, calendar=calendar)[0]


def read_period_with_notes(returns_dir: Path, period: str, *, lenient: bool = False,
                           calendar: Calendar | None = None) -> tuple[pd.DataFrame, list[str]]:
    """``read_period``'s lines, and its notes: the folder's problems read past when ``lenient``
    ('warning: …'), then the office litter ignored ('path: ignored, …'), one line each.

    Not lenient, the first problem fails the month: ReturnFileError naming its path, and how many
    problems there are. A month that is no report period of ``calendar`` (default: the one in force,
    ``calendar_of``) is never read, lenient or not: ReturnFileError naming the folder and the setting.
    """
    folder = Path(returns_dir) / period
    calendar = calendar or calendar_of(returns_dir)
    if not calendar.is_reported(periods.parse(period)):
        raise ReturnFileError(folder, f"{calendar.not_reported(period)}; nothing of {period} is read")
    if not folder.is_dir():
        raise ReturnFileError(folder, f"no return folder for period {period}{_misnamed_hint(Path(returns_dir), period)}")
    return _read_folder(folder, period, f"period {period}", lenient=lenient)


def _read_folder(folder: Path, name: str, what: str, *, lenient: bool,
                 root: str = "raw/returns/") -> tuple[pd.DataFrame, list[str]]:
    """The lines of a report's folder (a month's, ``name`` YYYY-MM, or a year's annual report, YYYY) and its
    notes; ``what`` names the report in errors ('period 2018-03'), ``root`` the folder of such folders."""
    scan = scan_period(folder, root=root)
    if scan.problems and not lenient:
        first, more = scan.problems[0], len(scan.problems) - 1
        also = f" (and {more} more problem{'s' if more > 1 else ''} in {folder})" if more else ""
        raise ReturnFileError(first.path, f"{first.what}{also}; nothing of {name} is read (a lenient run, "
                                          "`--lenient`, reads its return files and leaves such problems as warnings)")
    if not scan.files:
        raise ReturnFileError(folder, f"no return files for {what}")
    frames = []
    for order, path in enumerate(scan.files):
        frame = read_return_file(path, label=f"{name}/{path.name}")
        frame.insert(1, "file_order", order)
        frames.append(frame)
    notes = [f"warning: {problem}" for problem in scan.problems] + [str(note) for note in scan.ignored]
    return pd.concat(frames, ignore_index=True), notes


def _misnamed_hint(returns_dir: Path, period: str) -> str:
    """' (raw/returns/2020-4 is misnamed: rename it 2020-04)' when a folder means ``period``, else ''."""
    if not returns_dir.is_dir():
        return ""
    meant = [p for p in sorted(returns_dir.iterdir()) if p.is_dir() and not periods.is_period(p.name)
             and period_name_for(p.name) == period]
    return f" ({meant[0]} is misnamed: rename it {period})" if meant else ""


# --- the annual report: raw/annual/YYYY/ ---------------------------------------------------------

@dataclass(frozen=True)
class AnnualScan:
    """What raw/annual/ holds: the years' folders, problems, and office litter ignored."""

    years: tuple[str, ...]          # folder names YYYY, oldest first
    problems: tuple[PathNote, ...]  # a folder (or file) read by no year, naming its path and the name it needs
    ignored: tuple[PathNote, ...]   # office litter and hidden entries, one note each


_LOOSE_YEAR = re.compile(r"(\d{4})\s*(?:年(?:度|报|年报|度报告)?|年?\s*0?1\s*[-\u2010-\u2015\u2212~～至]\s*12\s*月份?)?")


def year_name_for(name: str) -> str | None:
    """The year a misnamed annual folder means ('2019年', '2019年度', '2019年报', '2019年1-12月' -> '2019'), else None."""
    match = _LOOSE_YEAR.fullmatch(unicodedata.normalize("NFKC", name).strip())
    return match.group(1) if match else None


def _misnamed_year_folder(path: Path) -> PathNote:
    meant = year_name_for(path.name)
    if meant is not None:
        return PathNote(path, f"not an annual-report folder YYYY, so no year reads it: rename it {meant}")
    month = period_name_for(path.name)
    if month is not None:
        return PathNote(path, f"not an annual-report folder YYYY, so no year reads it: a month's returns belong in "
                              f"raw/returns/{month}; the annual report of {month[:4]} in {path.parent / month[:4]}")
    return PathNote(path, "not an annual-report folder YYYY, so no year reads it: rename it after the year of its "
                          f"annual report (e.g. 2019) or move it out of {path.parent}")


def scan_annual(annual_dir: Path) -> AnnualScan:
    """Sort every entry of raw/annual/: the years' folders YYYY, problems (any other folder or file), litter.

    As ``scan_returns`` for months: a folder not named YYYY ('2019年', '2019-12', 'tmp') is a problem naming
    its path (and the name it needs, when it can tell), so is a file lying directly under raw/annual/; office
    litter and hidden entries are ignored with a note.
    """
    annual_dir = Path(annual_dir)
    if not annual_dir.is_dir():
        return AnnualScan((), (), ())
    found, problems, ignored = [], [], []
    for entry in sorted(annual_dir.iterdir(), key=lambda p: p.name):
        if entry.is_dir():
            if periods.is_year(entry.name):
                found.append(entry.name)
            elif entry.name.startswith("."):
                ignored.append(_ignored(entry, "a hidden folder"))
            else:
                problems.append(_misnamed_year_folder(entry))
        elif (why := _litter(entry.name)) is not None:
            ignored.append(_ignored(entry, why))
        else:
            problems.append(PathNote(entry, "a file directly under the annual folder, so no year reads it: "
                                            "move it into its year's folder YYYY"))
    return AnnualScan(tuple(found), tuple(problems), tuple(ignored))


def read_annual_with_notes(annual_dir: Path, year: str, *, lenient: bool = False) -> tuple[pd.DataFrame, list[str]]:
    """Every received line of the annual report of ``year`` (raw/annual/YYYY/), read exactly as a month's
    (``read_period_with_notes``): files in correction order with file_order 0, 1, …, source_file
    'YYYY/<file name>', and the notes (problems read past when ``lenient``, then office litter ignored)."""
    year = periods.parse_year(year)
    folder = Path(annual_dir) / year
    if not folder.is_dir():
        meant = [p for p in sorted(Path(annual_dir).iterdir()) if p.is_dir() and not periods.is_year(p.name)
                 and year_name_for(p.name) == year] if Path(annual_dir).is_dir() else []
        hint = f" ({meant[0]} is misnamed: rename it {year})" if meant else ""
        raise ReturnFileError(folder, f"no annual-report folder for {year}{hint}")
    return _read_folder(folder, year, f"the annual report {year}", lenient=lenient, root="raw/annual/")


def available_periods(returns_dir: Path, calendar: Calendar | None = None) -> list[str]:
    """The report periods that have a folder YYYY-MM under raw/returns/, oldest first (see ``scan_returns``)."""
    return list(scan_returns(returns_dir, calendar).periods)

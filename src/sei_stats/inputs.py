"""The reference inputs beside the returns, each declared once: its files, its reader (validated
by its pandera contract in schemas/) and the ref.* table it fills (whose column docs are in sql/ref.sql):
GDP, value-added rates, the roster, the reviews and the registries of the plan's other targets.

The Dagster code location declares each as an observable source asset (group ``reference``) whose
data version is ``version()``; publishing records the versions it read (ref.input_versions), so a
changed input is noticed by comparing the two, never by a hand-kept list of files.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from . import period as periods
from .config import DataPaths
from .roster import ROSTER_COLUMNS, WINDOW_COLUMNS, read_rosters
from .schemas.reference import VINTAGE_COLUMNS, ReferenceError, check, gdp_schema, va_rates_schema
from .schemas.registry import (CREDIT_CODE_COLUMNS, DATE_COLUMNS, ENTERPRISE_COLUMNS, ENTERPRISE_OPTIONAL,
                               PLATFORM_COLUMNS, RegistryError, enterprises_schema, parse_date, platforms_schema)
from .schemas.registry import validate as validate_registry
from .schemas.reviews import OPTIONAL_COLUMNS, REVIEW_COLUMNS, ReviewError, reviews_schema
from .text_csv import read_text_csv, text_columns
from .vocabulary import DESIGNATION_LABELS, PLATFORM_LEVEL_LABELS


class InputMissing(ValueError):
    """A required reference input has no file."""


@dataclass(frozen=True)
class ReferenceInput:
    name: str                                    # the asset reference/<name> and the table ref.<name>
    description: str
    files: Callable[[DataPaths], list[Path]]     # the files it is read from (none: the input is absent)
    read: Callable[[DataPaths], pd.DataFrame]    # the validated frame for ref.<name>
    required: bool

    def version(self, paths: DataPaths) -> str:
        """A content hash of its files (names and bytes): changes exactly when what is read changes."""
        files = self.files(paths)
        digest = hashlib.sha256()
        for path in files:
            digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
        return digest.hexdigest()[:16] if files else "absent"

    def frame(self, paths: DataPaths) -> pd.DataFrame:
        if self.required and not self.files(paths):
            raise InputMissing(f"{paths.raw}: the {self.name} input is missing ({self.description})")
        return self.read(paths)


def _existing(*candidates: Path) -> list[Path]:
    return [p for p in candidates if p.exists()]


def _read_vintaged(path: Path, schema) -> pd.DataFrame:
    """A reference CSV with vintages, validated: every cell read as text (stripped), the optional columns
    ``vintage`` and ``released`` empty when absent; then ``vintage`` NULL for the unnamed vintage and
    ``released`` a date (NaT when not given)."""
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (pd.errors.ParserError, UnicodeDecodeError) as err:
        raise ReferenceError(f"{path}: not a UTF-8 CSV file ({err})") from err
    frame.columns = [str(c).strip() for c in frame.columns]
    for column in frame.columns:
        frame[column] = frame[column].str.strip()
    for column in VINTAGE_COLUMNS:
        if column not in frame.columns:
            frame[column] = ""
    frame = check(frame, schema, path)
    frame["vintage"] = frame["vintage"].replace("", None)
    frame["released"] = pd.to_datetime(frame["released"].replace("", None), format="%Y-%m-%d").astype("datetime64[us]")
    return frame


def _latest(frame: pd.DataFrame, keys: list[str]) -> pd.Series:
    """True on the rows of the latest released vintage of each ``keys`` (an undated vintage is the earliest;
    the contract leaves no tie)."""
    order = frame["released"].fillna(pd.Timestamp("1000-01-01").as_unit("us"))
    latest = order.groupby([frame[k] for k in keys]).transform("max")
    return order == latest


def _read_gdp(paths: DataPaths) -> pd.DataFrame:
    """raw/gdp.csv, every vintage; in_force marks the latest released vintage of each year and quarter."""
    frame = _read_vintaged(paths.gdp_csv, gdp_schema)
    return frame.assign(in_force=_latest(frame, ["year", "quarter"]))


def _read_va_rates(paths: DataPaths) -> pd.DataFrame:
    """raw/va_rates.csv, every vintage; in_force marks the rows of each year's latest released vintage
    (all its divisions: a division it lacks is carried from an earlier year by fact.sei_lines)."""
    frame = _read_vintaged(paths.va_rates_csv, va_rates_schema)
    return frame.assign(in_force=_latest(frame, ["year"]))


def _read_roster(paths: DataPaths) -> pd.DataFrame:
    rosters = read_rosters(paths)
    if not rosters:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in ROSTER_COLUMNS}
                            | {c: pd.Series(dtype="datetime64[us]") for c in WINDOW_COLUMNS} | {"year": pd.Series(dtype="int64")})
    return pd.concat([r.assign(year=y) for y, r in rosters.items()], ignore_index=True)


def _roster_files(paths: DataPaths) -> list[Path]:
    folder = paths.roster_dir
    return sorted(p for p in folder.glob("*.csv") if p.stem.isdigit()) if folder.is_dir() else []


# A review file is a CSV, or the workbook `sei-stats review --xlsx` writes (sei_stats.review_workbook).
REVIEW_SUFFIXES = (".csv", ".xlsx")


def _review_files(paths: DataPaths) -> list[Path]:
    folder = paths.reviews_dir
    # ~$YYYY-MM.xlsx is the lock file Excel or WPS keeps beside a workbook while it is open: no reviewer's file
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in REVIEW_SUFFIXES and not p.name.startswith("~$")
                  ) if folder.is_dir() else []


# The report a review file decides on, by its name: a month's (YYYY-MM.csv) or a year's annual report (YYYY.csv).
MONTHLY_REPORT, ANNUAL_REPORT = "monthly", "annual"
# Text Excel shows for a long number it stored as one: 9.1E+17 (a credit code whose last digits are gone).
_SCIENTIFIC = re.compile(r"[0-9]+(\.[0-9]+)?[eE][+-]?[0-9]+")
CODE_COLUMNS = ("credit_code", "product")


def _review_csv(path: Path) -> pd.DataFrame:
    """A review CSV (UTF-8 or GB18030) as text, indexed by its line in the file (the header is line 1)."""
    required = tuple(c for c in REVIEW_COLUMNS if c not in OPTIONAL_COLUMNS)
    frame = read_text_csv(path, required, OPTIONAL_COLUMNS, error=ReviewError)[list(REVIEW_COLUMNS)]
    frame.index = frame.index + 2
    return frame


def _review_workbook(path: Path) -> pd.DataFrame:
    """The findings sheet of a review workbook as text, indexed by its row as Excel shows it (the header is row 1).

    Its rows are the whole queue: a row without decision, corrected value, reviewer or note is a finding not
    decided yet and is left out (it stays in the queue). A code cell holding a number is refused: Excel turned
    the code into a number, and the digits it lost cannot be told back."""
    from .read import ReturnFileError, _cell_text, workbook_cells  # the return reader's calamine reading

    try:
        cells = workbook_cells(path)
    except ReturnFileError as err:
        raise ReviewError(str(err)) from err
    if not cells:
        raise ReviewError(f"{path}: line 1: missing columns {', '.join(REVIEW_COLUMNS)}")
    header = [_cell_text(v).strip() for v in cells[0]]
    for line, row in enumerate(cells[1:], start=2):
        for column in (c for c in CODE_COLUMNS if c in header):
            value = row[header.index(column)] if header.index(column) < len(row) else None
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                raise ReviewError(f"{path}: line {line}: {column} is the number {value!r}, not text: Excel stored the "
                                  "code as a number and may have lost digits or a leading zero; format the column "
                                  "as text (@) and enter the code as the queue gives it")
    # the contract's columns only: the context columns (rule in Chinese, enterprise, value) are read-only
    named = {c: header.index(c) for c in REVIEW_COLUMNS if c in header}
    frame = pd.DataFrame({c: [_cell_text(row[i]) if i < len(row) else "" for row in cells[1:]] for c, i in named.items()},
                         index=range(2, len(cells) + 1), dtype=str)
    required = tuple(c for c in REVIEW_COLUMNS if c not in OPTIONAL_COLUMNS)
    frame = text_columns(frame, path, required, OPTIONAL_COLUMNS, error=ReviewError)[list(REVIEW_COLUMNS)]
    undecided = (frame[["decision", "corrected_value", "reviewer", "note"]] == "").all(axis=1)
    return frame[~undecided]


def _review_report(path: Path) -> tuple[str, str]:
    """The report and period a review file decides on, by its name."""
    stem, suffix = path.stem, path.suffix.lower()
    if re.fullmatch(periods.PATTERN, stem) and suffix in REVIEW_SUFFIXES:
        return MONTHLY_REPORT, stem
    if re.fullmatch(periods.YEAR_PATTERN, stem) and suffix in REVIEW_SUFFIXES:
        return ANNUAL_REPORT, periods.december(stem)
    raise ReviewError(f"{path}: a review file is named after its report period, YYYY-MM.csv, "
                      "or for the annual report after its year, YYYY.csv (either may be an .xlsx workbook instead)")


def read_reviews(paths: DataPaths) -> pd.DataFrame:
    """Every decision of raw/reviews/YYYY-MM.csv or .xlsx (a month's) and raw/reviews/YYYY.csv or .xlsx (a year's
    annual report), validated, with period (first day; the year's December for an annual report), report
    ('monthly' or 'annual'), review_file and line_number (the line, or the workbook's row, as the reviewer sees it)."""
    files = _review_files(paths)
    by_stem: dict[str, list[Path]] = {}
    for path in files:
        by_stem.setdefault(path.stem, []).append(path)
    for both in (f for f in by_stem.values() if len(f) > 1):
        # two files for one report: which one holds the decisions is the reviewers' call, never ours
        raise ReviewError(f"{' and '.join(map(str, both))}: two review files for one report; keep one of them "
                          "(move the other out of raw/reviews/)")
    frames = []
    for path in files:
        report, period = _review_report(path)
        frame = _review_workbook(path) if path.suffix.lower() == ".xlsx" else _review_csv(path)
        # a template cell that could run as a formula was written with a leading ' (sei_stats.spreadsheet)
        frame = frame.apply(lambda s: s.str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True))
        for column in CODE_COLUMNS:
            shown = frame[frame[column].str.fullmatch(_SCIENTIFIC)]
            if len(shown):
                raise ReviewError(f"{path}: line {shown.index[0]}: {column} {shown.iloc[0][column]!r} is a number in "
                                  "scientific notation, not a code: Excel showed the code as a number and lost its "
                                  "digits; format the column as text (@) and enter the code as the queue gives it")
        try:
            reviews_schema().validate(frame, lazy=True)
        except pa.errors.SchemaErrors as err:
            case = err.failure_cases.iloc[0]
            where = f"line {int(case['index'])}: " if pd.notna(case["index"]) else ""
            raise ReviewError(f"{path}: {where}{case['column'] or 'row'} fails {case['check']} ({case['failure_case']!r})") from err
        frame["corrected_value"] = frame["corrected_value"].replace("", None)
        frame["period"] = pd.Timestamp(periods.first_day(period))
        frame["report"] = report
        frame["review_file"] = f"reviews/{path.name}"
        frames.append(frame.rename_axis("line_number").reset_index())
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in (*REVIEW_COLUMNS, "report", "review_file")}
                            | {"period": pd.Series(dtype="datetime64[us]"), "line_number": pd.Series(dtype="int64")})
    columns = [*REVIEW_COLUMNS, "period", "report", "review_file", "line_number"]
    return pd.concat(frames, ignore_index=True)[columns]


def _empty_registry(columns: tuple[str, ...]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype="datetime64[us]" if c in DATE_COLUMNS else "str") for c in columns})


def _read_registry(path: Path, columns: tuple[str, ...], optional: dict[str, str], schema,
                   coded: dict[str, dict[str, str]]) -> pd.DataFrame:
    """One registry file validated, its dates as dates (a month YYYY-MM as its first day); empty when absent.

    ``coded``: the columns of a fixed vocabulary, each with its labels; a cell may give the code or its Chinese label.
    """
    if not path.exists():
        return _empty_registry((*columns, *optional))
    frame = read_text_csv(path, columns, optional, error=RegistryError)
    for column in (c for c in CREDIT_CODE_COLUMNS if c in frame.columns):
        frame[column] = frame[column].str.upper()
    for column, labels in coded.items():
        frame[column] = frame[column].replace({label: code for code, label in labels.items()})
    frame = validate_registry(frame, schema, path)
    for column in (c for c in DATE_COLUMNS if c in frame.columns):
        frame[column] = pd.to_datetime(frame[column].map(lambda v: parse_date(v) if v else None)).astype("datetime64[us]")
    return frame


def read_platforms(paths: DataPaths) -> pd.DataFrame:
    """raw/registry/platforms.csv: the innovation platforms recognised, validated (empty when absent)."""
    return _read_registry(paths.platforms_csv, PLATFORM_COLUMNS, {}, platforms_schema, {"level": PLATFORM_LEVEL_LABELS})


def read_designated_enterprises(paths: DataPaths) -> pd.DataFrame:
    """raw/registry/enterprises.csv: the enterprises designated 龙头企业 or 创新型领军企业, validated (empty when absent)."""
    return _read_registry(paths.designated_enterprises_csv, ENTERPRISE_COLUMNS, ENTERPRISE_OPTIONAL, enterprises_schema,
                          {"designation": DESIGNATION_LABELS})


GDP = ReferenceInput("gdp", "city GDP by quarter, cumulative, 亿元, with its vintages (raw/gdp.csv)",
                     lambda p: _existing(p.gdp_csv), _read_gdp, required=True)
VA_RATES = ReferenceInput("va_rates", "value-added rates by year and GB/T 4754 division, with their vintages (raw/va_rates.csv)",
                          lambda p: _existing(p.va_rates_csv), _read_va_rates, required=True)
ROSTER = ReferenceInput("roster", "the survey frame of each year (raw/roster/YYYY.csv); a year without one derives its frame from the returns",
                        _roster_files, _read_roster, required=False)
REVIEWS = ReferenceInput("reviews", "reviewers' decisions (raw/reviews/YYYY-MM.csv or .xlsx; YYYY.csv or .xlsx on "
                         "the annual report)",
                         _review_files, read_reviews, required=False)

# Without them the count targets (new_platforms, leading_enterprises, innovative_leaders) cannot be judged.
REGISTRY_PLATFORMS = ReferenceInput("registry_platforms", "innovation platforms recognised (raw/registry/platforms.csv)",
                                    lambda p: _existing(p.platforms_csv), read_platforms, required=False)
REGISTRY_ENTERPRISES = ReferenceInput("registry_enterprises",
                                      "enterprises designated 龙头企业 or 创新型领军企业 (raw/registry/enterprises.csv)",
                                      lambda p: _existing(p.designated_enterprises_csv), read_designated_enterprises,
                                      required=False)

INPUTS = (GDP, VA_RATES, ROSTER, REVIEWS, REGISTRY_PLATFORMS, REGISTRY_ENTERPRISES)


def versions(paths: DataPaths) -> dict[str, str]:
    """The version of every reference input, by name."""
    return {i.name: i.version(paths) for i in INPUTS}

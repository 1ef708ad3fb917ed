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
from .text_csv import read_text_csv
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


def _review_files(paths: DataPaths) -> list[Path]:
    return sorted(paths.reviews_dir.glob("*.csv")) if paths.reviews_dir.is_dir() else []


# The report a review file decides on, by its name: a month's (YYYY-MM.csv) or a year's annual report (YYYY.csv).
MONTHLY_REPORT, ANNUAL_REPORT = "monthly", "annual"


def read_reviews(paths: DataPaths) -> pd.DataFrame:
    """Every decision of raw/reviews/YYYY-MM.csv (a month's) and raw/reviews/YYYY.csv (a year's annual report),
    validated, with period (first day; the year's December for an annual report), report ('monthly' or
    'annual') and review_file."""
    frames = []
    for path in _review_files(paths):
        if re.fullmatch(periods.PATTERN + r"\.csv", path.name):
            report, period = MONTHLY_REPORT, path.stem
        elif re.fullmatch(periods.YEAR_PATTERN + r"\.csv", path.name):
            report, period = ANNUAL_REPORT, periods.december(path.stem)
        else:
            raise ReviewError(f"{path}: a review file is named after its report period, YYYY-MM.csv, "
                              "or for the annual report after its year, YYYY.csv")
        required = tuple(c for c in REVIEW_COLUMNS if c not in OPTIONAL_COLUMNS)
        frame = read_text_csv(path, required, OPTIONAL_COLUMNS, error=ReviewError)[list(REVIEW_COLUMNS)]
        # a template cell that could run as a formula was written with a leading ' (sei_stats.spreadsheet)
        frame = frame.apply(lambda s: s.str.replace(r"^'(?=[=+\-@\t\r])", "", regex=True))
        try:
            reviews_schema().validate(frame, lazy=True)
        except pa.errors.SchemaErrors as err:
            case = err.failure_cases.iloc[0]
            where = f"line {int(case['index']) + 2}: " if pd.notna(case["index"]) else ""
            raise ReviewError(f"{path}: {where}{case['column'] or 'row'} fails {case['check']} ({case['failure_case']!r})") from err
        frame["corrected_value"] = frame["corrected_value"].replace("", None)
        frame["period"] = pd.Timestamp(periods.first_day(period))
        frame["report"] = report
        frame["review_file"] = f"reviews/{path.name}"
        frames.append(frame)
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="str") for c in (*REVIEW_COLUMNS, "report", "review_file")}
                            | {"period": pd.Series(dtype="datetime64[us]")})
    return pd.concat(frames, ignore_index=True)


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
REVIEWS = ReferenceInput("reviews", "reviewers' decisions (raw/reviews/YYYY-MM.csv; YYYY.csv on the annual report)",
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

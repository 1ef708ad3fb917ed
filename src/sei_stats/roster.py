"""The survey roster (调查单位名录): raw/roster/YYYY.csv, the year's frame of units expected to report.

Optional columns active_from and active_to (YYYY-MM, inclusive, within the year) give a unit's live
window: a unit that opens or closes during the year is in scope only in those months.
"""

from __future__ import annotations

import functools
import hashlib
import re

import pandas as pd

from . import period as periods
from .config import DataPaths
from .text_csv import read_text_csv

ROSTER_COLUMNS = ("credit_code", "enterprise_name", "district_code", "zone_id", "industry_code", "area")
WINDOW_COLUMNS = ("active_from", "active_to")


class RosterError(ValueError):
    """A roster file that breaks its contract."""


def read_roster(paths: DataPaths, year: int) -> pd.DataFrame | None:
    """The year's roster as text columns (windows as first days), or None when the year has none (its frame is then derived from the returns)."""
    path = paths.roster_file(year)
    if not path.exists():
        return None
    frame = read_text_csv(path, ROSTER_COLUMNS, dict.fromkeys(WINDOW_COLUMNS, ""), error=RosterError)
    frame["credit_code"] = frame["credit_code"].str.upper()
    twice = frame[frame.duplicated("credit_code", keep="first")]
    if len(twice):
        raise RosterError(f"{path}: line {twice.index[0] + 2}: credit_code {twice.iloc[0]['credit_code']} is listed twice")
    for column in WINDOW_COLUMNS:
        for index, value in frame.loc[frame[column] != "", column].items():  # most units are live all year
            if not (re.fullmatch(periods.PATTERN, value) and periods.year(value) == year):
                raise RosterError(f"{path}: line {index + 2}: {column} {value!r} is not a month YYYY-MM of {year}")
    backwards = frame[(frame["active_from"] != "") & (frame["active_to"] != "") & (frame["active_from"] > frame["active_to"])]
    if len(backwards):
        row = backwards.iloc[0]
        raise RosterError(f"{path}: line {backwards.index[0] + 2}: active_from {row['active_from']} is after "
                          f"active_to {row['active_to']}")
    for column in WINDOW_COLUMNS:  # first day of the month, or None: open at that end (each distinct month once)
        frame[column] = frame[column].map({v: pd.Timestamp(periods.first_day(v)) if v else None
                                           for v in frame[column].unique()})
    return frame


def roster_codes(paths: DataPaths, year: int) -> frozenset[str]:
    """Credit codes of the year's roster (empty when there is none). Landing a month and its check both ask: a
    file of the same content is parsed once (a national roster: 2.2 s to parse, 0.1 s to hash)."""
    path = paths.roster_file(year)
    if not path.exists():
        return frozenset()
    return _codes(paths, year, hashlib.sha256(path.read_bytes()).hexdigest())


@functools.lru_cache(maxsize=4)
def _codes(paths: DataPaths, year: int, content: str) -> frozenset[str]:
    roster = read_roster(paths, year)
    return frozenset() if roster is None else frozenset(roster["credit_code"])


def read_rosters(paths: DataPaths) -> dict[int, pd.DataFrame]:
    """Every year's roster found under raw/roster/, by year."""
    folder = paths.roster_dir
    years = sorted(int(p.stem) for p in folder.glob("*.csv") if p.stem.isdigit()) if folder.is_dir() else []
    return {year: read_roster(paths, year) for year in years}

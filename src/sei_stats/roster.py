"""The survey roster (调查单位名录): raw/roster/YYYY.csv, the enterprises expected to report in a year."""

from __future__ import annotations

import pandas as pd

from .config import DataPaths

ROSTER_COLUMNS = ("credit_code", "enterprise_name", "district_code", "zone_id", "industry_code", "area")


class RosterError(ValueError):
    """A roster file that breaks its contract."""


def read_roster(paths: DataPaths, year: int) -> pd.DataFrame | None:
    """The year's roster as text columns, or None when the year has none (then nothing is imputed)."""
    path = paths.roster_file(year)
    if not path.exists():
        return None
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in ROSTER_COLUMNS if c not in frame.columns]
    if missing:
        raise RosterError(f"{path}: line 1: missing columns {', '.join(missing)}")
    frame = frame[list(ROSTER_COLUMNS)].apply(lambda s: s.str.strip())
    frame["credit_code"] = frame["credit_code"].str.upper()
    twice = frame[frame.duplicated("credit_code", keep="first")]
    if len(twice):
        raise RosterError(f"{path}: line {twice.index[0] + 2}: credit_code {twice.iloc[0]['credit_code']} is listed twice")
    return frame


def roster_codes(paths: DataPaths, year: int) -> frozenset[str]:
    """Credit codes of the year's roster (empty when there is none)."""
    roster = read_roster(paths, year)
    return frozenset() if roster is None else frozenset(roster["credit_code"])


def read_rosters(paths: DataPaths) -> dict[int, pd.DataFrame]:
    """Every year's roster found under raw/roster/, by year."""
    folder = paths.roster_dir
    years = sorted(int(p.stem) for p in folder.glob("*.csv") if p.stem.isdigit()) if folder.is_dir() else []
    return {year: read_roster(paths, year) for year in years}

"""The demo city's registries of the plan's other targets (raw/registry/, 模拟数据).

``platforms.csv``: innovation platforms hosted by SEI enterprises of the city, a few in the baseline year
(not new) and most recognised after it; ``enterprises.csv``: the larger SEI enterprises designated
龙头企业 or 创新型领军企业, some before the plan and more during it, one designation withdrawn. Every
host and designated enterprise is on the form in its year, with a valid credit code, so the registry
joins its SEI output in qa.registry_enterprises. Dates are YYYY-MM-DD, now and then a month YYYY-MM.
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from sei_stats.credit_code import is_valid
from sei_stats.schemas.registry import ENTERPRISE_COLUMNS, ENTERPRISE_OPTIONAL, PLATFORM_COLUMNS
from sei_stats.vocabulary import DESIGNATION_LABELS, PLATFORM_LEVEL_LABELS

PLATFORMS = (36, 48)              # how many platforms, drawn in this range
LEADING = (10, 14)                # 龙头企业
INNOVATIVE_LEADERS = (16, 24)     # 创新型领军企业
BEFORE_PLAN_SHARE = 0.3           # designated enterprises already designated by the baseline year
LEVELS = {"municipal": 0.6, "provincial": 0.28, "national": 0.12}
KINDS = ("工程研究中心", "企业技术中心", "技术创新中心", "国家地方联合创新平台", "重点实验室")
MONTH_ONLY_SHARE = 0.1            # dates known to the month only (YYYY-MM)


def _candidates(enterprises: pd.DataFrame, entries: pd.DataFrame, year: int) -> pd.DataFrame:
    """SEI enterprises on the form in ``year`` with a valid credit code, largest first, with their field."""
    on_form = (enterprises["birth"] <= year) & (year < enterprises["death"]) & enterprises["sei"]
    valid = enterprises["credit_code"].map(is_valid)
    frame = enterprises[on_form & valid].copy()
    frame["field"] = [str(entries.at[e, "field"]) if e in entries.index else "" for e in frame["entry"]]
    return frame.sort_values(["size", "credit_code"], ascending=[False, True], kind="stable")


def _date(rng: np.random.Generator, year: int) -> str:
    month, day = int(rng.integers(1, 13)), int(rng.integers(1, 29))
    return f"{year}-{month:02d}" if rng.random() < MONTH_ONLY_SHARE else f"{year}-{month:02d}-{day:02d}"


def _source(kind: str, year: int, number: int) -> str:
    return f"模拟{kind}认定文件〔{year}〕{number}号"


def platforms(rng: np.random.Generator, enterprises: pd.DataFrame, entries: pd.DataFrame, years: list[int]) -> list[list[str]]:
    """Platform rows (PLATFORM_COLUMNS): the baseline year (years[0]) gets a few, the plan's years the rest."""
    n = int(rng.integers(*PLATFORMS, endpoint=True))
    drawn_years = rng.choice(years, size=n, p=_year_weights(years))
    rows, taken = [], set()
    for i, year in enumerate(sorted(int(y) for y in drawn_years)):
        hosts = _candidates(enterprises, entries, year).head(120)
        host = hosts.iloc[int(rng.integers(0, len(hosts)))]
        level = str(rng.choice(list(LEVELS), p=list(LEVELS.values())))
        kind = str(rng.choice(KINDS))
        name = f"{host['name'].removesuffix('股份有限公司').removesuffix('有限公司')}{host['field']}{kind}"
        while (name, level) in taken:  # the same host, field and kind again at that level
            name = f"{name}（{i + 1}）"
        taken.add((name, level))
        rows.append([name, PLATFORM_LEVEL_LABELS[level] if rng.random() < 0.5 else level, kind, host["area"],
                     host["field"], host["credit_code"], _date(rng, year), _source(PLATFORM_LEVEL_LABELS[level], year, i + 1)])
    return rows


def _year_weights(years: list[int]) -> np.ndarray:
    weights = np.array([0.5] + [1.0 + 0.2 * i for i in range(len(years) - 1)])
    return weights / weights.sum()


def designated(rng: np.random.Generator, enterprises: pd.DataFrame, entries: pd.DataFrame, years: list[int]) -> list[list[str]]:
    """Designated enterprise rows (ENTERPRISE_COLUMNS + withdrawn_date), drawn among the largest of each year."""
    rows = []
    for designation, bounds in (("leading", LEADING), ("innovative_leader", INNOVATIVE_LEADERS)):
        n = int(rng.integers(*bounds, endpoint=True))
        before = rng.random(n) < BEFORE_PLAN_SHARE
        drawn_years = np.where(before, years[0], rng.choice(years[1:] or years, size=n))
        chosen: set[str] = set()
        for year in sorted(int(y) for y in drawn_years):
            pool = _candidates(enterprises, entries, year)
            pool = pool[~pool["credit_code"].isin(chosen)].head(3 * n if designation == "leading" else 6 * n)
            row = pool.iloc[int(rng.integers(0, len(pool)))]
            chosen.add(row["credit_code"])
            label = DESIGNATION_LABELS[designation]
            rows.append([row["credit_code"], row["name"], label if rng.random() < 0.5 else designation, row["area"],
                         row["field"], _date(rng, year), _source(label, year, len(rows) + 1), ""])
    _withdraw_one(rng, rows, years)
    return rows


def _withdraw_one(rng: np.random.Generator, rows: list[list[str]], years: list[int]) -> None:
    """One designation of the baseline year is withdrawn in the last year (it no longer counts then)."""
    early = [r for r in rows if r[5].startswith(str(years[0]))]
    if early and len(years) > 1:
        early[int(rng.integers(0, len(early)))][-1] = f"{years[-1]}-06-30"


def write_registry(registry_dir: Path, rng: np.random.Generator, enterprises: pd.DataFrame, entries: pd.DataFrame,
                   years: list[int]) -> dict[str, int]:
    """raw/registry/platforms.csv and enterprises.csv afresh (UTF-8); ``years``: the baseline year, then the plan's.

    Returns the rows written by file.
    """
    if registry_dir.exists():
        shutil.rmtree(registry_dir)
    registry_dir.mkdir(parents=True)
    files = {"platforms.csv": (PLATFORM_COLUMNS, platforms(rng, enterprises, entries, years)),
             "enterprises.csv": ((*ENTERPRISE_COLUMNS, *ENTERPRISE_OPTIONAL), designated(rng, enterprises, entries, years))}
    for name, (header, rows) in files.items():
        with (registry_dir / name).open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerow(header)
            writer.writerows(rows)
    return {name: len(rows) for name, (_, rows) in files.items()}

"""The demo city's annual reports (年报): raw/annual/YYYY/, the figure of record revising December's quick report.

Written for every complete year but the last (an annual report comes months after its year: the demo's last
year is still judged on its December quick report). Each unit reports its December lines again, revised a
little (most by about ±1%, one in twenty by about ±5%); one in fifty sends no annual report (its December
figure stands). Industrial units on the industrial form, service units on the services form (营业收入).
"""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

from sei_stats.vocabulary import measure_of

from .files import CHINESE, COLUMNS, SERVICES_CHINESE, money_text

REVISION_SD = 0.01          # the usual revision of a unit's December figure, relative
LARGE_REVISION_SHARE = 0.05  # units revised more ...
LARGE_REVISION_SD = 0.05     # ... by this much
MISSING_SHARE = 0.02         # units without an annual report


def write_annual_reports(annual_dir: Path, rng: np.random.Generator, rows: pd.DataFrame, years: list[int]) -> dict[int, int]:
    """raw/annual/YYYY/01_年报.csv and 02_年报_服务业.csv for each of ``years`` from the clean December rows
    (before faults), raw/annual/ written afresh; returns the lines written by year."""
    if annual_dir.exists():
        shutil.rmtree(annual_dir)
    written = {}
    for year in years:
        december = rows[rows["period"] == f"{year}-12"]
        units = december["credit_code"].unique()
        factor = np.where(rng.random(len(units)) < LARGE_REVISION_SHARE,
                          1 + rng.normal(0.0, LARGE_REVISION_SD, len(units)), 1 + rng.normal(0.0, REVISION_SD, len(units)))
        reporting = rng.random(len(units)) >= MISSING_SHARE
        by_unit = dict(zip(units, np.clip(factor, 0.8, 1.2)))
        lines = december[december["credit_code"].isin(units[reporting])].copy()
        lines["output"] = (lines["output"].to_numpy(dtype=float) * lines["credit_code"].map(by_unit).to_numpy()).round()
        lines["output_ytd"] = money_text(lines["output"].to_numpy(), np.zeros(len(lines), dtype=bool))
        lines["output_ytd_prior"] = money_text(lines["prior"].to_numpy(dtype=float).round(), np.zeros(len(lines), dtype=bool))
        lines["period"] = f"{year}年"  # as the annual form writes it (read as YYYY)
        services = lines["industry_code"].map(measure_of).eq("services").to_numpy()
        folder = annual_dir / str(year)
        folder.mkdir(parents=True, exist_ok=True)
        for name, part, chinese in (("01_年报.csv", lines[~services], CHINESE), ("02_年报_服务业.csv", lines[services], SERVICES_CHINESE)):
            with (folder / name).open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle, lineterminator="\n")
                writer.writerow([chinese[c] + ("(千元)" if c.startswith("output") else "") for c in COLUMNS])
                writer.writerows(part[list(COLUMNS)].to_numpy(dtype=object).tolist())
        written[year] = len(lines)
    return written

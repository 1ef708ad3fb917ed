"""A small city written by the tests themselves: its catalog, targets, GDP, rates and returns."""

from __future__ import annotations

import csv
import os
import shutil
import warnings
from pathlib import Path

import pytest
import yaml

from sei_stats.config import DataPaths, REPO_ROOT, data_paths
from sei_stats.credit_code import check_character

# The `sei-stats` commands the tests start run in their own processes even while a developer's `sei-stats serve`
# runs (tests/pipelines/test_preloader.py starts its own servers).
os.environ["SEI_STATS_IN_PROCESS"] = "1"

HEADER = ["period", "credit_code", "enterprise_name", "district_code", "industry_code",
          "product_code", "product_name", "output_ytd", "output_ytd_prior"]


def credit_code(body: str) -> str:
    """A valid credit code from its first 17 characters."""
    return body + check_character(body)


# Four enterprises of the hand-computed city (see test_indicators.py).
A = credit_code("91210213MA0000001")  # IC maker: product 397301 matches catalog product 3973
B = credit_code("91210211MA0000002")  # robot maker: no product code, industry 3491 matches
C = credit_code("91210202MA0000003")  # textile: not SEI
D = credit_code("91210204MA0000004")  # new in 2018: no prior

PRODUCTS_CSV = """code,kind,name,area,field,key_field,nbs_code,valid_from,valid_to,source,verified
3973,product,集成电路,新一代信息技术,集成电路,true,1.2,2017-01,,test,false
3491,industry,工业机器人制造,高端装备与新材料,智能装备,true,2.1,2017-01,,test,false
"""

TARGETS_YAML = """plans:
  - plan_id: test-plan
    title: 测试规划
    document: 测试文件
    baseline_year: 2017
    target_year: 2020
    targets:
      - {indicator: output_value, label: 产值, value: 5000, unit: 亿元, comparison: at_least}
      - {indicator: avg_growth_since_baseline, label: 年均增长, value: 0.18, unit: fraction, comparison: about, tolerance: 0.005}
      - {indicator: gdp_share, label: 占GDP比重, value: 0.15, unit: fraction, comparison: at_least}
"""

GDP_CSV = "year,quarter,gdp_ytd\n2017,1,1000\n2017,2,2000\n2017,3,3000\n2017,4,4000\n2018,1,1100\n2018,2,2200\n2018,3,3300\n2018,4,4400\n"
VA_CSV = "year,industry_division,va_rate\n2017,39,0.25\n2017,34,0.30\n2018,39,0.25\n2018,34,0.30\n"

# period -> lines (credit code, district, industry, product code, name, output_ytd, prior), money in 千元
CITY = {
    "2017-12": [
        (A, "210213", "3973", "397301", "芯片", "30000000", "25000000"),
        (B, "210211", "3491", "", "工业机器人", "10000000", "8000000"),
        (C, "210202", "1713", "171301", "棉布", "5000000", "5000000"),
    ],
    "2018-03": [
        (A, "210213", "3973", "397301", "芯片", "8000000", "7000000"),
        (B, "210211", "3491", "", "工业机器人", "2000000", "2500000"),
    ],
    "2018-12": [
        (A, "210213", "3973", "397301", "芯片", "36000000", "30000000"),
        (B, "210211", "3491", "", "工业机器人", "12000000", "10000000"),
        (D, "210204", "3491", "", "焊接机器人", "2000000", ""),
        (C, "210202", "1713", "171301", "棉布", "6000000", "5000000"),
    ],
}


def write_csv(path: Path, rows: list[list[str]], *, header: list[str] = HEADER, encoding: str = "utf-8") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding=encoding, newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def return_rows(period: str, lines) -> list[list[str]]:
    return [[period, code, f"企业{code[-4:]}", district, industry, product, name, ytd, prior]
            for code, district, industry, product, name, ytd, prior in lines]


def set_settings(paths: DataPaths, section: str, values: dict) -> DataPaths:
    """The data folder's config/settings.yaml with ``values`` in ``section`` (what the file already sets is kept)."""
    paths.settings_yaml.parent.mkdir(parents=True, exist_ok=True)
    current = yaml.safe_load(paths.settings_yaml.read_text(encoding="utf-8")) if paths.settings_yaml.exists() else None
    current = current or {}
    current[section] = {**(current.get(section) or {}), **values}
    paths.settings_yaml.write_text(yaml.safe_dump(current, allow_unicode=True), encoding="utf-8")
    return paths


def set_calendar(paths: DataPaths, *, january_reported: bool) -> DataPaths:
    """The data folder's config/settings.yaml with calendar.january_reported (the default, false: 1–2月 first)."""
    return set_settings(paths, "calendar", {"january_reported": january_reported})


def without_disclosure_control(paths: DataPaths) -> DataPaths:
    """Rules no cell meets (a cell needs 1 enterprise; the largest one or two may make all of it): for tests of
    what a briefing says, on a city of three enterprises where the real rules leave only the total
    (tests/warehouse/test_protection.py shows them)."""
    return set_settings(paths, "disclosure", {"min_frequency": 1, "dominance_top1_share": 1.0, "dominance_top2_share": 1.0})


def make_data_dir(root: Path, city: dict | None = None, *, january_reported: bool | None = None) -> DataPaths:
    """A data directory with the test catalog, targets, districts, GDP, rates and the returns of ``city``;
    ``january_reported`` given: its config/settings.yaml sets calendar.january_reported (a city with January
    folders needs true: under the default calendar a January folder is no report period)."""
    paths = data_paths(root)
    if january_reported is not None:
        set_calendar(paths, january_reported=january_reported)
    paths.catalog.mkdir(parents=True)
    (paths.catalog / "products.csv").write_text(PRODUCTS_CSV, encoding="utf-8")
    (paths.catalog / "targets.yaml").write_text(TARGETS_YAML, encoding="utf-8")
    for name in ("districts.csv", "nbs-sei-2018-categories.csv"):
        shutil.copy(REPO_ROOT / "data" / "catalog" / name, paths.catalog / name)
    paths.raw.mkdir(parents=True)
    paths.gdp_csv.write_text(GDP_CSV, encoding="utf-8")
    paths.va_rates_csv.write_text(VA_CSV, encoding="utf-8")
    for period, lines in (CITY if city is None else city).items():
        write_csv(paths.returns / period / "returns.csv", return_rows(period, lines))
    return paths


@pytest.fixture
def city(tmp_path) -> DataPaths:
    return make_data_dir(tmp_path / "data")


def missing_glyph_warnings(action) -> list[str]:
    """Run action and return the 'Glyph … missing from font(s)' warnings it raised (charts must raise none)."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        action()
    return [str(w.message) for w in caught if "missing from font" in str(w.message)]


# End-to-end folders: `make test-fast` (pytest -m "not slow") leaves them out.
SLOW_FOLDERS = ("pipelines", "demo")


def pytest_collection_modifyitems(items):
    for item in items:
        folder = item.path.parent.name
        if folder in SLOW_FOLDERS or item.path.name == "test_golden.py":
            item.add_marker(pytest.mark.slow)


# --- was a file written again? (charts and reports are rewritten only when what they show changed) ---------

OLD = 1_000_000_000_000_000_000  # a file time (ns, 2001) no write of a test can leave


def aged(paths) -> None:
    """Set the files' modification time far back: a file written again shows a new one."""
    for path in paths:
        os.utime(path, ns=(OLD, OLD))


def touched(out: Path) -> set[str]:
    """The names of the files in ``out`` whose modification time is no longer OLD."""
    return {p.name for p in out.iterdir() if p.stat().st_mtime_ns != OLD}


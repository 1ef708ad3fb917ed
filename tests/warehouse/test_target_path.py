"""The path within the year (序时进度, mart.target_path), computed by hand.

A (IC) and B (robots) report in every landed month with their priors (千元; 1亿元 = 100,000 千元), so
the scope is the same both years and growth is simply output / prior − 1:

  period   A (prior)              B (prior)             output  prior  growth
  2017-06   3,000,000 (2,500,000)  1,000,000 (1,000,000)   40     35    40/35 − 1
  2017-12   7,500,000 (6,000,000)  2,500,000 (2,000,000)  100     80    0.25
  2018-06   6,000,000 (3,000,000)  3,000,000 (1,000,000)   90     40    1.25
  2018-12  13,000,000 (7,500,000)  5,000,000 (2,500,000)  180    100    0.8
  2019-03   7,000,000 (4,000,000)  3,000,000 (1,000,000)  100     50    1.0     (2018-03 not landed)
  2019-06  15,000,000 (6,000,000)  6,000,000 (3,000,000)  210     90    4/3 − 1
  2020-06  16,000,000 (15,000,000) 7,000,000 (6,000,000)  230    210    2/21    (2019-12 not landed)

Plan p1 (baseline 2017, output ≥ 800亿元 in 2020): the path from 100 to 800 over three years doubles
each year: 2018 200, 2019 400, 2020 800.
  2018-06: 2017's June share 40 / 100 = 0.4 → path 80; 90 is ahead by 10 (10 / 80 = 0.125).
  2018-12: share 100 / 100 = 1 → path 200; 180 is behind by 20 (−0.1).
  2019-03: 2018-03 not landed → no path.
  2019-06: 2018's June share 90 / 180 = 0.5 → path 200; 210 is ahead by 10 (0.05).
  2020-06: 2019-12 not landed → no path.
Plan p2 (baseline 2016, not landed): no path in any of its years 2017–2019.
Plan p3 has no output target: no rows.
"""

from __future__ import annotations

import duckdb
import pytest

from sei_stats.land import land_month
from sei_stats.publish import publish

from conftest import A, B, make_data_dir

approx = pytest.approx

# period -> (A output, A prior, B output, B prior), 千元
MONTHS = {
    "2017-06": ("3000000", "2500000", "1000000", "1000000"),
    "2017-12": ("7500000", "6000000", "2500000", "2000000"),
    "2018-06": ("6000000", "3000000", "3000000", "1000000"),
    "2018-12": ("13000000", "7500000", "5000000", "2500000"),
    "2019-03": ("7000000", "4000000", "3000000", "1000000"),
    "2019-06": ("15000000", "6000000", "6000000", "3000000"),
    "2020-06": ("16000000", "15000000", "7000000", "6000000"),
}

TARGETS = """plans:
  - plan_id: p1
    title: 方案一
    document: 文件一
    baseline_year: 2017
    target_year: 2020
    targets:
      - {indicator: output_value, label: 产值, value: 800, unit: 亿元, comparison: at_least}
  - plan_id: p2
    title: 方案二
    document: 文件二
    baseline_year: 2016
    target_year: 2019
    targets:
      - {indicator: output_value, label: 产值, value: 500, unit: 亿元, comparison: at_least}
  - plan_id: p3
    title: 方案三
    document: 文件三
    baseline_year: 2017
    target_year: 2020
    targets:
      - {indicator: gdp_share, label: 占GDP比重, value: 0.15, unit: fraction, comparison: at_least}
"""

COLUMNS = ("plan_id, strftime(period, '%Y-%m'), output_value, path_annual, month_share, path_value, gap, gap_share, "
           "position, last_year_value, output_ytd_prior, output_growth, reason")


def make_city(root):
    city = {period: [(A, "210213", "3973", "397301", "芯片", a, a_prior), (B, "210211", "3491", "", "工业机器人", b, b_prior)]
            for period, (a, a_prior, b, b_prior) in MONTHS.items()}
    paths = make_data_dir(root, city)
    years = range(2016, 2021)
    paths.gdp_csv.write_text("year,quarter,gdp_ytd\n" + "".join(f"{y},{q},{1000 * q}\n" for y in years for q in (1, 2, 3, 4)),
                             encoding="utf-8")
    paths.va_rates_csv.write_text("year,industry_division,va_rate\n" + "".join(f"{y},39,0.25\n{y},34,0.30\n" for y in years),
                                  encoding="utf-8")
    (paths.catalog / "targets.yaml").write_text(TARGETS, encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def path_rows(tmp_path_factory) -> dict:
    paths = make_city(tmp_path_factory.mktemp("path") / "data")
    for period in MONTHS:
        land_month(paths, period)
    with duckdb.connect(str(publish(paths).detail), read_only=True) as con:
        rows = con.execute(f"SELECT {COLUMNS} FROM mart.target_path ORDER BY ALL").fetchall()
    return {(r[0], r[1]): r[2:] for r in rows}


def test_each_month_of_the_plan_against_the_path_within_the_year(path_rows):
    p1 = {period: row for (plan, period), row in path_rows.items() if plan == "p1"}
    # output, path_annual, month_share, path_value, gap, gap_share, position, last year, prior, growth, reason
    assert p1 == {
        "2018-06": (approx(90), approx(200), approx(0.4), approx(80), approx(10), approx(0.125), "ahead",
                    approx(40), approx(40), approx(1.25), None),
        "2018-12": (approx(180), approx(200), approx(1.0), approx(200), approx(-20), approx(-0.1), "behind",
                    approx(100), approx(100), approx(0.8), None),
        "2019-03": (approx(100), approx(400), None, None, None, None, None,
                    None, approx(50), approx(1.0), "2018-03 not landed: no share of the month in last year's output"),
        "2019-06": (approx(210), approx(400), approx(0.5), approx(200), approx(10), approx(0.05), "ahead",
                    approx(90), approx(90), approx(210 / 90 - 1), None),
        "2020-06": (approx(230), approx(800), None, None, None, None, None,
                    approx(210), approx(210), approx(230 / 210 - 1), "2019-12 not landed: no total of last year to share the month in"),
    }


def test_no_path_without_the_baseline_year_and_none_for_a_plan_without_an_output_target(path_rows):
    p2 = {period: row for (plan, period), row in path_rows.items() if plan == "p2"}
    # every landed month of 2017–2019; the share of the month is there where last year is, the path is not
    assert sorted(p2) == ["2017-06", "2017-12", "2018-06", "2018-12", "2019-03", "2019-06"]
    assert {period: (row[1], row[3], row[6], row[-1]) for period, row in p2.items()} == {
        period: (None, None, None, "baseline year 2016 not complete (its December not landed)") for period in p2}
    assert p2["2018-06"][2] == approx(0.4)
    assert not any(plan == "p3" for plan, _ in path_rows)

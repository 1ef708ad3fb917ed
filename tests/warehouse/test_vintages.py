"""Vintages of GDP and of the value-added rates, on the small city of conftest.py, computed by hand.

The city's SEI output (亿元): 2017-12 A 300 (division 39), B 100 (34); 2018-03 A 80, B 20;
2018-12 A 360, B 120 and D 20 (both 34). Value added = Σ output × the division's rate.
"""

import datetime as dt

import duckdb
import pytest

from sei_stats import inputs
from sei_stats.land import land_month
from sei_stats.publish import publish
from sei_stats.schemas.reference import ReferenceError

approx = pytest.approx
GDP_2017 = "2017,1,1000,,\n2017,2,2000,,\n2017,3,3000,,\n2017,4,4000,,\n"


def build(paths):
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(paths, period)
    return duckdb.connect(str(publish(paths).detail), read_only=True)


def rows(con, sql):
    return con.execute(sql).fetchall()


def monthly(con, period):
    return rows(con, "SELECT value_added, va_rate_basis FROM mart.indicators_monthly "
                     f"WHERE period = DATE '{period}-01'")[0]


def test_the_latest_released_vintage_of_a_year_is_in_force(city):
    # final is released after provisional: it wins, whatever the order of the rows
    city.va_rates_csv.write_text(
        "year,industry_division,va_rate,vintage,released\n"
        "2017,39,0.25,,\n2017,34,0.30,,\n"
        "2018,39,0.22,final,2019-06-30\n2018,34,0.35,final,2019-06-30\n"
        "2018,39,0.25,provisional,2019-01-20\n2018,34,0.30,provisional,2019-01-20\n", encoding="utf-8")
    con = build(city)
    # 2018-12: 360 × 0.22 + 140 × 0.35 = 79.2 + 49 = 128.2 (provisional would give 132); 2018-03: 80 × 0.22 + 20 × 0.35
    assert monthly(con, "2018-12") == (approx(128.2), "own year")
    assert monthly(con, "2018-03") == (approx(24.6), "own year")
    assert monthly(con, "2017-12") == (approx(105), "own year")
    assert rows(con, "SELECT year, value_added, gdp_share, va_rate_basis FROM mart.indicators_annual ORDER BY year") == [
        (2017, approx(105), approx(105 / 4000), "own year"), (2018, approx(128.2), approx(128.2 / 4400), "own year")]
    assert rows(con, "SELECT year, industry_division, va_rate::DOUBLE, vintage, released, in_force FROM ref.va_rates "
                     "ORDER BY year, released NULLS FIRST, industry_division") == [
        (2017, "34", approx(0.30), None, None, True), (2017, "39", approx(0.25), None, None, True),
        (2018, "34", approx(0.30), "provisional", dt.date(2019, 1, 20), False),
        (2018, "39", approx(0.25), "provisional", dt.date(2019, 1, 20), False),
        (2018, "34", approx(0.35), "final", dt.date(2019, 6, 30), True),
        (2018, "39", approx(0.22), "final", dt.date(2019, 6, 30), True)]
    assert rows(con, "SELECT DISTINCT va_rate_year, va_rate_vintage, va_rate_basis FROM fact.sei_lines "
                     "WHERE year = 2018") == [(2018, "final", "own year")]


def test_a_year_without_rates_carries_the_latest_earlier_years(city):
    # no rate for 2018 at all: every 2018 line takes its division's 2017 rate
    city.va_rates_csv.write_text("year,industry_division,va_rate\n2017,39,0.20\n2017,34,0.40\n", encoding="utf-8")
    con = build(city)
    assert monthly(con, "2017-12") == (approx(300 * 0.20 + 100 * 0.40), "own year")  # 100
    assert monthly(con, "2018-03") == (approx(80 * 0.20 + 20 * 0.40), "carried from 2017")  # 24
    assert monthly(con, "2018-12") == (approx(360 * 0.20 + 140 * 0.40), "carried from 2017")  # 128
    assert rows(con, "SELECT year, value_added, va_rate_basis FROM mart.indicators_annual ORDER BY year") == [
        (2017, approx(100), "own year"), (2018, approx(128), "carried from 2017")]
    assert rows(con, "SELECT output_no_va_rate FROM mart.data_quality WHERE period = DATE '2018-12-01'") == [(0.0,)]
    assert rows(con, "SELECT DISTINCT va_rate_year, va_rate_basis FROM fact.sei_lines WHERE year = 2018") == [
        (2017, "carried from 2017")]


def test_a_division_without_its_years_rate_carries_it_and_a_later_years_rate_is_never_used(city):
    # 2018's final vintage has only division 39: 34 is carried from 2017, not taken from 2018's provisional
    # vintage nor from 2019
    city.va_rates_csv.write_text(
        "year,industry_division,va_rate,vintage,released\n"
        "2016,34,0.50,final,2017-06-30\n2017,39,0.25,final,2018-06-30\n2017,34,0.30,final,2018-06-30\n"
        "2018,39,0.20,provisional,2019-01-20\n2018,34,0.90,provisional,2019-01-20\n"
        "2018,39,0.21,final,2019-06-30\n2019,34,0.80,final,2020-06-30\n", encoding="utf-8")
    con = build(city)
    # 2018-12: 360 × 0.21 (own year) + 140 × 0.30 (2017's) = 75.6 + 42
    assert monthly(con, "2018-12") == (approx(117.6), "own year, carried from 2017")
    assert monthly(con, "2017-12") == (approx(105), "own year")


def test_a_division_with_no_rate_in_any_earlier_year_is_left_out_and_counted(city):
    # division 34 has a rate from 2018 only: 2017's B (100亿元) has none (2018's is never used backwards)
    city.va_rates_csv.write_text("year,industry_division,va_rate\n2017,39,0.25\n2018,39,0.25\n2018,34,0.30\n",
                                 encoding="utf-8")
    con = build(city)
    assert monthly(con, "2017-12") == (approx(300 * 0.25), "own year, incomplete")
    assert monthly(con, "2018-12") == (approx(132), "own year")
    assert rows(con, "SELECT strftime(period, '%Y-%m'), output_no_va_rate FROM mart.data_quality ORDER BY period") == [
        ("2017-12", approx(100)), ("2018-03", 0.0), ("2018-12", 0.0)]
    assert rows(con, "SELECT va_rate, va_rate_year, va_rate_basis FROM fact.sei_lines "
                     "WHERE year = 2017 AND industry_division = '34'") == [(None, None, None)]

    # no rate for any output: incomplete alone, no value added
    city.va_rates_csv.write_text("year,industry_division,va_rate\n2019,39,0.25\n", encoding="utf-8")
    con.close()
    with duckdb.connect(str(publish(city).detail), read_only=True) as con:
        assert monthly(con, "2017-12") == (None, "incomplete")


def test_every_gdp_vintage_gives_a_share_and_the_latest_released_is_published(city):
    # 2018 Q4: preliminary 4400, then the census revision 4000 (the row order does not matter)
    city.gdp_csv.write_text(
        "year,quarter,gdp_ytd,vintage,released\n" + GDP_2017 +
        "2018,4,4000,census_revised,2020-01-10\n"
        "2018,1,1100,preliminary,2018-04-20\n2018,2,2200,preliminary,2018-07-20\n2018,3,3300,preliminary,2018-10-20\n"
        "2018,4,4400,preliminary,2019-01-25\n", encoding="utf-8")
    con = build(city)
    got = rows(con, "SELECT year, quarter, strftime(period, '%Y-%m'), vintage, released, in_force, value_added, gdp_ytd, "
                    "gdp_share, previous_vintage, gdp_revision, share_revision FROM mart.gdp_share_vintages")
    assert got == [
        (2017, 4, "2017-12", None, None, True, approx(105), 4000, approx(105 / 4000), None, None, None),
        (2018, 1, "2018-03", "preliminary", dt.date(2018, 4, 20), True, approx(26), 1100, approx(26 / 1100), None, None, None),
        (2018, 4, "2018-12", "preliminary", dt.date(2019, 1, 25), False, approx(132), 4400, approx(0.03), None, None, None),
        # the census revision raises the share by 0.3 percentage point: a revision, not growth
        (2018, 4, "2018-12", "census_revised", dt.date(2020, 1, 10), True, approx(132), 4000, approx(0.033),
         "preliminary", -400, approx(0.003)),
    ]
    assert rows(con, "SELECT strftime(period, '%Y-%m'), gdp_ytd, gdp_share, gdp_vintage, gdp_released "
                     "FROM mart.indicators_monthly ORDER BY period") == [
        ("2017-12", 4000, approx(105 / 4000), None, None),
        ("2018-03", 1100, approx(26 / 1100), "preliminary", dt.date(2018, 4, 20)),
        ("2018-12", 4000, approx(0.033), "census_revised", dt.date(2020, 1, 10))]
    assert rows(con, "SELECT year, gdp, gdp_share, gdp_vintage, gdp_released FROM mart.indicators_annual ORDER BY year") == [
        (2017, 4000, approx(105 / 4000), None, None), (2018, 4000, approx(0.033), "census_revised", dt.date(2020, 1, 10))]
    assert rows(con, "SELECT count(*), count(*) FILTER (WHERE in_force) FROM ref.gdp") == [(9, 8)]
    with duckdb.connect(str(city.warehouse), read_only=True) as analysts:  # the analysts' file has it too
        assert rows(analysts, "SELECT count(*) FROM mart.gdp_share_vintages") == [(4,)]


@pytest.mark.parametrize(("name", "text", "message"), [
    ("va_rates", ("year,industry_division,va_rate,vintage,released\n2018,39,0.25,final,2019-06-30\n"
                  "2018,34,0.30,final,2019-06-30\n2018,39,0.26,final,2019-06-30\n"),
     (r"va_rates.csv: line 4: fails year, industry_division, vintage listed once \(one rate per vintage\) "
      r"\(year 2018, industry_division '39', vintage 'final'\)")),
    ("va_rates", "year,industry_division,va_rate,vintage,released\n2018,39,0.25,final,2019-02-30\n",
     r"va_rates.csv: line 2: released fails a real day YYYY-MM-DD, or empty \(value '2019-02-30'\)"),
    ("gdp", "year,quarter,gdp_ytd,vintage,released\n2018,4,4400,preliminary,2019-01-25\n2018,4,4000,final,2019/12/31\n",
     r"gdp.csv: line 3: released fails a real day YYYY-MM-DD, or empty \(value '2019/12/31'\)"),
    ("gdp", "year,quarter,gdp_ytd,vintage,released\n2018,4,4400,,\n2018,4,4000,final,\n",
     r"gdp.csv: line 3: fails a named vintage has its released date \(vintage 'final', released ''\)"),
    ("gdp", "year,quarter,gdp_ytd,vintage,released\n2018,4,4400,preliminary,2019-01-25\n2018,4,4000,final,2019-01-25\n",
     r"gdp.csv: line 2: fails no two vintages of one year and quarter released the same day"),
    ("gdp", "year,quarter,gdp_ytd\n2018,4,4400\n2018,4,4000\n",
     r"gdp.csv: line 3: fails year, quarter, vintage listed once \(one figure per vintage\)"),
    ("va_rates", ("year,industry_division,va_rate,vintage,released\n2018,39,0.25,final,2019-06-30\n"
                  "2018,34,0.30,final,2019-07-31\n"),
     r"va_rates.csv: line 2: fails one released date for all rows of a year and vintage"),
    ("gdp", "year,quarter,gdp_ytd,vintage,released,source\n2018,4,4400,,,bulletin\n", r"gdp.csv: .*source"),
])
def test_broken_vintages_name_file_line_field_and_rule(city, name, text, message):
    path = city.gdp_csv if name == "gdp" else city.va_rates_csv
    path.write_text(text, encoding="utf-8")
    reference = inputs.GDP if name == "gdp" else inputs.VA_RATES
    with pytest.raises(ReferenceError, match=message):
        reference.frame(city)


def test_files_without_vintages_are_one_unnamed_vintage_in_force(city):
    gdp, rates = inputs.GDP.frame(city), inputs.VA_RATES.frame(city)
    assert len(gdp) == 8 and gdp["in_force"].all() and gdp["vintage"].isna().all() and gdp["released"].isna().all()
    assert len(rates) == 4 and rates["in_force"].all() and rates["vintage"].isna().all()

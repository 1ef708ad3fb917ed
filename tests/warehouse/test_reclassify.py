"""History rebuilt under today's catalog, for like-for-like growth across a catalog change."""

import duckdb
import pytest

from sei_stats.land import land_month
from sei_stats.reclassify import reclassify_history
from sei_stats.publish import publish
from sei_stats.warehouse import uncommented_columns

from conftest import CITY, PRODUCTS_CSV, make_data_dir


def test_a_catalog_change_is_published_both_ways(city):
    # The robot industry enters the catalog in 2018: 2017 figures under the catalog of their time leave B out.
    (city.catalog / "products.csv").write_text(
        PRODUCTS_CSV.replace("3491,industry,工业机器人制造,高端装备与新材料,智能装备,true,2.1,2017-01",
                             "3491,industry,工业机器人制造,高端装备与新材料,智能装备,true,2.1,2018-01"), encoding="utf-8")
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    done = reclassify_history(city)
    assert (done.as_of, done.periods, done.changed_lines) == ("2018-12", ["2017-12", "2018-03", "2018-12"], 1)
    with duckdb.connect(str(publish(city).detail), read_only=True) as con:
        as_published = con.execute("SELECT year, output_value FROM mart.indicators_annual ORDER BY year").fetchall()
        like_for_like = con.execute("SELECT year, output_value FROM mart_current_catalog.indicators_annual ORDER BY year").fetchall()
        exact = con.execute("SELECT sum(output_ytd) FROM fact_current_catalog.sei_lines WHERE period = DATE '2017-12-01'").fetchone()[0]
        versions = con.execute("SELECT DISTINCT catalog_version FROM mart_current_catalog.indicators_monthly").fetchall()
        assert uncommented_columns(con) == []
    assert as_published == [(2017, pytest.approx(300)), (2018, pytest.approx(500))]
    assert like_for_like == [(2017, pytest.approx(400)), (2018, pytest.approx(500))]
    assert str(exact) == "40000000.000"  # money copied exactly, 千元
    # named by the month since which the entries in force at 2018-12 hold: the robot entry opened in 2018-01
    assert versions == [(f"{done.catalog_version}",)] and done.catalog_version.endswith("@2018-01")


def test_without_reclassification_only_the_catalog_of_the_time_is_published(city):
    land_month(city, "2018-12")
    with duckdb.connect(str(publish(city).path), read_only=True) as con:
        schemas = {r[0] for r in con.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()}
    assert "mart_current_catalog" not in schemas and "mart" in schemas


def test_held_lines_are_classified_again_and_every_class_column_counts_as_a_change(tmp_path):
    # 3973 stops being a key field from 2018 (its code stays): A's 2017-12 line is classified differently.
    # N (a robot maker, 40,000亿元 typed in 元) and M (chips) are held at landing, and accepted by a reviewer.
    from test_values_end_to_end import ACCEPT, EXTRA, M, N

    city = make_data_dir(tmp_path / "data", CITY | {"2018-12": CITY["2018-12"] + EXTRA})
    (city.catalog / "products.csv").write_text(PRODUCTS_CSV.replace(
        "3973,product,集成电路,新一代信息技术,集成电路,true,1.2,2017-01,,test,false",
        "3973,product,集成电路,新一代信息技术,集成电路,true,1.2,2017-01,2017-12,test,false\n"
        "3973,product,集成电路,新一代信息技术,集成电路,false,1.2,2018-01,,test,false"), encoding="utf-8")
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    (city.raw / "reviews").mkdir()
    (city.raw / "reviews" / "2018-12.csv").write_text(ACCEPT.format(N=N, M=M), encoding="utf-8")
    done = reclassify_history(city)
    assert done.changed_lines == 1  # key_field alone changed (the old count compared catalog_code only: 0)
    with duckdb.connect() as con:
        held = con.execute("SELECT credit_code, is_sei, area, key_field FROM read_parquet(?) WHERE status = 'held' "
                           "ORDER BY credit_code", [str(done.files["2018-12"])]).fetchall()
    assert held == sorted([(N, True, "高端装备与新材料", True), (M, True, "新一代信息技术", False)])
    with duckdb.connect(str(publish(city).detail), read_only=True) as con:
        def by_area(schema):
            return dict(con.execute(f"SELECT area, output_ytd FROM {schema}.output_by_area "
                                    "WHERE period = DATE '2018-12-01'").fetchall())
        # accepted by review, the held lines count under both catalogs (亿元)
        expected = {"新一代信息技术": pytest.approx(360 + 10_000_000), "高端装备与新材料": pytest.approx(140 + 40_000)}
        assert by_area("mart") == by_area("mart_current_catalog") == expected


def test_a_history_todays_catalog_classifies_as_landed_is_published_once(city):
    # the test catalog has no window that opens or closes in 2017–2018: reclassifying changes no line, so the
    # current-catalog relations are views over the published ones, and no year is computed a second time
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    assert reclassify_history(city).changed_lines == 0
    published = publish(city)
    assert not (city.year_step / "current_catalog").exists()
    with duckdb.connect(str(published.detail), read_only=True) as con:
        view = con.execute("SELECT sql FROM duckdb_views() WHERE schema_name = 'fact_current_catalog' "
                           "AND view_name = 'lines'").fetchone()[0]
        assert "SELECT * FROM fact.lines" in view
        assert uncommented_columns(con) == []
    with duckdb.connect(str(published.path), read_only=True) as con:
        def annual(schema):
            return con.execute(f"SELECT year, output_value FROM {schema}.indicators_annual ORDER BY year").fetchall()
        assert annual("mart") == annual("mart_current_catalog") == [(2017, pytest.approx(400)), (2018, pytest.approx(500))]
        comment = con.execute("SELECT comment FROM duckdb_tables() WHERE schema_name = 'mart_current_catalog' "
                              "AND table_name = 'indicators_annual'").fetchone()[0]
        assert comment

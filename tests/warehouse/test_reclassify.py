"""History rebuilt under today's catalog, for like-for-like growth across a catalog change."""

import duckdb
import pytest

from sei_stats.land import land_month
from sei_stats.reclassify import reclassify_history
from sei_stats.publish import publish
from sei_stats.warehouse import uncommented_columns

from conftest import PRODUCTS_CSV


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

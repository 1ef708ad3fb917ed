"""The small city of conftest.py, computed by hand.

2017-12 (千元): A 30,000,000 (prior 25,000,000), B 10,000,000 (8,000,000); C is not SEI.
  output 400亿元; growth 40/33 − 1; value added 300×0.25 + 100×0.30 = 105亿元; share 105/4000.
2018-03: A 8,000,000 (7,000,000), B 2,000,000 (2,500,000): output 100亿元; growth 10/9.5 − 1;
  value added 80×0.25 + 20×0.30 = 26亿元; share 26/1100 (Q1).
2018-12: A 36,000,000 (30,000,000), B 12,000,000 (10,000,000), D 2,000,000 (no prior); C 6,000,000.
  output 500亿元; growth 50/40 − 1 = 0.25 (D is a new unit: it enters with a prior of 0, NBS scope); value added 360×0.25 + 140×0.30 = 132亿元;
  share 132/4400 = 0.03; 3 enterprises.
"""

from decimal import Decimal

import duckdb
import pytest

from sei_stats.land import land_month
from sei_stats.publish import publish

from conftest import TARGETS_YAML

approx = pytest.approx


def build(paths):
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(paths, period)
    return duckdb.connect(str(publish(paths).detail), read_only=True)  # marts as views, facts too


def rows(con, sql):
    return con.execute(sql).fetchall()


def test_monthly_indicators(city):
    con = build(city)
    got = rows(con, "SELECT strftime(period, '%Y-%m'), output_value, output_ytd_prior, output_growth, value_added, gdp_ytd, gdp_share, n_enterprises "
                    "FROM mart.indicators_monthly ORDER BY period")
    assert got[0] == ("2017-12", approx(400), approx(330), approx(40 / 33 - 1), approx(105), 4000, approx(105 / 4000), 2)
    assert got[1] == ("2018-03", approx(100), approx(95), approx(10 / 9.5 - 1), approx(26), 1100, approx(26 / 1100), 2)
    assert got[2] == ("2018-12", approx(500), approx(400), approx(0.25), approx(132), 4400, approx(0.03), 3)


def test_annual_indicators_only_for_complete_years_and_chain_linked_growth(city):
    con = build(city)
    got = rows(con, "SELECT year, output_value, output_comparable, output_ytd_prior, output_growth, value_added, gdp, gdp_share, "
                    "avg_growth_since_baseline, n_enterprises, output_imputed, imputed_share, plan_id "
                    "FROM mart.indicators_annual ORDER BY year")
    assert got == [  # every unit reported every month it was live: nothing imputed
        (2017, approx(400), approx(400), approx(330), approx(40 / 33 - 1), approx(105), 4000, approx(0.02625), None, 2,
         0.0, 0.0, None),  # the baseline: no plan's year
        (2018, approx(500), approx(500), approx(400), approx(0.25), approx(132), 4400, approx(0.03), approx(0.25), 3,
         0.0, 0.0, "test-plan"),
    ]
    # no service unit in this city: services revenue is 0, without a prior or growth, and never in output_value
    assert rows(con, "SELECT services_revenue, services_revenue_prior, services_revenue_growth, n_services_enterprises "
                     "FROM mart.indicators_annual ORDER BY year") == [(0, None, None, 0)] * 2


def test_baseline_year_is_configurable(city):
    (city.catalog / "targets.yaml").write_text(TARGETS_YAML.replace("baseline_year: 2017", "baseline_year: 2016"), encoding="utf-8")
    con = build(city)
    got = rows(con, "SELECT year, avg_growth_since_baseline, plan_id FROM mart.indicators_annual ORDER BY year")
    assert got == [(2017, approx(40 / 33 - 1), "test-plan"), (2018, approx(((40 / 33) * 1.25) ** 0.5 - 1), "test-plan")]


def test_output_by_area_and_data_quality(city):
    con = build(city)
    # D (20亿元, new in 2018) enters 高端装备与新材料 with a prior of 0: 140 / 100 − 1
    assert rows(con, "SELECT area, output_ytd, output_ytd_prior, growth, n_enterprises FROM mart.output_by_area "
                     "WHERE period = DATE '2018-12-01' ORDER BY area") == [
        ("新一代信息技术", approx(360), approx(300), approx(0.2), 1),
        ("高端装备与新材料", approx(140), approx(100), approx(0.4), 2),
    ]
    assert rows(con, "SELECT rows_received, rows_accepted, rows_rejected, rows_superseded, rows_blank_prior, "
                     "rows_unclassified, output_unclassified, output_no_va_rate FROM mart.data_quality WHERE period = DATE '2018-12-01'") == [
        (4, 4, 0, 0, 1, 1, approx(60), 0.0)]


def test_output_by_national_category_uses_each_entrys_own_code(city):
    con = build(city)
    assert rows(con, "SELECT nbs_level1_code, nbs_level1_name, nbs_code, nbs_name, output_ytd, growth, n_enterprises "
                     "FROM mart.output_by_nbs_category WHERE period = DATE '2018-12-01' ORDER BY nbs_code") == [
        ("1", "新一代信息技术产业", "1.2", "电子核心产业", approx(360), approx(0.2), 1),
        ("2", "高端装备制造产业", "2.1", "智能制造装备产业", approx(140), approx(0.4), 2),
    ]


def test_marts_record_the_catalog_version(city):
    from sei_stats.land import catalog_version

    con = build(city)
    version = catalog_version(city.catalog)
    assert rows(con, "SELECT DISTINCT catalog_version FROM mart.indicators_monthly") == [(version,)]
    assert rows(con, "SELECT DISTINCT catalog_version FROM mart.data_quality") == [(version,)]


def test_target_progress_projects_from_the_last_complete_year(city):
    con = build(city)
    got = {r[0]: r[1:] for r in rows(con, "SELECT indicator, actual_value, target_value, gap, projected_value, strftime(as_of, '%Y-%m'), "
                                          "status, final, reason, judged_value FROM mart.target_progress")}
    # output 500 × 1.25² = 781.25 → 781.3 < 5000
    assert got["output_value"] == (approx(500), 5000, approx(-4500), approx(500 * 1.25 ** 2), "2018-12", "behind", False, None, 781.3)
    # growth so far 25.0% ≥ 18% − 0.5 pp
    assert got["avg_growth_since_baseline"] == (approx(0.25), 0.18, approx(0.07), approx(0.25), "2018-12", "on track", False, None, 0.25)
    # share 0.03 × (0.03 / 0.02625)² = 0.0392 → 3.9% < 15%
    share_rate = 0.03 / 0.02625
    assert got["gdp_share"] == (approx(0.03), 0.15, approx(-0.12), approx(0.03 * share_rate ** 2), "2018-12", "behind", False, None, 0.039)


def test_target_year_reached_gives_met_or_missed(city):
    text = (TARGETS_YAML.replace("target_year: 2020", "target_year: 2018")
            .replace("value: 5000", "value: 450").replace("value: 0.15", "value: 0.05"))
    (city.catalog / "targets.yaml").write_text(text, encoding="utf-8")
    con = build(city)
    got = {r[0]: r[1:] for r in rows(con, "SELECT indicator, status, final FROM mart.target_progress")}
    assert got == {"output_value": ("met", True), "avg_growth_since_baseline": ("met", True), "gdp_share": ("missed", True)}


def test_money_is_exact_and_a_rerun_gives_identical_totals(city):
    con = build(city)
    # 千元: output 40M + 10M + 50M; value added 10.5M + 2.6M + 13.2M, both exact DECIMAL sums
    first = rows(con, "SELECT sum(output_ytd), sum(output_ytd * va_rate) FROM fact.sei_lines")
    assert first == [(Decimal("100000000.000"), Decimal("26300000.000000000"))]
    before = rows(con, "SELECT * FROM mart.indicators_monthly ORDER BY period")
    con.close()
    con = build(city)  # land every month again and republish
    assert rows(con, "SELECT * FROM mart.indicators_monthly ORDER BY period") == before
    assert rows(con, "SELECT count(*) FROM fact.received_lines") == [(9,)]

"""The breakdown marts (sql/mart_breakdowns.sql) on the small city of conftest.py, computed by hand.

2018-12 (千元): A 36,000,000 (prior 30,000,000), 金州区 210213, 集成电路; B 12,000,000 (10,000,000), 甘井子区 210211,
智能装备; D 2,000,000 (new: prior 0), 沙河口区 210204, 智能装备; C is not SEI. Both fields are key fields.
"""

import shutil

import duckdb
import pandas as pd
import pytest

from sei_stats.land import land_month
from sei_stats.publish import publish

from conftest import REPO_ROOT, A, B, C, D

approx = pytest.approx


def build(paths):
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(paths, period)
    return duckdb.connect(str(publish(paths).path), read_only=True)  # the analysts' file


def test_output_by_field_and_by_district(city):
    con = build(city)
    assert con.execute("SELECT area, field, key_field, output_ytd, output_ytd_prior, growth, n_enterprises "
                       "FROM mart.output_by_field WHERE period = DATE '2018-12-01' ORDER BY area").fetchall() == [
        ("新一代信息技术", "集成电路", True, approx(360), approx(300), approx(0.2), 1),
        ("高端装备与新材料", "智能装备", True, approx(140), approx(100), approx(0.4), 2),  # (120 + 20) / (100 + 0)
    ]
    assert con.execute("SELECT district_code, district_name, output_ytd, output_ytd_prior, growth "
                       "FROM mart.output_by_district WHERE period = DATE '2018-12-01' ORDER BY district_code").fetchall() == [
        ("210204", "沙河口区", approx(20), 0, None),  # D alone, new: no growth
        ("210211", "甘井子区", approx(120), approx(100), approx(0.2)),
        ("210213", "金州区", approx(360), approx(300), approx(0.2)),
    ]
    # the districts add up to the total, as the areas do
    total = con.execute("SELECT output_value FROM mart.indicators_monthly WHERE period = DATE '2018-12-01'").fetchone()[0]
    assert con.execute("SELECT sum(output_ytd) FROM mart.output_by_district WHERE period = DATE '2018-12-01'").fetchone()[0] == approx(total)
    # no roster, so no zone: the mart is empty, not a row of NULL zone
    assert con.execute("SELECT count(*) FROM mart.output_by_zone").fetchone()[0] == 0
    described = dict(con.execute("SELECT column_name, comment FROM duckdb_columns() WHERE schema_name = 'mart' "
                                 "AND table_name = 'output_by_district'").fetchall())
    assert described["output_ytd"].startswith("Industrial output (工业总产值) this year to date, 亿元")


def test_output_by_zone_follows_the_rosters_zone(city):
    shutil.copy(REPO_ROOT / "data" / "catalog" / "zones.csv", city.catalog / "zones.csv")
    (city.raw / "roster").mkdir()
    pd.DataFrame([
        {"credit_code": A, "enterprise_name": "企业A", "district_code": "210213", "zone_id": "jinpu", "industry_code": "3973",
         "area": "新一代信息技术", "active_from": "", "active_to": ""},
        {"credit_code": B, "enterprise_name": "企业B", "district_code": "210211", "zone_id": "gaoxin", "industry_code": "3491",
         "area": "高端装备与新材料", "active_from": "", "active_to": ""},
        {"credit_code": C, "enterprise_name": "企业C", "district_code": "210202", "zone_id": "", "industry_code": "1713",
         "area": "", "active_from": "", "active_to": ""},
        {"credit_code": D, "enterprise_name": "企业D", "district_code": "210204", "zone_id": "gaoxin", "industry_code": "3491",
         "area": "高端装备与新材料", "active_from": "2018-12", "active_to": ""},
    ]).to_csv(city.raw / "roster" / "2018.csv", index=False)
    con = build(city)
    assert con.execute("SELECT zone_id, zone_name, output_ytd, output_ytd_prior, growth, n_enterprises FROM mart.output_by_zone "
                       "WHERE period = DATE '2018-12-01' ORDER BY zone_id").fetchall() == [
        ("gaoxin", "高新区", approx(140), approx(100), approx(0.4), 2),
        ("jinpu", "金普新区", approx(360), approx(300), approx(0.2), 1),
    ]
    # 2017 has no roster (a derived frame): no zone rows for it
    assert con.execute("SELECT count(*) FROM mart.output_by_zone WHERE year(period) = 2017").fetchone()[0] == 0

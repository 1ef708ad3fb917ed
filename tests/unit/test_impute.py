"""Ratio imputation of non-respondents, computed by hand.

Stratum 高端装备与新材料 (R1, R2 in 210211; R3 in 210213), output in 千元:
  2018-01: R1 100, R2 200, R3 300, N 50          → N reported
  2018-02: R1 220, R2 400, R3 580, N missing     → movement since 2018-01 = 1200/600 = 2   → N = 100
  2018-03: R1 330, R2 600, R3 870, N missing     → N's last month is still 2018-01: 1800/600 = 3 → N = 150
  2019-01: R1 150 (prior 100), R2 300 (200), R3 450 (300), N missing
                                                  → growth 900/600 = 1.5 on N's own 2018-01 figure 50 → 75
N is in 210211 with R1 and R2 only: two respondents are fewer than 3, so the stratum falls back to the area.
"""

import duckdb
import pandas as pd
import pytest

from sei_stats.impute import impute
from sei_stats.land import land_month
from sei_stats.publish import publish

from conftest import credit_code, make_data_dir, return_rows, write_csv

R1, R2, R3, N = (credit_code(f"91210211MA00001{i:02d}") for i in range(4))
DISTRICT = {R1: "210211", R2: "210211", R3: "210213", N: "210211"}
MONTHS = {
    "2018-01": {R1: (100, None), R2: (200, None), R3: (300, None), N: (50, None)},
    "2018-02": {R1: (220, None), R2: (400, None), R3: (580, None)},
    "2018-03": {R1: (330, None), R2: (600, None), R3: (870, None)},
    "2019-01": {R1: (150, 100), R2: (300, 200), R3: (450, 300)},
}


def roster() -> pd.DataFrame:
    return pd.DataFrame([{"credit_code": c, "enterprise_name": f"企业{c[-4:]}", "district_code": d, "zone_id": "",
                          "industry_code": "3491", "area": "高端装备与新材料"} for c, d in DISTRICT.items()])


def accepted_lines() -> pd.DataFrame:
    rows = []
    for period, values in MONTHS.items():
        for code, (ytd, prior) in values.items():
            rows.append({"period": pd.Timestamp(period + "-01"), "credit_code": code, "enterprise_name": f"企业{code[-4:]}",
                         "district_code": DISTRICT[code], "industry_code": "3491", "product_code": None,
                         "product_name": "工业机器人", "is_sei": True, "match_kind": "industry", "catalog_code": "3491",
                         "area": "高端装备与新材料", "field": "智能装备", "key_field": True, "nbs_code": "2.1",
                         "nbs_edition": None, "catalog_version": "v", "output_ytd": float(ytd),
                         "output_ytd_prior": None if prior is None else float(prior)})
    return pd.DataFrame(rows)


def test_non_respondents_are_imputed_by_ratio_with_stratum_fallback():
    got = impute(accepted_lines(), {2018: roster(), 2019: roster()}, min_respondents=3)
    got = got.assign(period=got["period"].dt.strftime("%Y-%m"), base_period=pd.to_datetime(got["base_period"]).dt.strftime("%Y-%m"))
    assert got[["period", "credit_code", "output_ytd", "factor", "stratum", "base_period"]].values.tolist() == [
        ["2018-02", N, 100.0, pytest.approx(2.0), "高端装备与新材料", "2018-01"],
        ["2018-03", N, 150.0, pytest.approx(3.0), "高端装备与新材料", "2018-01"],
        ["2019-01", N, 75.0, pytest.approx(1.5), "高端装备与新材料", "2018-01"],
    ]
    assert got["method"].tolist()[1:] == ["ratio to the last reported month", "own figure a year earlier × stratum growth"]


def test_the_finest_stratum_is_used_when_it_has_enough_respondents():
    got = impute(accepted_lines(), {2018: roster()}, min_respondents=2)
    assert got["stratum"].tolist() == ["高端装备与新材料·210211", "高端装备与新材料·210211"]
    assert got["output_ytd"].tolist() == [103.333, 155.0]  # 50 × 620/300 and 50 × 930/300, rounded to 1 元


def test_a_year_without_a_roster_imputes_nothing():
    assert impute(accepted_lines(), {}, min_respondents=3).empty
    assert set(impute(accepted_lines(), {2019: roster()}, 3)["period"].dt.year) == {2019}


def test_published_totals_state_their_imputed_share_and_the_response_rate(tmp_path):
    city = {period: [(code, DISTRICT[code], "3491", "", "工业机器人", str(ytd), "" if prior is None else str(prior))
                     for code, (ytd, prior) in values.items()] for period, values in MONTHS.items()}
    paths = make_data_dir(tmp_path / "data", city)
    (paths.raw / "roster").mkdir()
    for year in (2018, 2019):
        roster().to_csv(paths.raw / "roster" / f"{year}.csv", index=False)
    for period in MONTHS:
        land_month(paths, period)
    with duckdb.connect(str(publish(paths).path), read_only=True) as con:
        monthly = con.execute("SELECT strftime(period, '%Y-%m'), output_value * 100000, output_imputed * 100000, imputed_share, n_enterprises "
                              "FROM mart.indicators_monthly ORDER BY period").fetchall()
        quality = con.execute("SELECT strftime(period, '%Y-%m'), roster_enterprises, respondents, response_rate, imputed_enterprises "
                              "FROM mart.data_quality ORDER BY period").fetchall()
        growth = con.execute("SELECT output_growth FROM mart.indicators_monthly WHERE period = DATE '2019-01-01'").fetchone()[0]
    assert monthly[1] == ("2018-02", pytest.approx(1300), pytest.approx(100), pytest.approx(100 / 1300), 4)
    assert monthly[3] == ("2019-01", pytest.approx(975), pytest.approx(75), pytest.approx(75 / 975), 4)
    assert quality[0] == ("2018-01", 4, 4, 1.0, 0)
    assert quality[1] == ("2018-02", 4, 3, 0.75, 1)
    assert growth == pytest.approx(900 / 600 - 1)  # imputed lines stay out of comparable growth


def test_a_late_return_replaces_its_imputation_at_the_publish_that_includes_it(tmp_path):
    city = {period: [(code, DISTRICT[code], "3491", "", "工业机器人", str(ytd), "" if prior is None else str(prior))
                     for code, (ytd, prior) in values.items()] for period, values in MONTHS.items()}
    paths = make_data_dir(tmp_path / "data", city)
    (paths.raw / "roster").mkdir()
    roster().to_csv(paths.raw / "roster" / "2018.csv", index=False)
    for period in ("2018-01", "2018-02"):
        land_month(paths, period)
    warehouse = publish(paths).path
    query = "SELECT output_value * 100000, imputed_share FROM mart.indicators_monthly WHERE period = DATE '2018-02-01'"
    with duckdb.connect(str(warehouse), read_only=True) as con:
        imputed = con.execute(query).fetchone()
    # N's return for 2018-02 arrives late and the month is landed again: until the publish that includes
    # it, the published figures stay those of the landing they were made from, N imputed
    write_csv(paths.returns / "2018-02" / "zz_late.csv", return_rows("2018-02", [(N, "210211", "3491", "", "工业机器人", "90", "")]))
    land_month(paths, "2018-02")
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(query).fetchone() == imputed and imputed[1] > 0
    publish(paths)  # then the return counts, and its imputation is gone: never both
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute(query).fetchone() == (pytest.approx(1290), 0.0)

"""Ratio imputation of live units without a usable figure, computed by hand.

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

from sei_stats import scope
from sei_stats.impute import UnitSums, impute, year_sums
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


def scope_lines(months: dict = MONTHS, product: str = "工业机器人") -> pd.DataFrame:
    """Accepted lines of live units as fact.scope_lines gives them (prior: the one used for growth)."""
    rows = []
    for period, values in months.items():
        for code, (ytd, prior) in values.items():
            rows.append({"period": pd.Timestamp(period + "-01"), "source_file": f"{period}/r.csv", "line_number": 2,
                         "credit_code": code, "enterprise_name": f"企业{code[-4:]}", "district_code": DISTRICT[code],
                         "industry_code": "3491", "product_code": None, "product_name": product, "product_key": product,
                         "catalog_version": "v", "output_ytd": float(ytd),
                         "prior": None if prior is None else float(prior)})
    return pd.DataFrame(rows)


def frame_of(months, units=DISTRICT) -> pd.DataFrame:
    """Every unit live in every month (a roster without windows)."""
    return pd.DataFrame([{"period": pd.Timestamp(m + "-01"), "credit_code": c, "enterprise_name": f"企业{c[-4:]}",
                          "district_code": d, "industry_code": "3491", "area": "高端装备与新材料", "frame_source": "roster",
                          "live": True} for m in months for c, d in units.items()])


def returned_of(lines: pd.DataFrame) -> pd.DataFrame:
    return lines.assign(status="accepted")[["period", "credit_code", "product_key", "status"]]


def run(lines, frame, returned=None, min_respondents=3, max_months=3):
    return impute(lines, frame, returned_of(lines) if returned is None else returned, min_respondents, max_months)


def test_non_respondents_are_imputed_by_ratio_with_stratum_fallback():
    got = run(scope_lines(), frame_of(MONTHS)).lines
    got = got.assign(period=got["period"].dt.strftime("%Y-%m"), base_period=pd.to_datetime(got["base_period"]).dt.strftime("%Y-%m"))
    assert got[["period", "credit_code", "output_ytd", "factor", "stratum", "base_period"]].values.tolist() == [
        ["2018-02", N, 100.0, pytest.approx(2.0), "高端装备与新材料", "2018-01"],
        ["2018-03", N, 150.0, pytest.approx(3.0), "高端装备与新材料", "2018-01"],
        ["2019-01", N, 75.0, pytest.approx(1.5), "高端装备与新材料", "2018-01"],
    ]
    assert got["method"].tolist()[1:] == ["ratio to the last usable month", "own figure a year earlier × stratum growth"]
    assert set(got["imputation"]) == {"unit"} and set(got["reason"]) == {"no return"}
    # 2019-01: N's own 2018-01 figure (50) is its prior, so 75 / 50 − 1 = 50% is its stratum's growth;
    # 2018: no line has a prior (2017 not in the warehouse), so neither has N's
    assert got["prior"].tolist()[2] == 50.0 and got["prior_source"].tolist() == ["not_available"] * 2 + ["last_year_return"]


def test_the_finest_stratum_is_used_when_it_has_enough_respondents():
    got = run(scope_lines(), frame_of(MONTHS), min_respondents=2).lines
    assert got["stratum"].tolist()[:2] == ["高端装备与新材料·210211", "高端装备与新材料·210211"]
    assert got["output_ytd"].tolist()[:2] == [103.333, 155.0]  # 50 × 620/300 and 50 × 930/300, rounded to 1 元


def test_a_unit_out_of_scope_is_neither_counted_nor_imputed():
    frame = frame_of(MONTHS)
    closed = frame["period"].between(pd.Timestamp("2018-02-01"), pd.Timestamp("2018-12-01"))
    frame.loc[(frame["credit_code"] == N) & closed, "live"] = False  # closed after January 2018
    got = run(scope_lines(), frame)
    assert got.lines["period"].dt.strftime("%Y-%m").tolist() == ["2019-01"]  # live again in 2019's frame
    assert len(got.status) == 4 + 3 + 3 + 4  # live units only: 2018-01 all four, 02 and 03 three, 2019-01 four


# R1–R3 report 1–6月 (output 100·m, 200·m, 300·m); N reports January only.
SIX = {f"2018-{m:02d}": {R1: (100 * m, None), R2: (200 * m, None), R3: (300 * m, None)} | ({N: (50, None)} if m == 1 else {})
       for m in range(1, 7)}


def test_a_unit_imputed_more_than_three_months_running_is_listed():
    got = run(scope_lines(SIX), frame_of(SIX))
    running = got.status[got.status["credit_code"] == N][["period", "months_imputed_running"]]
    assert running["months_imputed_running"].tolist() == [0, 1, 2, 3, 4, 5]
    fails = got.findings[(got.findings["rule"] == "imputed_too_long") & (got.findings["outcome"] == "fail")]
    assert fails["period"].dt.strftime("%Y-%m").tolist() == ["2018-05", "2018-06"]
    assert fails["message"].tolist()[0] == "连续4个月插补（未报送）"
    # 5月: N = 50 × (500 + 1000 + 1500) / (100 + 200 + 300) = 50 × 5 = 250
    assert got.lines.loc[got.lines["period"] == pd.Timestamp("2018-05-01"), "output_ytd"].tolist() == [250.0]


def test_a_held_line_of_a_responding_unit_is_imputed_and_a_dropped_line_flagged():
    lines = scope_lines(SIX)
    second = lines[lines["credit_code"] == R1].assign(product_name="伺服电机", product_key="伺服电机", output_ytd=lambda f: f["output_ytd"] / 10)
    lines = pd.concat([lines, second], ignore_index=True)
    returned = returned_of(lines)
    # 3月: R1's 伺服电机 line is held (its return has it, not accepted); 5月: R1 leaves it out of its return
    held = (lines["credit_code"] == R1) & (lines["product_key"] == "伺服电机") & lines["period"].isin([pd.Timestamp("2018-03-01")])
    dropped = (lines["credit_code"] == R1) & (lines["product_key"] == "伺服电机") & (lines["period"] == pd.Timestamp("2018-05-01"))
    returned.loc[held.to_numpy(), "status"] = "held"
    returned = returned[~dropped.to_numpy()]
    got = run(lines[~(held | dropped)], frame_of(SIX), returned, min_respondents=2)
    line = got.lines[got.lines["imputation"] == "line"]
    # from its own 2月 (20) × the movement 2月 → 3月 of the complete returns (R1's is not: R2 + R3,
    # 1500 / 1000 = 1.5) = 30
    assert line[["credit_code", "product_key", "output_ytd", "reason"]].values.tolist() == [[R1, "伺服电机", 30.0, "line held or rejected"]]
    dropped_found = got.findings[(got.findings["rule"] == "line_dropped_from_cumulative") & (got.findings["outcome"] == "fail")]
    assert dropped_found[["credit_code", "product"]].values.tolist() == [[R1, "伺服电机"]]
    assert dropped_found["period"].dt.strftime("%Y-%m").tolist() == ["2018-05"]
    assert dropped_found["message"].tolist() == ["伺服电机：1–4月本年累计40.000千元，1–5月报表中无此行"]


def test_a_rejected_line_without_a_product_is_not_imputed_as_the_whole_unit():
    # 2019-01: N reports 工业机器人 (80, accepted) and a line with neither product code nor name (rejected).
    # That line cannot be told from N's others, so nothing is imputed for it; before, N's whole 2018-01 return
    # was imputed beside its own report (80 + 50 × 1.5 counted for one unit).
    months = MONTHS | {"2019-01": MONTHS["2019-01"] | {N: (80, 50)}}
    lines = scope_lines(months)
    returned = pd.concat([returned_of(lines), pd.DataFrame([{"period": pd.Timestamp("2019-01-01"), "credit_code": N,
                                                             "product_key": None, "status": "rejected"}])])
    got = run(lines, frame_of(months), returned)
    assert got.lines[got.lines["period"] == pd.Timestamp("2019-01-01")].empty
    status = got.status.set_index(["period", "credit_code"]).loc[(pd.Timestamp("2019-01-01"), N)]
    assert (bool(status["usable"]), bool(status["imputed"]), status["why"]) == (True, False, "reported")


# The frame step's batches of units (sei_stats.scope.BATCH_LINES): one line a batch puts N in a batch of its own
# or with one respondent, and it is still scaled by its stratum's movement over all three (the figures below).
@pytest.mark.parametrize("batch_lines", [None, 1], ids=["one batch", "batches of units"])
def test_published_totals_state_their_imputed_share_and_the_response_rate(tmp_path, monkeypatch, batch_lines):
    if batch_lines:
        monkeypatch.setattr(scope, "BATCH_LINES", batch_lines)
    city = {period: [(code, DISTRICT[code], "3491", "", "工业机器人", str(ytd), "" if prior is None else str(prior))
                     for code, (ytd, prior) in values.items()] for period, values in MONTHS.items()}
    paths = make_data_dir(tmp_path / "data", city, january_reported=True)
    (paths.raw / "roster").mkdir()
    for year in (2018, 2019):
        roster().to_csv(paths.raw / "roster" / f"{year}.csv", index=False)
    for period in MONTHS:
        land_month(paths, period)
    with duckdb.connect(str(publish(paths).path), read_only=True) as con:
        monthly = con.execute("SELECT strftime(period, '%Y-%m'), output_value * 100000, output_imputed * 100000, imputed_share, n_enterprises "
                              "FROM mart.indicators_monthly ORDER BY period").fetchall()
        quality = con.execute("SELECT strftime(period, '%Y-%m'), live_units, respondents, response_rate, imputed_enterprises "
                              "FROM mart.data_quality ORDER BY period").fetchall()
        growth = con.execute("SELECT output_growth FROM mart.indicators_monthly WHERE period = DATE '2019-01-01'").fetchone()[0]
    assert monthly[1] == ("2018-02", pytest.approx(1300), pytest.approx(100), pytest.approx(100 / 1300), 4)
    assert monthly[3] == ("2019-01", pytest.approx(975), pytest.approx(75), pytest.approx(75 / 975), 4)
    assert quality[0] == ("2018-01", 4, 4, 1.0, 0)
    assert quality[1] == ("2018-02", 4, 3, 0.75, 1)
    # N's imputed 75 enters growth with its own 2018-01 figure 50 as its prior: (900 + 75) / (600 + 50) − 1
    assert growth == pytest.approx(975 / 650 - 1)


def test_a_late_return_replaces_its_imputation_at_the_publish_that_includes_it(tmp_path):
    city = {period: [(code, DISTRICT[code], "3491", "", "工业机器人", str(ytd), "" if prior is None else str(prior))
                     for code, (ytd, prior) in values.items()] for period, values in MONTHS.items()}
    paths = make_data_dir(tmp_path / "data", city, january_reported=True)
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


def test_a_year_imputed_in_batches_of_units_gives_the_rows_of_one_batch():
    # R1 with a held line (the movement leaves its return out), N imputed by ratio: each batch of units reads the
    # sums of every unit (impute.year_sums, UnitSums.join), so N, alone in its batch, is scaled as in one go
    lines = scope_lines(SIX)
    second = lines[lines["credit_code"] == R1].assign(product_name="伺服电机", product_key="伺服电机", output_ytd=lambda f: f["output_ytd"] / 10)
    lines = pd.concat([lines, second], ignore_index=True)
    returned = returned_of(lines)
    held = ((lines["credit_code"] == R1) & (lines["product_key"] == "伺服电机") & (lines["period"] == pd.Timestamp("2018-03-01"))).to_numpy()
    returned.loc[held, "status"] = "held"
    lines, frame = lines[~held], frame_of(SIX)
    whole = impute(lines, frame, returned, 2, 3)

    batches = [[R1, R2], [R3], [N]]
    of = {name: [] for name in ("lines", "status", "findings")}
    sums = UnitSums.join([year_sums(*(f[f["credit_code"].isin(b)] for f in (lines, frame, returned)), 2018)
                          for b in batches], frame)
    for batch in batches:
        part = impute(*(f[f["credit_code"].isin(batch)] for f in (lines, frame, returned)), 2, 3, sums={2018: sums})
        for name in of:
            of[name].append(getattr(part, name))
    for name in of:
        got = pd.concat(of[name], ignore_index=True)
        want = getattr(whole, name)
        order = [c for c in ("period", "credit_code", "product_key", "product", "rule") if c in want]
        pd.testing.assert_frame_equal(got.sort_values(order).reset_index(drop=True),
                                      want.sort_values(order).reset_index(drop=True), check_dtype=False)
    # and the figures: N's 1–5月 is its 1月 50 × 5 (its district's R1 and R2: (550 + 1000) / (110 + 200)) = 250;
    # R1's held 伺服电机 line is its 2月 20 × the area's complete returns R2 + R3, 1500 / 1000, = 30
    imputed = pd.concat(of["lines"])
    assert imputed.loc[imputed["credit_code"] == N, "output_ytd"].tolist()[3] == 250.0
    assert imputed.loc[imputed["imputation"] == "line", "output_ytd"].tolist() == [30.0]

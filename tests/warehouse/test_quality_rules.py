"""Cross-period rules, holds and the reviewers' decisions, on a city computed by hand (千元).

E (robots): 2017-02 1000; 2018-01 500; 2018-02 1100 (prior 1000, as reported a year earlier);
   2018-03 1,600,000 (prior 1500) — 1000× its prior: unit error, held; 2018-04 1050 — below 2018-02's 1100: warning.
F: 2017-03 100; 2018-03 20000 with prior 150 — the prior differs from the 100 it reported (50% > 20%),
   and growth 20000/150 − 1 > 300% on ≥ 10000: two warnings.
G: 2017-03 4000; 2018-03 20000 with prior 4000 — growth 400%: a warning.
"""

import duckdb
import pytest

from sei_stats.land import land_month
from sei_stats.publish import publish

from conftest import credit_code, make_data_dir

E, F, G = (credit_code(f"91210211MA00002{i:02d}") for i in range(3))


def line(code, ytd, prior=""):
    return (code, "210211", "3491", "", "工业机器人", str(ytd), str(prior))


CITY = {
    "2017-02": [line(E, 1000)],
    "2017-03": [line(E, 1500), line(F, 100), line(G, 4000)],
    "2018-01": [line(E, 500, 400)],
    "2018-02": [line(E, 1100, 1000)],
    "2018-03": [line(E, 1600000, 1500), line(F, 20000, 150), line(G, 20000, 4000)],
    "2018-04": [line(E, 1050, 2100)],
}

REVIEWS = """credit_code,product,rule,decision,corrected_value,reviewer,note
{E},工业机器人,unit_error_suspected,correct,1600,王统计,元误填为千元 (电话核实)
{G},工业机器人,growth_outlier,accept,,李统计,新签大合同
{F},工业机器人,prior_differs_from_last_year,reject,,王统计,上年数据不符，退回重报
"""


@pytest.fixture
def city(tmp_path):
    paths = make_data_dir(tmp_path / "data", CITY, january_reported=True)
    for period in CITY:
        land_month(paths, period)
    return paths


def q(con, sql):
    return con.execute(sql).fetchall()


def test_cross_period_rules_hold_and_warn(city):
    with duckdb.connect(str(publish(city).detail), read_only=True) as con:
        flags = q(con, "SELECT strftime(period, '%Y-%m'), credit_code, rule, severity FROM fact.flags ORDER BY 1, 2, 3")
        assert flags == [
            ("2018-03", E, "unit_error_suspected", "hold"),
            ("2018-03", F, "growth_outlier", "warn"),
            ("2018-03", F, "prior_differs_from_last_year", "warn"),
            ("2018-03", G, "growth_outlier", "warn"),
            ("2018-04", E, "ytd_below_previous_month", "warn"),
        ]
        # the held line is out of the figures until decided; warnings stay in
        assert q(con, "SELECT output_value * 100000 FROM mart.indicators_monthly WHERE period = DATE '2018-03-01'") == [(pytest.approx(40000),)]
        assert q(con, "SELECT rows_accepted, rows_held, output_held * 100000, warnings_open FROM mart.data_quality "
                      "WHERE period = DATE '2018-03-01'") == [(2, 1, pytest.approx(1600000), 3)]
        assert q(con, "SELECT count(*) FROM qa.review_queue WHERE period = DATE '2018-03-01'") == [(4,)]
        # what the reviewer reads, in Chinese (growth 20000/150 − 1 = 13233.3%, 20000/4000 − 1 = 400%)
        assert q(con, "SELECT strftime(period, '%Y-%m'), credit_code, rule, message FROM qa.review_queue ORDER BY 1, 2, 3") == [
            ("2018-03", E, "unit_error_suspected", "本年累计1600000.0千元，上年同期累计1500.000千元，上月本年累计1100.000千元"),
            ("2018-03", F, "growth_outlier", "同比增长13233.3%，本年累计20000.0千元"),
            ("2018-03", F, "prior_differs_from_last_year", "上年同期累计150.0千元，但上年同期报表填报本年累计100.0千元"),
            ("2018-03", G, "growth_outlier", "同比增长400.0%，本年累计20000.0千元"),
            ("2018-04", E, "ytd_below_previous_month", "本年累计1050.0千元，低于上月本年累计1100.0千元"),
        ]
        results = {r[0]: r[1:] for r in q(con, "SELECT rule, items, passes, fails, missing FROM mart.rule_results WHERE period = DATE '2018-03-01'")}
    assert results["unit_error_suspected"] == (3, 2, 1, 0)
    assert results["growth_outlier"] == (3, 0, 2, 1)  # E's unit error is not judged for growth
    assert results["ytd_below_previous_month"] == (3, 0, 0, 3)  # nothing earlier this year for F and G; E skipped
    assert results["required"] == (3, 3, 0, 0)


def test_reviewers_decisions_apply_and_leave_an_audit_trail(city):
    (city.raw / "reviews").mkdir()
    (city.raw / "reviews" / "2018-03.csv").write_text(REVIEWS.format(E=E, F=F, G=G), encoding="utf-8")
    with duckdb.connect(str(publish(city).detail), read_only=True) as con:
        assert q(con, "SELECT credit_code, status, output_ytd, output_ytd_reported FROM fact.lines "
                      "WHERE period = DATE '2018-03-01' ORDER BY credit_code") == sorted([
            (E, "accepted", pytest.approx(1600), pytest.approx(1600000)),
            (F, "rejected", pytest.approx(20000), pytest.approx(20000)),
            (G, "accepted", pytest.approx(20000), pytest.approx(20000)),
        ])
        assert q(con, "SELECT output_value * 100000 FROM mart.indicators_monthly WHERE period = DATE '2018-03-01'") == [(pytest.approx(21600),)]
        log = q(con, "SELECT credit_code, rule, decision, original_value, corrected_value, reviewer FROM qa.review_log ORDER BY credit_code")
        assert sorted(log) == sorted([
            (E, "unit_error_suspected", "correct", 1600000, 1600, "王统计"),
            (F, "prior_differs_from_last_year", "reject", 20000, None, "王统计"),
            (G, "growth_outlier", "accept", 20000, None, "李统计"),
        ])
        rejects = q(con, "SELECT credit_code, rule, message FROM qa.rejects")
        assert rejects == [(F, "prior_differs_from_last_year", rejects[0][2])] and "rejected on review by 王统计" in rejects[0][2]
        # F's other warning went with its line; nothing of 2018-03 waits any more
        assert q(con, "SELECT count(*) FROM qa.review_queue WHERE period = DATE '2018-03-01'") == [(0,)]
        assert q(con, "SELECT rows_accepted, rows_rejected, rows_held, holds_resolved, warnings_resolved FROM mart.data_quality "
                      "WHERE period = DATE '2018-03-01'") == [(2, 1, 0, 1, 2)]


def test_a_review_file_with_a_bad_decision_names_file_line_and_rule(city):
    from sei_stats.schemas.reviews import ReviewError

    (city.raw / "reviews").mkdir()
    (city.raw / "reviews" / "2018-03.csv").write_text(
        REVIEWS.format(E=E, F=F, G=G).replace("accept,,李统计", "approve,,李统计"), encoding="utf-8")
    with pytest.raises(ReviewError, match=r"2018-03.csv: line 3: decision fails"):
        publish(city)


def test_output_is_conserved_across_buckets(city):
    with duckdb.connect(str(publish(city).detail), read_only=True) as con:
        broken = q(con, """SELECT period FROM mart.data_quality
                           WHERE rows_received <> rows_accepted + rows_rejected + rows_superseded + rows_duplicate + rows_not_a_return + rows_held
                              OR abs(output_received - (output_accepted + output_rejected + output_superseded + output_duplicate
                                                        + output_not_a_return + output_held)) > 1e-9""")
        identity = q(con, "SELECT bool_and(identity_rows_ok AND identity_output_ok) FROM mart.data_quality")
    assert broken == [] and identity == [(True,)]


def test_threshold_checks_fail_the_month_over_a_limit(city):
    import dagster as dg

    from sei_stats.pipelines import assets, checks
    from sei_stats.pipelines.resources import SeiData

    # E's held unit error is nearly all of 2018-03's output: far above max_held_output_share (5%)
    result = dg.materialize(
        [assets.reclassified_history, assets.warehouse_marts, checks.held_output_share, checks.rejected_output_share,
         checks.conservation_identity],
        resources={"sei_data": SeiData(data_dir=str(city.root))},
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
    )
    got = {e.check_name: (e.passed, e.metadata.get("months_over")) for e in result.get_asset_check_evaluations()}
    assert got["held_output_share"][0] is False
    assert list(got["held_output_share"][1].value) == ["2018-03"]
    assert got["rejected_output_share"][0] is True and got["conservation_identity"][0] is True


def test_a_decision_that_matches_no_finding_fails_the_publish_naming_file_line_and_field(city):
    from sei_stats.schemas.reviews import ReviewError

    (city.raw / "reviews").mkdir()
    # G's line names its product 工业机器人: a decision on 机器人 decides nothing, and was once ignored
    (city.raw / "reviews" / "2018-03.csv").write_text(
        REVIEWS.format(E=E, F=F, G=G).replace(f"{G},工业机器人", f"{G},机器人"), encoding="utf-8")
    with pytest.raises(ReviewError, match=rf"reviews/2018-03.csv: line 3: product '机器人': the decision \(accept on "
                                          rf"growth_outlier for {G}, product '机器人'\) matches no finding of 2018-03: "
                                          r"that credit code's findings are on product '工业机器人'"):
        publish(city)


def test_decisions_made_in_the_excel_workbook_apply_as_the_csvs_do(city):
    from openpyxl import load_workbook

    from sei_stats.review_workbook import SHEET, write_review_workbook

    with duckdb.connect(str(publish(city).detail), read_only=True) as con:
        queue = con.execute("SELECT * FROM qa.review_queue WHERE period = DATE '2018-03-01' "
                            "ORDER BY severity = 'warn', rule, credit_code").df()
    book = write_review_workbook(queue, city.raw / "reviews" / "2018-03.xlsx", period="2018-03")
    wb = load_workbook(book)
    ws = wb[SHEET]
    column = {c.value: c.column for c in ws[1]}
    for row in range(2, ws.max_row + 1):  # as REVIEWS decides, by credit code and rule
        code, rule = ws.cell(row, column["credit_code"]).value, ws.cell(row, column["rule"]).value
        filled = {(E, "unit_error_suspected"): ("correct", 1600, "王统计"), (G, "growth_outlier"): ("accept", None, "李统计"),
                  (F, "prior_differs_from_last_year"): ("reject", None, "王统计")}.get((code, rule))
        if filled:
            for name, value in zip(("decision", "corrected_value", "reviewer"), filled):
                ws.cell(row, column[name], value)
    wb.save(book)
    with duckdb.connect(str(publish(city).detail), read_only=True) as con:
        log = q(con, "SELECT credit_code, rule, decision, original_value, corrected_value, review_file FROM qa.review_log "
                     "ORDER BY credit_code")
        assert log == sorted([(E, "unit_error_suspected", "correct", 1600000, 1600, "reviews/2018-03.xlsx"),
                              (F, "prior_differs_from_last_year", "reject", 150, None, "reviews/2018-03.xlsx"),
                              (G, "growth_outlier", "accept", 20000, None, "reviews/2018-03.xlsx")])
        # F's growth_outlier, left undecided, leaves the queue with F's rejected line
        assert q(con, "SELECT count(*) FROM qa.review_queue WHERE period = DATE '2018-03-01'") == [(0,)]
        assert q(con, "SELECT review_file, line_number FROM ref.reviews ORDER BY line_number") == [
            ("reviews/2018-03.xlsx", n) for n in sorted(
                r for r in range(2, ws.max_row + 1) if ws.cell(r, column["decision"]).value)]

"""Every value in range or refused, end to end, on the small city of conftest.py computed by hand (千元).

2018-12 as in test_indicators.py — A 36,000,000 (prior 30,000,000, rate 0.25), B 12,000,000 (10,000,000,
rate 0.30), D 2,000,000 (a new unit: prior 0, 0.30), C not SEI: output 500亿元, growth 50/40 − 1 = 0.25, value added
360×0.25 + 140×0.30 = 132亿元 — and besides:
  N   a new robot maker, 4,000,000,000 (prior 3,500,000,000): 元 typed as 千元, 40,000亿元 on one line —
      held (output_ytd_implausible) until a reviewer decides; accepted, it adds 40,000亿元 of output,
      35,000亿元 of prior and 4e9 × 0.30 = 1.2e9 千元 = 12,000亿元 of value added (DECIMAL(18,9) overflows);
  M   1,000,000,000,000 (prior the same): the largest value stored, held too; accepted, it adds
      10,000,000亿元 and 1e12 × 0.25 = 2,500,000亿元 of value added;
  X   99999999999999999999 (20 digits, prior 1000): beyond the range stored, rejected;
  Y   ٣٤٥ (Arabic-Indic digits, prior 1000): no number, rejected.
Neither X's nor Y's prior enters the growth base: 2018-12 stays at 500亿元, 0.25 and 132亿元.
"""

from pathlib import Path

import duckdb
import pytest

from sei_stats.land import land_month

from conftest import CITY, credit_code, make_data_dir

approx = pytest.approx
N, M, X, Y = (credit_code(f"91210211MA00003{i:02d}") for i in range(4))

EXTRA = [
    (N, "210211", "3491", "", "工业机器人", "4000000000", "3500000000"),
    (M, "210213", "3973", "397301", "芯片", "1000000000000", "1000000000000"),
    (X, "210211", "3491", "", "工业机器人", "99999999999999999999", "1000"),
    (Y, "210211", "3491", "", "工业机器人", "٣٤٥", "1000"),
]

ACCEPT = """credit_code,product,rule,decision,corrected_value,reviewer,note
{N},工业机器人,output_ytd_implausible,accept,,王统计,电话核实:新投产项目
{M},397301,output_ytd_implausible,accept,,王统计,电话核实
"""


def published_file(paths) -> Path:
    """Publish, and the published DuckDB file that holds fact.*, qa.* and mart.*."""
    try:
        from sei_stats.publish import publish  # two files: the internal detail file holds the facts
    except ImportError:
        from sei_stats.warehouse import publish
    result = publish(paths)
    return getattr(result, "detail", result.path)


@pytest.fixture
def city(tmp_path):
    paths = make_data_dir(tmp_path / "data", CITY | {"2018-12": CITY["2018-12"] + EXTRA})
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(paths, period)
    return paths


def q(con, sql):
    return con.execute(sql).fetchall()


def december(con, relation="mart.indicators_monthly"):
    return q(con, f"SELECT output_value, output_ytd_prior, output_growth, value_added, n_enterprises FROM {relation} "
                  "WHERE period = DATE '2018-12-01'")


def test_implausible_lines_are_held_and_values_out_of_range_refused_the_figures_publish(city):
    with duckdb.connect(str(published_file(city)), read_only=True) as con:
        status = dict(q(con, "SELECT credit_code, status FROM fact.lines WHERE period = DATE '2018-12-01'"))
        assert {c: status[c] for c in (N, M, X, Y)} == {N: "held", M: "held", X: "rejected", Y: "rejected"}
        # landing held it: its finding, severity hold, is on the landed line and reaches the review queue
        assert q(con, f"SELECT status_landed, len(failures), failures[1].rule, failures[1].severity FROM fact.lines "
                      f"WHERE credit_code = '{N}'") == [("held", 1, "output_ytd_implausible", "hold")]
        # the held and refused lines are out of the figures; value added is computed for the others
        assert december(con) == [(approx(500), approx(400), approx(0.25), approx(132), 3)]
        assert q(con, "SELECT output_value, value_added FROM mart.indicators_annual WHERE year = 2018") == [(approx(500), approx(132))]
        queue = q(con, "SELECT credit_code, rule, severity, output_ytd FROM qa.review_queue "
                       "WHERE period = DATE '2018-12-01' ORDER BY credit_code")
        assert queue == sorted([(N, "output_ytd_implausible", "hold", approx(4e9)),
                                (M, "output_ytd_implausible", "hold", approx(1e12))])
        message = q(con, f"SELECT message FROM qa.review_queue WHERE credit_code = '{N}'")[0][0]
        assert message == "output_ytd （本年累计）超过单行合理上限1000000000千元，疑似将元误填为千元，暂缓待审: '4000000000'"
        rejects = q(con, "SELECT credit_code, rule, message FROM qa.rejects WHERE period = DATE '2018-12-01' ORDER BY credit_code")
        assert [r[:2] for r in rejects] == sorted([(X, "output_ytd_in_range"), (Y, "output_ytd_numeric")])
        assert {r[0]: r[2] for r in rejects}[X].endswith(": '99999999999999999999'")
        assert {r[0]: r[2] for r in rejects}[Y].endswith(": '٣٤٥'")
        assert q(con, "SELECT rows_accepted, rows_rejected, rows_held, output_held FROM mart.data_quality "
                      "WHERE period = DATE '2018-12-01'") == [(4, 2, 2, approx(40000 + 10_000_000))]
        assert q(con, "SELECT bool_and(identity_rows_ok AND identity_output_ok) FROM mart.data_quality") == [(True,)]
        results = {r[0]: r[1:] for r in q(con, "SELECT rule, severity, items, passes, fails FROM mart.rule_results "
                                              "WHERE period = DATE '2018-12-01'")}
        assert results["output_ytd_implausible"] == ("hold", 8, 6, 2)
        assert results["output_ytd_in_range"] == ("reject", 8, 7, 1)
        assert results["output_ytd_prior_in_range"] == ("reject", 8, 7, 0)  # D has no prior: missing
        assert results["field_too_long"] == ("reject", 8, 8, 0)
        # no accepted line without its output, in any month
        assert q(con, "SELECT count(*) FROM fact.lines WHERE status = 'accepted' AND output_ytd IS NULL") == [(0,)]


def test_a_reviewer_accepting_a_held_line_puts_it_in_the_figures_without_overflow(city):
    (city.raw / "reviews").mkdir()
    (city.raw / "reviews" / "2018-12.csv").write_text(ACCEPT.format(N=N, M=M), encoding="utf-8")
    with duckdb.connect(str(published_file(city)), read_only=True) as con:
        status = dict(q(con, "SELECT credit_code, status FROM fact.lines WHERE period = DATE '2018-12-01'"))
        assert (status[N], status[M]) == ("accepted", "accepted")
        output = 500 + 40_000 + 10_000_000
        prior = 400 + 35_000 + 10_000_000
        growth = (50e6 + 4e9 + 1e12) / (40e6 + 3.5e9 + 1e12) - 1
        value_added = 132 + 12_000 + 2_500_000
        assert december(con) == [(approx(output), approx(prior), approx(growth), approx(value_added), 5)]
        assert q(con, "SELECT output_value, value_added, gdp_share FROM mart.indicators_annual WHERE year = 2018") == [
            (approx(output), approx(value_added), approx(value_added / 4400))]
        by_area = dict(q(con, "SELECT area, output_ytd FROM mart.output_by_area WHERE period = DATE '2018-12-01'"))
        assert by_area == {"新一代信息技术": approx(360 + 10_000_000), "高端装备与新材料": approx(140 + 40_000)}
        assert q(con, "SELECT count(*) FROM qa.review_queue WHERE period = DATE '2018-12-01'") == [(0,)]
        assert q(con, "SELECT rows_accepted, rows_held, holds_resolved FROM mart.data_quality "
                      "WHERE period = DATE '2018-12-01'") == [(6, 0, 2)]
        log = q(con, "SELECT credit_code, rule, decision FROM qa.review_log ORDER BY credit_code")
        assert log == sorted([(N, "output_ytd_implausible", "accept"), (M, "output_ytd_implausible", "accept")])


def test_a_reviewer_correcting_a_held_line_puts_the_corrected_value_in_the_figures(city):
    (city.raw / "reviews").mkdir()
    (city.raw / "reviews" / "2018-12.csv").write_text(
        "credit_code,product,rule,decision,corrected_value,reviewer,note\n"
        f"{N},工业机器人,output_ytd_implausible,correct,4000000,王统计,元误填为千元\n", encoding="utf-8")
    with duckdb.connect(str(published_file(city)), read_only=True) as con:
        assert q(con, f"SELECT status, output_ytd, output_ytd_reported FROM fact.lines WHERE credit_code = '{N}'") == [
            ("accepted", approx(4_000_000), approx(4e9))]
        # 4,000,000 千元 = 40亿元 more output, 4e6 × 0.30 = 12亿元 more value added; M still held
        got = december(con)[0]
        assert (got[0], got[3], got[4]) == (approx(540), approx(144), 4)

"""The annual report (年报) as the figure of record, computed by hand (千元; 1亿元 = 100,000 千元).

  unit  industry     2017-12 quick (prior)      2017 annual report (prior)             2018-12 (prior)
  A     3973 IC      30,000,000 (25,000,000)    31,000,000 (25,000,000)                36,000,000 (blank)
  B     3491 robots  10,000,000 (8,000,000)     10,200,000,000 (元 typed): held, a      12,000,000 (10,000,000)
                                                reviewer corrects it to 10,200,000
  C     3491 robots   2,000,000 (1,500,000)     — (no annual report: its December stands)  —
  S     6513 software 5,000,000 (4,000,000)     5,200,000 (4,000,000), services form   5,500,000 (5,000,000)

2017 by the annual report: industrial 310 + 102 + 20 = 432亿元 on a prior of 250 + 80 + 15 = 345 (growth 432/345 − 1)
against December's 420: revised by +12 (新一代信息技术 +10, 高端装备与新材料 +2); services 52 against 50 (+2).
Value added 310×0.25 + 122×0.30 + 52×0.5 = 140.1亿元 (December: 136), GDP 4000.
2018-12: A's blank prior is its 2017 annual report value, 31,000,000 (last_year_annual), not its December 30,000,000:
industrial 480 on 310 + 100 = 410 (growth 480/410 − 1); services 55 on 50. 2018 has no annual report: december_quick.
"""

import duckdb
import pytest

from sei_stats.config import data_paths
from sei_stats.land import land_annual, land_month
from sei_stats.publish import publish

from conftest import PRODUCTS_CSV, credit_code, make_data_dir, return_rows, write_csv

approx = pytest.approx
A, B = credit_code("91210213MA0000001"), credit_code("91210211MA0000002")
C, S = credit_code("91210211MA0000007"), credit_code("91210212MA0000005")
SOFTWARE = "6513,industry,应用软件开发,新一代信息技术,新兴软件,true,1.3,2017-01,,test,false\n"
VA_CSV = ("year,industry_division,va_rate\n"
          + "".join(f"{y},{d},{r}\n" for y in (2017, 2018) for d, r in (("39", 0.25), ("34", 0.30), ("65", 0.5))))
HEADER = ["报告期", "统一社会信用代码", "单位详细名称", "行政区划代码", "行业代码", "产品代码", "产品名称",
          "本年累计产值(千元)", "上年同期累计产值(千元)"]
SERVICES_HEADER = HEADER[:7] + ["本年累计营业收入(千元)", "上年同期营业收入(千元)"]
MONTHS = {
    "2017-12": [(A, "210213", "3973", "397301", "芯片", "30000000", "25000000"),
                (B, "210211", "3491", "", "工业机器人", "10000000", "8000000"),
                (C, "210211", "3491", "", "焊接机器人", "2000000", "1500000"),
                (S, "210212", "6513", "", "应用软件开发", "5000000", "4000000")],
    "2018-12": [(A, "210213", "3973", "397301", "芯片", "36000000", ""),
                (B, "210211", "3491", "", "工业机器人", "12000000", "10000000"),
                (S, "210212", "6513", "", "应用软件开发", "5500000", "5000000")],
}
ANNUAL_2017 = [(A, "210213", "3973", "397301", "芯片", "31000000", "25000000"),
               (B, "210211", "3491", "", "工业机器人", "10200000000", "8000000")]
ANNUAL_2017_SERVICES = [(S, "210212", "6513", "", "应用软件开发", "5200000", "4000000")]
REVIEW = ("credit_code,product,rule,decision,field,corrected_value,reviewer,note\n"
          f"{B},工业机器人,output_ytd_implausible,correct,output_ytd,10200000,王审核,元误填为千元\n")
TARGET_2017 = """plans:
  - plan_id: p2017
    title: 一年规划
    document: 测试
    baseline_year: 2016
    target_year: 2017
    targets:
      - {indicator: output_value, label: 产值, value: 430, unit: 亿元, comparison: at_least}
"""


def city(root, *, annual: bool = True, review: bool = True, targets: str | None = None):
    paths = make_data_dir(root, MONTHS)
    (paths.catalog / "products.csv").write_text(PRODUCTS_CSV + SOFTWARE, encoding="utf-8")
    paths.va_rates_csv.write_text(VA_CSV, encoding="utf-8")
    if targets:
        (paths.catalog / "targets.yaml").write_text(targets, encoding="utf-8")
    for period in MONTHS:
        land_month(paths, period)
    if annual:
        folder = paths.annual_folder(2017)
        write_csv(folder / "01_年报.csv", return_rows("2017年", ANNUAL_2017), header=HEADER)
        write_csv(folder / "02_年报_服务业.csv", return_rows("2017年", ANNUAL_2017_SERVICES), header=SERVICES_HEADER)
        if review:
            paths.annual_review_file(2017).parent.mkdir(parents=True, exist_ok=True)
            paths.annual_review_file(2017).write_text(REVIEW, encoding="utf-8")
        land_annual(paths, 2017)
    return duckdb.connect(str(publish(paths).detail), read_only=True)


def test_the_annual_report_is_the_figure_of_record(tmp_path):
    con = city(tmp_path / "data")
    annual = con.execute(
        "SELECT year, basis, output_value, output_ytd_prior, output_growth, services_revenue, services_revenue_growth, "
        "value_added, gdp_share, n_enterprises FROM mart.indicators_annual ORDER BY year").fetchall()
    assert annual == [
        (2017, "annual_report", approx(432), approx(345), approx(432 / 345 - 1), approx(52), approx(0.3),
         approx(140.1), approx(140.1 / 4000), 3),
        (2018, "december_quick", approx(480), approx(410), approx(480 / 410 - 1), approx(55), approx(0.1),
         approx(360 * 0.25 + 120 * 0.30 + 55 * 0.5), approx((90 + 36 + 27.5) / 4400), 2),
    ]
    # the December quick figures stay in the monthly marts
    assert con.execute("SELECT output_value, services_revenue, value_added FROM mart.indicators_monthly "
                       "WHERE period = DATE '2017-12-01'").fetchall() == [(approx(420), approx(50), approx(136))]
    # 2018-12: A's blank prior comes from its 2017 annual report, the figure of record
    assert con.execute("SELECT credit_code, output_ytd_prior, prior_source FROM fact.sei_lines "
                       "WHERE period = DATE '2018-12-01' AND credit_code = ?", [A]).fetchall() == [
        (A, 31000000, "last_year_annual")]
    assert con.execute("SELECT rows_prior_last_year_annual FROM mart.data_quality WHERE period = DATE '2018-12-01'"
                       ).fetchall() == [(1,)]


def test_annual_vs_december_shows_the_revision(tmp_path):
    con = city(tmp_path / "data")
    got = con.execute(
        "SELECT year, area, output_annual, output_december, output_revision, output_revision_share, "
        "services_revenue_annual, services_revenue_december, services_revenue_revision, units_annual_report, "
        "units_december_kept FROM mart.annual_vs_december").fetchall()
    assert got == [
        (2017, "新一代信息技术", approx(310), approx(300), approx(10), approx(10 / 300), approx(52), approx(50), approx(2), 2, 0),
        (2017, "高端装备与新材料", approx(122), approx(120), approx(2), approx(2 / 120), 0, 0, 0, 1, 1),
        (2017, "合计", approx(432), approx(420), approx(12), approx(12 / 420), approx(52), approx(50), approx(2), 3, 1),
    ]
    # every annual line in one bucket: B's held line entered on the reviewer's correction
    assert con.execute("SELECT credit_code, status, output_ytd, output_ytd_reported FROM fact.annual_lines "
                       "WHERE credit_code = ?", [B]).fetchall() == [(B, "accepted", 10200000, 10200000000)]


def test_a_held_annual_line_stays_out_until_reviewed(tmp_path):
    con = city(tmp_path / "data", review=False)
    assert con.execute("SELECT status FROM fact.annual_lines WHERE credit_code = ?", [B]).fetchall() == [("held",)]
    # B has no accepted annual line: its December figure stands (kept), like C's
    assert con.execute("SELECT output_value, basis FROM mart.indicators_annual WHERE year = 2017").fetchall() == [
        (approx(310 + 100 + 20), "annual_report")]


def test_the_judgement_uses_the_annual_report_and_says_so(tmp_path):
    # December's 420亿元 would miss a 430亿元 target; the annual report's 432 meets it
    con = city(tmp_path / "annual", targets=TARGET_2017)
    assert con.execute("SELECT status, actual_value, basis, final FROM mart.target_progress").fetchall() == [
        ("met", approx(432), "annual_report", True)]
    con = city(tmp_path / "quick", annual=False, targets=TARGET_2017)
    assert con.execute("SELECT status, actual_value, basis FROM mart.target_progress").fetchall() == [
        ("missed", approx(420), "december_quick")]
    assert con.execute("SELECT count(*) FROM mart.annual_vs_december").fetchall() == [(0,)]


def test_a_units_kept_december_figure_is_its_final_value_for_next_years_prior(tmp_path):
    """C sent no 2017 annual report (its December 2,000,000 stands) and no 2018 return, then a 2018 annual report
    of 2,500,000 with a blank prior: the prior is its 2017 figure of record, 2,000,000, not 0 as a new unit.
    2018 by the annual report: A 360, B 120 (kept from December), C 25 on priors 310 (A's 2017 annual report),
    100 and 20: industrial 505 on 430."""
    city(tmp_path / "data").close()  # DuckDB reuses an open file's instance: close it before the next publish
    paths = data_paths(tmp_path / "data")
    write_csv(paths.annual_folder(2018) / "01_年报.csv",
              return_rows("2018年", [(C, "210211", "3491", "", "焊接机器人", "2500000", "")]), header=HEADER)
    land_annual(paths, 2018)
    con = duckdb.connect(str(publish(paths).detail), read_only=True)
    assert con.execute("SELECT output_ytd, prior, prior_source, basis FROM fact.annual_figure_lines "
                       "WHERE credit_code = ? AND year(period) = 2018", [C]).fetchall() == [
        (2500000, 2000000, "last_year_annual", "annual_report")]
    assert con.execute("SELECT basis, output_value, output_ytd_prior FROM mart.indicators_annual WHERE year = 2018"
                       ).fetchall() == [("annual_report", approx(505), approx(430))]


def test_an_annual_report_of_a_year_without_its_months_is_published_and_gives_its_priors(tmp_path):
    """2017's annual report landed, 2017's months not: the year has no stored facts of its own (sei_stats.year_step
    computes the years with a month landed), yet its annual lines are published and give 2018-12 its blank prior."""
    paths = make_data_dir(tmp_path / "data", MONTHS)
    (paths.catalog / "products.csv").write_text(PRODUCTS_CSV + SOFTWARE, encoding="utf-8")
    land_month(paths, "2018-12")
    write_csv(paths.annual_folder(2017) / "01_年报.csv", return_rows("2017年", ANNUAL_2017), header=HEADER)
    land_annual(paths, 2017)
    with duckdb.connect(str(publish(paths).detail), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM fact.annual_lines").fetchall() == [(2,)]
        assert con.execute("SELECT credit_code, output_ytd_prior, prior_source FROM fact.sei_lines "
                           "WHERE period = DATE '2018-12-01' AND credit_code = ?", [A]).fetchall() == [
            (A, 31000000, "last_year_annual")]
        assert con.execute("SELECT year FROM mart.indicators_annual ORDER BY year").fetchall() == [(2018,)]


def test_with_an_annual_report_landed_the_current_catalog_figures_are_computed_apart(tmp_path):
    """Today's catalog classifies every line as landed, but the current-catalog set has no annual reports: its
    2018-12 prior of A is A's 2017 December, 30,000,000 (not the annual report's 31,000,000), and it has no annual
    revisions. So its relations are computed, not views over the published ones."""
    from sei_stats.reclassify import reclassify_history

    city(tmp_path / "data").close()
    paths = data_paths(tmp_path / "data")
    assert reclassify_history(paths).changed_lines == 0
    with duckdb.connect(str(publish(paths).detail), read_only=True) as con:
        def prior_of_a(schema):
            return con.execute(f"SELECT output_ytd_prior, prior_source FROM {schema}.sei_lines "
                               "WHERE period = DATE '2018-12-01' AND credit_code = ?", [A]).fetchone()
        assert prior_of_a("fact") == (31000000, "last_year_annual")
        assert prior_of_a("fact_current_catalog")[0] == 30000000
        revisions = "SELECT count(*) FROM {}.annual_vs_december WHERE year = 2017"
        assert con.execute(revisions.format("mart")).fetchone()[0] > 0
        assert con.execute(revisions.format("mart_current_catalog")).fetchone()[0] == 0

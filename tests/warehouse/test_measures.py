"""Industrial output and services revenue kept apart, computed by hand (千元; 1亿元 = 100,000 千元).

The frame industry's division sets what a line's output_ytd measures: 06–46 工业总产值, 51–97 营业收入;
01–05 and 47–50 are neither and count as unclassified.

  unit  industry              2017-12 (prior)            2018-12 (prior)
  A     3973 IC, product      30,000,000 (25,000,000)    36,000,000 (30,000,000)   industry, 新一代信息技术
  B     3491 robots           10,000,000 (8,000,000)     12,000,000 (10,000,000)   industry, 高端装备与新材料
  S     6513 software         5,000,000 (4,000,000)      5,500,000 (5,000,000)     services, 新一代信息技术 (营业收入 form)
  K     4811 construction     1,000,000 (900,000)        2,000,000 (1,000,000)     neither: its IC product is unclassified

2018: industrial output 360 + 120 = 480亿元 on a prior of 400: growth 20%; services revenue 55亿元 on 50: 10%.
Value added covers both, each by its own rate: 360×0.25 + 120×0.30 + 55×0.5 = 153.5亿元; share 153.5 / 4400.
Never 535亿元: the two measures are not added.
"""

import duckdb
import pytest

from sei_stats.catalog import CatalogError, read_targets
from sei_stats.land import land_month
from sei_stats.publish import publish
from sei_stats.vocabulary import measure_of

from conftest import PRODUCTS_CSV, TARGETS_YAML, credit_code, make_data_dir, return_rows, write_csv

approx = pytest.approx
A, B = credit_code("91210213MA0000001"), credit_code("91210211MA0000002")
S, K = credit_code("91210212MA0000005"), credit_code("91210204MA0000006")

SERVICES_HEADER = ["报告期", "统一社会信用代码", "单位详细名称", "行政区划代码", "行业代码", "产品代码", "产品名称",
                   "本年累计营业收入(千元)", "上年同期营业收入(千元)"]
INDUSTRY = {
    "2017-12": [(A, "210213", "3973", "397301", "芯片", "30000000", "25000000"),
                (B, "210211", "3491", "", "工业机器人", "10000000", "8000000"),
                (K, "210204", "4811", "397301", "芯片", "1000000", "900000")],
    "2018-12": [(A, "210213", "3973", "397301", "芯片", "36000000", "30000000"),
                (B, "210211", "3491", "", "工业机器人", "12000000", "10000000"),
                (K, "210204", "4811", "397301", "芯片", "2000000", "1000000")],
}
SERVICES = {
    "2017-12": [(S, "210212", "6513", "", "应用软件开发", "5000000", "4000000")],
    "2018-12": [(S, "210212", "6513", "", "应用软件开发", "5500000", "5000000")],
}
SOFTWARE = "6513,industry,应用软件开发,新一代信息技术,新兴软件,true,1.3,2017-01,,test,false\n"
VA_CSV = ("year,industry_division,va_rate\n"
          + "".join(f"{y},{d},{r}\n" for y in (2017, 2018) for d, r in (("39", 0.25), ("34", 0.30), ("65", 0.5))))


def measured_city(root, targets: str = TARGETS_YAML):
    paths = make_data_dir(root, INDUSTRY)
    (paths.catalog / "products.csv").write_text(PRODUCTS_CSV + SOFTWARE, encoding="utf-8")
    (paths.catalog / "targets.yaml").write_text(targets, encoding="utf-8")
    paths.va_rates_csv.write_text(VA_CSV, encoding="utf-8")
    for period, lines in SERVICES.items():  # the services form: 营业收入 headers in Chinese
        write_csv(paths.returns / period / "services.csv", return_rows(period, lines), header=SERVICES_HEADER)
    for period in ("2017-12", "2018-12"):
        land_month(paths, period)
    return duckdb.connect(str(publish(paths).detail), read_only=True)


def test_measure_of_divisions():
    assert [measure_of(c) for c in ("0610", "3973", "4690", "5110", "6513", "9700")] == ["industry"] * 3 + ["services"] * 3
    assert [measure_of(c) for c in ("0111", "0540", "4811", "5090", "", None)] == [None] * 6


def test_industry_and_services_apart_in_every_mart(tmp_path):
    con = measured_city(tmp_path / "data")
    assert con.execute(
        "SELECT output_value, output_ytd_prior, output_growth, services_revenue, services_revenue_prior, services_revenue_growth, "
        "value_added, gdp_share, n_enterprises, n_services_enterprises FROM mart.indicators_monthly WHERE period = DATE '2018-12-01'"
    ).fetchall() == [(approx(480), approx(400), approx(0.2), approx(55), approx(50), approx(0.1), approx(153.5),
                      approx(153.5 / 4400), 2, 1)]
    assert con.execute("SELECT output_value, output_growth, services_revenue, services_revenue_growth, value_added "
                       "FROM mart.indicators_annual WHERE year = 2018").fetchall() == [
        (approx(480), approx(0.2), approx(55), approx(0.1), approx(153.5))]
    assert con.execute("SELECT area, output_ytd, growth, services_revenue, services_revenue_growth, n_enterprises, n_services_enterprises "
                       "FROM mart.output_by_area WHERE period = DATE '2018-12-01' ORDER BY area").fetchall() == [
        ("新一代信息技术", approx(360), approx(0.2), approx(55), approx(0.1), 1, 1),
        ("高端装备与新材料", approx(120), approx(0.2), 0, None, 1, 0)]
    assert con.execute("SELECT nbs_code, output_ytd, services_revenue FROM mart.output_by_nbs_category "
                       "WHERE period = DATE '2018-12-01' ORDER BY nbs_code").fetchall() == [
        ("1.2", approx(360), 0), ("1.3", 0, approx(55)), ("2.1", approx(120), 0)]
    # construction (division 48) is neither measure: its IC line is unclassified, in no figure
    assert con.execute("SELECT rows_unclassified, output_unclassified FROM mart.data_quality "
                       "WHERE period = DATE '2018-12-01'").fetchall() == [(1, approx(20))]
    assert con.execute("SELECT credit_code, measure, is_sei FROM fact.figure_lines WHERE period = DATE '2018-12-01' "
                       "ORDER BY credit_code").fetchall() == sorted([(A, "industry", True), (B, "industry", True),
                                                                      (S, "services", True), (K, None, False)])


def test_output_target_judged_on_industry_unless_it_says_services(tmp_path):
    con = measured_city(tmp_path / "industry")
    assert con.execute("SELECT indicator, measure, actual_value FROM mart.target_progress "
                       "WHERE indicator IN ('output_value', 'avg_growth_since_baseline') ORDER BY indicator").fetchall() == [
        ("avg_growth_since_baseline", "industry", approx(0.2)), ("output_value", "industry", approx(480))]
    note = con.execute("SELECT note FROM mart.target_progress WHERE indicator = 'output_value'").fetchone()[0]
    assert "工业总产值" in note and "services revenue is not added" in note
    assert con.execute("SELECT measure, output_value FROM mart.target_path WHERE period = DATE '2018-12-01'").fetchall() == [
        ("industry", approx(480))]

    services = TARGETS_YAML.replace("unit: 亿元, comparison: at_least}", "unit: 亿元, comparison: at_least, measure: services}")
    con = measured_city(tmp_path / "services", services)
    assert con.execute("SELECT measure, actual_value FROM mart.target_progress WHERE indicator = 'output_value'").fetchall() == [
        ("services", approx(55))]
    assert con.execute("SELECT measure, output_value, output_growth FROM mart.target_path WHERE period = DATE '2018-12-01'").fetchall() == [
        ("services", approx(55), approx(0.1))]


@pytest.mark.parametrize("change, message", [
    ("measure: both}", r"targets\[0\] \(output_value\): measure 'both' is not one of \['industry', 'services'\]"),
    ("measure: services, tolerance: 0}", None),
])
def test_target_measure_is_checked(tmp_path, change, message):
    text = TARGETS_YAML.replace("unit: 亿元, comparison: at_least}", f"unit: 亿元, comparison: at_least, {change}")
    (tmp_path / "targets.yaml").write_text(text, encoding="utf-8")
    if message is None:
        assert read_targets(tmp_path)[0].targets[0].measure == "services"
        return
    with pytest.raises(CatalogError, match=message):
        read_targets(tmp_path)


def test_measure_only_on_output_targets(tmp_path):
    text = TARGETS_YAML.replace("unit: fraction, comparison: at_least}", "unit: fraction, comparison: at_least, measure: services}")
    (tmp_path / "targets.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(CatalogError, match=r"gdp_share\): measure applies to output_value and avg_growth_since_baseline only"):
        read_targets(tmp_path)

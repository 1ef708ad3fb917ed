"""Every target of every plan judged on its own target year, with its tolerance, computed by hand.

The city of this file reports in December only, 2017–2021 (千元; A's division 39 has va rate 0.25, B's
division 34 has 0.30):

  year  A (prior)                B (prior)               output  growth  value added                 GDP      share
  2017  30,000,000 (25,000,000)  10,000,000 (8,000,000)  400     0.2121  300×0.25 + 100×0.30 = 105   1050     0.1
  2018  36,000,000 (30,000,000)  12,000,000 (10,000,000) 480     0.20    360×0.25 + 120×0.30 = 126   1260     0.1
  2019  43,200,000 (36,000,000)  14,400,000 (12,000,000) 576     0.20    432×0.25 + 144×0.30 = 151.2 1512     0.1
  2020  46,656,000 (43,200,000)  15,552,000 (14,400,000) 622.08  0.08    466.56×0.25 + 155.52×0.30
                                                                                = 163.296                  1632.96  0.1
  2021  93,312,000 (46,656,000)  31,104,000 (15,552,000) 1244.16 1.00    326.592                     1632.96  0.2

Plan 2018–2020 (baseline 2017): output ≥ 1000亿元, average growth 18%左右 (≥ 17.5%), share ≥ 15%.
Plan 2020–2021 (baseline 2019): output ≥ 1200亿元, average growth 45%左右 (≥ 44.5%), share ≥ 20%.
"""

from __future__ import annotations

import duckdb
import pytest

from sei_stats.catalog import CatalogError, read_targets
from sei_stats.land import land_month
from sei_stats.publish import publish

from conftest import A, B, TARGETS_YAML, make_data_dir

approx = pytest.approx

# year -> (A output, A prior, B output, B prior), 千元
DECEMBERS = {
    2017: ("30000000", "25000000", "10000000", "8000000"),
    2018: ("36000000", "30000000", "12000000", "10000000"),
    2019: ("43200000", "36000000", "14400000", "12000000"),
    2020: ("46656000", "43200000", "15552000", "14400000"),
    2021: ("93312000", "46656000", "31104000", "15552000"),
}
GDP = {2017: 1050, 2018: 1260, 2019: 1512, 2020: 1632.96, 2021: 1632.96}

PLAN_2018_2020 = """  - plan_id: p2020
    title: 2018-2020年方案
    document: 文件一
    baseline_year: 2017
    target_year: 2020
    targets:
      - {indicator: output_value, label: 产值, value: 1000, unit: 亿元, comparison: at_least}
      - {indicator: avg_growth_since_baseline, label: 年均增长, value: 0.18, unit: fraction, comparison: about, tolerance: 0.005}
      - {indicator: gdp_share, label: 占GDP比重, value: 0.15, unit: fraction, comparison: at_least}
"""
PLAN_2020_2021 = """  - plan_id: p2021
    title: 2020-2021年方案
    document: 文件二
    baseline_year: 2019
    target_year: 2021
    targets:
      - {indicator: output_value, label: 产值, value: 1200, unit: 亿元, comparison: at_least}
      - {indicator: avg_growth_since_baseline, label: 年均增长, value: 0.45, unit: fraction, comparison: about}
      - {indicator: gdp_share, label: 占GDP比重, value: 0.20, unit: fraction, comparison: at_least}
"""
TWO_PLANS = "plans:\n" + PLAN_2018_2020 + PLAN_2020_2021

COLUMNS = "plan_id, indicator, actual_value, projected_value, strftime(as_of, '%Y-%m'), status, final, reason, judged_value"


def december_city(years, decembers=DECEMBERS):
    """December returns of A and B for ``years``."""
    return {f"{y}-12": [(A, "210213", "3973", "397301", "芯片", decembers[y][0], decembers[y][1]),
                        (B, "210211", "3491", "", "工业机器人", decembers[y][2], decembers[y][3])] for y in years}


def make_city(root, years, targets_yaml, decembers=DECEMBERS):
    paths = make_data_dir(root, december_city(years, decembers))
    paths.gdp_csv.write_text("year,quarter,gdp_ytd\n" + "".join(f"{y},4,{g}\n" for y, g in GDP.items()), encoding="utf-8")
    paths.va_rates_csv.write_text("year,industry_division,va_rate\n" + "".join(
        f"{y},39,0.25\n{y},34,0.30\n" for y in GDP), encoding="utf-8")
    (paths.catalog / "targets.yaml").write_text(targets_yaml, encoding="utf-8")
    return paths


def publish_years(paths, years):
    for year in years:
        land_month(paths, f"{year}-12")
    return duckdb.connect(str(publish(paths).detail), read_only=True)


def progress(con) -> dict:
    return {(r[0], r[1]): r[2:] for r in con.execute(f"SELECT {COLUMNS} FROM mart.target_progress").fetchall()}


def test_a_plan_is_judged_on_its_target_year_whatever_later_years_bring(tmp_path):
    paths = make_city(tmp_path / "data", range(2017, 2022), TWO_PLANS)
    con = publish_years(paths, range(2017, 2021))
    before = progress(con)
    con.close()
    # 2018–2020, final on 2020: output 622.08 → 622.1 < 1000; growth (1.2 × 1.2 × 1.08)^(1/3) − 1 =
    # 1.5552^(1/3) − 1 = 0.158736 → 15.9% < 17.5%; share 163.296 / 1632.96 = 0.1 → 10.0% < 15%.
    avg_2020 = 1.5552 ** (1 / 3) - 1
    assert before[("p2020", "output_value")] == (approx(622.08), approx(622.08), "2020-12", "missed", True, None, 622.1)
    assert before[("p2020", "avg_growth_since_baseline")] == (approx(avg_2020), approx(avg_2020), "2020-12", "missed", True, None, 0.159)
    assert before[("p2020", "gdp_share")] == (approx(0.1), approx(0.1), "2020-12", "missed", True, None, 0.1)
    # 2020–2021 before its target year, on 2020 (its only year so far): output 622.08 × (1 + 0.08) = 671.8464
    # → 671.8 < 1200; growth so far 8.0% < 44.5%; share 0.1 × (0.1 / 0.1)^1 = 0.1 < 20%.
    assert before[("p2021", "output_value")] == (approx(622.08), approx(671.8464), "2020-12", "behind", False, None, 671.8)
    assert before[("p2021", "avg_growth_since_baseline")] == (approx(0.08), approx(0.08), "2020-12", "behind", False, None, 0.08)
    assert before[("p2021", "gdp_share")] == (approx(0.1), approx(0.1), "2020-12", "behind", False, None, 0.1)

    con = publish_years(paths, [2021])
    after = progress(con)
    # 2021 doubles output: chained over 2018–2021 the growth would be 3.1104^(1/4) − 1 = 32.8% and output
    # 1244.16 ≥ 1000, share 20% — but the 2018–2020 plan stays judged on 2020.
    assert {k: v for k, v in after.items() if k[0] == "p2020"} == {k: v for k, v in before.items() if k[0] == "p2020"}
    # 2020–2021, final on 2021: output 1244.16 → 1244.2 ≥ 1200; growth over its own years 2020–2021:
    # (1.08 × 2.0)^(1/2) − 1 = 2.16^(1/2) − 1 = 0.469694 → 47.0% ≥ 45% − 0.5 pp; share 326.592 / 1632.96 =
    # 0.2 → 20.0% ≥ 20%.
    avg_2021 = 2.16 ** 0.5 - 1
    assert after[("p2021", "output_value")] == (approx(1244.16), approx(1244.16), "2021-12", "met", True, None, 1244.2)
    assert after[("p2021", "avg_growth_since_baseline")] == (approx(avg_2021), approx(avg_2021), "2021-12", "met", True, None, 0.47)
    assert after[("p2021", "gdp_share")] == (approx(0.2), approx(0.2), "2021-12", "met", True, None, 0.2)

    # Each year's average growth is the one of the plan whose years hold it (2020 is in both: the plan
    # ending first); 2017 is in no plan's years.
    assert con.execute("SELECT year, plan_id, avg_growth_since_baseline FROM mart.indicators_annual ORDER BY year").fetchall() == [
        (2017, None, None),
        (2018, "p2020", approx(0.2)),
        (2019, "p2020", approx(1.44 ** 0.5 - 1)),  # (1.2 × 1.2)^(1/2) − 1 = 0.2
        (2020, "p2020", approx(avg_2020)),
        (2021, "p2021", approx(avg_2021)),
    ]
    assert con.execute("SELECT plan_id, title, document, baseline_year, target_year FROM ref.plan ORDER BY plan_id").fetchall() == [
        ("p2020", "2018-2020年方案", "文件一", 2017, 2020), ("p2021", "2020-2021年方案", "文件二", 2019, 2021)]
    assert con.execute("SELECT plan_id, indicator, comparison, tolerance FROM ref.targets ORDER BY ALL").fetchall() == [
        ("p2020", "avg_growth_since_baseline", "about", 0.005), ("p2020", "gdp_share", "at_least", 0.0),
        ("p2020", "output_value", "at_least", 0.0),
        ("p2021", "avg_growth_since_baseline", "about", 0.005),  # the default for 左右 on a rate
        ("p2021", "gdp_share", "at_least", 0.0), ("p2021", "output_value", "at_least", 0.0)]


def test_years_after_every_plan_are_read_against_the_latest_plan(tmp_path):
    paths = make_city(tmp_path / "data", range(2017, 2022), "plans:\n" + PLAN_2018_2020)
    con = publish_years(paths, range(2017, 2022))
    # 2021: (1.2 × 1.2 × 1.08 × 2.0)^(1/4) − 1 = 3.1104^(1/4) − 1, since the 2018–2020 plan's baseline
    assert con.execute("SELECT plan_id, avg_growth_since_baseline FROM mart.indicators_annual WHERE year = 2021").fetchall() == [
        ("p2020", approx(3.1104 ** 0.25 - 1))]
    assert progress(con)[("p2020", "avg_growth_since_baseline")][2:4] == ("2020-12", "missed")


def test_a_missing_year_cannot_be_judged_and_says_why(tmp_path):
    paths = make_city(tmp_path / "data", [2017, 2018, 2020], "plans:\n" + PLAN_2018_2020)
    got = progress(publish_years(paths, [2017, 2018, 2020]))
    # 2019's December never landed: no growth to chain over 2018–2020; output and share of 2020 are there.
    assert got[("p2020", "avg_growth_since_baseline")] == (
        None, None, "2020-12", "cannot judge", True,
        "2019 not complete (its December not landed): no growth to chain over 2018–2020", None)
    assert got[("p2020", "output_value")][3:] == ("missed", True, None, 622.1)


def test_a_baseline_never_landed_cannot_project_the_share(tmp_path):
    paths = make_city(tmp_path / "data", [2018, 2019], "plans:\n" + PLAN_2018_2020)
    got = progress(publish_years(paths, [2018, 2019]))
    # The share's projection needs 2017's share: 0.1 (2019) is short of 15%, and cannot be projected.
    assert got[("p2020", "gdp_share")] == (
        approx(0.1), None, "2019-12", "cannot judge", False, "baseline year 2017 not complete (its December not landed)", None)
    # Output needs only the growth chained from the returns' priors: 576 × ((1.2 × 1.2)^(1/2))^1 = 691.2 < 1000.
    assert got[("p2020", "output_value")] == (approx(576), approx(691.2), "2019-12", "behind", False, None, 691.2)
    # Growth so far (1.44)^(1/2) − 1 = 20.0% ≥ 17.5%.
    assert got[("p2020", "avg_growth_since_baseline")][3:] == ("on track", False, None, 0.2)


def test_a_missing_target_year_cannot_be_judged_on_later_years(tmp_path):
    paths = make_city(tmp_path / "data", [2017, 2018, 2019, 2021], "plans:\n" + PLAN_2018_2020)
    got = progress(publish_years(paths, [2017, 2018, 2019, 2021]))
    for indicator in ("output_value", "avg_growth_since_baseline", "gdp_share"):
        assert got[("p2020", indicator)] == (None, None, None, "cannot judge", False,
                                              "target year 2020 not complete (its December not landed)", None)


# A 2017–2018 plan whose 2018 growth moves with A alone (B is flat at 1,000,000 千元, its prior the same):
# 18%左右 within 0.5 percentage point. Growth = (A + 1,000,000) / 11,000,000 − 1.
GROWTH_PLAN = """plans:
  - plan_id: g
    title: 增长
    document: 文件
    baseline_year: 2017
    target_year: 2018
    targets:
      - {indicator: avg_growth_since_baseline, label: 年均增长, value: 0.18, unit: fraction, comparison: about, tolerance: TOL}
"""


@pytest.mark.parametrize("a_2018, tolerance, status, judged", [
    ("11936000", 0.005, "met", 0.176),     # 12,936,000 / 11,000,000 − 1 = 17.6% ≥ 18% − 0.5 pp
    ("11914000", 0.005, "missed", 0.174),  # 17.4% < 17.5%
    ("11975600", 0, "met", 0.18),          # 17.96% prints 18.0%: judged as printed, met even with no tolerance
    ("11973400", 0, "missed", 0.179),      # 17.94% prints 17.9%
])
def test_about_a_rate_is_judged_as_printed_within_its_tolerance(tmp_path, a_2018, tolerance, status, judged):
    decembers = {2017: ("10000000", "9000000", "1000000", "1000000"), 2018: (a_2018, "10000000", "1000000", "1000000")}
    paths = make_city(tmp_path / "data", [2017, 2018], GROWTH_PLAN.replace("TOL", str(tolerance)), decembers)
    got = progress(publish_years(paths, [2017, 2018]))
    growth = (int(a_2018) + 1_000_000) / 11_000_000 - 1
    assert got[("g", "avg_growth_since_baseline")] == (approx(growth), approx(growth), "2018-12", status, True, None, judged)


def test_output_reached_before_the_target_year_is_met_not_final(city):
    (city.catalog / "targets.yaml").write_text(TARGETS_YAML.replace("value: 5000", "value: 450"), encoding="utf-8")
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    got = progress(duckdb.connect(str(publish(city).detail), read_only=True))
    # 2018: 500 ≥ 450 two years early (projection 500 × 1.25² = 781.25, D a new unit in growth); growth is never
    # met before 2020: 25.0% on track.
    assert got[("test-plan", "output_value")] == (approx(500), approx(781.25), "2018-12", "met", False, None, 500.0)
    assert got[("test-plan", "avg_growth_since_baseline")][3:5] == ("on track", False)


# --- targets.yaml -----------------------------------------------------------------------------------


def write_targets(tmp_path, text):
    (tmp_path / "targets.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def test_the_single_plan_layout_still_reads_as_one_plan(tmp_path):
    single = "\n".join(line[4:] for line in PLAN_2018_2020.splitlines())  # the plan's keys at the top level
    (plan,) = read_targets(write_targets(tmp_path, single))
    assert (plan.plan_id, plan.baseline_year, plan.target_year, plan.value("output_value")) == ("p2020", 2017, 2020, 1000)
    assert [(t.comparison, t.tolerance) for t in plan.targets] == [("at_least", 0), ("about", 0.005), ("at_least", 0)]


def test_the_repository_plan_reads_the_documents_words():
    from sei_stats.config import REPO_ROOT

    (plan,) = read_targets(REPO_ROOT / "data" / "catalog")
    assert plan.document == "大政办发〔2017〕133号"
    assert {t.indicator: (t.value, t.comparison, t.tolerance) for t in plan.targets} == {
        "output_value": (5000, "at_least", 0), "avg_growth_since_baseline": (0.18, "about", 0.005),
        "gdp_share": (0.15, "at_least", 0), "new_platforms": (50, "at_least", 0),
        "leading_enterprises": (30, "at_least", 0), "innovative_leaders": (100, "at_least", 0)}


@pytest.mark.parametrize("change, message", [
    (("comparison: at_least}", "}"), "missing key 'comparison'"),
    (("comparison: about", "comparison: roughly"), "comparison 'roughly' is not one of"),
    (("    document: 文件一\n", ""), "missing key 'document'"),
    (("tolerance: 0.005", "tolerance: -0.01"), "tolerance -0.01 must be ≥ 0"),
    (("unit: 亿元", "unit: 万元"), "unit '万元' must be '亿元'"),
    (("baseline_year: 2017", "baseline_year: 2020"), "baseline_year 2020 must come before target_year 2020"),
])
def test_a_broken_targets_file_names_the_key(tmp_path, change, message):
    text = "plans:\n" + PLAN_2018_2020.replace(*change, 1)
    with pytest.raises(CatalogError, match=message):
        read_targets(write_targets(tmp_path, text))


def test_about_in_yuan_needs_its_tolerance_and_at_least_contradicting_zuoyou_is_refused(tmp_path):
    text = "plans:\n" + PLAN_2018_2020.replace("unit: 亿元, comparison: at_least", "unit: 亿元, comparison: about")
    with pytest.raises(CatalogError, match="missing key 'tolerance'"):
        read_targets(write_targets(tmp_path, text))
    text = "plans:\n" + PLAN_2018_2020.replace("comparison: about, tolerance: 0.005", "comparison: at_least, wording: 年均增长18%左右")
    with pytest.raises(CatalogError, match="says 左右"):
        read_targets(write_targets(tmp_path, text))
    with pytest.raises(CatalogError, match="plan_id p2020 given more than once"):
        read_targets(write_targets(tmp_path, "plans:\n" + PLAN_2018_2020 + PLAN_2018_2020))


# --- the headline ------------------------------------------------------------------------------------


def test_the_headline_names_each_plan_and_says_cannot_judge_in_chinese(tmp_path):
    from sei_stats.headline import format_headline, headline_table, target_table

    paths = make_city(tmp_path / "data", [2017, 2018, 2020, 2021], TWO_PLANS)
    con = publish_years(paths, [2017, 2018, 2020, 2021])
    table = target_table(con)
    assert list(table.columns) == ["规划", "目标", "目标值", "目标年份", "实际值", "截至", "预计值", "状态", "说明", "口径"]
    assert table.set_index("目标").loc["产值", "口径"].tolist() == ["按工业总产值考核，不含服务业营业收入"] * 2
    rows = {(r["规划"], r["目标"]): (r["状态"], r["说明"]) for _, r in table.iterrows()}
    # 2018–2020: 2019 missing, no growth to chain; 2020's output 622.1 < 1000, final.
    assert rows[("2018-2020年方案", "年均增长")] == (
        "无法判断 (cannot judge)", "2019 not complete (its December not landed): no growth to chain over 2018–2020")
    assert rows[("2018-2020年方案", "产值")] == ("未实现 (missed)", "按2020年数据最终判断")
    # 2020–2021 on its own years 2020–2021 (both landed): 47.0% ≥ 44.5%.
    assert rows[("2020-2021年方案", "年均增长")] == ("已实现 (met)", "按2021年数据最终判断")
    # Each year's average growth says its plan's baseline: 2018 and 2020 of 2018–2020 (2020: 2019 missing), 2021 of 2020–2021.
    annual = headline_table(con)
    assert list(annual.columns)[:6] == ["年份", "工业总产值(亿元)", "同比增长", "年均增长(以所属规划基期)", "营业收入(亿元)", "营业收入增长"]
    assert annual["营业收入(亿元)"].tolist() == ["0.0"] * 4  # a city without service units
    assert annual["年均增长(以所属规划基期)"].tolist() == ["—", "20.0% (以2017年为基期)", "—", "47.0% (以2019年为基期)"]
    assert "规划目标进展 (文件一; 文件二)" in format_headline(con, simulated=False)

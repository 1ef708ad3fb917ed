"""The monthly briefing's content (sei_stats.briefing.content) on the small city of conftest.py, by hand.

2017-12: output 400亿元, prior 330: growth 40/33 − 1 = 21.2%. 2018-12: A 360 (prior 300), B 120 (100), D 20 (new:
prior 0): output 500, prior 400, growth 25.0%, so 3.8 points faster than 2017's 21.2%. 2018-03: 100 on 95, 5.3%.
"""

import shutil

import duckdb
import pytest

from sei_stats.briefing.content import Offices, change_word, monthly_briefing, pace_word
from sei_stats.config import REPO_ROOT
from sei_stats.land import land_month
from sei_stats.publish import publish

from conftest import without_disclosure_control

approx = pytest.approx


@pytest.fixture
def warehouse(city):
    without_disclosure_control(city)  # what the briefing says; tests/warehouse/test_protection.py has what it withholds
    for name in ("fields.csv", "field_offices.csv", "offices.csv"):
        shutil.copy(REPO_ROOT / "data" / "catalog" / name, city.catalog / name)
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    with duckdb.connect(str(publish(city).path), read_only=True) as con:
        yield con, city


def table(briefing, sheet):
    return next(t for t in briefing.tables if t.sheet == sheet)


def test_the_headline_in_the_official_style(warehouse):
    con, city = warehouse
    december = monthly_briefing(con, "2018-12", catalog_dir=city.catalog, simulated=False)
    assert december.headline == "1–12月，全市战略性新兴产业工业总产值500.0亿元，同比增长25.0%，增速比上年同期加快3.8个百分点。"
    assert (december.period_label, december.file_stem, december.simulated) == ("2018年1–12月", "brief-2018-12", False)
    # no 2017-03 in the warehouse: no comparison of growth rates
    march = monthly_briefing(con, "2018-03", catalog_dir=city.catalog, simulated=True)
    assert march.headline == "1–3月，全市战略性新兴产业工业总产值100.0亿元，同比增长5.3%。"
    with pytest.raises(LookupError, match="2018-06"):
        monthly_briefing(con, "2018-06", catalog_dir=city.catalog, simulated=False)
    with pytest.raises(ValueError, match="January is not a report period"):
        monthly_briefing(con, "2018-01", catalog_dir=city.catalog, simulated=False)


def test_areas_key_fields_and_movers_come_from_the_marts(warehouse):
    con, city = warehouse
    briefing = monthly_briefing(con, "2018-12", catalog_dir=city.catalog, simulated=False)
    areas = table(briefing, "六大领域").frame
    assert areas[["领域", "工业总产值（亿元）", "同比增长", "占全市比重"]].values.tolist() == [
        ["新一代信息技术", approx(360), approx(0.2), approx(0.72)], ["高端装备与新材料", approx(140), approx(0.4), approx(0.28)]]
    assert briefing.sections[2].paragraphs == (
        "六大领域中，高端装备与新材料产值140.0亿元，同比增长40.0%，增速居首；新一代信息技术增速最低，同比增长20.0%。",)
    fields = table(briefing, "重点领域")
    assert fields.frame["增速比全市（百分点）"].tolist() == [approx(-0.05), approx(0.15)]  # 20% and 40% against 25%
    # 集成电路 grows slower than the total: named with its offices as they were called in 2018 (before the reform)
    slow = [p for s in briefing.sections for p in s.paragraphs if p.startswith("集成电路")]
    assert slow == ["集成电路同比增长20.0%，低于全市增速5.0个百分点，请市经信委、金普新区管委会、高新区管委会关注。"]
    movers = table(briefing, "增长贡献").frame
    # Σ changes = 500 − 400 = 100: 集成电路 +60, 智能装备 +40; 金州区 +60, 沙河口区 +20 (D, new), 甘井子区 +20
    assert movers[["类别", "名称", "比上年同期增减（亿元）", "拉动全市增长（百分点）"]].values.tolist() == [
        ["领域方向", "集成电路", approx(60), approx(0.15)], ["领域方向", "智能装备", approx(40), approx(0.10)],
        ["区县", "金州区", approx(60), approx(0.15)], ["区县", "沙河口区", approx(20), approx(0.05)],
        ["区县", "甘井子区", approx(20), approx(0.05)]]  # a tie: by name
    districts = table(briefing, "区县")
    assert districts.formatted()["工业总产值（亿元）"].tolist() == ["360.0", "120.0", "20.0"]
    # no roster: no zone table, and the section says why
    places = next(s for s in briefing.sections if s.title.startswith("五"))
    assert len(places.tables) == 1 and "未标注企业所在功能区" in places.paragraphs[0]
    # the survey counts every live unit, C (not SEI) included: A, B, C and D all reported
    assert briefing.quality == "数据质量：应报单位4家，回报率100.0%；推算产值占0.0%；拒收记录占0.0%。"


def test_offices_are_named_as_in_force_in_the_period():
    offices = Offices.read(REPO_ROOT / "data" / "catalog")
    assert offices.in_force("集成电路", "2018-12")[0] == "市经信委"
    assert offices.in_force("集成电路", "2019-01")[0] == "市工业和信息化局"  # the 2019-01 reform
    assert offices.in_force("no such field", "2019-01") == []


def test_words_follow_the_sign_and_one_decimal():
    assert (change_word(0.0456), change_word(-0.0456)) == ("增长4.6%", "下降4.6%")
    assert (pace_word(0.038), pace_word(-0.07), pace_word(0.0004)) == (
        "比上年同期加快3.8个百分点", "比上年同期回落7.0个百分点", "与上年同期持平")


def test_the_annual_evaluation_judges_the_year_on_its_figure_of_record(warehouse):
    con, city = warehouse
    from sei_stats.briefing.evaluation import annual_evaluation

    evaluation = annual_evaluation(con, 2018, catalog_dir=city.catalog, simulated=False)
    # 2018: 500亿元 on 400 (25.0%), since the 2017 baseline 25.0% a year; value added 132, share 132/4400 = 3.0%
    assert evaluation.headline == ("2018年，全市战略性新兴产业工业总产值500.0亿元，同比增长25.0%，以2017年为基期年均增长25.0%；"
                                   "增加值132.0亿元，占地区生产总值的比重为3.0%。")
    trend = next(t for t in evaluation.tables if t.sheet == "历年指标")
    assert trend.frame[["年份", "工业总产值（亿元）"]].values.tolist() == [["2017", approx(400)], ["2018", approx(500)]]
    assert evaluation.sections[1].paragraphs == ("2017年至2018年，全市战略性新兴产业工业总产值由400.0亿元增至500.0亿元，年均增长25.0%。",)
    targets = next(t for t in evaluation.tables if t.sheet == "目标进展").frame
    # the plan's target year is 2020: judged so far, on 2018 (mart.target_progress)
    assert targets.set_index("目标").loc["产值", ["目标值", "实际值"]].tolist() == [approx(5000), approx(500)]
    assert (evaluation.file_stem, evaluation.period_label, evaluation.kind) == ("evaluation-2018", "2018年", "annual")
    with pytest.raises(LookupError, match="2019"):
        annual_evaluation(con, 2019, catalog_dir=city.catalog, simulated=False)

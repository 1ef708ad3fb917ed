"""The disclosure pattern (sei_stats.protection, mart.disclosure) and what the briefing withholds with it.

The small city of conftest.py, 2018-12 (千元): A 36,000,000 (金州区 210213, 集成电路, 新一代信息技术); B 12,000,000
(甘井子区 210211, 智能装备, 高端装备与新材料); D 2,000,000 (沙河口区 210204, 智能装备). Under the default rules every
breakdown cell has one or two enterprises (fewer than 3): all are suppressed. The total has three, but A and B make
48 / 50 = 96% > 90% of it (dominance (2, 0.9)): it is published all the same, the plan's own indicator.
"""

import duckdb
import pandas as pd
import pytest

from sei_stats import protection
from sei_stats.briefing.content import monthly_briefing
from sei_stats.briefing.document import SUPPRESSED, SUPPRESSED_NOTE
from sei_stats.disclosure import Rules
from sei_stats.land import land_month
from sei_stats.open_data import write_open_data
from sei_stats.publish import publish

RULES = Rules()


@pytest.fixture
def published(city):
    for period in ("2017-12", "2018-03", "2018-12"):
        land_month(city, period)
    with duckdb.connect(str(publish(city).path), read_only=True) as con:
        yield con, city


def test_every_breakdown_cell_of_a_three_enterprise_city_is_withheld_and_the_total_published(published):
    con, _ = published
    rows = con.execute("SELECT breakdown, coalesce(area, field, district_code, ''), status, reason, n_enterprises "
                       "FROM mart.disclosure WHERE period = DATE '2018-12-01' AND measure = 'industry' "
                       "AND breakdown IN ('total', 'area', 'district') ORDER BY breakdown, 2").fetchall()
    assert rows == [
        ("area", "新一代信息技术", "primary", "frequency", 1),
        ("area", "高端装备与新材料", "primary", "frequency", 2),
        ("district", "210204", "primary", "frequency", 1),
        ("district", "210211", "primary", "frequency", 1),
        ("district", "210213", "primary", "frequency", 1),
        ("total", "", "published", "dominance (2, 0.9): the city total, published", 3),
    ]
    # everything but the total is suppressed: each area lies anywhere in [0, 500] 亿元, wider than ±10 %
    bounds = con.execute("SELECT lower, upper FROM mart.disclosure WHERE period = DATE '2018-12-01' "
                         "AND measure = 'industry' AND breakdown = 'area' ORDER BY area").fetchall()
    assert bounds == [(pytest.approx(0), pytest.approx(500)), (pytest.approx(0), pytest.approx(500))]
    protection.check_release(con, "2018-12", RULES)  # the audit passes


def test_a_release_audit_that_passed_is_recorded_and_not_run_again_on_the_same_pattern(published, tmp_path,
                                                                                        monkeypatch):
    con, _ = published
    passed = tmp_path / "released"
    protection.check_release(con, "2018-12", RULES, passed=passed)
    [record] = passed.iterdir()
    cells = con.execute("SELECT count(*) FROM mart.disclosure WHERE period BETWEEN '2018-01-01' AND '2018-12-01'").fetchone()[0]
    assert record.name.startswith("2018-12-") and record.read_text(encoding="utf-8") == \
        f"2018-12: the audit of {cells} cells passed\n"  # every row of the year's pattern up to its month

    def audited(*args, **kwargs):
        raise AssertionError("audited again")
    monkeypatch.setattr(protection, "audit_release", audited)
    protection.check_release(con, "2018-12", RULES, passed=passed)  # the same pattern, code and rules: recorded
    with pytest.raises(AssertionError, match="audited again"):  # other rules: audited
        protection.check_release(con, "2018-12", Rules(protection=0.2), passed=passed)
    with pytest.raises(AssertionError, match="audited again"):  # another period: its own record
        protection.check_release(con, "2018-03", RULES, passed=passed)


def test_the_briefing_names_withheld_cells_without_figures(published):
    con, city = published
    briefing = monthly_briefing(con, "2018-12", catalog_dir=city.catalog, simulated=False)
    assert briefing.headline.startswith("1–12月，全市战略性新兴产业工业总产值500.0亿元")  # the total stays
    areas = next(t for t in briefing.tables if t.sheet == "六大领域")
    assert areas.frame["领域"].tolist() == ["新一代信息技术", "高端装备与新材料"]
    assert areas.frame["工业总产值（亿元）"].tolist() == [SUPPRESSED, SUPPRESSED]
    assert areas.formatted()["同比增长"].tolist() == ["…", "…"]
    assert SUPPRESSED_NOTE in areas.notes
    text = [p for s in briefing.sections for p in s.paragraphs]
    assert not any("六个重点领域合计" in p for p in text)  # their sum would be a figure the audit did not see
    assert "各领域方向和区县的数据不予公布，不列增长贡献。" in text


def _cells(rows):
    frame = pd.DataFrame(rows, columns=["breakdown", "area", "district_code", "zone_id", "value", "status"])
    return frame.assign(measure="industry", period=pd.Timestamp("2020-06-01"), field=None, reason="")


def test_a_zone_inside_a_district_bounds_it_from_below():
    # one area a = 100: district X 30, Y 70; zone Z lies in X and holds all of X (30). X, Y and their area × district
    # cells are suppressed. Through the districts and the total alone X ∈ [0, 100]; with Z published and Z ⊂ X,
    # X ≥ Z = 30 > 27 = 30 × 0.9, and so Y = 100 − X ≤ 70 < 77 = 70 × 1.1.
    rows = [("total", None, None, None, 100.0, "published"), ("area", "a", None, None, 100.0, "published"),
            ("district", None, "X", None, 30.0, "primary"), ("district", None, "Y", None, 70.0, "secondary"),
            ("area_district", "a", "X", None, 30.0, "primary"), ("area_district", "a", "Y", None, 70.0, "secondary"),
            ("zone", None, None, "Z", 30.0, "published"), ("zone_district", None, "X", "Z", 30.0, "unpublished")]
    problems = protection.audit_release(_cells(rows), "2020-06-01", RULES, {"Z": ["X"]})
    # X ∈ [30, 100] (lower 30 > 27); Y = 100 − X ∈ [0, 70] (upper 70 < 77): both unsafe, in 亿元 of 10⁵ 千元
    assert problems == [
        "industry district(X) 2020-06: 0.0003亿元 lies in [0.0003, 0.0010], narrower than ±10%",
        "industry district(Y) 2020-06: 0.0007亿元 lies in [0.0000, 0.0007], narrower than ±10%",
        "industry area_district(a, X) 2020-06: 0.0003亿元 lies in [0.0003, 0.0010], narrower than ±10%",
        "industry area_district(a, Y) 2020-06: 0.0007亿元 lies in [0.0000, 0.0007], narrower than ±10%",
    ]
    # with the zone suppressed too, X ∈ [0, 100] and Y ∈ [0, 100]: safe
    safe = [r if r[0] != "zone" else (*r[:5], "secondary") for r in rows]
    assert protection.audit_release(_cells(safe), "2020-06-01", RULES, {"Z": ["X"]}) == []


def test_a_cell_suppressed_last_month_and_published_this_month_is_reported():
    may = _cells([("total", None, None, None, 100.0, "published"), ("area", "a", None, None, 60.0, "secondary"),
                  ("area", "b", None, None, 40.0, "primary")]).assign(period=pd.Timestamp("2020-05-01"))
    june = _cells([("total", None, None, None, 150.0, "published"), ("area", "a", None, None, 90.0, "published"),
                   ("area", "b", None, None, 60.0, "published")])
    problems = protection.audit_release(pd.concat([may, june], ignore_index=True), "2020-06-01", RULES)
    assert sorted(problems)[:2] == ["industry area(a): suppressed in 2020-05, published in 2020-06",
                                    "industry area(b): suppressed in 2020-05, published in 2020-06"]


def test_a_years_pattern_is_kept_by_its_cells_and_chosen_again_only_when_they_change(tmp_path, monkeypatch):
    def contributions(b_value):
        return pd.DataFrame({"period": pd.Timestamp("2020-06-01"), "measure": "industry",
                             "credit_code": ["E1", "E2", "E3", "E4"], "area": ["a", "a", "b", "b"],
                             "field": ["f", "f", "g", "g"], "district_code": ["X", "Y", "X", "Y"],
                             "zone_id": None, "value": [50.0, 40.0, b_value, 30.0]})

    first = protection.choose_pattern(protection.cells_of(contributions(20.0), RULES), RULES, tmp_path)
    (kept,) = tmp_path.glob("industry-2020-*.parquet")
    chosen = []
    real = protection._year_pattern
    monkeypatch.setattr(protection, "_year_pattern", lambda *a, **k: chosen.append(1) or real(*a, **k))
    again = protection.choose_pattern(protection.cells_of(contributions(20.0), RULES), RULES, tmp_path)
    assert chosen == [] and again["status"].tolist() == first["status"].tolist()  # read back, not chosen again
    protection.choose_pattern(protection.cells_of(contributions(25.0), RULES), RULES, tmp_path)
    assert chosen == [1] and not kept.exists() and len(list(tmp_path.glob("*.parquet"))) == 1  # the stale one goes


def test_a_years_cells_are_kept_by_its_contributions_and_computed_again_only_for_a_changed_year(tmp_path, monkeypatch):
    def contributions(b_value):  # 2019 and 2020, the same four enterprises; B's 2020 value varies
        one = pd.DataFrame({"measure": "industry", "credit_code": ["E1", "E2", "E3", "E4"],
                            "area": ["a", "a", "b", "b"], "field": ["f", "f", "g", "g"],
                            "district_code": ["X", "Y", "X", "Y"], "zone_id": None, "value": [50.0, 40.0, 20.0, 30.0]})
        later = one.assign(value=[50.0, 40.0, b_value, 30.0])
        return pd.concat([one.assign(period=pd.Timestamp("2019-06-01")),
                          later.assign(period=pd.Timestamp("2020-06-01"))], ignore_index=True)

    computed = []
    real = protection.cells_of
    monkeypatch.setattr(protection, "cells_of", lambda part, rules: computed.append(
        sorted(part["period"].dt.year.unique())) or real(part, rules))
    first = protection.cells_by_year(contributions(20.0), RULES, tmp_path)
    assert computed == [[2019], [2020]] and len(list((tmp_path / "cells").glob("*.parquet"))) == 2
    # the same contributions in another order: both years read back, equal to the whole computation
    again = protection.cells_by_year(contributions(20.0).iloc[::-1], RULES, tmp_path)
    assert computed == [[2019], [2020]]
    pd.testing.assert_frame_equal(again, first)
    whole = real(contributions(20.0), RULES)
    for year in (2019, 2020):
        pd.testing.assert_frame_equal(first[first["period"].dt.year == year].reset_index(drop=True),
                                      whole[whole["period"].dt.year == year].reset_index(drop=True))
    # E3's 2020 value changed: 2020 alone is computed again, and its old file goes
    changed = protection.cells_by_year(contributions(35.0), RULES, tmp_path)
    assert computed == [[2019], [2020], [2020]] and len(list((tmp_path / "cells").glob("*.parquet"))) == 2
    assert changed.loc[(changed["breakdown"] == "area") & (changed["area"] == "b"), "value"].tolist() == [50.0, 65.0]


def test_the_open_data_of_the_three_enterprise_city_withholds_every_breakdown(published):
    con, city = published
    opened = write_open_data(city, "2018-12")
    areas = pd.read_csv(opened.folder / "areas.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert areas.values.tolist() == [["2018年1–12月", "新一代信息技术", "…", "…", "0.0", ""],
                                     ["2018年1–12月", "高端装备与新材料", "…", "…", "0.0", ""]]
    total = pd.read_csv(opened.folder / "total.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    assert total["工业总产值（亿元）"].tolist() == ["500.0"]  # (36 + 12 + 2) million 千元
    assert (opened.folder / "areas.csv").read_bytes().startswith(b"\xef\xbb\xbf")  # the BOM Excel needs
    readme = (opened.folder / "README.md").read_text(encoding="utf-8")
    assert "单元格企业数少于3家" in readme and "±10%" in readme

import pandas as pd
import pytest

from sei_stats.catalog import CatalogError
from sei_stats.classify import classify

CATALOG = pd.DataFrame(
    [
        ["39", "product", "电子产品", "新一代信息技术", "其他电子", False, "1.2", "2017-01", None],
        ["3973", "product", "集成电路", "新一代信息技术", "集成电路", True, "1.2", "2017-01", None],
        ["397301", "product", "存储芯片", "新一代信息技术", "集成电路", True, "1.2", "2019-01", None],
        ["3491", "industry", "工业机器人制造", "高端装备与新材料", "智能装备", True, "2.1", "2017-01", "2018-12"],
        ["562", "industry", "通用航空服务", "高端装备与新材料", "通用航空", True, "2.2", "2017-01", None],
    ],
    columns=["code", "kind", "name", "area", "field", "key_field", "nbs_code", "valid_from", "valid_to"],
)


def values(series):
    return [None if pd.isna(v) else v for v in series]


def lines(*rows):
    return pd.DataFrame(rows, columns=["product_code", "industry_code"]).astype("string")


def test_longest_valid_product_prefix_wins():
    got = classify(lines(["39730188", "3973"], ["3973999", "3973"], ["3911", "3911"]), CATALOG, "2019-06")
    assert got["catalog_code"].tolist() == ["397301", "3973", "39"]
    assert got["match_kind"].tolist() == ["product"] * 3


def test_windows_are_whole_months_inclusive():
    before = classify(lines(["39730188", "3973"]), CATALOG, "2018-12")
    assert before["catalog_code"].tolist() == ["3973"]  # 397301 starts 2019-01
    first = classify(lines(["39730188", "3973"]), CATALOG, "2019-01")
    assert first["catalog_code"].tolist() == ["397301"]
    last = classify(lines([None, "3491"]), CATALOG, "2018-12")
    assert last["catalog_code"].tolist() == ["3491"]
    after = classify(lines([None, "3491"]), CATALOG, "2019-01")
    assert after["is_sei"].tolist() == [False]


def test_industry_is_the_fallback_and_a_group_code_covers_its_classes():
    got = classify(lines([None, "5621"], ["8888", "3491"], ["", "1713"]), CATALOG, "2018-03")
    assert values(got["catalog_code"]) == ["562", "3491", None]
    assert values(got["match_kind"]) == ["industry", "industry", None]
    assert got["is_sei"].tolist() == [True, True, False]
    assert got["area"].tolist()[:2] == ["高端装备与新材料", "高端装备与新材料"]
    assert got["key_field"].tolist()[:2] == [True, True]


def test_two_primary_entries_for_one_code_in_a_month_are_refused():
    twice = pd.concat([CATALOG, CATALOG.iloc[[1]]], ignore_index=True)
    with pytest.raises(CatalogError, match="product 3973 valid in 2018-03: one primary entry per code"):
        classify(lines(["3973", "3973"]), twice, "2018-03")


def test_the_frame_step_classifies_each_month_by_the_entries_in_force_in_it():
    # scope classifies once per set of entries in force, not once per month: 2018-11 and 2018-12 share one set,
    # 2019-01 has another (397301 opens, 3491 closed), and the lines come back in their own order
    from sei_stats.scope import _classified_by_frame

    frame = pd.DataFrame({
        "period": pd.to_datetime(["2019-01-01", "2018-11-01", "2018-12-01", "2019-01-01", "2018-12-01"]),
        "product_code": ["39730188", "39730188", None, None, "39730188"],
        "industry_code": ["3973", "3973", "3491", "3491", "3973"],
    }, index=[10, 11, 12, 13, 14]).astype({"product_code": "string", "industry_code": "string"})
    got = _classified_by_frame(frame, CATALOG)
    assert got.index.tolist() == [10, 11, 12, 13, 14]
    assert values(got["catalog_code"]) == ["397301", "3973", "3491", None, "3973"]

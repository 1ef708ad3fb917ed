"""The guidance catalog in data/catalog/: the real files pass every rule, and every rule can fail.

The second half copies the real catalog into tmp_path, breaks one thing and checks that
validate_catalog names the file, the line and the rule.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd
import pytest

from sei_stats.schemas.catalog import (
    KEY_FIELDS,
    PLAN_ITEMS,
    CatalogValidationError,
    Failure,
    catalog_failures,
    validate_catalog,
)
from sei_stats.catalog import AREAS, CatalogError, read_products, validate_catalog_unless_passed
from sei_stats.catalog_report import coarse_reason, coverage_report

CATALOG = Path(__file__).resolve().parents[2] / "data" / "catalog"


def table(name: str, catalog: Path = CATALOG) -> pd.DataFrame:
    return pd.read_csv(catalog / name, dtype=str, keep_default_na=False, encoding="utf-8")


def months(frame: pd.DataFrame) -> list[tuple[int, int, int]]:
    """(start, end, index) in month numbers; open windows end far in the future."""
    def m(text: str) -> int:
        return int(text[:4]) * 12 + int(text[5:7]) - 1
    return [(m(r.valid_from), m(r.valid_to) if r.valid_to else 10**9, i) for i, r in frame.iterrows()]


# ---------------------------------------------------------------------------------------------
# The real catalog


def test_real_catalog_passes_every_rule():
    assert catalog_failures(CATALOG) == []
    validate_catalog(CATALOG)


def test_products_load_with_the_pipeline_loader():
    products = read_products(CATALOG)
    assert len(products) > 0
    assert set(products["kind"]) <= {"product", "industry"}
    assert set(products["area"]) <= set(AREAS)
    assert products["key_field"].map(type).eq(bool).all()
    raw = table("products.csv")
    assert set(raw["key_field"]) <= {"true", "false"}  # lowercase, as the loader expects
    assert {"nbs_edition", "nbs_verified", "source", "verified"} <= set(raw.columns)


def test_one_primary_entry_per_code_and_kind_in_every_month():
    products = table("products.csv")
    for first_month in range(2017 * 12, 2031 * 12):
        counts = {}
        for (start, end, i) in months(products):
            if start <= first_month <= end:
                key = (products.at[i, "code"], products.at[i, "kind"])
                counts[key] = counts.get(key, 0) + 1
        assert max(counts.values()) == 1, f"month {divmod(first_month, 12)}"


def test_windows_are_whole_years_and_follow_the_editions():
    products = table("products.csv")
    assert products["valid_from"].str.fullmatch(r"\d{4}-01").all()
    assert (products["valid_to"].eq("") | products["valid_to"].str.fullmatch(r"\d{4}-12")).all()
    editions = table("editions.csv").set_index("edition")
    assert set(products["nbs_edition"]) == {"2012", "2018"}
    old = products[products["nbs_edition"] == "2012"]
    new = products[products["nbs_edition"] == "2018"]
    assert (old["valid_from"] == "2017-01").all() and (old["valid_to"] == "2018-12").all()
    assert (new["valid_from"] == "2019-01").all() and (new["valid_to"] == "").all()
    assert editions.at["2012", "last_year"] == "2018" and editions.at["2018", "first_year"] == "2019"
    # every code runs through the series break without a gap
    assert set(zip(old["code"], old["kind"])) == set(zip(new["code"], new["kind"]))


def test_every_field_is_in_one_of_the_six_areas_and_entries_use_canonical_names():
    fields = table("fields.csv")
    assert set(fields["area"]) == set(AREAS)
    products = table("products.csv")
    canonical = fields.set_index("name")
    assert set(products["field"]) <= set(canonical.index)
    for _, row in products.iterrows():
        assert canonical.at[row["field"], "area"] == row["area"]
        assert canonical.at[row["field"], "key_field"] == row["key_field"]
        assert canonical.at[row["field"], "kind"] == "product"


def test_level2_nbs_codes_are_in_the_national_table():
    nbs = table("nbs-sei-2018-categories.csv")
    level2 = set(nbs.loc[nbs["level"] == "2", "code"])
    for table_name, column in (("products.csv", "nbs_code"), ("nbs_partial.csv", "nbs_code")):
        codes = table(table_name)[column]
        assert codes.str.fullmatch(r"\d\.\d+").all(), table_name  # no level-3 code could be confirmed
        assert set(codes) <= level2, table_name


def test_the_six_key_fields_are_present_flagged_and_have_entries():
    fields = table("fields.csv")
    flagged = fields[fields["key_field"] == "true"]
    assert sorted(flagged["name"]) == sorted(KEY_FIELDS)
    in_force = table("products.csv").query("valid_to == ''")
    for name in KEY_FIELDS:
        assert (in_force["field"] == name).any(), name
        assert (in_force.loc[in_force["field"] == name, "key_field"] == "true").all()


def test_both_spellings_of_the_seed_are_aliases():
    fields = table("fields.csv").set_index("name")
    assert "储能" in fields.at["储能产业", "aliases"].split("|")
    assert "基因检测和干细胞" in fields.at["基因检测与干细胞", "aliases"].split("|")


def test_all_29_items_of_section_san_are_present():
    fields = table("fields.csv")
    expected = {f"三({s}){n}" for s, count in PLAN_ITEMS.items() for n in range(1, count + 1)}
    assert len(expected) == 29
    assert set(fields["seed_section"]) == expected
    assert len(fields) == 29
    places = set(fields.loc[fields["kind"] == "place", "name"])
    assert places == {"庄河静脉产业园", "红沿河循环经济区", "LNG冷能利用示范区"}
    for _, f in fields[fields["kind"] == "place"].iterrows():
        assert f["zones"], f["name"]


def test_offices_successors_and_zones():
    offices = table("offices.csv").set_index("office")
    assert offices.at["市经信委", "successor"] == "市工业和信息化局"
    assert offices.at["市环保局", "successor"] == "市生态环境局"
    assert offices.at["市经信委", "successor_date"] == "2019-01"
    used = set(table("field_offices.csv")["office"])
    assert used <= set(offices.index)
    assert set(table("field_offices.csv")["field_id"]) == set(table("fields.csv")["field_id"])
    zones = table("zones.csv")
    assert {"金普新区", "高新区", "花园口经济区", "长兴岛"} <= set(zones["name"])
    districts = set(table("districts.csv")["code"])
    for cell in zones["districts"]:
        assert set(filter(None, cell.split("|"))) <= districts


def test_key_enterprises_of_the_plan():
    ke = table("key_enterprises.csv")
    fields = table("fields.csv").set_index("field_id")
    by_field = ke.groupby("field_id")["name"].apply(set)
    assert {"融科储能", "中比动力", "中科派思", "博融新材料"} == by_field[fields.index[fields["name"] == "储能产业"][0]]
    assert "英特尔半导体" in by_field[fields.index[fields["name"] == "集成电路"][0]]


def test_products_in_two_fields_have_one_primary_and_secondary_memberships():
    secondary = table("secondary_fields.csv")
    pairs = set(zip(secondary["code"], secondary["field"]))
    # 燃料电池 (三(二)5 and 三(三)4) and 动力电池隔膜和正负极材料 (三(三)1 and 三(三)4)
    assert {("3849", "新能源汽车"), ("3849", "新材料"), ("3985", "储能产业"), ("3985", "新能源汽车")} <= pairs
    products = table("products.csv")
    for code in ("3849", "3985"):
        assert products.loc[products["code"] == code, "field"].nunique() == 1


def test_partly_sei_industries_have_no_industry_entry():
    partial = table("nbs_partial.csv")
    industries = table("products.csv").query("kind == 'industry'")
    for code in partial["industry_code"]:
        assert not any(code.startswith(entry) for entry in industries["code"]), code
    assert "3841" in set(partial["industry_code"])  # lithium-ion: only power and storage cells


def test_verified_industry_codes_match_the_gbt4754_reference():
    reference = dict(zip(table("gbt4754-2017-classes.csv")["code"], table("gbt4754-2017-classes.csv")["name"]))
    products = table("products.csv")
    for _, row in products[(products["kind"] == "industry") & (products["verified"] == "true")].iterrows():
        assert reference[row["code"]] == row["name"]
    assert products["source"].str.len().gt(0).all()


def test_coverage_report_figures_come_from_the_files():
    report = coverage_report(CATALOG)
    for heading in ("按领域统计 / Entries per area and field", "国家标准链接 / Links to national codes",
                    "规划点名产品覆盖 / Products the plan names", "粗口径条目 / Coarse entries that may over-classify"):
        assert heading in report
    in_force = table("products.csv").query("valid_to == ''")
    assert f"entries in force: {len(in_force)} " in report
    assert "高档数控系统" in report and "高速铁路轴承" in report  # named by the plan, still without a code
    coarse = report[report.index("粗口径条目"):report.index("部分属于")]
    assert "3849" in coarse and "3969" in coarse and "3973" not in coarse
    earlier = coverage_report(CATALOG, as_of="2018-06")
    assert "version shown (as of): 2018-06" in earlier


def test_coarse_reason_rules():
    assert coarse_reason("3849", "industry", "其他电池制造")
    assert coarse_reason("562", "industry", "通用航空服务")
    assert coarse_reason("3973", "industry", "集成电路制造") is None
    assert coarse_reason("3849990000", "product", "某产品")
    assert coarse_reason("3849010100", "product", "某产品") is None


# ---------------------------------------------------------------------------------------------
# Each rule can fail


@pytest.fixture
def catalog(tmp_path: Path) -> Path:
    target = tmp_path / "catalog"
    shutil.copytree(CATALOG, target)
    return target


def edit(catalog: Path, name: str, change) -> None:
    frame = table(name, catalog)
    frame = change(frame)
    frame.to_csv(catalog / name, index=False, encoding="utf-8", lineterminator="\n")


def failures(catalog: Path) -> list[Failure]:
    return catalog_failures(catalog)


def has(found: list[Failure], file: str, rule: str, line: int | None = "any") -> bool:
    return any(f.file == file and f.rule == rule and (line == "any" or f.line == line) for f in found)


def row_of(catalog: Path, file: str, **match) -> int:
    frame = table(file, catalog)
    mask = pd.Series(True, index=frame.index)
    for column, value in match.items():
        mask &= frame[column] == value
    return int(frame.index[mask][0])


def test_overlapping_windows_fail_one_primary_entry(catalog: Path):
    i = row_of(catalog, "products.csv", code="3973", nbs_edition="2018")
    edit(catalog, "products.csv", lambda f: pd.concat([f, f.loc[[i]]], ignore_index=True))
    last_line = len(table("products.csv", catalog)) + 1
    found = failures(catalog)
    assert has(found, "products.csv", "one_primary_entry", last_line)
    with pytest.raises(CatalogValidationError) as err:
        validate_catalog(catalog)
    assert f"products.csv: line {last_line}: one_primary_entry" in str(err.value)
    assert isinstance(err.value, CatalogError)


def test_a_catalog_that_passed_is_not_judged_again_until_a_file_changes(catalog: Path, tmp_path: Path):
    record = tmp_path / "landed" / "catalog_passed.txt"
    assert validate_catalog_unless_passed(catalog, record) is True       # judged, and its pass recorded
    passed = record.read_text(encoding="utf-8")
    assert validate_catalog_unless_passed(catalog, record) is False      # the same files and code: not again
    original = (catalog / "products.csv").read_bytes()
    i = row_of(catalog, "products.csv", code="3973", nbs_edition="2018")
    edit(catalog, "products.csv", lambda f: pd.concat([f, f.loc[[i]]], ignore_index=True))
    with pytest.raises(CatalogValidationError, match="one_primary_entry"):  # a changed file is judged, and fails
        validate_catalog_unless_passed(catalog, record)
    assert record.read_text(encoding="utf-8") == passed                  # a failure is never recorded
    (catalog / "products.csv").write_bytes(original)
    (catalog / "notes.txt").write_text("any file of the folder counts", encoding="utf-8")
    assert validate_catalog_unless_passed(catalog, record) is True
    assert [p.name for p in record.parent.iterdir()] == ["catalog_passed.txt"]  # no partial file left


# One broken cell, one named failure on that cell's line: (file, row locator, column, bad value, rule).
ONE_CELL_BREAKS = [
    ("products.csv", dict(code="3973", nbs_edition="2018"), "valid_from", "2019-03", "valid_from_january"),  # window that does not start in january
    ("products.csv", dict(code="3973", nbs_edition="2012"), "valid_to", "2018-06", "valid_to_december"),  # window that does not end in december
    ("products.csv", dict(code="3973", nbs_edition="2018"), "nbs_edition", "2023", "nbs_edition_known"),  # unknown edition
    ("products.csv", dict(code="3849", nbs_edition="2018"), "field", "储能", "field_known"),  # alias instead of canonical field name
    ("products.csv", dict(code="4210", nbs_edition="2018"), "field", "庄河静脉产业园", "field_is_product"),  # entry in a place
    ("products.csv", dict(code="3973", nbs_edition="2018"), "area", "节能环保", "area_matches_field"),  # area that disagrees with the field
    ("fields.csv", dict(name="数字创意"), "area", "数字创意产业", "area_allowed"),  # area outside the six
    ("products.csv", dict(code="3973", nbs_edition="2018"), "key_field", "false", "key_field_matches_field"),  # key field that disagrees with the field
    ("products.csv", dict(code="3973", nbs_edition="2018"), "key_field", "True", "key_field_format"),  # key field in capitals
    ("products.csv", dict(code="3973", nbs_edition="2018"), "nbs_code", "1.9", "nbs_code_in_national_table"),  # level2 nbs code not in the national table
    ("products.csv", dict(code="3973", nbs_edition="2018"), "name", "芯片制造", "verified_in_reference"),  # verified code missing from the reference
    ("fields.csv", dict(name="储能产业"), "key_field", "false", "key_field_flagged"),  # key field not flagged
    ("fields.csv", dict(seed_section="三(一)1"), "seed_section", "三(一)9", "plan_item_exists"),  # item in the wrong area
]


@pytest.mark.parametrize("file, locator, column, value, rule", ONE_CELL_BREAKS, ids=[case[4] for case in ONE_CELL_BREAKS])
def test_one_broken_cell_fails_its_rule_on_its_line(catalog: Path, file, locator, column, value, rule):
    i = row_of(catalog, file, **locator)
    edit(catalog, file, lambda f: f.assign(**{column: f[column].where(f.index != i, value)}))
    assert has(failures(catalog), file, rule, i + 2)


def test_window_ending_before_it_starts_fails(catalog: Path):
    i = row_of(catalog, "products.csv", code="3973", nbs_edition="2012")
    edit(catalog, "products.csv", lambda f: f.assign(valid_from=f["valid_from"].where(f.index != i, "2018-01"),
                                                    valid_to=f["valid_to"].where(f.index != i, "2017-12")))
    assert has(failures(catalog), "products.csv", "window_order", i + 2)


def test_window_outside_its_edition_fails(catalog: Path):
    i = row_of(catalog, "products.csv", code="3973", nbs_edition="2012")
    j = row_of(catalog, "products.csv", code="3973", nbs_edition="2018")
    edit(catalog, "products.csv", lambda f: f.drop(index=j).assign(valid_to=f["valid_to"].where(f.index != i, "")))
    assert has(failures(catalog), "products.csv", "window_in_edition", i + 2)


def test_level3_nbs_code_needs_a_parent_in_the_national_table(catalog: Path):
    i = row_of(catalog, "products.csv", code="3973", nbs_edition="2018")
    edit(catalog, "products.csv", lambda f: f.assign(nbs_code=f["nbs_code"].where(f.index != i, "1.2.4")))
    assert not any(x.rule.startswith("nbs_") for x in failures(catalog))  # allowed, counted unverified
    edit(catalog, "products.csv", lambda f: f.assign(nbs_code=f["nbs_code"].where(f.index != i, "1.9.1")))
    assert has(failures(catalog), "products.csv", "nbs_parent_in_national_table", i + 2)
    edit(catalog, "products.csv", lambda f: f.assign(nbs_code=f["nbs_code"].where(f.index != i, "1")))
    assert has(failures(catalog), "products.csv", "nbs_code_format", i + 2)


def test_industry_entry_for_a_partly_sei_industry_fails(catalog: Path):
    i = row_of(catalog, "products.csv", code="3849", nbs_edition="2018")
    edit(catalog, "products.csv", lambda f: f.assign(code=f["code"].where(f.index != i, "384"),
                                                    verified=f["verified"].where(f.index != i, "false")))
    assert has(failures(catalog), "products.csv", "partial_industry_not_entry", i + 2)


def test_bad_product_code_and_kind_fail(catalog: Path):
    i = row_of(catalog, "products.csv", code="3973", nbs_edition="2018")
    edit(catalog, "products.csv", lambda f: f.assign(kind=f["kind"].where(f.index != i, "product"),
                                                    code=f["code"].where(f.index != i, "397")))
    assert has(failures(catalog), "products.csv", "code_format", i + 2)
    edit(catalog, "products.csv", lambda f: f.assign(kind=f["kind"].where(f.index != i, "service")))
    assert has(failures(catalog), "products.csv", "kind_allowed", i + 2)


def test_missing_key_field_fails(catalog: Path):
    i = row_of(catalog, "fields.csv", name="大数据")
    edit(catalog, "fields.csv", lambda f: f.assign(name=f["name"].where(f.index != i, "数据服务"),
                                                  aliases=f["aliases"].where(f.index != i, "")))
    found = failures(catalog)
    assert has(found, "fields.csv", "key_field_present", None)
    assert has(found, "fields.csv", "key_field_flagged", i + 2)  # flagged but no longer a key field


def test_missing_plan_item_fails(catalog: Path):
    i = row_of(catalog, "fields.csv", seed_section="三(六)4")
    edit(catalog, "fields.csv", lambda f: f.assign(seed_section=f["seed_section"].where(f.index != i, "三(六)5")))
    found = failures(catalog)
    assert has(found, "fields.csv", "plan_item_present", None)
    assert has(found, "fields.csv", "plan_item_exists", i + 2)

    j = row_of(catalog, "fields.csv", name="人工智能")
    edit(catalog, "fields.csv", lambda f: f.assign(area=f["area"].where(f.index != j, "文化创意")))
    assert has(failures(catalog), "fields.csv", "area_matches_section", j + 2)


def test_place_without_zone_and_duplicate_spelling_fail(catalog: Path):
    i = row_of(catalog, "fields.csv", name="红沿河循环经济区")
    j = row_of(catalog, "fields.csv", name="储能产业")
    edit(catalog, "fields.csv", lambda f: f.assign(zones=f["zones"].where(f.index != i, ""),
                                                  aliases=f["aliases"].where(f.index != j, "储能|新材料")))
    found = failures(catalog)
    assert has(found, "fields.csv", "place_has_zone", i + 2)
    assert has(found, "fields.csv", "spelling_unique")


def test_secondary_membership_rules(catalog: Path):
    edit(catalog, "secondary_fields.csv", lambda f: pd.concat([f, pd.DataFrame([
        {"code": "3973", "kind": "industry", "field": "集成电路", "note": "same as primary"},
        {"code": "9999", "kind": "industry", "field": "新材料", "note": "no entry"},
    ])], ignore_index=True))
    n = len(table("secondary_fields.csv", catalog))
    found = failures(catalog)
    assert has(found, "secondary_fields.csv", "secondary_not_primary", n)
    assert has(found, "secondary_fields.csv", "secondary_has_primary", n + 1)


def test_zone_office_and_edition_rules(catalog: Path):
    i = row_of(catalog, "zones.csv", zone_id="huayuankou")
    edit(catalog, "zones.csv", lambda f: f.assign(districts=f["districts"].where(f.index != i, "210299")))
    j = row_of(catalog, "offices.csv", office="市环保局")
    edit(catalog, "offices.csv", lambda f: f.assign(successor_date=f["successor_date"].where(f.index != j, "2019")))
    edit(catalog, "field_offices.csv", lambda f: f.assign(office=f["office"].where(f.index != 0, "市经委")))
    edit(catalog, "editions.csv", lambda f: f.assign(last_year=f["last_year"].where(f.index != 0, "2019")))
    found = failures(catalog)
    assert has(found, "zones.csv", "district_in_dalian", i + 2)
    assert has(found, "offices.csv", "successor_date_format", j + 2)
    assert has(found, "field_offices.csv", "office_known", 2)
    assert has(found, "editions.csv", "editions_not_overlapping", 3)


def test_partial_and_plan_product_rules(catalog: Path):
    edit(catalog, "nbs_partial.csv", lambda f: f.assign(nbs_code=f["nbs_code"].where(f.index != 0, "5.9")))
    edit(catalog, "plan_products.csv", lambda f: f.assign(product_codes=f["product_codes"].where(f.index != 0, "3849010100"),
                                                         industry_code=f["industry_code"].where(f.index != 1, "9999")))
    found = failures(catalog)
    assert has(found, "nbs_partial.csv", "nbs_code_in_national_table", 2)
    assert has(found, "plan_products.csv", "product_code_known", 2)
    assert has(found, "plan_products.csv", "industry_in_reference", 3)


def test_missing_file_and_missing_column_fail(catalog: Path):
    (catalog / "zones.csv").unlink()
    assert has(failures(catalog), "zones.csv", "file_present", None)
    shutil.copy(CATALOG / "zones.csv", catalog / "zones.csv")
    edit(catalog, "products.csv", lambda f: f.drop(columns=["nbs_edition"]))
    assert has(failures(catalog), "products.csv", "columns_present", 1)


def test_product_entries_cover_plan_products_in_the_report(catalog: Path):
    # a product entry (the code here is a test fixture, not a real 统计用产品分类目录 code)
    row = {"code": "3821990000", "kind": "product", "name": "互感器(测试)", "area": "高端装备与新材料",
           "field": "互感器", "key_field": "false", "nbs_code": "6.5", "valid_from": "2019-01", "valid_to": "",
           "nbs_edition": "2018", "nbs_verified": "false", "source": "test fixture", "verified": "false"}
    edit(catalog, "products.csv", lambda f: pd.concat([f, pd.DataFrame([row])], ignore_index=True))
    i = row_of(catalog, "plan_products.csv", product="互感器(数字化、智能化)")
    edit(catalog, "plan_products.csv", lambda f: f.assign(product_codes=f["product_codes"].where(f.index != i, "3821990000")))
    validate_catalog(catalog)
    report = coverage_report(catalog)
    assert "covered by a product entry: 1;" in report
    assert "entries in force: 61 (industry 60, product 1)" in report
    coarse = report[report.index("粗口径条目"):report.index("部分属于")]
    assert "3821990000" in coarse  # a residual (99) product level is flagged

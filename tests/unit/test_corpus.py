"""Messy-but-valid returns are read correctly, not rejected; broken ones fail as they should.

The corpus is tests/data/returns/, its expected outcomes tests/data/expected.yaml: every file is
read (read_return_file), normalised (normalize_lines) and judged (find_failures) as landing does.
Below it, one focused test per normalisation rule.
"""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path

import pandas as pd
import pytest
import yaml
from python_calamine import CalamineWorkbook

from sei_stats.catalog import read_districts
from sei_stats.config import REPO_ROOT
from sei_stats.normalize import (
    blank_not_reported,
    drop_float_zero,
    fold_width,
    normalize_lines,
    normalize_value,
    pad_industry_code,
    pad_product_code,
    period_to_yyyy_mm,
    remove_inner_whitespace,
    remove_thousands_separators,
    strip_surrounding,
    uppercase,
)
from sei_stats.read import FIELDS, ReturnFileError, read_period, read_return_file
from sei_stats.validate import find_failures

from conftest import A, B, HEADER, write_csv

DATA = Path(__file__).parents[1] / "data"
RETURNS = DATA / "returns"
MANIFEST = yaml.safe_load((DATA / "expected.yaml").read_text(encoding="utf-8"))["files"]
DALIAN = set(read_districts(REPO_ROOT / "data" / "catalog")["code"])


def _make_xlsx():
    spec = importlib.util.spec_from_file_location("corpus_make_xlsx", DATA / "make_xlsx.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# --- the corpus --------------------------------------------------------------------------


def test_the_manifest_names_every_corpus_file_and_nothing_else():
    assert sorted(MANIFEST) == sorted(p.name for p in RETURNS.iterdir())
    assert len(MANIFEST) >= 20


def test_every_manifest_value_is_text():
    # An unquoted code in YAML would silently become a number ("0610" is octal 392).
    for name, spec in MANIFEST.items():
        assert isinstance(spec["period"], str), name
        for number, line in spec.get("lines", {}).items():
            assert isinstance(number, int), (name, number)
            assert set(line["values"]) <= set(FIELDS), (name, number)
            assert all(isinstance(v, str) for v in line["values"].values()), (name, number)
            assert set(line["normalized"]) <= set(FIELDS), (name, number)
            assert ("rules" in line) != bool(line.get("non_return")), (name, number)


@pytest.mark.parametrize("name", sorted(MANIFEST))
def test_corpus_file_gives_its_expected_outcome(name):
    spec = MANIFEST[name]
    path = RETURNS / name
    if "fails" in spec:
        with pytest.raises(ReturnFileError) as caught:
            read_return_file(path)
        assert spec["fails"] in str(caught.value)
        assert name in str(caught.value)  # the message names the file
        return

    raw = read_return_file(path, label=f"{spec['period']}/{name}")
    lines = normalize_lines(raw)
    failed = find_failures(lines, spec["period"], DALIAN)

    expected = spec["lines"]
    assert lines["line_number"].tolist() == sorted(expected), "received lines and their line numbers"
    assert (lines["source_file"] == f"{spec['period']}/{name}").all()
    for index, line in lines.iterrows():
        want = expected[int(line["line_number"])]
        where = f"{name} line {line['line_number']}"
        got_values = {field: line[field] for field in want["values"]}
        assert got_values == want["values"], where
        assert line["normalized"] == ",".join(want["normalized"]), where
        # A field not listed as normalised is exactly as read.
        for field in FIELDS:
            if field not in want["normalized"]:
                assert line[field] == raw.loc[index, field], (where, field)
        if not want.get("non_return"):
            rules = sorted(failed.loc[failed["row"] == index, "rule"])
            assert rules == sorted(want["rules"]), where


def test_make_xlsx_still_writes_the_committed_workbooks(tmp_path):
    written = _make_xlsx().write(tmp_path)
    assert {p.name for p in written} <= set(MANIFEST)
    for path in written:
        committed = RETURNS / path.name
        if path.name == "broken.xlsx":
            assert path.read_bytes() == committed.read_bytes()
            continue
        fresh = CalamineWorkbook.from_path(str(path)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        kept = CalamineWorkbook.from_path(str(committed)).get_sheet_by_index(0).to_python(skip_empty_area=False)
        assert fresh == kept, path.name
        assert committed.stat().st_size < 20_000


def test_the_committed_xls_holds_the_cells_of_its_xlsx():
    # online_system.xls is online_system.xlsx converted by LibreOffice (soffice --headless --convert-to xls)
    assert (RETURNS / "online_system.xls").read_bytes()[:8] == bytes.fromhex("d0cf11e0a1b11ae1")  # OLE2: BIFF, not a zip
    xls, xlsx = (CalamineWorkbook.from_path(str(RETURNS / f"online_system.{suffix}")).get_sheet_by_index(0)
                 .to_python(skip_empty_area=False) for suffix in ("xls", "xlsx"))
    assert xls == xlsx
    assert MANIFEST["online_system.xls"]["lines"] == MANIFEST["online_system.xlsx"]["lines"]
    assert (RETURNS / "online_system.xls").stat().st_size < 20_000


def test_a_period_folder_of_messy_files_is_read_normalised_and_accepted(tmp_path):
    folder = tmp_path / "2018-03"
    folder.mkdir()
    for name in ("online_system.xlsx", "fullwidth.csv", "thousands.csv"):
        shutil.copy(RETURNS / name, folder / name)
    lines = normalize_lines(read_period(tmp_path, "2018-03"))
    assert lines.drop_duplicates("source_file")[["source_file", "file_order"]].values.tolist() == [
        ["2018-03/fullwidth.csv", 0], ["2018-03/online_system.xlsx", 1], ["2018-03/thousands.csv", 2]]
    assert len(lines) == 3 + 3 + 4
    assert find_failures(lines, "2018-03", DALIAN).empty
    assert lines["normalized"].dtype == pd.StringDtype()
    assert (lines["normalized"] != "").sum() == 2 + 3 + 3


# --- the header of the online reporting system ----------------------------------------------


def test_title_rows_units_and_numbering_rows_are_header_not_lines(tmp_path):
    path = tmp_path / "r.csv"
    rows = [["2018年3月 月报"], ["填报单位：统计局", "", "报告期：2018年3月"], HEADER,
            ["", "", "", "", "", "", "", "千元", "千元"], ["甲", "乙", "丙", "丁", "戊", "己", "庚", "1", "2"],
            ["2018-03", A, "大连芯片", "210213", "3973", "397301", "芯片", "100", "90"]]
    path.write_text("\n".join(",".join(r) for r in rows) + "\n", encoding="utf-8")
    frame = read_return_file(path)
    assert frame["line_number"].tolist() == [6]
    assert frame.loc[0, "credit_code"] == A


def test_a_line_that_only_reports_a_small_output_is_not_taken_for_a_numbering_row(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["", "", "", "", "", "", "", "7", ""],
                                          ["2018-03", A, "大连芯片", "210213", "3973", "", "芯片", "100", ""]])
    assert read_return_file(path)["line_number"].tolist() == [2, 3]


def test_a_row_below_the_header_holding_a_credit_code_is_a_line(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["1", A, "2", "3", "4", "5", "6", "7", "8"]])
    assert read_return_file(path)["line_number"].tolist() == [2]


def test_a_numbering_row_must_count_upwards(tmp_path):
    path = write_csv(tmp_path / "r.csv", [["", "", "", "", "", "", "", "2", "1"]])
    assert read_return_file(path)["line_number"].tolist() == [2]


def test_rows_above_a_header_naming_fewer_than_six_columns_do_not_make_a_header(tmp_path):
    path = tmp_path / "r.csv"
    path.write_text("报告期,统一社会信用代码,单位详细名称,行政区划代码,行业代码\n" + ",".join(HEADER) + "\n"
                    + f"2018-03,{A},x,210213,3973,,y,1,\n", encoding="utf-8")
    assert read_return_file(path)["line_number"].tolist() == [3]


# --- each normalisation rule ----------------------------------------------------------------


def test_strip_surrounding_removes_ideographic_and_no_break_spaces_only_around():
    assert strip_surrounding("\u3000 大连 芯片\u00a0\t") == "大连 芯片"
    assert strip_surrounding("\ufeff3973\u200b") == "3973"


def test_inner_whitespace_goes_from_codes_and_numbers_not_from_names():
    assert remove_inner_whitespace("210 213") == "210213"
    assert remove_inner_whitespace("1\u3000234\u00a0567") == "1234567"
    assert normalize_value("district_code", "21 02 13") == "210213"
    assert normalize_value("output_ytd", "1 234.5") == "1234.5"
    assert normalize_value("enterprise_name", " 大连 芯片 有限公司 ") == "大连 芯片 有限公司"


def test_full_width_folds_in_codes_numbers_and_period_but_names_keep_it():
    assert fold_width("２１０２１３") == "210213"
    assert normalize_value("credit_code", "９１２１０２１３ＭＡ００００００１Ｇ") == "91210213MA0000001G"
    assert normalize_value("output_ytd", "１２３４．５") == "1234.5"
    assert normalize_value("period", "２０１８－０３") == "2018-03"
    assert normalize_value("enterprise_name", "\u3000大连（金州）ＩＣ有限公司\u3000") == "大连（金州）ＩＣ有限公司"
    assert normalize_value("product_name", "ＩＣ芯片（１２英寸）") == "ＩＣ芯片（１２英寸）"


@pytest.mark.parametrize("mark", ["—", "——", "-", "--", "…", "...", "－", "⋯", "－－", "―"])
@pytest.mark.parametrize("field", ["output_ytd", "output_ytd_prior"])
def test_a_dash_or_ellipsis_is_not_reported_blank_never_zero(field, mark):
    assert normalize_value(field, mark) == ""
    assert normalize_value(field, f" {mark} ") == ""
    assert normalize_value(field, mark) != "0"


@pytest.mark.parametrize("text", ["0", "-5", "—5", "5-", "1..2", "abc", "不详", "1千", "N/A"])
def test_anything_else_stays_as_it_was(text):
    assert blank_not_reported(text) == text
    assert normalize_value("output_ytd", text) == text


@pytest.mark.parametrize("text, expected", [
    ("1,234,567.5", "1234567.5"), ("1,234", "1234"), ("12,000", "12000"), ("-1,234", "-1234"),
    ("1,000,000.125", "1000000.125"), ("1234", "1234"),
    ("1,23", "1,23"), ("12,34,567", "12,34,567"), ("1,2345", "1,2345"), (",123", ",123"),
    ("1,234,56", "1,234,56"), ("1.234,5", "1.234,5"), ("1234,567", "1234,567"),
])
def test_thousands_separators_go_only_when_groups_of_three(text, expected):
    assert remove_thousands_separators(text) == expected


def test_full_width_comma_groups_are_thousands_separators_too():
    assert normalize_value("output_ytd", "１，２３４，５６７") == "1234567"
    assert normalize_value("output_ytd_prior", "1，23") == "1,23"


def test_a_negative_with_a_full_width_minus_stays_negative():
    assert normalize_value("output_ytd", "－５００") == "-500"
    assert normalize_value("output_ytd_prior", "\u221212.5") == "-12.5"


def test_credit_codes_are_uppercased_and_never_padded():
    assert uppercase("91210213ma0000001g") == "91210213MA0000001G"
    assert normalize_value("credit_code", " 91210213ma0000001g ") == "91210213MA0000001G"
    assert normalize_value("credit_code", "1210213MA0000001G") == "1210213MA0000001G"  # 17 characters stay 17
    assert normalize_value("credit_code", "credit_code") == "credit_code"  # no code: as written


@pytest.mark.parametrize("text, expected", [
    ("2018-03", "2018-03"), ("2018-3", "2018-03"), ("2018/03", "2018-03"), ("2018/3", "2018-03"),
    ("2018.03", "2018-03"), ("2018.12", "2018-12"), ("201803", "2018-03"), ("2018年3月", "2018-03"),
    ("2018年03月", "2018-03"), ("2018 年 3 月", "2018-03"), ("2018年3月份", "2018-03"),
    ("2018-03-01", "2018-03"), ("2018-03-31", "2018-03"), ("2018/3/1", "2018-03"),
    ("2018-03-01 00:00:00", "2018-03"), ("43160", "2018-03"), ("43190", "2018-03"),
    ("36526", "2000-01"), ("60000", "2064-04"), ("43160.0", "2018-03"),
    # anything else stays as it is and the period rule rejects it
    ("March 2018", "March 2018"), ("2018-13", "2018-13"), ("201813", "201813"), ("2018-00", "2018-00"),
    ("2018.3", "2018.3"), ("2018.1", "2018.1"), ("2018-02-30", "2018-02-30"), ("18-03", "18-03"),
    ("36525", "36525"), ("60001", "60001"), ("12345", "12345"), ("2018", "2018"), ("2018-03-01x", "2018-03-01x"),
    ("43160.5", "43160.5"),
])
def test_period_forms(text, expected):
    assert period_to_yyyy_mm(text) == expected


def test_period_folds_width_first():
    assert normalize_value("period", "２０１８年３月") == "2018-03"


def test_float_exports_lose_their_zero_fraction_only():
    assert drop_float_zero("3973.0") == "3973"
    assert drop_float_zero("210213.00") == "210213"
    assert drop_float_zero("3973.5") == "3973.5"
    assert normalize_value("district_code", "210213.0") == "210213"
    assert normalize_value("product_code", "397301.0") == "397301"


@pytest.mark.parametrize("text, expected", [
    ("610", "0610"), ("111", "0111"), ("3973", "3973"), ("3973.0", "3973"), ("６１０", "0610"), ("610.0", "0610"),
    ("39", "39"), ("5", "5"), ("03973", "03973"), ("", ""), ("39A", "39A"), ("٣٩٧", "٣٩٧"),
])
def test_industry_codes_get_back_one_lost_zero(text, expected):
    assert normalize_value("industry_code", text) == expected


def test_pad_industry_code_alone():
    assert pad_industry_code("973") == "0973"
    assert pad_industry_code("97") == "97"


@pytest.mark.parametrize("text, expected", [
    ("61001", "061001"), ("1", "01"), ("397301", "397301"), ("3973", "3973"), ("", ""), ("39730A", "39730A"),
    ("1011.0", "1011"), ("101.0", "0101"),
])
def test_product_codes_of_odd_length_get_one_leading_zero(text, expected):
    assert normalize_value("product_code", text) == expected


def test_pad_product_code_alone():
    assert pad_product_code("61001") == "061001"
    assert pad_product_code("3973011") == "03973011"
    assert pad_product_code("397301") == "397301"


def test_district_codes_are_never_padded():
    assert normalize_value("district_code", "21213") == "21213"
    assert normalize_value("district_code", "21213.0") == "21213"


# --- normalize_lines ------------------------------------------------------------------------


def _frame(rows: list[list[str]]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(FIELDS)).astype("string")
    frame.insert(0, "source_file", pd.Series(["2018-03/r.csv"] * len(rows), dtype="string"))
    frame.insert(1, "file_order", 0)
    frame.insert(2, "line_number", range(2, 2 + len(rows)))
    return frame


def test_normalized_lists_exactly_the_fields_changed():
    frame = _frame([
        ["2018-03", A, "大连芯片", "210213", "3973", "397301", "芯片", "100", "90"],
        ["2018/3", A.lower(), "ＩＣ公司", "２１０２１３", "610", "", "芯片", "1,000", "—"],
        ["2018-03", B, "大连", "210211", "3491", "61001", "机器人", "5", ""],
    ])
    out = normalize_lines(frame)
    assert out["normalized"].tolist() == [
        "", "period,credit_code,district_code,industry_code,output_ytd,output_ytd_prior", "product_code"]
    assert out["normalized"].dtype == pd.StringDtype()
    assert out.loc[1, ["period", "credit_code", "enterprise_name", "district_code", "industry_code",
                       "output_ytd", "output_ytd_prior"]].tolist() == [
        "2018-03", A, "ＩＣ公司", "210213", "0610", "1000", ""]


def test_normalize_lines_keeps_the_frame_and_does_not_touch_its_input():
    frame = _frame([["2018/3", A.lower(), "x", "210213", "3973", "", "y", "1,000", ""]])
    before = frame.copy()
    out = normalize_lines(frame)
    pd.testing.assert_frame_equal(frame, before)
    assert list(out.columns) == [*frame.columns, "normalized"]
    assert out.index.equals(frame.index)
    assert out[["source_file", "file_order", "line_number"]].equals(frame[["source_file", "file_order", "line_number"]])
    assert all(out[f].dtype == pd.StringDtype() for f in FIELDS)


def test_normalizing_twice_changes_nothing_more():
    frame = _frame([["２０１８年３月", A.lower(), "ＩＣ", "210213.0", "610", "61001", "芯片", "1,234.5", "…"]])
    once = normalize_lines(frame)
    twice = normalize_lines(once.drop(columns="normalized"))
    assert twice["normalized"].tolist() == [""]
    assert twice[list(FIELDS)].equals(once[list(FIELDS)])


def test_missing_values_stay_missing_and_an_empty_frame_works():
    frame = _frame([["2018-03", A, "x", "210213", "3973", "", "y", "1", ""]])
    frame.loc[0, "product_code"] = pd.NA
    out = normalize_lines(frame)
    assert pd.isna(out.loc[0, "product_code"])
    assert out.loc[0, "normalized"] == ""
    empty = normalize_lines(_frame([]))
    assert empty.empty and "normalized" in empty.columns


def test_a_messy_line_that_validation_would_reject_is_accepted_once_normalised(tmp_path):
    row = ["２０１８年３月", A.lower(), "大连芯片", "２１０２１３.0", "3973", "397301", "芯片", "1,234,567.5", "—"]
    write_csv(tmp_path / "2018-03" / "r.csv", [row])
    raw = read_period(tmp_path, "2018-03")
    assert set(find_failures(raw, "2018-03", DALIAN)["rule"]) == {
        "period_matches_folder", "credit_code_check", "district_in_dalian", "output_ytd_numeric",
        "output_ytd_prior_numeric"}
    assert find_failures(normalize_lines(raw), "2018-03", DALIAN).empty

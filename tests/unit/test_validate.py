import pytest

from sei_stats.credit_code import check_character

from sei_stats.read import read_period
from sei_stats.validate import find_failures, judge_period

from conftest import A, B, C, write_csv

DALIAN = {"210202", "210203", "210204", "210211", "210212", "210213", "210214", "210224", "210281", "210283"}
ROSTER = frozenset()
GOOD = ["2018-03", A, "大连芯片", "210213", "3973", "397301", "芯片", "100", "90"]


def failures_of(tmp_path, row):
    write_csv(tmp_path / "2018-03" / "r.csv", [row])
    lines = read_period(tmp_path, "2018-03")
    return find_failures(lines, "2018-03", DALIAN)


def with_field(index, value):
    row = list(GOOD)
    row[index] = value
    return row


def test_a_good_line_fails_nothing(tmp_path):
    assert failures_of(tmp_path, GOOD).empty


@pytest.mark.parametrize(
    "index, value, rule, field, message",
    [
        (1, A[:-1] + ("X" if A[-1] != "X" else "Y"), "credit_code_check", "credit_code", "credit_code fails GB 32100-2015"),
        (1, "9121", "credit_code_check", "credit_code", "has 4 characters, not 18"),
        (3, "210102", "district_in_dalian", "district_code", "not one of Dalian's ten district codes"),
        (0, "2018-02", "period_matches_folder", "period", "is not YYYY-MM of the folder, 2018-03: '2018-02'"),
        (0, "2018/03", "period_matches_folder", "period", "'2018/03'"),
        (4, "397", "industry_code_format", "industry_code", "not a 4-digit GB/T 4754-2017 class"),
        (7, "", "output_ytd_missing", "output_ytd", "output_ytd is empty"),
        (7, "-5", "output_ytd_non_negative", "output_ytd", "output_ytd is negative: '-5'"),
        (7, "abc", "output_ytd_numeric", "output_ytd", "output_ytd is not a number in 千元"),
        (7, "1.2345", "output_ytd_numeric", "output_ytd", "at most 3 decimals"),
        (8, "-1", "output_ytd_prior_non_negative", "output_ytd_prior", "output_ytd_prior is negative"),
        (8, "n/a", "output_ytd_prior_numeric", "output_ytd_prior", "output_ytd_prior is not a number"),
        (2, "", "required", "enterprise_name", "enterprise_name is empty (required)"),
        (6, "", "required", "product_name", "product_name is empty (required)"),
        (1, "", "required", "credit_code", "credit_code is empty (required)"),
    ],
)
def test_each_reject_rule_names_itself_and_the_value(tmp_path, index, value, rule, field, message):
    failed = failures_of(tmp_path, with_field(index, value))
    assert failed[["rule", "field"]].values.tolist() == [[rule, field]]
    assert message in failed.loc[0, "message"]


def test_blank_prior_and_blank_product_code_are_allowed(tmp_path):
    assert failures_of(tmp_path, with_field(8, "")).empty
    assert failures_of(tmp_path, with_field(5, "")).empty


def test_a_line_failing_several_rules_lists_each(tmp_path):
    row = with_field(3, "210102")
    row[7] = "-1"
    failed = failures_of(tmp_path, row)
    assert sorted(failed["rule"]) == ["district_in_dalian", "output_ytd_non_negative"]
    assert set(failed["row"]) == {0}


def buckets(tmp_path, files: dict[str, list[list[str]]]):
    for name, rows in files.items():
        write_csv(tmp_path / "2018-03" / name, rows)
    lines = read_period(tmp_path, "2018-03")
    return judge_period(lines, "2018-03", DALIAN, ROSTER)[0]


def line(code, product, ytd, prior="1"):
    return ["2018-03", code, "企业", "210213", "3973", product, "产品", ytd, prior]


def test_a_correction_supersedes_the_whole_earlier_return_rejected_lines_included(tmp_path):
    out = buckets(tmp_path, {
        "01.csv": [line(A, "1", "100"), line(A, "2", "-5"), line(B, "1", "50")],
        "02_correction.csv": [line(A, "1", "120")],
    })
    got = out[["source_file", "line_number", "credit_code", "status", "superseded_by"]].astype(object).where(out.notna(), None)
    assert got.values.tolist() == [
        ["2018-03/01.csv", 2, A, "superseded", "2018-03/02_correction.csv"],
        ["2018-03/01.csv", 3, A, "superseded", "2018-03/02_correction.csv"],
        ["2018-03/01.csv", 4, B, "accepted", None],
        ["2018-03/02_correction.csv", 2, A, "accepted", None],
    ]


def test_an_invalid_resubmission_replaces_nothing(tmp_path):
    out = buckets(tmp_path, {
        "01.csv": [line(A, "1", "100")],
        "02.csv": [line(A, "1", "abc")],
    })
    assert out["status"].tolist() == ["accepted", "rejected"]


def test_the_latest_file_with_a_valid_line_wins(tmp_path):
    out = buckets(tmp_path, {
        "a.csv": [line(A, "1", "100")],
        "b.csv": [line(A, "1", "110")],
        "c.csv": [line(A, "1", "120"), line(A, "2", "oops")],
    })
    assert out["status"].tolist() == ["superseded", "superseded", "accepted", "rejected"]
    assert out["superseded_by"].dropna().unique().tolist() == ["2018-03/c.csv"]


def test_every_received_line_lands_in_exactly_one_bucket(tmp_path):
    out = buckets(tmp_path, {
        "01.csv": [line(A, "1", "100"), line(B, "1", "x"), line(C, "1", "7"), line(A, "9", "-1")],
        "02.csv": [line(C, "1", "8"), line(B, "2", "")],
    })
    counts = out["status"].value_counts().to_dict()
    assert counts == {"accepted": 2, "superseded": 1, "rejected": 3}
    assert sum(counts.values()) == len(out) == 6


def test_total_rows_and_repeated_headers_are_no_returns(tmp_path):
    from conftest import HEADER

    out = buckets(tmp_path, {"01.csv": [line(A, "1", "100"), HEADER, line(B, "1", "50"),
                                        ["", "", "合计", "", "", "", "", "150", "1"], ["小计", "", "", "", "", "", "", "150", ""]]})
    assert out["status"].tolist() == ["accepted", "not_a_return", "accepted", "not_a_return", "not_a_return"]


def test_exact_duplicates_collapse_and_conflicting_ones_are_held(tmp_path):
    for name, rows in {"01.csv": [line(A, "1", "100"), line(A, "1", "100"), line(B, "1", "50"), line(B, "1", "55"),
                                  line(C, "1", "7")]}.items():
        write_csv(tmp_path / "2018-03" / name, rows)
    judged, findings = judge_period(read_period(tmp_path, "2018-03"), "2018-03", DALIAN)
    assert judged["status"].tolist() == ["accepted", "duplicate", "held", "held", "accepted"]
    assert findings[["row", "rule", "severity"]].values.tolist() == [
        [1, "exact_duplicate", "duplicate"], [2, "conflicting_duplicate", "hold"], [3, "conflicting_duplicate", "hold"]]
    assert findings.loc[1, "message"] == findings.loc[2, "message"] == f"{B}的产品1在本期报表中有多行且数值不同"


def test_a_conflicting_product_without_a_code_is_named_by_its_name(tmp_path):
    rows = [line(A, "", "100"), line(A, "", "120")]
    write_csv(tmp_path / "2018-03" / "01.csv", rows)
    _, findings = judge_period(read_period(tmp_path, "2018-03"), "2018-03", DALIAN)
    assert findings["message"].tolist() == [f"{A}的产品产品在本期报表中有多行且数值不同"] * 2


def test_a_failing_check_character_is_a_warning_for_a_roster_enterprise(tmp_path):
    pilot = A[:-1] + ("X" if A[-1] != "X" else "Y")
    write_csv(tmp_path / "2018-03" / "01.csv", [line(pilot, "1", "100"), line(pilot[:-1] + "0", "1", "5")])
    judged, findings = judge_period(read_period(tmp_path, "2018-03"), "2018-03", DALIAN, frozenset({pilot}))
    assert judged["status"].tolist() == ["accepted", "rejected"]
    assert findings[["row", "rule", "severity"]].values.tolist() == [
        [0, "credit_code_check_roster", "warn"], [1, "credit_code_check", "reject"]]
    expected = check_character(A[:17])
    assert findings.loc[0, "message"] == (f"统一社会信用代码{pilot}未通过GB 32100-2015校验（校验码为{pilot[-1]}，"
                                          f"按GB 32100-2015应为{expected}），该单位在调查名录内")
    assert findings.loc[1, "message"].startswith("credit_code fails GB 32100-2015")  # a reject: the rejects' wording

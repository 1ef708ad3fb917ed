"""The review queue as an Excel workbook, filled as a reviewer would and read back; review, roster and
registry files as Excel saves them (GB18030, codes turned into numbers)."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from openpyxl import load_workbook

from sei_stats.config import data_paths
from sei_stats.inputs import read_platforms, read_reviews
from sei_stats.review_match import unmatched
from sei_stats.review_workbook import SHEET, WorkbookExists, write_review_workbook
from sei_stats.roster import read_roster
from sei_stats.schemas.reviews import REVIEW_COLUMNS, ReviewError

from conftest import A, B, C

# qa.review_queue of 2020-06, as `sei-stats review` reads it: a product code with a leading zero, a line
# without a product code (named by its product name), and a finding on a whole unit (product empty).
QUEUE = pd.DataFrame({
    "period": pd.to_datetime(["2020-06-01"] * 3),
    "severity": ["hold", "warn", "warn"],
    "rule": ["output_ytd_implausible", "growth_outlier", "imputed_too_long"],
    "field": ["output_ytd", "output_ytd", None],
    "credit_code": [A, B, C],
    "enterprise_name": ["芯片公司", "=机器人公司", "纺织公司"],
    "product": ["0397301", "工业机器人", None],
    "output_ytd": [4e9, 120000.5, None],
    "output_ytd_prior": [3.5e6, None, None],
    "message": ["4000000000 > 1e9", "growth 5.0", "imputed 4 months running"],
    "source_file": ["2020-06/returns.csv", "2020-06/returns.csv", None],
    "line_number": [2, 3, None],
})

CSV = ("credit_code,product,rule,decision,field,corrected_value,reviewer,note\n"
       f"{A},0397301,output_ytd_implausible,correct,output_ytd,4000000,王统计,元误填为千元\n"
       f"{B},工业机器人,growth_outlier,accept,output_ytd,,王统计,核实无误\n")


def _fill(book, decisions: dict[int, dict[str, object]]) -> None:
    """Fill the findings sheet as a reviewer does: by header, in the rows given (2 is the first finding)."""
    wb = load_workbook(book)
    ws = wb[SHEET]
    header = {c.value: c.column for c in ws[1]}
    for row, values in decisions.items():
        for column, value in values.items():
            ws.cell(row, header[column], value)
    wb.save(book)


def _paths(tmp_path):
    paths = data_paths(tmp_path / "data")
    paths.reviews_dir.mkdir(parents=True)
    return paths


def test_the_workbook_holds_the_queue_with_codes_as_text_and_drop_downs(tmp_path):
    book = write_review_workbook(QUEUE, tmp_path / "2020-06.xlsx", period="2020-06")
    wb = load_workbook(book)
    ws = wb[SHEET]
    assert wb.sheetnames == [SHEET, "说明"]  # the reader reads the first sheet
    header = [c.value for c in ws[1]]
    assert set(REVIEW_COLUMNS) <= set(header)
    assert header[:4] == ["credit_code", "企业名称", "product", "rule"]
    col = {name: i + 1 for i, name in enumerate(header)}
    code, product = ws.cell(2, col["credit_code"]), ws.cell(2, col["product"])
    assert (code.value, code.data_type, code.number_format) == (A, "s", "@")
    assert (product.value, product.data_type, product.number_format) == ("0397301", "s", "@")
    assert ws.cell(4, col["product"]).value is None  # the unit's finding: product empty
    assert [ws.cell(r, col["field"]).value for r in (2, 3, 4)] == ["output_ytd"] * 3
    assert ws.cell(2, col["本年累计产值(千元)"]).value == 4e9
    assert ws.cell(2, col["严重程度"]).value == "暂缓待审"
    assert ws.cell(2, col["规则说明"]).value.startswith("单行本年累计产值大得不合情理")
    # an enterprise's text that could run as a formula is kept as text, quoted
    name = ws.cell(3, col["企业名称"])
    assert (name.value, name.data_type) == ("'=机器人公司", "s")
    assert ws.freeze_panes == "B2"
    rules = {str(v.sqref): (v.type, v.formula1, v.operator) for v in ws.data_validations.dataValidation}
    letter = {name: ws.cell(1, i).column_letter for name, i in col.items()}
    assert rules == {f"{letter['decision']}2:{letter['decision']}4": ("list", '"accept,reject,correct"', None),
                     f"{letter['field']}2:{letter['field']}4": ("list", '"output_ytd,output_ytd_prior"', None),
                     f"{letter['corrected_value']}2:{letter['corrected_value']}4": ("decimal", "0", "between")}
    # codes and context locked, the cells to fill open
    assert code.protection.locked and not ws.cell(2, col["decision"]).protection.locked and ws.protection.sheet
    assert "千元" in " ".join(str(c.value) for row in wb["说明"].iter_rows() for c in row if c.value)


def test_a_filled_workbook_reads_back_as_the_same_decisions_as_the_csv(tmp_path):
    paths = _paths(tmp_path)
    book = write_review_workbook(QUEUE, paths.reviews_dir / "2020-06.xlsx", period="2020-06")
    _fill(book, {2: {"decision": "correct", "corrected_value": 4000000, "reviewer": "王统计", "note": "元误填为千元"},
                 3: {"decision": "accept", "reviewer": "王统计", "note": "核实无误"}})  # row 4 left undecided
    from_book = read_reviews(paths)
    book.unlink()
    paths.review_file("2020-06").write_text(CSV, encoding="utf-8")
    from_csv = read_reviews(paths)
    assert from_book.drop(columns="review_file").equals(from_csv.drop(columns="review_file"))
    assert from_book[["credit_code", "product", "decision", "field", "line_number"]].values.tolist() == [
        [A, "0397301", "correct", "output_ytd", 2], [B, "工业机器人", "accept", "output_ytd", 3]]
    assert from_book["corrected_value"].iloc[0] == "4000000" and pd.isna(from_book["corrected_value"].iloc[1])
    assert from_book["review_file"].tolist() == ["reviews/2020-06.xlsx"] * 2


def test_a_workbook_is_not_overwritten_without_force(tmp_path):
    book = write_review_workbook(QUEUE, tmp_path / "2020-06.xlsx", period="2020-06")
    _fill(book, {2: {"decision": "accept", "reviewer": "王统计"}})
    with pytest.raises(WorkbookExists, match=r"2020-06.xlsx: already exists"):
        write_review_workbook(QUEUE, book, period="2020-06")
    write_review_workbook(QUEUE, book, period="2020-06", force=True)
    ws = load_workbook(book)[SHEET]
    assert ws.cell(2, [c.value for c in ws[1]].index("decision") + 1).value is None


def test_a_credit_code_excel_made_a_number_is_refused_with_file_line_and_field(tmp_path):
    paths = _paths(tmp_path)
    book = write_review_workbook(QUEUE, paths.reviews_dir / "2020-06.xlsx", period="2020-06")
    wb = load_workbook(book)
    ws = wb[SHEET]
    ws.protection.sheet = False
    ws.cell(3, 1, 9.12102110000002e17)  # what Excel keeps of an 18-digit code typed into a number cell
    ws.cell(3, [c.value for c in ws[1]].index("decision") + 1, "accept")
    wb.save(book)
    with pytest.raises(ReviewError, match=r"2020-06.xlsx: line 3: credit_code is the number 9.12102110000002e\+17"):
        read_reviews(paths)


def test_a_code_in_scientific_notation_in_a_csv_is_refused_with_file_line_and_field(tmp_path):
    paths = _paths(tmp_path)
    paths.review_file("2020-06").write_text(CSV.replace(B, "9.12102E+17"), encoding="gb18030")
    with pytest.raises(ReviewError, match=r"2020-06.csv: line 3: credit_code '9.12102E\+17' is a number in "
                                          r"scientific notation"):
        read_reviews(paths)


def test_a_review_csv_excel_saved_in_gb18030_reads_with_its_chinese_intact(tmp_path):
    paths = _paths(tmp_path)
    paths.review_file("2020-06").write_bytes(CSV.encode("gb18030"))
    reviews = read_reviews(paths)
    assert reviews[["product", "reviewer", "note"]].values.tolist() == [
        ["0397301", "王统计", "元误填为千元"], ["工业机器人", "王统计", "核实无误"]]


def test_a_csv_and_a_workbook_for_one_period_are_both_refused(tmp_path):
    paths = _paths(tmp_path)
    write_review_workbook(QUEUE, paths.reviews_dir / "2020-06.xlsx", period="2020-06")
    paths.review_file("2020-06").write_text(CSV, encoding="utf-8")
    with pytest.raises(ReviewError, match=r"2020-06.csv and .*2020-06.xlsx: two review files for one report"):
        read_reviews(paths)


def test_excels_lock_file_beside_an_open_workbook_is_no_review_file(tmp_path):
    paths = _paths(tmp_path)
    paths.review_file("2020-06").write_text(CSV, encoding="utf-8")
    (paths.reviews_dir / "~$2020-06.xlsx").write_bytes(b"\x00lock")
    assert len(read_reviews(paths)) == 2


def test_a_gb18030_roster_reads_with_its_chinese_names_intact(tmp_path):
    paths = data_paths(tmp_path / "data")
    paths.roster_file(2020).parent.mkdir(parents=True)
    paths.roster_file(2020).write_bytes(
        ("credit_code,enterprise_name,district_code,zone_id,industry_code,area\n"
         f"{A},大连芯片制造有限公司,210213,,3973,新一代信息技术\n").encode("gb18030"))
    roster = read_roster(paths, 2020)
    assert roster[["credit_code", "enterprise_name", "area"]].values.tolist() == [[A, "大连芯片制造有限公司", "新一代信息技术"]]


def test_a_registry_file_in_neither_encoding_names_the_file(tmp_path):
    paths = data_paths(tmp_path / "data")
    paths.platforms_csv.parent.mkdir(parents=True)
    paths.platforms_csv.write_bytes(b"name,level\n\xff\xfe\xff\n")
    with pytest.raises(ValueError, match=r"platforms.csv: cannot be decoded as UTF-8 or GB18030"):
        read_platforms(paths)


# --- a decision must decide a finding --------------------------------------------------------------

FINDINGS = pd.DataFrame({
    "report": ["monthly", "monthly", "frame"],
    "period": pd.to_datetime(["2020-06-01", "2020-06-01", "2020-04-01"]),
    "credit_code": [A, B, C],
    "product": ["0397301", "工业机器人", ""],
    "rule": ["output_ytd_implausible", "growth_outlier", "imputed_too_long"],
})


def _decisions(**changed) -> pd.DataFrame:
    rows = pd.DataFrame({"credit_code": [A, B, C], "product": ["0397301", "工业机器人", ""],
                         "rule": ["output_ytd_implausible", "growth_outlier", "imputed_too_long"],
                         "decision": ["correct", "accept", "reject"], "period": pd.to_datetime(["2020-06-01"] * 3),
                         "report": "monthly", "review_file": "reviews/2020-06.xlsx", "line_number": [2, 3, 4]})
    for column, (row, value) in changed.items():
        rows.loc[row, column] = value
    return rows


def test_decisions_that_match_findings_pass(tmp_path):
    # the unit's finding is of April: a frame rule's decision stands for its year
    assert unmatched(_decisions(), FINDINGS, tmp_path / "raw") == []


def test_a_product_code_that_lost_its_leading_zero_names_file_line_and_field(tmp_path):
    problems = unmatched(_decisions(product=(0, "397301")), FINDINGS, tmp_path / "raw")
    assert problems == [
        f"{tmp_path / 'raw' / 'reviews' / '2020-06.xlsx'}: line 2: product '397301': the decision (correct on "
        f"output_ytd_implausible for {A}, product '397301') matches no finding of 2020-06: the finding's product is "
        "'0397301': Excel stripped its leading zero; format the column as text (@) and enter the code as the queue "
        "gives it"]


def test_an_unknown_credit_code_or_rule_names_its_field(tmp_path):
    problems = unmatched(_decisions(credit_code=(1, "912102110000000000"), rule=(0, "growth_outlier")), FINDINGS,
                         tmp_path / "raw")
    assert [p.split(": ")[1:3] for p in problems] == [["line 2", "rule 'growth_outlier'"],
                                                       ["line 3", "credit_code '912102110000000000'"]]
    assert problems[0].endswith("the findings on that line are output_ytd_implausible")
    # an annual report's decision does not decide the month's finding
    annual = unmatched(_decisions(report=(1, "annual")), FINDINGS, tmp_path / "raw")
    assert len(annual) == 1 and "line 3: credit_code" in annual[0] and "(annual report)" in annual[0]


def test_the_cli_writes_the_workbook_beside_the_review_file_and_keeps_an_existing_one(tmp_path, monkeypatch, capsys):
    import duckdb

    from conftest import make_data_dir
    from sei_stats.pipelines import cli

    paths = make_data_dir(tmp_path / "data", {})
    paths.warehouse.parent.mkdir(parents=True)
    queue = QUEUE.assign(period=pd.to_datetime(["2018-03-01"] * 3))
    with duckdb.connect(str(paths.warehouse_detail)) as con:
        con.execute("CREATE SCHEMA qa")
        con.execute("CREATE TABLE qa.review_queue AS SELECT * FROM queue")
    monkeypatch.setenv("SEI_DATA_DIR", str(paths.root))
    book = paths.reviews_dir / "2018-03.xlsx"
    assert cli.main(["review", "--period", "2018-03", "--xlsx"]) == 0
    assert f"3 open item(s) written to {book}" in capsys.readouterr().out
    ws = load_workbook(book)[SHEET]
    assert [ws.cell(r, 1).value for r in (2, 3, 4)] == [A, B, C]
    assert cli.main(["review", "--period", "2018-03", "--xlsx"]) == 2  # refused: a reviewer's file is there
    assert "2018-03.xlsx: already exists" in capsys.readouterr().err
    assert cli.main(["review", "--period", "2018-03", "--xlsx", str(tmp_path / "mine.xlsx")]) == 0
    assert (tmp_path / "mine.xlsx").exists()
    assert cli.main(["review", "--period", "2018-03", "--xlsx", "--force"]) == 0
    # each workbook written (or refused) leaves a run record; the queue shown on the terminal does not
    assert cli.main(["review", "--period", "2018-03"]) == 0
    logged = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((paths.root / "logs").glob("*.json"))]
    assert [(r["command"], r["outcome"], r["periods"]) for r in logged] == [
        ("review", "ok", ["2018-03"]), ("review", "failed", ["2018-03"]), ("review", "ok", ["2018-03"]),
        ("review", "ok", ["2018-03"])]

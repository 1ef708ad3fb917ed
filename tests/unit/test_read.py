import csv
import shutil
from pathlib import Path

import openpyxl
import pytest

from sei_stats.read import COLUMNS, ReturnFileError, read_period, read_period_with_notes, read_return_file

from conftest import A, HEADER, write_csv

CORPUS = Path(__file__).parents[1] / "data" / "returns"

ROW = ["2018-03", A, "大连芯片有限公司", "210213", "3973", "0397301", "芯片", "1000.5", ""]
CHINESE_HEADER = ["报告期", "统一社会信用代码", "单位详细名称", "行政区划代码", "行业代码", "产品代码", "产品名称",
                  "本年累计产值（千元）", "上年同期累计产值(千元)"]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_every_admitted_encoding_reads_the_same_text(tmp_path, encoding):
    path = write_csv(tmp_path / "r.csv", [ROW], encoding=encoding)
    frame = read_return_file(path)
    assert frame.loc[0, "enterprise_name"] == "大连芯片有限公司"
    assert frame.loc[0, "credit_code"] == A
    assert frame.loc[0, "product_code"] == "0397301"  # leading zero kept: codes are text


def test_chinese_headers_name_the_same_columns(tmp_path):
    path = write_csv(tmp_path / "r.csv", [ROW], header=CHINESE_HEADER, encoding="gb18030")
    frame = read_return_file(path)
    assert list(frame.columns) == ["source_file", "line_number", *COLUMNS]
    assert frame.loc[0, "output_ytd"] == "1000.5"


def test_blank_rows_are_not_received_and_line_numbers_follow_the_file(tmp_path):
    path = write_csv(tmp_path / "r.csv", [ROW, ["", "", ""], ROW])
    frame = read_return_file(path)
    assert frame["line_number"].tolist() == [2, 4]


def test_xlsx_first_sheet_numbers_and_dates_come_back_as_form_text(tmp_path):
    import datetime as dt

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(CHINESE_HEADER)
    sheet.append([dt.datetime(2018, 3, 1), A, "大连芯片有限公司", 210213, 3973, "0397301", "芯片", 1000.5, 800])
    book.create_sheet("ignored").append(["nothing"])
    book.save(tmp_path / "r.xlsx")
    frame = read_return_file(tmp_path / "r.xlsx")
    row = frame.iloc[0]
    assert (row["period"], row["district_code"], row["industry_code"]) == ("2018-03", "210213", "3973")
    assert (row["output_ytd"], row["output_ytd_prior"]) == ("1000.5", "800")
    assert row["line_number"] == 2


def test_undecodable_file_fails_naming_the_file(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_bytes(",".join(HEADER).encode() + b"\n\xff\xfe\xfa\x00\x81\n")
    with pytest.raises(ReturnFileError, match=r"bad\.csv: cannot be decoded as UTF-8 or GB18030"):
        read_return_file(path)


def test_missing_columns_fail_naming_them(tmp_path):
    path = write_csv(tmp_path / "r.csv", [ROW[:-1]], header=HEADER[:-1])
    with pytest.raises(ReturnFileError, match=r"r\.csv: line 1: missing columns output_ytd_prior \[上年同期累计产值\(千元\)\]"):
        read_return_file(path)


def test_empty_files_fail(tmp_path):
    (tmp_path / "empty.csv").write_text("", encoding="utf-8")
    with pytest.raises(ReturnFileError, match="empty.csv: is empty"):
        read_return_file(tmp_path / "empty.csv")
    header_only = write_csv(tmp_path / "h.csv", [])
    with pytest.raises(ReturnFileError, match="h.csv: has a header but no lines"):
        read_return_file(header_only)


def test_period_files_are_read_in_code_point_order(tmp_path):
    folder = tmp_path / "2018-03"
    for name in ("b.csv", "Z.csv", "a.csv"):
        write_csv(folder / name, [ROW])
    frame = read_period(tmp_path, "2018-03")
    assert frame.drop_duplicates("source_file")[["source_file", "file_order"]].values.tolist() == [
        ["2018-03/Z.csv", 0], ["2018-03/a.csv", 1], ["2018-03/b.csv", 2]]


def test_a_foreign_file_in_a_period_folder_fails_the_month(tmp_path):
    write_csv(tmp_path / "2018-03" / "a.csv", [ROW])
    (tmp_path / "2018-03" / "notes.docx").write_bytes(b"x")
    with pytest.raises(ReturnFileError, match="notes.docx: not a return file"):
        read_period(tmp_path, "2018-03")


def test_an_xls_workbook_is_read_like_an_xlsx(tmp_path):
    folder = tmp_path / "2018-03"
    folder.mkdir()
    shutil.copy(CORPUS / "online_system.xls", folder / "a.xls")
    shutil.copy(CORPUS / "online_system.xlsx", folder / "b.xlsx")
    frame = read_period(tmp_path, "2018-03")
    xls, xlsx = frame[frame["file_order"] == 0], frame[frame["file_order"] == 1]
    assert xls["line_number"].tolist() == [6, 7, 8]
    columns = ["line_number", *COLUMNS]
    assert xls[columns].reset_index(drop=True).equals(xlsx[columns].reset_index(drop=True))
    assert xls.iloc[0]["industry_code"] == "610"  # a number cell, as the .xlsx gives it (normalize pads it)


def test_a_broken_xls_fails_naming_its_suffix(tmp_path):
    (tmp_path / "r.xls").write_text("a text file named .xls\n", encoding="utf-8")
    with pytest.raises(ReturnFileError, match=r"r\.xls: is not a readable \.xls workbook"):
        read_return_file(tmp_path / "r.xls")


def test_a_field_over_pythons_csv_limit_is_read_with_its_line(tmp_path):
    huge = "芯" * 200_000  # over csv's default field limit of 131,072 characters
    path = write_csv(tmp_path / "r.csv", [ROW, ROW[:6] + [huge] + ROW[7:], ROW])
    frame = read_return_file(path)
    assert frame["line_number"].tolist() == [2, 3, 4]
    assert len(frame.loc[1, "product_name"]) == 200_000  # validation rejects this one line (field_too_long)
    assert csv.field_size_limit() == 131_072  # the limit is raised for the reader only


def test_read_period_with_notes_gives_the_lines_and_the_ignored_litter(tmp_path):
    write_csv(tmp_path / "2018-03" / "a.csv", [ROW])
    (tmp_path / "2018-03" / "Thumbs.db").write_bytes(b"x")
    frame, notes = read_period_with_notes(tmp_path, "2018-03")
    assert frame["source_file"].tolist() == ["2018-03/a.csv"]
    assert notes == [f"{tmp_path / '2018-03' / 'Thumbs.db'}: ignored, a Windows thumbnail cache"]
    assert all(type(note) is str for note in notes)


# A CSV with no quote character and rows of one length is read column by column in Arrow; anything else row by
# row. Both must give the same frame, or the same error, for every file.
H = ",".join(HEADER)
L = ",".join(ROW)
PLAIN = {
    "lf": f"{H}\n{L}\n{L}\n",
    "crlf": f"{H}\r\n{L}\r\n{L}\r\n",
    "cr": f"{H}\r{L}\r{L}",
    "blank_lines": f"{H}\n\n{L}\n\n\n{L}\n",
    "whitespace": f"{H}\n" + ",".join(f"\u3000 {c}\t\u00a0\x1c" for c in ROW) + "\n",
    "blank_cells_row": f"{H}\n, , ,\u3000,,,,,\n{L}\n",
    "units_row": f"{H}\n千元,,,,,,,千元,千元\n{L}\n",
    "numbering_row": f"{H}\n甲,乙,丙,丁,1,2,3,4,5\n{L}\n",
    "chinese_header": ",".join(CHINESE_HEADER) + f"\n{L}\n",
    "title_padded": f"大连市报表,,,,,,,,\n{H}\n{L}\n",
    "trailing_comma": f"{H},\n{L},\n",
    "header_only": f"{H}\n\n",
    "twice": f"{H},period\n{L},x\n",
}
ROW_BY_ROW = {
    # the header, or the rows continuing it, may lie beyond the first 64 rows, where the fast path looks
    "far_lines": H + "\n" + "\n" * 70 + f"{L}\n" * 3,
    "far_units": H + "\n" + ",,,,,,,,\n" * 70 + "千元,,,,,,,千元,千元\n" + f"{L}\n" * 3,
    "far_header": ",,,,,,,,\n" * 70 + H + "\n" + f"{L}\n" * 3,
    "quoted": f'{H}\n{L.replace("大连芯片有限公司", chr(34) + "大连芯片,有限公司" + chr(34))}\n',
    "title_row": f"大连市报表\n{H}\n{L}\n",
    "ragged": f"{H}\n{L}\n{L},extra\n",
}


def _both_ways(path):
    from sei_stats.read import _csv_rows, _frame_of_rows, _plain_csv_frame, decode

    def outcome(read):
        try:
            return read(), None
        except ReturnFileError as err:
            return None, str(err)
    fast = outcome(lambda: _plain_csv_frame(path, decode(path, path.read_bytes()), None))
    slow = outcome(lambda: _frame_of_rows(path, _csv_rows(path), None))
    return fast, slow


@pytest.mark.parametrize("name", sorted(PLAIN))
@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_plain_csv_read_column_by_column_is_the_row_by_row_frame(tmp_path, name, encoding):
    import pandas as pd

    path = tmp_path / f"{name}.csv"
    path.write_bytes(PLAIN[name].encode(encoding))
    (fast, fast_error), (slow, slow_error) = _both_ways(path)
    assert fast_error == slow_error
    if slow is not None:
        assert fast is not None, "the fast path was not taken"
        pd.testing.assert_frame_equal(fast, slow, check_exact=True)


@pytest.mark.parametrize("name", sorted(ROW_BY_ROW))
def test_quotes_rows_of_other_lengths_and_a_far_header_are_read_row_by_row(tmp_path, name):
    import pandas as pd

    path = tmp_path / f"{name}.csv"
    path.write_text(ROW_BY_ROW[name], encoding="utf-8")
    (fast, fast_error), (slow, _) = _both_ways(path)
    assert (fast, fast_error) == (None, None)
    pd.testing.assert_frame_equal(read_return_file(path), slow, check_exact=True)

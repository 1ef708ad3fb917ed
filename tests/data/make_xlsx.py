"""Write the .xlsx files of the return corpus (tests/data/returns/), as spreadsheets store them.

    .venv/bin/python tests/data/make_xlsx.py [OUT_DIR]

The workbooks are committed; tests/unit/test_corpus.py checks that this script still writes the same
cells. Codes and money are stored as *numbers* on purpose (that is how leading zeros get lost)
and periods as real dates or as bare serial day numbers. Expected outcomes: expected.yaml.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable
from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment

HERE = Path(__file__).resolve().parent
RETURNS = HERE / "returns"

CN = ["报告期", "统一社会信用代码", "单位详细名称", "行政区划代码", "行业代码", "产品代码", "产品名称",
      "本年累计产值\n（千元）", "上年同期累计产值\n（千元）"]
A = "91210213MA0000001G"
B = "91210211MA0000002N"
E = "91210213MA0C4K8P1W"
G = "91210283MA0QH5N30F"


def online_system() -> openpyxl.Workbook:
    """As the online reporting system exports a month: title rows, header, units row, numbering row."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "产值月报"
    sheet.append(["战略性新兴产业产品产值月报"])
    sheet.merge_cells("A1:I1")
    sheet.append(["填报单位：大连市统计局", None, None, None, None, None, "报告期：", "2018年3月"])
    sheet.append(CN)
    for cell in sheet[3]:
        cell.alignment = Alignment(wrap_text=True)
    sheet.append([None] * 7 + ["千元", "千元"])
    sheet.append(["甲", "乙", "丙", "丁", "戊", "己", "庚", 1, 2])
    # line 6: the period a real date, codes stored as numbers (industry 0610 and product 061001 lose their zero)
    sheet.append([dt.datetime(2018, 3, 1), E, "大连煤业有限公司", 210213, 610, 61001, "原煤", 1234567.5, 1000])
    sheet.cell(row=6, column=1).number_format = "yyyy-mm"
    # line 7: the period a bare serial day number (a date cell that lost its format), credit code lowercase
    sheet.append([43160, A.lower(), "大连芯片有限公司", 210213, 3973, 397301, "芯片", 2000, None])
    # line 8: a float code, money typed as text with separators, prior not reported
    sheet.append(["2018年3月", B, "大连机器人有限公司", 210211, 3491.0, None, "工业机器人", "1,500", "—"])
    return book


def excel_dates() -> openpyxl.Workbook:
    """A one-header sheet for 2019-12 whose period column holds dates, serials, text and numbers."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["period", "credit_code", "enterprise_name", "district_code", "industry_code",
                  "product_code", "product_name", "output_ytd", "output_ytd_prior"])
    periods = [dt.datetime(2019, 12, 1), dt.datetime(2019, 12, 31), 43814, "2019年12月", 201912, "2019.12"]
    for n, period in enumerate(periods, start=1):
        sheet.append([period, G, "庄河电子有限公司", "210283", "3973", f"3973{n:02d}", f"芯片{n}", 100 * n, 90 * n])
    for row in (2, 3):
        sheet.cell(row=row, column=1).number_format = "yyyy-mm-dd"
    return book


WORKBOOKS: dict[str, Callable[[], openpyxl.Workbook]] = {
    "online_system.xlsx": online_system,
    "excel_dates.xlsx": excel_dates,
}
# Not a workbook at all: a text file that only has the name of one.
BROKEN = {"broken.xlsx": "this is a text file named .xlsx, not a workbook\n".encode()}


def write(out: Path = RETURNS) -> list[Path]:
    """Write every corpus workbook into ``out``; returns the paths written."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name, build in WORKBOOKS.items():
        build().save(out / name)
        written.append(out / name)
    for name, data in BROKEN.items():
        (out / name).write_bytes(data)
        written.append(out / name)
    return written


if __name__ == "__main__":
    for path in write(Path(sys.argv[1]) if len(sys.argv) > 1 else RETURNS):
        print(path, path.stat().st_size, "bytes")

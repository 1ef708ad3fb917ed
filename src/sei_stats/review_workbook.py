"""The review queue of a period as an Excel workbook a reviewer fills in: raw/reviews/YYYY-MM.xlsx.

A CSV saved from Excel comes back in GBK, with 18-character credit codes shown as 9.1E+17 and product
codes without their leading zeros. The workbook avoids all three: its code cells are text (number
format '@', cell type string) and locked, the cells to fill carry drop-downs and a decimal check, and
sei_stats.inputs reads it back through python-calamine as it reads a return workbook.

Sheet 审核 (first: the reader reads the first sheet) has the columns of the review contract
(schemas/reviews.py: REVIEW_COLUMNS, headed by their names, which the reader needs) and read-only
context columns headed in Chinese; sheet 说明 explains units and columns. A row left without decision,
corrected value, reviewer and note stays in the queue.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .schemas.reviews import CORRECTABLE_FIELDS, REVIEW_COLUMNS
from .schemas.rules import load_rules
from .spreadsheet import print_setup, safe_frame, text_width
from .vocabulary import DECISIONS, SEVERITY_LABELS

SHEET, NOTES_SHEET = "审核", "说明"
STAMP = "模拟数据"  # sei_stats.briefing.document.STAMP, the mark of a simulated city's pages
MAX_VALUE = 1_000_000_000_000  # 1e12 千元: no more than a landed value may hold (schemas/reviews.py)

# The context a reviewer decides by: (header, queue column or how it is made, what it is). Read-only.
CONTEXT = (
    ("企业名称", "enterprise_name", "单位详细名称（名录或报表所填）"),
    ("严重程度", "severity_zh", "暂缓待审（hold：决定前不计入数据）或 警示（warn：已计入数据）"),
    ("规则说明", "rule_zh", "规则的中文说明（schemas/rules.yaml）"),
    ("发现情况", "message", "规则发现的情况，含比较的数值"),
    ("本年累计产值(千元)", "output_ytd", "报表所填本年累计产值，千元；整户事项（如连续推算超期）为空"),
    ("上年同期累计产值(千元)", "output_ytd_prior", "报表所填上年同期累计产值，千元；未填或整户事项为空"),
    ("来源文件", "source_file", "报表文件（报告期/文件名）；整户事项为空"),
    ("来源行号", "line_number", "报表文件中的行号（表头为第1行）"),
)
# What each contract column means, for the 说明 sheet; the ones a reviewer fills are marked.
CONTRACT = {
    "credit_code": ("统一社会信用代码（18位，文本；勿修改）", False),
    "product": ("产品代码，无代码时为产品名称；整户事项为空（文本；勿修改，前导0须保留）", False),
    "rule": ("规则名称（勿修改）", False),
    "decision": ("审核决定：accept（接受，计入数据）、reject（剔除）、correct（更正，须填更正值）；从下拉列表选择", True),
    "field": ("更正的字段：output_ytd（本年累计产值）或 output_ytd_prior（上年同期累计产值）；从下拉列表选择", True),
    "corrected_value": ("更正值，千元，0 至 1e12，最多3位小数；仅 decision 为 correct 时填写", True),
    "reviewer": ("审核人姓名（作出决定时必填）", True),
    "note": ("备注：决定的理由", True),
}
# Each finding's code and rule, then what it found, then the cells to fill, then where it came from.
ORDER = ("credit_code", "enterprise_name", "product", "rule", "severity_zh", "rule_zh", "message", "output_ytd",
         "output_ytd_prior", "decision", "field", "corrected_value", "reviewer", "note", "source_file", "line_number")
TEXT_COLUMNS = ("credit_code", "product", "rule", "decision", "field", "reviewer", "note", "source_file")
WIDTH = {"credit_code": 21, "product": 14, "rule": 24, "decision": 10, "field": 18, "corrected_value": 16,
         "reviewer": 10, "note": 24, "enterprise_name": 28, "severity_zh": 10, "rule_zh": 40, "message": 48,
         "output_ytd": 18, "output_ytd_prior": 20, "source_file": 24, "line_number": 9}
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")  # grey: read-only
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


class WorkbookExists(FileExistsError):
    """The target already holds a file (a reviewer's work): overwritten only with --force."""


def review_rows(queue: pd.DataFrame) -> pd.DataFrame:
    """One row per finding of ``queue`` (qa.review_queue's columns): the review contract's columns, ready to
    fill, and the context columns. A correction replaces the prior when the rule judged the prior, else this
    year's value; a finding on a whole unit keeps product empty."""
    rules = load_rules().set_index("name")

    def column(name: str) -> pd.Series:  # a queue published before it had the column: empty
        return queue[name] if name in queue.columns else pd.Series([None] * len(queue), index=queue.index, dtype=object)

    rows = pd.DataFrame({
        "credit_code": queue["credit_code"].astype(str),
        "product": queue["product"].fillna("").astype(str),
        "rule": queue["rule"].astype(str),
        "decision": "",
        "field": ["output_ytd_prior" if f == "output_ytd_prior" else "output_ytd" for f in column("field")],
        "corrected_value": None,
        "reviewer": "",
        "note": "",
        "enterprise_name": column("enterprise_name"),
        "severity_zh": [SEVERITY_LABELS.get(s, s) for s in queue["severity"]],
        "rule_zh": [rules["zh"].get(r, "") for r in queue["rule"]],
        "message": column("message"),
        "output_ytd": pd.to_numeric(column("output_ytd"), errors="coerce"),
        "output_ytd_prior": pd.to_numeric(column("output_ytd_prior"), errors="coerce"),
        "source_file": column("source_file"),
        "line_number": pd.to_numeric(column("line_number"), errors="coerce").astype("Int64"),
    }, index=queue.index).reset_index(drop=True)
    return rows


def write_review_workbook(queue: pd.DataFrame, target: Path, *, period: str, simulated: bool = False,
                          force: bool = False) -> Path:
    """``queue`` (qa.review_queue of ``period``) as the review workbook ``target``; refuses to overwrite an
    existing file unless ``force``. Returns ``target``."""
    if target.exists() and not force:
        raise WorkbookExists(f"{target}: already exists (a reviewer's decisions may be in it); "
                             "give another path, or --force to overwrite it")
    # the enterprises' text (names, product names) can never run as a formula
    rows = safe_frame(review_rows(queue))
    order = list(ORDER)
    headers = {c: c for c in REVIEW_COLUMNS} | {column: header for header, column, _ in CONTEXT}
    editable = {c for c, (_, fill) in CONTRACT.items() if fill}

    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    for j, column in enumerate(order, start=1):
        cell = ws.cell(1, j, headers[column])
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        cell.protection = Protection(locked=True)
        what = CONTRACT[column][0] if column in CONTRACT else next(w for _, c, w in CONTEXT if c == column)
        cell.comment = Comment(what, "sei-stats")
        letter = get_column_letter(j)
        ws.column_dimensions[letter].width = max(WIDTH.get(column, 12), text_width(headers[column]) + 2)
    last = len(rows) + 1
    for i, row in enumerate(rows.itertuples(index=False), start=2):
        for j, column in enumerate(order, start=1):
            value = getattr(row, column)
            value = None if value is None or value is pd.NA or (isinstance(value, float) and pd.isna(value)) else value
            cell = ws.cell(i, j)
            if column in TEXT_COLUMNS:
                # text, and typed text: a code must never become a number (9.1E+17, a lost leading zero)
                cell.number_format = "@"
                if value is not None and value != "":
                    cell.value = str(value)
                    cell.data_type = "s"  # openpyxl would take '=…' for a formula
            elif column in ("output_ytd", "output_ytd_prior", "corrected_value"):
                cell.number_format = "#,##0.###"
                cell.value = float(value) if value is not None else None
            elif column == "line_number":
                cell.value = int(value) if value is not None else None
            else:
                cell.value = value
                if isinstance(value, str):
                    cell.data_type = "s"
            cell.protection = Protection(locked=column not in editable)
            if column not in editable:
                cell.fill = LOCKED_FILL
    _validations(ws, order, last)
    ws.freeze_panes = "B2"  # the header and each row's credit code stay in view
    ws.auto_filter.ref = f"A1:{get_column_letter(len(order))}{last}"
    # context and codes read-only: the sheet is protected without a password, the cells to fill unlocked
    ws.protection.sheet = True
    ws.protection.autoFilter = False
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    ws.protection.sort = False
    print_setup(ws, simulated, stamp=STAMP, title_rows="1:1", landscape=True)
    _notes_sheet(wb.create_sheet(NOTES_SHEET), period, len(rows), simulated)
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    return target


def _validations(ws, order: list[str], last: int) -> None:
    def column_range(name: str) -> str:
        letter = get_column_letter(order.index(name) + 1)
        return f"{letter}2:{letter}{max(last, 2)}"

    decision = DataValidation(type="list", formula1='"' + ",".join(DECISIONS) + '"', allow_blank=True,
                              showErrorMessage=True, errorTitle="审核决定",
                              error="请从列表选择 accept（接受）、reject（剔除）或 correct（更正）")
    field = DataValidation(type="list", formula1='"' + ",".join(CORRECTABLE_FIELDS) + '"', allow_blank=True,
                           showErrorMessage=True, errorTitle="更正字段",
                           error="请选择 output_ytd（本年累计）或 output_ytd_prior（上年同期）")
    value = DataValidation(type="decimal", operator="between", formula1="0", formula2=str(MAX_VALUE),
                           allow_blank=True, showErrorMessage=True, errorTitle="更正值",
                           error="更正值为千元，不小于 0、不大于 1e12 的数")
    for validation, column in ((decision, "decision"), (field, "field"), (value, "corrected_value")):
        validation.add(column_range(column))
        ws.add_data_validation(validation)


def _notes_sheet(ws, period: str, findings: int, simulated: bool) -> None:
    lines = [
        (f"{period} 审核工作簿（sei-stats review --xlsx）", True),
        (f"本期待审核事项 {findings} 条，每行一条。金额单位：千元。", False),
        ("填写方法：在“审核”表的 decision 列选择决定；选择 correct（更正）时，在 field 列选择更正的字段、"
         "在 corrected_value 列填写更正值（千元）；填写 reviewer（审核人）和 note（备注）。未作决定的行保留在待审核队列中。", False),
        ("灰色列为只读（代码与背景信息）：统一社会信用代码与产品代码均为文本，请勿改为数字格式，"
         "否则18位代码会变成 9.1E+17、产品代码会丢失前导0，该决定将无法匹配而被拒绝。", False),
        ("保存为 .xlsx，放在 raw/reviews/（月度：YYYY-MM.xlsx；年报：YYYY.xlsx），同一期不可同时存在 .csv 与 .xlsx。"
         "下次发布时读取。", False),
        ("", False),
        ("列", True),
    ]
    if simulated:
        lines.insert(1, (f"{STAMP}：本工作簿的事项来自模拟数据。", True))
    for i, (text, bold) in enumerate(lines, start=1):
        ws.cell(i, 1, text).font = Font(bold=bold)
        if text and text != "列":
            ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=2)
            ws.row_dimensions[i].height = 15 * (1 + int(text_width(text) // 120))
    row = len(lines) + 1
    for column, (what, fill) in CONTRACT.items():
        ws.cell(row, 1, column)
        ws.cell(row, 2, ("【填写】" if fill else "【只读】") + what)
        row += 1
    for header, _, what in CONTEXT:
        ws.cell(row, 1, header)
        ws.cell(row, 2, "【只读】" + what)
        row += 1
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 100
    for r in ws.iter_rows(min_row=1, max_row=row):
        for cell in r:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    print_setup(ws, simulated, stamp=STAMP, landscape=True)

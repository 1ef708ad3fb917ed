"""The marts of one report period, exported from the analysts' file for whoever works in Excel or with Parquet.

``export(paths, period, "xlsx" | "parquet")`` reads the published ``warehouse/sei.duckdb`` (read-only) and writes,
by default under ``output/exports/YYYY-MM/``:

- every mart (schema mart) with a ``period`` column, its rows of that period; every mart keyed by ``year`` (and
  without ``period``), its rows of the period's year; and mart.target_progress whole;
- xlsx: one workbook ``sei-marts-YYYY-MM.xlsx``. Its first sheet 说明 gives the period, the publish id
  (ref.publish), the units and the sheets (each linked, with its selection, rows and the mart's COMMENT); then one
  sheet per mart, named as the mart: row 1 the Chinese labels (ref.column_labels, unit in full-width
  parentheses), row 2 the English column names, both frozen, then the rows. Numbers are stored as numbers
  (（比率） columns as the fraction, shown as a percentage), dates as dates, no value as an empty cell;
- parquet: one file ``<mart>.parquet`` per mart with the English column names; each field's metadata holds its
  ``label`` and ``comment``, the schema's metadata the mart's comment, the selection, the period and the publish id;
  ``labels.csv`` beside them lists the same labels.

A period the warehouse does not hold is refused (ExportError). Files are written under a temporary name and moved
into place. No Dagster import.
"""

from __future__ import annotations

import csv
import datetime as dt
import decimal
import math
import os
from dataclasses import dataclass
from pathlib import Path


import duckdb
from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from . import period as periods
from .briefing import document
from .briefing.xlsx_writer import sheet_name
from .calendar import calendar_in_force
from .config import DataPaths
from .labels import label_for, unit_of
from .spreadsheet import STAMP_COLOUR, print_setup, safe_cell, text_width

FORMATS = ("xlsx", "parquet")
README_SHEET = "说明"
STAMP = document.STAMP  # 模拟数据
# Sheets in this order first (what a reader looks for first), then every other mart by name.
ORDER = ("indicators_monthly", "indicators_annual", "target_progress", "target_path", "output_by_area",
         "output_by_field", "output_by_district", "output_by_zone", "output_by_nbs_category", "gdp_share_vintages",
         "annual_vs_december", "revisions", "data_quality", "rule_results")
WHOLE = ("target_progress",)  # exported whole, whatever the period
# The number format of a column by the unit its label names; numbers of other columns show as they are.
NUMBER_FORMATS = {"亿元": "#,##0.00", "比率": "0.00%", "个": "#,##0", "条": "#,##0"}
DATE_FORMAT = "yyyy-mm-dd"
TIMESTAMP_FORMAT = "yyyy-mm-dd hh:mm:ss"
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")


class ExportError(ValueError):
    """The export cannot be made as asked (no warehouse, a period it does not hold, an unknown format)."""


@dataclass(frozen=True)
class MartRows:
    """One mart's rows selected for the export."""

    name: str                  # the mart's name in schema mart
    selection: str             # period = YYYY-MM, year = YYYY or all rows
    comment: str               # the mart's COMMENT
    columns: list[str]
    types: list[str]           # DuckDB type of each column
    labels: list[str]          # Chinese label of each column (the column name where there is none)
    comments: list[str]        # each column's COMMENT
    query: str                 # the SELECT of the rows, with its parameters
    args: list
    rows: list[tuple]

    @property
    def relation(self) -> str:
        return f"mart.{self.name}"


@dataclass(frozen=True)
class Exported:
    period: str
    publish_id: str
    files: list[Path]
    marts: dict[str, int]      # mart -> rows exported


def exports_folder(paths: DataPaths, period: str) -> Path:
    """output/exports/YYYY-MM/: where `sei-stats export` writes by default."""
    return paths.root / "output" / "exports" / period


def held_periods(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The report periods (YYYY-MM) the published file holds: the months its publish included."""
    return [p for p, in con.execute("SELECT DISTINCT strftime(period, '%Y-%m') FROM ref.publish "
                                    "WHERE report = 'monthly' ORDER BY 1").fetchall()]


def publish_of(con: duckdb.DuckDBPyConnection) -> tuple[str, dt.datetime | None]:
    """The publish id of the file (ref.publish) and when it was made (UTC)."""
    row = con.execute("SELECT any_value(publish_id), max(published_at) FROM ref.publish").fetchone()
    stamp = row[1].astimezone(dt.UTC).replace(tzinfo=None) if row[1] is not None else None
    return row[0], stamp


def check_period(con: duckdb.DuckDBPyConnection, period: str) -> str:
    """``period`` when the file holds it, else ExportError naming what it holds."""
    period = periods.parse(period)
    held = held_periods(con)
    if period not in held:
        holds = ("no report period" if not held else ", ".join(held) if len(held) <= 12
                 else f"{len(held)} report periods, {held[0]} … {held[-1]}")
        raise ExportError(f"the warehouse holds no report period {period} (it holds {holds}); "
                          f"materialize it first: sei-stats materialize --period {period}")
    return period


def mart_rows(con: duckdb.DuckDBPyConnection, period: str) -> list[MartRows]:
    """Every mart's rows for ``period`` (checked with check_period first): by period, by its year, or whole."""
    marts = con.execute("SELECT table_name, coalesce(comment, '') FROM duckdb_tables() "
                        "WHERE schema_name = 'mart' AND database_name = current_database()").fetchall()
    columns = con.execute("SELECT table_name, column_name, data_type, coalesce(comment, '') FROM duckdb_columns() "
                          "WHERE schema_name = 'mart' AND database_name = current_database() "
                          "ORDER BY table_name, column_index").fetchall()
    try:  # the file's own labels; a file published before ref.column_labels existed takes the code's
        published = {(t, c): label for t, c, label in con.execute(
            "SELECT table_name, column_name, label FROM ref.column_labels WHERE schema_name = 'mart'").fetchall()}
    except duckdb.CatalogException:
        published = {}
    rank = {name: i for i, name in enumerate(ORDER)}
    out = []
    for name, comment in sorted(marts, key=lambda m: (rank.get(m[0], len(ORDER)), m[0])):
        cols = [(c, t, cm) for table, c, t, cm in columns if table == name]
        names = [c for c, _, _ in cols]
        if "period" in names and name not in WHOLE:
            where, selection, args = "WHERE period = ?::DATE", f"period = {period}", [f"{period}-01"]
        elif "year" in names and name not in WHOLE:
            where, selection, args = "WHERE year = ?", f"year = {periods.year(period)}", [periods.year(period)]
        elif name in WHOLE:
            where, selection, args = "", "all rows", []
        else:
            continue  # a mart neither by period nor by year: not part of a period's export
        query = f'SELECT * FROM mart."{name}" {where} ORDER BY ALL'
        out.append(MartRows(name=name, selection=selection, comment=comment, columns=names,
                            types=[t for _, t, _ in cols], labels=[published.get((name, c)) or label_for("mart", name, c) or c for c in names],
                            comments=[cm for _, _, cm in cols], query=query, args=args,
                            rows=con.execute(query, args).fetchall()))
    return out


def export(paths: DataPaths, period: str, fmt: str, out: Path | None = None) -> Exported:
    """Export the marts of ``period`` from the published analysts' file as ``fmt`` (xlsx or parquet) into ``out``
    (default output/exports/YYYY-MM/)."""
    if fmt not in FORMATS:
        raise ExportError(f"format {fmt!r}: give one of {', '.join(FORMATS)}")
    if not paths.warehouse.exists():
        raise ExportError(f"no warehouse at {paths.warehouse}; run `sei-stats materialize --all` first")
    with duckdb.connect(str(paths.warehouse), read_only=True) as con:
        con.execute("SET TimeZone = 'UTC'")
        period = check_period(con, period)
        publish_id, published_at = publish_of(con)
        marts = mart_rows(con, period)
        # Parquet takes the values as DuckDB types them (dates, timestamps in UTC, decimals)
        arrows = {m.name: con.sql(m.query, params=m.args).to_arrow_table() for m in marts} if fmt == "parquet" else {}
    folder = Path(out) if out is not None else exports_folder(paths, period)
    folder.mkdir(parents=True, exist_ok=True)
    if fmt == "xlsx":
        try:
            label = calendar_in_force(paths).label(period)
        except ValueError:
            label = period
        files = [write_xlsx(marts, folder / f"sei-marts-{period}.xlsx", period=period, period_label=label,
                            publish_id=publish_id, published_at=published_at, simulated=paths.simulated)]
    else:
        files = write_parquet(marts, arrows, folder, period=period, publish_id=publish_id)
    return Exported(period=period, publish_id=publish_id, files=files, marts={m.name: len(m.rows) for m in marts})


def _width(text: str) -> float:
    return text_width(text)


def _partial(path: Path) -> Path:
    return path.with_name(f".{path.name}.{os.getpid()}.partial")


# --- xlsx ---------------------------------------------------------------------------------------------------------

def _cell(value):
    """What a cell stores: numbers as numbers, dates as dates, timestamps in UTC without zone, text that cannot run
    as a formula; None (an empty cell) for no value."""
    if value is None:
        return None
    if isinstance(value, float):
        return None if math.isnan(value) or math.isinf(value) else value
    if isinstance(value, decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, (bool, int, dt.date)):
        return value
    return safe_cell(str(value))


def _number_format(label: str, data_type: str) -> str | None:
    if data_type == "DATE":
        return DATE_FORMAT
    if data_type.startswith("TIMESTAMP"):
        return TIMESTAMP_FORMAT
    return NUMBER_FORMATS.get(unit_of(label) or "")


# A column in the row's own unit (（见计量单位）: the unit column; （按指标单位）: the indicator's): formatted row by row.
ROW_UNIT_FORMATS = {"亿元": "#,##0.00", "fraction": "0.00%", "个": "#,##0", "家": "#,##0"}
INDICATOR_MARTS = ("indicators_monthly", "indicators_annual")


def _indicator_format(indicator) -> str | None:
    labels = (label_for("mart", mart, str(indicator)) for mart in INDICATOR_MARTS)
    return NUMBER_FORMATS.get(unit_of(next((found for found in labels if found), None)) or "")


def row_formats(mart: MartRows) -> list[list[str | None]]:
    """The number format of every cell of ``mart``'s rows: by the column's unit, by the row's for a column in the
    row's own unit, dates and timestamps as such."""
    fixed = [_number_format(label, t) for label, t in zip(mart.labels, mart.types)]
    units = [unit_of(label) for label in mart.labels]
    unit_at = mart.columns.index("unit") if "unit" in mart.columns else None
    indicator_at = mart.columns.index("indicator") if "indicator" in mart.columns else None
    out = []
    for row in mart.rows:
        formats = list(fixed)
        for j, unit in enumerate(units):
            if unit == "见计量单位" and unit_at is not None:
                formats[j] = ROW_UNIT_FORMATS.get(row[unit_at])
            elif unit == "按指标单位" and indicator_at is not None:
                formats[j] = _indicator_format(row[indicator_at])
        out.append(formats)
    return out


def _shown(value, number_format: str | None) -> str:
    """About what a cell shows, for its column's width."""
    if value is None:
        return ""
    if isinstance(value, float) and number_format:
        if number_format.endswith("%"):
            return f"{value * 100:,.2f}%"
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return "2000-01-01 00:00:00"
    if isinstance(value, dt.date):
        return "2000-01-01"
    return str(value)


def header(label: str) -> str:
    """A label as row 1 heads its column: a long one with its unit on a line of its own, as statistical tables do."""
    if label.endswith("）") and "（" in label and _width(label) > 14:
        cut = label.rindex("（")
        return f"{label[:cut]}\n{label[cut:]}"
    return label


def _mart_sheet(ws: Worksheet, mart: MartRows, simulated: bool) -> None:
    formats = row_formats(mart)
    heads = [header(label) for label in mart.labels]
    for j, (head_text, column) in enumerate(zip(heads, mart.columns), start=1):
        head = ws.cell(1, j, head_text)
        head.font = Font(bold=True)
        head.fill = HEADER_FILL
        head.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        head.border = BOX
        name = ws.cell(2, j, column)
        name.font = Font(size=9, italic=True, color="595959")
        name.fill = HEADER_FILL
        name.alignment = Alignment(horizontal="center", vertical="center")
        name.border = BOX
    cells = [[_cell(v) for v in row] for row in mart.rows]
    for i, values in enumerate(cells, start=3):
        for j, (value, number_format) in enumerate(zip(values, formats[i - 3]), start=1):
            cell = ws.cell(i, j, value)
            if number_format:
                cell.number_format = number_format
    widths = []
    for j, (head_text, column) in enumerate(zip(heads, mart.columns)):
        shown = [_width(_shown(row[j], f[j])) for row, f in zip(cells[:500], formats)]
        lines = [_width(line) for line in head_text.split("\n")]
        widths.append(min(max([*lines, _width(column) * 0.85, *shown, 6.0]) + 2, 40.0))
    for j, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(j)].width = width
    lines = max([sum(math.ceil(_width(line) / (w - 1)) for line in h.split("\n")) for h, w in zip(heads, widths)],
                default=1)
    ws.row_dimensions[1].height = 15 * lines + 4
    ws.freeze_panes = "A3"
    if mart.columns:
        ws.auto_filter.ref = f"A2:{get_column_letter(len(mart.columns))}{2 + len(cells)}"
    # printed: as many A4 landscape pages across as keep the text legible, row 1–2 and column A on every page
    across = max(1, math.ceil(sum(widths) / PAGE_WIDTH))
    _print_setup(ws, simulated, title_rows="1:2", across=across)
    if across > 1:
        ws.print_title_cols = "A:A"


PAGE_WIDTH = 150  # Excel width units printed on one A4 landscape page at a legible scale


def _print_setup(ws: Worksheet, simulated: bool, title_rows: str | None = None, across: int = 1) -> None:
    print_setup(ws, simulated, stamp=STAMP, title_rows=title_rows, across=across, landscape=True)


def _readme(ws: Worksheet, marts: list[MartRows], names: list[str], *, period: str, period_label: str,
            publish_id: str, published_at: dt.datetime | None, simulated: bool) -> None:
    ws.column_dimensions["A"].width = 26
    ws.column_dimensions["B"].width = 30
    ws.column_dimensions["C"].width = 16
    ws.column_dimensions["D"].width = 8
    ws.column_dimensions["E"].width = 90
    wrap = Alignment(wrap_text=True, vertical="top")
    row = 1
    ws.cell(row, 1, "大连市战略性新兴产业统计数据（数据仓库导出）").font = Font(bold=True, size=16)
    ws.row_dimensions[row].height = 26
    row += 1
    if simulated:
        ws.cell(row, 1, f"{STAMP}：本工作簿的数字为模拟数据，非正式统计数据。").font = Font(bold=True, color=STAMP_COLOUR, size=12)
        row += 1
    row += 1
    year = periods.year(period)
    lines = [
        ("报告期", f"{period}（{period_label}，累计数）；按年份的表取 {year} 年；target_progress 取全部行"),
        ("发布编号", publish_id or ""),
        ("发布时间（UTC）", published_at.strftime("%Y-%m-%d %H:%M:%S") if published_at else ""),
        ("数据来源", "warehouse/sei.duckdb（分析用数据仓库文件，只读）；各列含义见 docs/warehouse.md 与 ref.column_labels"),
        ("表头", "第1行为中文列名，括号内为计量单位；第2行为英文列名（即数据库中的列名）；前两行冻结"),
        *((f"单位（{unit}）", text) for unit, text in _UNIT_NOTES.items()),
        ("空白单元格", "无数据（数据库中为 NULL）"),
    ]
    for label, text in lines:
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.cell(row, 2, text).alignment = Alignment(vertical="top")
        row += 1
    row += 1
    ws.cell(row, 1, "工作表").font = Font(bold=True, size=12)
    row += 1
    for col, head in enumerate(("工作表", "数据表", "筛选", "行数", "说明（数据表注释）"), start=1):
        cell = ws.cell(row, col, head)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BOX
    row += 1
    for mart, name in zip(marts, names):
        link = ws.cell(row, 1, name)
        link.hyperlink = f"#'{name}'!A1"
        link.font = Font(color="0563C1", underline="single")
        ws.cell(row, 2, mart.relation)
        ws.cell(row, 3, mart.selection)
        ws.cell(row, 4, len(mart.rows))
        ws.cell(row, 5, mart.comment).alignment = wrap
        for col in range(1, 6):
            ws.cell(row, col).border = BOX
            if col < 5:
                ws.cell(row, col).alignment = Alignment(vertical="top")
        ws.row_dimensions[row].height = 15 * max(1, math.ceil(_width(mart.comment) / 78))
        row += 1
    _print_setup(ws, simulated)


_UNIT_NOTES = {
    "亿元": "亿元人民币，未取整",
    "比率": "比率、比重和增速以小数存放（0.05 即 5%），显示为百分数",
    "个": "单位数",
    "条": "记录（行）数或审核结果数",
    "见计量单位": "与同一行“计量单位”列所示单位相同",
    "按指标单位": "与同一行所列指标的单位相同",
}


def write_xlsx(marts: list[MartRows], path: Path, *, period: str, period_label: str, publish_id: str,
               published_at: dt.datetime | None = None, simulated: bool = False) -> Path:
    """The workbook: 说明 first, then one sheet per mart (named as the mart), moved into place when written."""
    wb = Workbook()
    readme = wb.active
    readme.title = README_SHEET
    taken = {README_SHEET}
    names = [sheet_name(m.name, taken, fallback=f"mart{i + 1}") for i, m in enumerate(marts)]
    _readme(readme, marts, names, period=period, period_label=period_label, publish_id=publish_id,
            published_at=published_at, simulated=simulated)
    for mart, name in zip(marts, names):
        _mart_sheet(wb.create_sheet(name), mart, simulated)
    wb.properties.title = f"大连市战略性新兴产业统计数据 {period}"
    wb.properties.keywords = STAMP if simulated else None
    partial = _partial(path)
    wb.save(partial)
    os.replace(partial, path)
    return path


# --- parquet ------------------------------------------------------------------------------------------------------

def write_parquet(marts: list[MartRows], tables: dict, folder: Path, *, period: str, publish_id: str) -> list[Path]:
    """One Parquet file per mart from its Arrow table in ``tables`` (English column names; label and comment in each
    field's metadata) and labels.csv."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    files = []
    for mart in marts:
        table = tables[mart.name]
        fields = [field.with_metadata({"label": label, "comment": comment})
                  for field, label, comment in zip(table.schema, mart.labels, mart.comments)]
        schema = pa.schema(fields, metadata={"relation": mart.relation, "comment": mart.comment,
                                             "selection": mart.selection, "period": period,
                                             "publish_id": publish_id or ""})
        path = folder / f"{mart.name}.parquet"
        partial = _partial(path)
        pq.write_table(table.cast(schema), partial)
        os.replace(partial, path)
        files.append(path)
    labels = folder / "labels.csv"
    partial = _partial(labels)
    with open(partial, "w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["file", "column", "label", "comment"])
        for mart in marts:
            writer.writerows((f"{mart.name}.parquet", c, label, comment)
                             for c, label, comment in zip(mart.columns, mart.labels, mart.comments))
    os.replace(partial, labels)
    return files + [labels]

"""The Chinese label of every column the analysts' file stores: sql/column_labels.csv, published as ref.column_labels.

The table (UTF-8, columns ``column,label,table``) gives each column name the heading the analysts' documents print,
with its unit in full-width parentheses where it has one:

- （亿元）: 100 million yuan;
- （比率）: a rate or share stored as a fraction (0.05 is 5%);
- （个）: a count of units (单位数), （条）: a count of lines or findings;
- （见计量单位）: in the unit the row's ``unit`` column names (mart.target_progress, ref.targets);
- （按指标单位）: in the unit of the indicator the row names (mart.revisions).

A row with ``table`` empty holds wherever the column name appears; a row with ``table`` ``schema.table`` holds for
that relation only and overrides it. The relations of mart_current_catalog.*, vintage.* and vintage_rows.* repeat those of mart.*:
a label specific to ``mart.<name>`` holds for them too, unless one names them.

Right after the publish has stored the analysts' tables (sei_stats.publish), ``store_column_labels`` writes one row
per column of every relation stored there, into ref.column_labels of both files. No Dagster import.
"""

from __future__ import annotations

import csv
import functools
import io
from importlib import resources

import duckdb
import pandas as pd

LABELS_FILE = "column_labels.csv"
HEADER = ["column", "label", "table"]
# Schemas whose relations repeat mart's (the same name, the same columns).
REPEATS_MART = ("mart_current_catalog", "vintage", "vintage_rows")
UNITS = {
    "亿元": "100 million yuan (亿元)",
    "比率": "a rate or share as a fraction: 0.05 is 5%",
    "个": "a count of units (单位数)",
    "条": "a count of lines or findings",
    "见计量单位": "in the unit of the row's unit column",
    "按指标单位": "in the unit of the indicator the row names",
}


@functools.cache
def read_labels() -> tuple[dict[str, str], dict[tuple[str, str], str]]:
    """The generic labels (column -> label) and the specific ones ((schema.table, column) -> label)."""
    text = (resources.files("sei_stats") / "sql" / LABELS_FILE).read_text(encoding="utf-8")
    reader = csv.reader(io.StringIO(text))
    if next(reader, None) != HEADER:
        raise ValueError(f"sql/{LABELS_FILE}: the header must be {','.join(HEADER)}")
    generic: dict[str, str] = {}
    specific: dict[tuple[str, str], str] = {}
    for number, row in enumerate(reader, start=2):
        if not row:
            continue
        if len(row) != 3 or not row[0].strip() or not row[1].strip():
            raise ValueError(f"sql/{LABELS_FILE}: line {number}: expected column,label,table with a column and a label")
        column, label, table = (cell.strip() for cell in row)
        key = (table, column)
        if (key in specific) if table else (column in generic):
            raise ValueError(f"sql/{LABELS_FILE}: line {number}: {table + '.' if table else ''}{column} is labelled twice")
        if table:
            specific[key] = label
        else:
            generic[column] = label
    return generic, specific


def label_for(schema: str, table: str, column: str) -> str | None:
    """The label of ``schema.table.column``: its relation's own, else mart.<table>'s (for the schemas that repeat
    mart), else the column name's; None when there is none."""
    generic, specific = read_labels()
    keys = [(f"{schema}.{table}", column)] + ([(f"mart.{table}", column)] if schema in REPEATS_MART else [])
    return next((specific[k] for k in keys if k in specific), generic.get(column))


def unit_of(label: str | None) -> str | None:
    """The unit note of a label (亿元, 比率 …): what its last full-width parentheses hold, when that is a unit."""
    if label and label.endswith("）") and "（" in label:
        note = label[label.rindex("（") + 1:-1]
        return note if note in UNITS else None
    return None


def column_labels(con: duckdb.DuckDBPyConnection, database: str) -> pd.DataFrame:
    """One row per column of every relation of the attached ``database``: schema_name, table_name, column_name and
    its label (None where the table of labels has none)."""
    rows = con.execute("SELECT schema_name, table_name, column_name FROM duckdb_columns() WHERE database_name = ? "
                       "ORDER BY schema_name, table_name, column_index", [database]).fetchall()
    return pd.DataFrame([(s, t, c, label_for(s, t, c)) for s, t, c in rows],
                        columns=["schema_name", "table_name", "column_name", "label"])


def store_column_labels(con: duckdb.DuckDBPyConnection, analysts: str) -> int:
    """Fill ref.column_labels (declared in sql/ref.sql, stored empty) of the attached analysts' database and of the
    connection's own with the label of every column the analysts' database holds; the rows written."""
    frame = column_labels(con, analysts)
    con.register("column_labels_frame", frame)
    try:
        for target in (f"{analysts}.ref.column_labels", "ref.column_labels"):
            con.execute(f"DELETE FROM {target}")
            con.execute(f"INSERT INTO {target} BY NAME SELECT * FROM column_labels_frame")
    finally:
        con.unregister("column_labels_frame")
    return len(frame)


def unlabelled_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """schema.table.column of every column of the connection's database without a label (there must be none)."""
    frame = column_labels(con, con.execute("SELECT current_database()").fetchone()[0])
    missing = frame[frame["label"].isna()]
    return [f"{s}.{t}.{c}" for s, t, c in missing[["schema_name", "table_name", "column_name"]].itertuples(index=False)]

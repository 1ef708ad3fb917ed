"""The data dictionary of the analysts' file (docs/warehouse.md), rendered from its own COMMENTs and labels.

``render(con)`` reads an open connection to a published ``warehouse/sei.duckdb``: for each schema and relation its
COMMENT, then a table of its columns (name, type, Chinese label, meaning). It reads the catalog of the file only, no
row, so any publish of the same code gives the same text: the relations of mart_current_catalog (there once history
is reclassified) are documented once, under mart, by a note. `sei-stats dictionary --write docs/warehouse.md`
writes it; a test fails when the committed file differs. No Dagster import.
"""

from __future__ import annotations

import duckdb

from .labels import UNITS, label_for
from .relations import published_relations

CURRENT = "mart_current_catalog"
# The schemas in the order the dictionary shows them, with what each holds.
SCHEMAS = {
    "mart": "The figures: every mart, as stored tables, latest figures only (a plain SUM never counts a period twice). "
            f"The marts computed by the SQL of `src/sei_stats/sql/` are also in `{CURRENT}`, with the same columns, over "
            "the history reclassified under today's guidance catalog (`sei-stats catalog reclassify`; the schema exists "
            "once history has been reclassified): each such relation says so.",
    "vintage": "What each publish released (`warehouse/vintages/<id>/`): `vintage.releases`, one row per publish, and "
               "the headline marts' rows under every vintage, each with its `vintage_id` and `released` (views of "
               "`vintage_rows`).",
    "vintage_rows": "How the vintages are stored: each version of a headline mart's row once, with the first and "
                    "last release that printed it (`from_release`, `to_release`: `vintage.releases.release_no`). "
                    "A revision adds the rows it changed, not the whole mart again.",
    "ref": "Reference tables that name no enterprise: the plan and its targets, the inputs beside the returns (GDP, "
           "value-added rates, the catalog, districts, zones), the rule registry and settings in force, the shared "
           "vocabularies, this publish (`ref.publish`) and the Chinese label of every column (`ref.column_labels`).",
}
TITLE = "# The analysts' warehouse: data dictionary"


def _cell(text: object) -> str:
    """Text for a cell of a Markdown table: one line, pipes escaped."""
    return " ".join(str(text or "").split()).replace("|", "\\|")


def render(con: duckdb.DuckDBPyConnection) -> str:
    """The dictionary of the connection's database (a published sei.duckdb) as Markdown."""
    # the stored tables and the views (vintage.<mart>, over vintage_rows.<mart>)
    tables = con.execute("SELECT schema_name, table_name, coalesce(comment, '') FROM duckdb_tables() "
                         "WHERE database_name = current_database() AND schema_name <> ? "
                         "UNION ALL SELECT schema_name, view_name, coalesce(comment, '') FROM duckdb_views() "
                         "WHERE database_name = current_database() AND NOT internal AND schema_name <> ? "
                         "ORDER BY schema_name, table_name", [CURRENT, CURRENT]).fetchall()
    columns: dict[tuple[str, str], list[tuple]] = {}
    for schema, table, column, data_type, comment in con.execute(
            "SELECT schema_name, table_name, column_name, data_type, coalesce(comment, '') FROM duckdb_columns() "
            "WHERE database_name = current_database() ORDER BY schema_name, table_name, column_index").fetchall():
        columns.setdefault((schema, table), []).append((column, data_type, comment))
    in_current = {r.key for r in published_relations() if r.key.startswith("mart.")}
    known = [s for s in SCHEMAS if any(t[0] == s for t in tables)]
    schemas = known + sorted({s for s, _, _ in tables} - set(known))

    out = [TITLE, "",
           "Generated from the COMMENTs and the Chinese labels (`ref.column_labels`, from "
           "`src/sei_stats/sql/column_labels.csv`) of the published analysts' file `warehouse/sei.duckdb` by "
           "`sei-stats dictionary --write docs/warehouse.md`. Do not edit it by hand: a test fails when it is stale.",
           "",
           "Open the file read-only (`duckdb.connect(path, read_only=True)`). Money is in 亿元 and rates and shares are "
           "fractions, unrounded. A label gives its column's unit in full-width parentheses:",
           ""]
    out += [f"- （{unit}）: {meaning}" for unit, meaning in UNITS.items()]
    out += ["", "## Contents", ""]
    for schema in schemas:
        names = [t for s, t, _ in tables if s == schema]
        out.append(f"- `{schema}`: " + ", ".join(f"[{t}](#{schema}{t})" for t in names))
    for schema in schemas:
        out += ["", f"## Schema `{schema}`", ""]
        if schema in SCHEMAS:
            out += [SCHEMAS[schema], ""]
        for s, table, comment in tables:
            if s != schema:
                continue
            out += [f"### {schema}.{table}", "", _cell(comment) or "(no comment)", ""]
            if f"{schema}.{table}" in in_current:
                out += [f"Also as `{CURRENT}.{table}` (the same columns, under today's catalog).", ""]
            out += ["| column | type | 中文列名 | meaning |", "| --- | --- | --- | --- |"]
            out += [f"| `{column}` | {_cell(data_type)} | {_cell(label_for(schema, table, column) or '')} | "
                    f"{_cell(meaning)} |" for column, data_type, meaning in columns.get((schema, table), [])]
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"

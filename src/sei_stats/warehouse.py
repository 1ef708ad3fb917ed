"""Publish the analysts' warehouse: a small DuckDB file of reference tables and views over the landed months.

The file is built beside the published path and moved onto it with os.replace: an analyst with
the old file open keeps reading it and never blocks the run. The facts stay in the landed Parquet
files, read by the views when queried; the file stores reference tables and the imputed lines of
non-respondents, the one step that reads the whole history at publish time (about 4 s for the
four years of the demo city, twice when the reclassified history is published too).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from sei_stats.schemas.reference import check, gdp_schema, va_rates_schema
from sei_stats.schemas.reviews import read_reviews
from sei_stats.schemas.rules import load_rules

from .catalog import read_districts, read_nbs_categories, read_products, read_targets
from .config import DataPaths
from .settings import load_settings
from .impute import CARRIED, impute
from .roster import ROSTER_COLUMNS, read_rosters

SCHEMAS = ("ref", "fact", "mart", "qa")
# The same views over the history reclassified under today's catalog (sei_stats.reclassify).
CURRENT = "_current_catalog"
VIEW_SCHEMAS = re.compile(r"\b(fact|mart|qa)\.")


class PublishError(RuntimeError):
    """The warehouse cannot be published (nothing landed, a reference input broken, a column without a comment)."""


@dataclass(frozen=True)
class Published:
    path: Path
    periods: list[str]
    tables: dict[str, int]  # stored table -> row count (views are not counted: they are computed when read)


def _sql_files() -> list[tuple[str, str]]:
    folder = resources.files("sei_stats") / "sql"
    return sorted((f.name, f.read_text(encoding="utf-8")) for f in folder.iterdir() if f.name.endswith(".sql"))


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _reference_tables(paths: DataPaths, rosters: dict[int, pd.DataFrame]) -> dict[str, tuple[pd.DataFrame, str, dict[str, str]]]:
    """Each ref table: its frame, its comment and its columns' comments."""
    targets = read_targets(paths.catalog)
    plan = pd.DataFrame([{"plan_id": targets.plan_id, "title": targets.title,
                          "baseline_year": targets.baseline_year, "target_year": targets.target_year}])
    target_rows = pd.DataFrame([
        {"plan_id": targets.plan_id, "title": targets.title, "indicator": t["indicator"], "label": t.get("label", t["indicator"]),
         "target_value": float(t["value"]), "unit": t["unit"], "baseline_year": targets.baseline_year,
         "target_year": int(t.get("target_year", targets.target_year))}
        for t in targets.targets
    ])
    for name, path in (("gdp", paths.gdp_csv), ("va_rates", paths.va_rates_csv)):
        if not path.exists():
            raise PublishError(f"{path}: missing ({'city GDP by quarter' if name == 'gdp' else 'value-added rates'})")
    gdp = check(pd.read_csv(paths.gdp_csv), gdp_schema, paths.gdp_csv)
    va = check(pd.read_csv(paths.va_rates_csv, dtype={"industry_division": str}), va_rates_schema, paths.va_rates_csv)
    catalog = read_products(paths.catalog)
    thresholds = pd.DataFrame([load_settings().flat()])
    reviews = read_reviews(paths.raw / "reviews")
    roster = (pd.concat([r.assign(year=y) for y, r in rosters.items()], ignore_index=True) if rosters
              else pd.DataFrame({c: pd.Series(dtype="str") for c in ROSTER_COLUMNS} | {"year": pd.Series(dtype="int64")}))
    return {
        "roster": (roster, "The survey roster (调查单位名录): enterprises expected to report, by year (raw/roster/YYYY.csv)", {
            "credit_code": "Enterprise (统一社会信用代码)", "enterprise_name": "Enterprise name",
            "district_code": "District (GB/T 2260)", "zone_id": "Functional zone (catalog/zones.csv), empty when none",
            "industry_code": "Industry class (GB/T 4754-2017)", "area": "The plan's area the enterprise mainly belongs to",
            "year": "Year the roster applies to"}),
        "rules": (load_rules(), "Every validation rule (schemas/rules.yaml)", {
            "name": "Rule name", "level": "field, record, cross-record, cross-period or cross-source",
            "severity": "reject, hold, warn, not_a_return or duplicate", "engine": "Where it runs: pandera, python or sql",
            "field": "Field judged (empty: the whole line)", "zh": "描述", "en": "Description"}),
        "thresholds": (thresholds, "Data-quality thresholds (config/quality.yaml)", {
            "prior_tolerance": "prior_differs_from_last_year: largest |prior − last year's own| / last year's own, fraction",
            "unit_error_ratio": "unit_error_suspected: ratio to the enterprise's own prior or previous month",
            "max_abs_growth": "growth_outlier: largest |growth|, fraction",
            "material_output_qianyuan": "growth_outlier: smallest output judged, 千元",
            "min_stratum_respondents": "Imputation: fewest respondents for a stratum's movement",
            "max_rejected_output_share": "Check: largest rejected share of output",
            "max_held_output_share": "Check: largest held share of output",
            "max_nonresponse_rate": "Check: largest share of roster enterprises not reporting",
            "identity_output_tolerance": "Check: largest |received − Σ buckets| of output, 亿元"}),
        "reviews": (reviews, "Reviewers' decisions (raw/reviews/YYYY-MM.csv)", {
            "credit_code": "Enterprise (统一社会信用代码)", "product": "Product code, or name where the line has none",
            "rule": "Rule decided on", "decision": "accept, reject or correct",
            "corrected_value": "For correct: the output value that replaces the reported one, 千元",
            "reviewer": "Who decided", "note": "Note", "period": "Report period: first day of the month",
            "review_file": "The review file"}),
        "plan": (plan, "The plan tracked (catalog/targets.yaml)", {
            "plan_id": "Plan identifier", "title": "The plan's title",
            "baseline_year": "Year average annual growth is measured from", "target_year": "Year the targets are set for"}),
        "targets": (target_rows, "The plan's targets (catalog/targets.yaml)", {
            "plan_id": "Plan identifier", "title": "The plan's title", "indicator": "Indicator the target is set on",
            "label": "The target in the plan's words", "target_value": "Target value, in unit",
            "unit": "亿元 for output value; fraction for rates", "baseline_year": "Baseline year of the plan",
            "target_year": "Year the target is set for"}),
        "gdp": (gdp, "City GDP cumulative from Q1 (raw/gdp.csv), 亿元", {
            "year": "Calendar year", "quarter": "Quarter 1–4", "gdp_ytd": "GDP cumulative from Q1 to the quarter end, 亿元"}),
        "va_rates": (va, "Value-added rates by year and GB/T 4754 division (raw/va_rates.csv)", {
            "year": "Calendar year", "industry_division": "GB/T 4754-2017 division (2 digits)",
            "va_rate": "Value added / output value, fraction"}),
        "catalog": (catalog, "The guidance catalog (catalog/products.csv) that classifies lines", {
            c: d for c, d in {
                "code": "Product code (统计用产品分类目录) or industry code (GB/T 4754-2017), a prefix",
                "kind": "product or industry", "name": "Entry name", "area": "The plan's area (领域)",
                "field": "The plan's field (产业)", "key_field": "One of the plan's six key fields",
                "nbs_code": "Code in NBS 战略性新兴产业分类(2018)", "valid_from": "First month the entry applies (YYYY-MM)",
                "valid_to": "Last month the entry applies (YYYY-MM), empty when open",
                "source": "Where the code comes from", "verified": "Checked against a public copy of the national document",
            }.items()} | {c: "Catalog column (see docs/catalog.md)" for c in catalog.columns if c not in {
                "code", "kind", "name", "area", "field", "key_field", "nbs_code", "valid_from", "valid_to", "source", "verified"}}),
        "districts": (read_districts(paths.catalog), "Dalian's county-level divisions (GB/T 2260)", {
            "code": "GB/T 2260 code", "name": "Name", "kind": "Kind of division", "note": "Note"}),
        "nbs_categories": (read_nbs_categories(paths.catalog), "NBS 战略性新兴产业分类(2018): 9 level-1 and 40 level-2 categories", {
            "code": "Category code (d or d.d)", "level": "1 or 2", "name": "Category name", "parent": "Level-1 code of a level-2 category"}),
    }


# Exact rates keep value added (千元 × rate) an exact DECIMAL sum, so reruns give identical totals.
_REFERENCE_SELECT = {
    "va_rates": "SELECT year, industry_division, CAST(va_rate AS DECIMAL(9, 6)) AS va_rate FROM frame",
    "reviews": "SELECT * REPLACE (CAST(nullif(corrected_value, '') AS DECIMAL(18, 3)) AS corrected_value, CAST(period AS DATE) AS period) FROM frame",
}


def _load_reference(con: duckdb.DuckDBPyConnection, paths: DataPaths, rosters: dict[int, pd.DataFrame]) -> None:
    for name, (frame, comment, columns) in _reference_tables(paths, rosters).items():
        con.register("frame", frame)
        con.execute(f"CREATE TABLE ref.{name} AS {_REFERENCE_SELECT.get(name, 'SELECT * FROM frame')}")
        con.unregister("frame")
        con.execute(f"COMMENT ON TABLE ref.{name} IS {_quote(comment)}")
        for column, text in columns.items():
            con.execute(f'COMMENT ON COLUMN ref.{name}."{column}" IS {_quote(text)}')


def _create_views(con: duckdb.DuckDBPyConnection, landed_dir: Path, *, suffix: str) -> None:
    """Run the SQL files over the months in ``landed_dir``, in schemas fact, mart, qa + ``suffix``."""
    glob = _quote(str(landed_dir / "*.parquet"))
    for name, sql in _sql_files():
        sql = sql.replace("{landed_glob}", glob)
        if suffix:
            sql = VIEW_SCHEMAS.sub(lambda m: f"{m.group(1)}{suffix}.", sql)
        try:
            con.execute(sql)
        except duckdb.Error as err:
            raise PublishError(f"sql/{name}{' (' + suffix + ')' if suffix else ''}: {err}") from err


def _fill_imputed(con: duckdb.DuckDBPyConnection, rosters: dict, min_respondents: int, *, suffix: str) -> None:
    """Impute non-respondents from the final accepted lines (after holds and reviews) into fact.imputed_lines."""
    if not rosters:
        return
    lines = con.execute(f"""
        SELECT period, {", ".join(c for c in CARRIED)}, CAST(output_ytd AS DOUBLE) AS output_ytd,
               CAST(output_ytd_prior AS DOUBLE) AS output_ytd_prior
        FROM fact{suffix}.lines WHERE status = 'accepted'
    """).df()
    reported = con.execute(f"SELECT DISTINCT period, credit_code FROM fact{suffix}.lines "
                           "WHERE status <> 'not_a_return' AND credit_code IS NOT NULL").df()
    imputed = impute(lines, rosters, min_respondents, reported)
    if len(imputed):
        con.register("imputed", imputed)
        con.execute(f"INSERT INTO fact{suffix}.imputed_lines BY NAME SELECT * FROM imputed")
        con.unregister("imputed")


def _inherit_fact_comments(con: duckdb.DuckDBPyConnection) -> None:
    """A column of a fact view means what the same-named column of fact.lines (else fact.received_lines,
    else fact.imputed_lines) means."""
    for source in ("lines", "received_lines", "imputed_lines"):
        con.execute(f"""
            SELECT c.schema_name, c.table_name, c.column_name, r.comment FROM duckdb_columns() c
            JOIN duckdb_columns() r ON r.schema_name = c.schema_name AND r.table_name = '{source}'
                                   AND r.column_name = c.column_name AND r.comment IS NOT NULL
            WHERE c.schema_name LIKE 'fact%' AND c.table_name <> '{source}' AND c.comment IS NULL
        """)
        for schema, table, column, comment in con.fetchall():
            con.execute(f'COMMENT ON COLUMN {schema}.{table}."{column}" IS {_quote(comment)}')


def uncommented_columns(con: duckdb.DuckDBPyConnection) -> list[str]:
    """Published tables, views and columns that lack a COMMENT (there must be none)."""
    schemas = ", ".join(_quote(s) for s in (*SCHEMAS, *(f"{s}{CURRENT}" for s in SCHEMAS[1:])))
    con.execute(f"""
        SELECT schema_name || '.' || table_name || '.' || column_name FROM duckdb_columns()
        WHERE schema_name IN ({schemas}) AND coalesce(comment, '') = ''
        UNION ALL
        SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE schema_name IN ({schemas}) AND coalesce(comment, '') = ''
        UNION ALL
        SELECT schema_name || '.' || table_name FROM duckdb_tables() WHERE schema_name IN ({schemas}) AND coalesce(comment, '') = ''
        ORDER BY 1
    """)
    return [row[0] for row in con.fetchall()]


def _check_landing_format(paths: DataPaths) -> None:
    """Every landed month must be of the current landing format (an older sei-stats wrote other columns)."""
    from .land import LANDING_FORMAT

    glob = _quote(str(paths.landed / "*.parquet"))
    stale = duckdb.execute(f"""
        SELECT DISTINCT regexp_extract(filename, '([0-9]{{4}}-[0-9]{{2}})[.]parquet$', 1) FROM read_parquet({glob}, union_by_name = true, filename = true)
        WHERE landing_format IS DISTINCT FROM {LANDING_FORMAT} ORDER BY 1
    """).fetchall() if _has_column(glob, "landing_format") else [("every month",)]
    if stale:
        months = ", ".join(s[0] for s in stale)
        raise PublishError(f"{paths.landed}: {months} was landed by an older sei-stats (landing format "
                           f"≠ {LANDING_FORMAT}); land them again: sei-stats materialize --all")


def _has_column(glob: str, column: str) -> bool:
    names = duckdb.execute(f"SELECT name FROM parquet_schema({glob})").fetchall()
    return (column,) in names


def landed_periods(paths: DataPaths) -> list[str]:
    """The report periods landed so far (landed/returns/YYYY-MM.parquet)."""
    if not paths.landed.is_dir():
        return []
    return sorted(p.stem for p in paths.landed.glob("*.parquet"))


def publish(paths: DataPaths) -> Published:
    """Build the warehouse from the landed months and reference data, then move it onto the published path."""
    periods = landed_periods(paths)
    if not periods:
        raise PublishError(f"{paths.landed}: no landed month to publish; materialize a month first")
    _check_landing_format(paths)
    target = paths.warehouse
    target.parent.mkdir(parents=True, exist_ok=True)
    building = target.with_name(f".{target.name}.{os.getpid()}.building")
    building.unlink(missing_ok=True)
    con = duckdb.connect(str(building))
    try:
        for schema in SCHEMAS:
            con.execute(f"CREATE SCHEMA {schema}")
        rosters = read_rosters(paths)
        _load_reference(con, paths, rosters)
        min_respondents = int(load_settings().imputation["min_stratum_respondents"])
        _create_views(con, paths.landed, suffix="")
        _fill_imputed(con, rosters, min_respondents, suffix="")
        if any(paths.reclassified.glob("*.parquet")):
            for schema in ("fact", "mart", "qa"):
                con.execute(f"CREATE SCHEMA {schema}{CURRENT}")
            _create_views(con, paths.reclassified, suffix=CURRENT)
            _fill_imputed(con, rosters, min_respondents, suffix=CURRENT)
        _inherit_fact_comments(con)
        missing = uncommented_columns(con)
        if missing:
            raise PublishError(f"no COMMENT on {', '.join(missing)}")
        # Only the stored tables are counted: the views read the landed months when queried.
        tables = {f"{sc}.{t}": n for sc, t, n in con.execute(
            "SELECT schema_name, table_name, estimated_size FROM duckdb_tables() ORDER BY 1, 2").fetchall()}
        con.execute("CHECKPOINT")
    except BaseException:
        con.close()
        building.unlink(missing_ok=True)
        raise
    con.close()
    os.replace(building, target)
    Path(str(building) + ".wal").unlink(missing_ok=True)
    return Published(path=target, periods=periods, tables=tables)

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
from pathlib import Path

import duckdb
import pandas as pd

from . import relations
from .catalog import read_districts, read_nbs_categories, read_products, read_targets
from .config import DataPaths
from .impute import CARRIED, impute
from .inputs import INPUTS, InputMissing, versions
from .roster import read_rosters
from .schemas.rules import load_rules
from .settings import Settings, load_settings
from .vocabulary import VOCABULARIES

SCHEMAS = relations.SCHEMAS
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


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _sql_rules(settings: Settings) -> dict[str, list[str]]:
    """The cross-period rules the SQL engine runs, with the names of their parameters."""
    rules = load_rules()
    return {r.name: sorted(settings.rule_params.get(r.name, {})) for r in rules.itertuples() if r.engine == "sql"}


def _reference_frames(paths: DataPaths, settings: Settings) -> dict[str, pd.DataFrame]:
    """The frame of every ref.* table (their columns and docs are in sql/ref.sql)."""
    targets = read_targets(paths.catalog)
    frames = {
        "plan": pd.DataFrame([{"plan_id": targets.plan_id, "title": targets.title,
                               "baseline_year": targets.baseline_year, "target_year": targets.target_year}]),
        "targets": pd.DataFrame([
            {"plan_id": targets.plan_id, "title": targets.title, "indicator": t["indicator"],
             "label": t.get("label", t["indicator"]), "target_value": float(t["value"]), "unit": t["unit"],
             "baseline_year": targets.baseline_year, "target_year": int(t.get("target_year", targets.target_year))}
            for t in targets.targets]),
        "catalog": read_products(paths.catalog),
        "districts": read_districts(paths.catalog),
        "nbs_categories": read_nbs_categories(paths.catalog),
        "rules": load_rules().drop(columns=["params"]),
        "rule_params": pd.DataFrame([(rule, name, float(value)) for rule, params in settings.rule_params.items()
                                     for name, value in params.items()], columns=["rule", "param", "value"]),
        "settings": pd.DataFrame([(section, name, float(value)) for section in ("imputation", "checks")
                                  for name, value in getattr(settings, section).items()],
                                 columns=["section", "name", "value"]),
        "input_versions": pd.DataFrame(list(versions(paths).items()), columns=["input", "version"]),
    }
    frames |= {name: pd.DataFrame(list(labels.items()), columns=["code", "label"])
               for name, (labels, _) in VOCABULARIES.items()}
    try:
        frames |= {i.name: i.frame(paths) for i in INPUTS}
    except InputMissing as err:
        raise PublishError(str(err)) from err
    return frames


def _load_reference(con: duckdb.DuckDBPyConnection, paths: DataPaths, settings: Settings) -> None:
    """Fill the ref.* tables that sql/ref.sql created, by column name."""
    for name, frame in _reference_frames(paths, settings).items():
        columns = [c for c, in con.execute(
            "SELECT column_name FROM duckdb_columns() WHERE schema_name = 'ref' AND table_name = ?", [name]).fetchall()]
        if not columns:
            raise PublishError(f"sql/ref.sql: no table ref.{name}")
        con.register("frame", frame[[c for c in columns if c in frame.columns]])
        con.execute(f"INSERT INTO ref.{name} BY NAME SELECT * FROM frame")
        con.unregister("frame")


def _create_views(con: duckdb.DuckDBPyConnection, landed_dir: Path, settings: Settings, *, suffix: str) -> None:
    """Run the SQL files over the months in ``landed_dir``, in schemas fact, mart, qa + ``suffix``."""
    glob = _quote(str(landed_dir / "*.parquet"))
    for f in relations.sql_files(_sql_rules(settings)):
        if f.name == "ref.sql":
            continue  # the reference tables are shared by both sets of views
        sql = f.text.replace("{landed_glob}", glob)
        if suffix:
            sql = VIEW_SCHEMAS.sub(lambda m: f"{m.group(1)}{suffix}.", sql)
        try:
            con.execute(sql)
        except duckdb.Error as err:
            raise PublishError(f"sql/{f.name}{' (' + suffix + ')' if suffix else ''}: {err}") from err


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
        settings = load_settings()
        ref_sql = next(f for f in relations.sql_files(_sql_rules(settings)) if f.name == "ref.sql")
        con.execute(ref_sql.text)
        _load_reference(con, paths, settings)
        rosters = read_rosters(paths)
        min_respondents = int(settings.imputation["min_stratum_respondents"])
        _create_views(con, paths.landed, settings, suffix="")
        _fill_imputed(con, rosters, min_respondents, suffix="")
        if any(paths.reclassified.glob("*.parquet")):
            for schema in ("fact", "mart", "qa"):
                con.execute(f"CREATE SCHEMA {schema}{CURRENT}")
            _create_views(con, paths.reclassified, settings, suffix=CURRENT)
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

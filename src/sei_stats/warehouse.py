"""The warehouse's relations: reference tables, and fact, mart and qa relations over a given set of landings.

`build_relations` creates them in a DuckDB connection from the SQL of sql/ (read as data by
sei_stats.relations); sei_stats.publish puts them into the two published files. The received lines
stay in the landed Parquet files, read by views; the stored facts (each CREATE TABLE of sql/, and
the tables of the frame step, sei_stats.scope) are made one year at a time and kept
(sei_stats.year_step), so a publish computes only the years whose inputs changed and reads the
others' kept files.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from pathlib import Path

import duckdb
import pandas as pd

from . import relations
from .calendar import calendar_in_force
from .catalog import read_districts, read_nbs_categories, read_products, read_targets, read_zones
from .config import DataPaths
from .inputs import INPUTS, InputMissing, versions
from .reclassify import catalog_in_force, classifies_as_landed, current_catalog_as_of
from .review_match import check_decisions
from . import year_step
from .scope import fill_year as fill_scope
from .year_step import Kept
from .schemas.rules import load_rules
from .settings import SECTIONS, Settings
from .vocabulary import MEASURE_DIVISIONS, MEASURES, VOCABULARIES

log = logging.getLogger(__name__)

SCHEMAS = relations.SCHEMAS
# The same views over the history reclassified under today's catalog (sei_stats.reclassify).
CURRENT = "_current_catalog"
VIEW_SCHEMAS = re.compile(r"\b(fact|mart|qa)\.")


class PublishError(RuntimeError):
    """The warehouse cannot be published (nothing landed, a reference input broken, a column without a comment)."""


_quote = relations.quote


def _sql_rules(settings: Settings) -> dict[str, list[str]]:
    """The cross-period rules the SQL engine runs, with the names of their parameters."""
    rules = load_rules()
    return {r.name: sorted(settings.rule_params.get(r.name, {})) for r in rules.itertuples() if r.engine == "sql"}


def _reference_frames(paths: DataPaths, settings: Settings) -> dict[str, pd.DataFrame]:
    """The frame of every ref.* table (their columns and docs are in sql/ref.sql)."""
    plans = read_targets(paths.catalog)
    frames = {
        "plan": pd.DataFrame([{"plan_id": p.plan_id, "title": p.title, "document": p.document,
                               "baseline_year": p.baseline_year, "target_year": p.target_year} for p in plans]),
        "targets": pd.DataFrame([
            {"plan_id": p.plan_id, "title": p.title, "indicator": t.indicator, "label": t.label,
             "target_value": t.value, "unit": t.unit, "comparison": t.comparison, "tolerance": t.tolerance,
             "baseline_year": p.baseline_year, "target_year": t.target_year, "designation": t.designation,
             "measure": t.measure}
            for p in plans for t in p.targets]),
        "catalog": read_products(paths.catalog),
        "districts": read_districts(paths.catalog),
        "zones": read_zones(paths.catalog),
        "nbs_categories": read_nbs_categories(paths.catalog),
        "rules": load_rules().drop(columns=["params"]),
        "rule_params": pd.DataFrame([(rule, name, float(value)) for rule, params in settings.rule_params.items()
                                     for name, value in params.items()], columns=["rule", "param", "value"]),
        "settings": pd.DataFrame([(section, name, float(value)) for section in SECTIONS
                                  for name, value in getattr(settings, section).items()],
                                 columns=["section", "name", "value"]),
        "input_versions": pd.DataFrame(list(versions(paths).items()), columns=["input", "version"]),
    }
    frames |= {name: pd.DataFrame(list(labels.items()), columns=["code", "label"])
               for name, (labels, _) in VOCABULARIES.items()}
    frames["measures"] = frames["measures"].assign(first_division=[MEASURE_DIVISIONS[m][0] for m in MEASURES],
                                                   last_division=[MEASURE_DIVISIONS[m][1] for m in MEASURES])
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


def _run_sql(con: duckdb.DuckDBPyConnection, files: list[Path], settings: Settings, *, suffix: str,
             annual: list[Path], rewrite: year_step.Rewrite | None = None,
             after_create: Callable[[str], None] = lambda name: None, frame_step: Callable[[], None] = lambda: None,
             ) -> None:
    """Run the SQL files, statement by statement, over exactly ``files`` (one landing a month) and ``annual`` (one
    landing a year's annual report), in schemas fact, mart, qa + ``suffix``.

    ``rewrite(relation or None, statement)`` may change a statement first, or to nothing (sei_stats.year_step: a
    kept relation is read from its files, a year is computed alone); ``after_create(relation)`` follows each
    statement that creates one, ``frame_step()`` the file that creates the tables of the survey frame's step."""
    for f in relations.sql_files(_sql_rules(settings)):
        if f.name == "ref.sql":
            continue  # the reference tables are shared by every set of schemas
        # No annual report landed: the view reads a month's landing (the same columns) and keeps none of it.
        sql = (f.text.replace("{landed_files}", _sql_list(files))
               .replace("{annual_files}", _sql_list(annual or files[:1]))
               .replace("{annual_included}", "true" if annual else "false"))
        if suffix:
            sql = VIEW_SCHEMAS.sub(lambda m: f"{m.group(1)}{suffix}.", sql)
        comments: list[str] = []  # run together, in one commit: one statement at a time is slow
        for statement in con.extract_statements(sql):
            created = relations.created_by(statement.query)
            name = created and relations.unsuffixed(created, suffix)
            text = rewrite(name, statement.query) if rewrite else statement.query
            if not text:  # rewritten away (a year's scratch schemas need no comment)
                continue
            if not name:
                comments.append(text.strip().rstrip(";") + ";")
                continue
            _execute(con, "\n".join(comments), f, suffix, one_commit=True)
            comments = []
            _execute(con, text, f, suffix)
            after_create(name)
        _execute(con, "\n".join(comments), f, suffix, one_commit=True)
        if relations.SCOPE_TABLES[0] in f.creates:
            frame_step()


def _execute(con: duckdb.DuckDBPyConnection, sql: str, file: relations.SqlFile, suffix: str,
             one_commit: bool = False) -> None:
    if not sql:
        return
    try:
        relations.in_one_commit(con, sql) if one_commit else con.execute(sql)
    except duckdb.Error as err:
        raise PublishError(f"sql/{file.name}{' (' + suffix + ')' if suffix else ''}: {err}") from err


# Where a fact column without a COMMENT of its own finds one: the same-named column of these, in this order
# (fact.lines, else fact.received_lines, else the tables of the frame step and the lines in the figures; the
# indicators' sums in fact.sei_totals mean what mart.indicators_monthly says).
COMMENT_SOURCES = (("fact", "lines"), ("fact", "received_lines"), ("fact", "imputed_lines"), ("fact", "scope_lines"),
                   ("fact", "frame_units"), ("fact", "frame_findings"), ("fact", "figure_lines"), ("fact", "sei_lines"),
                   ("fact", "annual_figure_lines"), ("mart", "indicators_monthly"))


# The breakdown marts' measure columns mean what fact.sei_breakdowns' do (one home for their COMMENTs).
BREAKDOWN_MARTS = ("output_by_area", "output_by_field", "output_by_district", "output_by_zone",
                   "output_by_area_district")


def _inherit_fact_comments(con: duckdb.DuckDBPyConnection) -> None:
    """A column of a fact view means what the same-named column of the first of COMMENT_SOURCES having one means;
    a column of a breakdown mart (BREAKDOWN_MARTS) what fact.sei_breakdowns' does."""
    marts = ", ".join(_quote(m) for m in BREAKDOWN_MARTS)
    targets = [(schema, source, f"c.schema_name LIKE 'fact%' AND c.table_name <> '{source}'", "fact")
               for schema, source in COMMENT_SOURCES]
    targets.append(("fact", "sei_breakdowns", f"c.schema_name LIKE 'mart%' AND c.table_name IN ({marts})", "mart"))
    for schema, source, which, own in targets:
        con.execute(f"""
            SELECT c.schema_name, c.table_name, c.column_name, r.comment FROM duckdb_columns() c
            JOIN duckdb_columns() r ON r.schema_name = replace(c.schema_name, '{own}', '{schema}')
                                   AND r.table_name = '{source}'
                                   AND r.column_name = c.column_name AND r.comment IS NOT NULL
            WHERE {which} AND c.comment IS NULL
        """)
        comments = [f'COMMENT ON COLUMN {schema}.{table}."{column}" IS {_quote(comment)};'
                    for schema, table, column, comment in con.fetchall()]
        relations.in_one_commit(con, "\n".join(comments))


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


def current_landings(paths: DataPaths) -> dict[str, Path]:
    """Each landed report period's current landing (its newest version). A month landed under another
    calendar (a January landed while calendar.january_reported was true) is no report period now: it is
    left out, with a warning, and stays on disk should the setting return."""
    calendar = calendar_in_force(paths)
    landed = {p: paths.current_landing(p) for p in paths.landed_periods()}
    left_out = [p for p in landed if not calendar.is_reported(p)]
    if left_out:
        log.warning("%s landed but not published: %s", ", ".join(left_out), calendar.not_reported(left_out[0]))
    return {p: f for p, f in landed.items() if calendar.is_reported(p)}


def current_annual_landings(paths: DataPaths) -> dict[str, Path]:
    """Each year's current annual report landing (landed/annual/YYYY/<landing id>.parquet), by year 'YYYY'."""
    return {str(year): paths.current_annual_landing(int(year)) for year in paths.landed_annual_years()}


def check_landing_format(paths: DataPaths, files: list[Path]) -> None:
    """Every landing must be of the current landing format (an older sei-stats wrote other columns or files)."""
    from .land import LANDING_FORMAT

    flat = sorted(p.name for p in paths.landed.glob("*.parquet")) if paths.landed.is_dir() else []
    try:
        stale = [Path(f).parent.name for f, in duckdb.execute(
            "SELECT DISTINCT filename FROM read_parquet(?, union_by_name = true, filename = true) "
            "WHERE landing_format IS DISTINCT FROM ? ORDER BY 1", [[str(f) for f in files], LANDING_FORMAT]).fetchall()]
    except duckdb.BinderException:  # no file has the column at all
        stale = sorted({f.parent.name for f in files})
    if flat or stale:
        raise PublishError(f"{paths.landed}: {', '.join(flat + sorted(set(stale)))} was landed by an older sei-stats "
                           f"(landing format ≠ {LANDING_FORMAT}); land them again: sei-stats materialize --all")


_sql_list = relations.sql_list


_COMMENT_ON_TABLE = re.compile(r"^(?:\s|--[^\n]*\n)*COMMENT\s+ON\s+TABLE\s+(\w+\.\w+)", re.IGNORECASE)


def _as_published(name: str | None, statement: str) -> str:
    """A current-catalog relation as a view over the published one of the same name (its comments kept)."""
    created = relations.created_by(statement)
    if created:
        return f"CREATE VIEW {created} AS SELECT * FROM {name}"
    commented = _COMMENT_ON_TABLE.match(statement)
    return f"COMMENT ON VIEW {commented[1]}" + statement[commented.end():] if commented else statement


def build_relations(con: duckdb.DuckDBPyConnection, paths: DataPaths, landings: dict[str, Path],
                    reclassified: dict[str, Path] | None, settings: Settings,
                    annual: dict[str, Path] | None = None) -> dict[str, Kept]:
    """Create every relation of the warehouse in ``con``: ref tables, then fact, mart and qa relations over exactly
    ``landings`` and the annual reports' ``annual`` (and the current-catalog ones over ``reclassified``, without
    annual reports: those are classified by their year's catalog only; when today's catalog classifies every line
    as it landed and no annual report is landed, views over the published ones, computed once). The stored facts
    are each year's kept rows (sei_stats.year_step), computed first for the years whose inputs changed; what each set kept, by variant."""
    for schema in SCHEMAS:
        con.execute(f"CREATE SCHEMA {schema}")
    ref_sql = next(f for f in relations.sql_files(_sql_rules(settings)) if f.name == "ref.sql")
    con.execute(ref_sql.text)
    _load_reference(con, paths, settings)
    min_respondents = int(settings.imputation["min_stratum_respondents"])
    max_months = int(settings.rule_params["imputed_too_long"]["max_consecutive_months"])
    catalog = read_products(paths.catalog)
    variants = [(year_step.Variant("as_landed", "", landings, annual or {}), catalog)]
    # today's catalog classifying every line as landed, the current-catalog relations are the published ones; not
    # with an annual report landed: the current-catalog set has none (its priors and figures of record differ)
    alias = bool(reclassified) and not annual and classifies_as_landed(paths, landings)
    if reclassified and not alias:
        variants.append((year_step.Variant("current_catalog", CURRENT, {p: reclassified[p] for p in landings}, {}),
                         catalog_in_force(catalog, current_catalog_as_of(paths))))
    done = {}
    for variant, classifying in variants:
        if variant.suffix:
            for schema in ("fact", "mart", "qa"):
                con.execute(f"CREATE SCHEMA {schema}{variant.suffix}")
        reference = year_step.References(con, (min_respondents, max_months, classifying.astype(str).to_csv()))

        def run(suffix, monthly, annual_files, rewrite, after_create, frame_step):
            _run_sql(con, monthly, settings, suffix=suffix, annual=annual_files, rewrite=rewrite,
                     after_create=after_create, frame_step=frame_step)

        def fill(suffix, year, carried, classifying=classifying):
            fill_scope(con, classifying, min_respondents, max_months, suffix=suffix, year=year, carried=carried)

        done[variant.name] = year_step.keep_years(con, variant, paths.year_step, reference, run, fill)
        _run_sql(con, list(variant.monthly.values()), settings, suffix=variant.suffix,
                 annual=list(variant.annual.values()), rewrite=year_step.read_kept(done[variant.name].files, variant.suffix))
    if alias:
        for schema in ("fact", "mart", "qa"):
            con.execute(f"CREATE SCHEMA {schema}{CURRENT}")
        _run_sql(con, list(landings.values()), settings, suffix=CURRENT, annual=[], rewrite=_as_published)
    check_decisions(con, paths.raw)  # a decision that decides no finding is an error, never ignored
    _inherit_fact_comments(con)
    missing = uncommented_columns(con)
    if missing:
        raise PublishError(f"no COMMENT on {', '.join(missing)}")
    return done

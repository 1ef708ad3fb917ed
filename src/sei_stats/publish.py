"""Publish a snapshot, all or nothing: the internal detail file, then the analysts' file.

A publish takes each month's current landing (landed/returns/YYYY-MM/<landing id>.parquet) and
builds two DuckDB files under temporary names:

- ``warehouse/sei_detail.duckdb`` (internal): everything that names an enterprise — fact.*, qa.*,
  the roster and the reviews — as views pinned to exactly these landings and to the kept years of
  stored facts made from them (landed/year_step/, sei_stats.year_step), and the marts as views;
- ``warehouse/sei.duckdb`` (the analysts'): every mart and the reference tables that name no
  enterprise, as stored tables, so the file is self-contained and can be copied or zipped.

Both are verified (every relation answers, the conservation identities hold, no accepted line
lacks its output) and only then moved into place with os.replace, the detail file first; both
record the same publish id (ref.publish). Landing a month therefore changes nothing an analyst
sees until the publish that includes it succeeds, and a failed publish leaves the previous files
exactly as they were. A published file another program holds open (PermissionError on Windows) is not
replaced: its verified build waits in warehouse/pending/ and the next publish or `sei-stats publish` moves it
into place (sei_stats.pending). Each publish is logged (warehouse/publishes.jsonl) with the landings it
includes and the kept years it reads; a landing or a kept year is pruned only when no publish of the
kept window needs it.

A publish whose inputs are those of the last one (``publish_inputs``: the same landings, reference files,
catalog, settings, reclassification and code) keeps it: nothing is built, and the files in place, their
publish id and vintage stand (``Published.kept``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from . import crashpoints, memory, pending, protection, vintages, year_step
from .config import DataPaths
from .disclosure import Rules
from .labels import store_column_labels
from .land import new_landing_id
from .processes import pid_alive, remove_with_wal, replace_with_text
from .reclassify import current_reclassification
from .relations import in_one_commit, lineage
from .settings import load_settings
from .warehouse import (CURRENT, PublishError, _quote, build_relations, check_landing_format, current_annual_landings,
                        current_landings)

__all__ = ["Published", "PublishError", "publish", "release_time", "verify", "prune_landings", "sweep_stale_files", "open_detail",
           "move_pending"]

# The schemas the analysts' file holds as tables, and the reference tables that name an enterprise
# (they stay in the detail file only).
ANALYST_SCHEMAS = ("ref", "mart", f"mart{CURRENT}")
ENTERPRISE_REFERENCE = ("roster", "reviews", "registry_platforms", "registry_enterprises")
# DuckDB 1.5 clients (the CLI on PyPI, DBeaver, ODBC) read this storage version; 2.x reads it too.
ANALYST_STORAGE_VERSION = "v1.5.0"
# A landing is kept while one of the last this many publishes includes it (and the newest of each month always).
KEEP_PUBLISHES = 5
_BUILDING = re.compile(r"^\.(?P<name>.+)\.(?P<pid>\d+)\.building(?:\.wal)?$")


@dataclass(frozen=True)
class Published:
    path: Path                    # the analysts' file of this publish: its pending build while the file in place waits
    detail: Path                  # the internal file (likewise)
    publish_id: str
    periods: list[str]
    landings: dict[str, str]      # period -> landing id
    tables: dict[str, int]        # analysts' table -> rows
    rows: dict[str, int]          # every relation verification read (qa.* among them) -> rows
    notes: list[str] = field(default_factory=list)  # what the publish cleaned up or moved aside
    waiting: list[pending.Waiting] = field(default_factory=list)  # its files that wait in warehouse/pending/
    kept: bool = False            # the inputs were the last publish's: its files stand, nothing was built


@memory.released
def publish(paths: DataPaths, released: dt.datetime | None = None) -> Published:
    """Build and verify both files from the current landings and the reference inputs, then move them into place.

    ``released``: when its figures count as released (its vintage, sei_stats.vintages): now unless a backfill of
    past months says when they were (``sei-stats materialize --as-of``)."""
    notes = sweep_stale_files(paths)
    # a file held open at the last publish and free now gets that build before this one is made
    notes += move_pending(paths)[0]
    landings = current_landings(paths)
    if not landings:
        raise PublishError(f"{paths.landed}: no landed month to publish; materialize a month first")
    annual = current_annual_landings(paths)
    check_landing_format(paths, [*landings.values(), *annual.values()])
    logged = logged_publishes(paths)
    notes += vintages.sweep(paths.vintages, logged, pid_alive)
    inputs = publish_inputs(paths, landings, annual, released)
    kept = _kept(paths, inputs, landings, notes)
    if kept is not None:
        return kept
    publish_id = new_landing_id()
    released = released or dt.datetime.now(dt.UTC)
    paths.warehouse.parent.mkdir(parents=True, exist_ok=True)
    detail = _building(paths.warehouse_detail)
    analysts = _building(paths.warehouse)
    vintage = vintages.building(paths.vintages, publish_id)
    try:
        with duckdb.connect(str(detail)) as con:
            settings = load_settings(data=paths)
            kept = build_relations(con, paths, landings, current_reclassification(paths, landings), settings, annual)
            # the disclosure pattern every output of a period reads (mart.disclosure, sei_stats.protection)
            protection.store(con, Rules.from_settings(settings), cache=paths.disclosure_cache)
            _record_publish(con, publish_id, landings, annual, released)
            # computes every mart (one that fails stops here), then records this publish's vintage
            tables = _store_for_analysts(con, analysts, lambda db: vintages.record(
                con, db, paths, publish_id, released, {p: f.stem for p, f in landings.items()},
                {y: f.stem for y, f in annual.items()}), vintages.recorded(paths.vintages, logged),
                paths.vintages / vintages.HISTORY)
            rows = verify(con, {t for t in tables if not t.startswith(("vintage.", "vintage_rows.")) and t != "mart.revisions"})
            con.execute("CHECKPOINT")
        _verify_analysts(analysts, tables)
        crashpoints.reach("building")
    except BaseException:
        for path in (detail, analysts):
            remove_with_wal(path)
        shutil.rmtree(vintage, ignore_errors=True)
        raise
    # the vintage is kept before the files are moved: a kill in between leaves a vintage no publish logged,
    # which the next publish removes (vintages.sweep)
    vintages.commit(vintage, publish_id)
    waiting: list[pending.Waiting] = []
    for built, target in ((detail, paths.warehouse_detail), (analysts, paths.warehouse)):
        if waiting:  # the detail file waits: the analysts' file waits with it, never ahead of it
            waiting.append(pending.park(built, target, publish_id, f"waits for {paths.warehouse_detail.name}"))
        else:
            try:
                notes += _move_into_place(built, target, publish_id)
            except PermissionError as err:  # held open (Windows): keep the verified build, say so
                waiting.append(pending.park(built, target, publish_id, str(err)))
        if target == paths.warehouse_detail:
            crashpoints.reach("between_replaces")
    _log_publish(paths, publish_id, landings | annual, sorted(k for v in kept.values() for k in v.keys.values()),
                 [w.target.name for w in waiting])
    _write_counts(paths, {"publish_id": publish_id, "inputs": inputs, "tables": tables, "rows": rows,
                          "files": _file_stats(paths)})
    # an older build still waiting for either file is superseded now that this one is in place or pending
    notes += pending.drop_superseded([paths.warehouse_detail, paths.warehouse], publish_id)
    for item in waiting:
        pending.mark_vintage(paths.vintages, publish_id, item.target.name, item.since)
    notes += [item.line() for item in waiting]
    notes += prune_landings(paths)
    built = {w.target: w.build for w in waiting}
    return Published(path=built.get(paths.warehouse, paths.warehouse),
                     detail=built.get(paths.warehouse_detail, paths.warehouse_detail), publish_id=publish_id,
                     periods=list(landings), landings={p: f.stem for p, f in landings.items()},
                     tables=tables, rows=rows, notes=notes, waiting=waiting)


def publish_inputs(paths: DataPaths, landings: dict[str, Path], annual: dict[str, Path],
                   released: dt.datetime | None) -> str:
    """A hash of everything a publish reads: the landings (a landing id names its content), every file of raw/
    but the returns and annual reports (the reference inputs, the reviews: any file there, a misnamed one too),
    the catalog folder, the data folder's settings, the reclassification's manifest, the code with the
    repository's rule overrides, and the release time when one is given (a backfill's ``--as-of``)."""
    digest = hashlib.sha256(repr((sorted((p, f.name) for p, f in landings.items()),
                                  sorted((y, f.name) for y, f in annual.items()), vintages.code_version(),
                                  released.isoformat() if released else None)).encode())
    skip = {paths.returns, paths.raw / "annual"}
    files = [f for f in sorted(paths.raw.rglob("*")) if f.is_file() and not any(f.is_relative_to(s) for s in skip)]
    files += sorted(f for f in paths.catalog.rglob("*") if f.is_file())
    files += [f for f in (paths.settings_yaml, paths.reclassified / "manifest.json") if f.is_file()]
    for path in files:
        digest.update(str(path.relative_to(paths.root)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:24]


def _kept(paths: DataPaths, inputs: str, landings: dict[str, Path], notes: list[str]) -> Published | None:
    """The last publish, when it was made from exactly ``inputs``, completed (logged, nothing of it waiting), both
    its files are in place as it left them and the kept years its detail file reads are there; else None."""
    last = _published(paths, 1)
    if not last or last[0].get("waiting") or not paths.publish_counts.is_file():
        return None
    counts = json.loads(paths.publish_counts.read_text(encoding="utf-8"))
    if counts.get("inputs") != inputs or counts.get("publish_id") != last[0]["publish_id"]:
        return None
    if not (paths.warehouse.is_file() and paths.warehouse_detail.is_file()):
        return None
    # written to since (an analyst's table, a write-ahead log beside it): built anew, as any publish would
    if counts.get("files") != _file_stats(paths) or any(
            Path(f"{f}.wal").exists() for f in (paths.warehouse, paths.warehouse_detail)):
        return None
    if pending.waiting(paths.warehouse) or pending.waiting(paths.warehouse_detail):
        return None
    # the detail file's fact views read the kept years: one gone (the folder deleted to recompute), build anew
    if not set(last[0].get("year_step", [])) <= {p.stem for p in paths.year_step.rglob("*.json")}:
        return None
    return Published(path=paths.warehouse, detail=paths.warehouse_detail, publish_id=counts["publish_id"],
                     periods=list(landings), landings={p: f.stem for p, f in landings.items()},
                     tables=counts["tables"], rows=counts["rows"], notes=notes, kept=True)


def _file_stats(paths: DataPaths) -> dict[str, list[int]]:
    """Each published file's size and modification time (ns), as the publish left it."""
    return {f.name: [(stat := f.stat()).st_size, stat.st_mtime_ns] for f in (paths.warehouse, paths.warehouse_detail)
            if f.is_file()}


def _write_counts(paths: DataPaths, counts: dict) -> None:
    replace_with_text(paths.publish_counts, json.dumps(counts, ensure_ascii=False, indent=1))


def move_pending(paths: DataPaths) -> tuple[list[str], list[pending.Waiting]]:
    """Move the builds waiting in warehouse/pending/ (files held open at their publish) into place, the detail
    file first; what was moved or removed, and what still waits (`sei-stats publish`, and every publish's start)."""
    return pending.apply([paths.warehouse_detail, paths.warehouse], logged_publishes(paths), pid_alive, paths.vintages)


def release_time(as_of: str | None) -> dt.datetime | None:
    """The release time of ``--as-of YYYY-MM-DD`` (that day, 00:00 UTC); None (now) when not given."""
    if not as_of:
        return None
    try:
        return dt.datetime.combine(dt.date.fromisoformat(as_of), dt.time(), dt.UTC)
    except ValueError as err:
        raise ValueError(f"--as-of {as_of!r} is not a date YYYY-MM-DD") from err


def _building(target: Path) -> Path:
    path = target.with_name(f".{target.name}.{os.getpid()}.building")
    remove_with_wal(path)
    return path


def _record_publish(con: duckdb.DuckDBPyConnection, publish_id: str, landings: dict[str, Path],
                    annual: dict[str, Path] | None = None, now: dt.datetime | None = None) -> None:
    con.execute("CREATE TABLE ref.publish (publish_id VARCHAR, published_at TIMESTAMP WITH TIME ZONE, "
                "period DATE, landing_id VARCHAR, report VARCHAR)")
    now = now or dt.datetime.now(dt.UTC)
    con.executemany("INSERT INTO ref.publish VALUES (?, ?, ?, ?, ?)",
                    [(publish_id, now, f"{p}-01", f.stem, "monthly") for p, f in landings.items()]
                    + [(publish_id, now, f"{y}-12-01", f.stem, "annual") for y, f in (annual or {}).items()])
    con.execute("COMMENT ON TABLE ref.publish IS 'This publish: its id, when it was made, and the landing of each "
                "month (landed/returns/YYYY-MM/<landing id>.parquet) and annual report (landed/annual/YYYY/…) it includes'")
    for column, text in (("publish_id", "Publish id (time-ordered); the same in sei.duckdb and sei_detail.duckdb"),
                         ("published_at", "When the publish was made (UTC)"),
                         ("period", "Report period: first day of the month; December of the year for an annual report"),
                         ("landing_id", "The landing of the month or annual report this publish includes"),
                         ("report", "monthly (a month's returns, 1–X月) or annual (the year's annual report, 年报)")):
        con.execute(f"COMMENT ON COLUMN ref.publish.{column} IS {_quote(text)}")


def verify(con: duckdb.DuckDBPyConnection, stored: set[str]) -> dict[str, int]:
    """Refuse a build whose relations do not all answer, or that accepts a line without output; the rows of
    each relation it read.

    The relations ``stored`` for the analysts, and every relation they read, have answered already
    (storing computed them); each other one is asked for its rows once.
    """
    rows = {}
    answered = set(stored) | {read for key in stored for read in _ancestors(key)}
    relations = con.execute(
        "SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE NOT internal "
        "AND database_name = current_database() UNION ALL SELECT schema_name || '.' || table_name "
        "FROM duckdb_tables() WHERE database_name = current_database() ORDER BY 1").fetchall()
    for (name,) in relations:
        if name in answered and not name.startswith("qa"):  # qa.*: the UI reports their row counts
            continue
        try:
            rows[name] = con.execute(f"SELECT count(*) FROM (SELECT * FROM {name})").fetchone()[0]
        except duckdb.Error as err:
            raise PublishError(f"{name} does not answer: {err}") from err
    # fact.lines' accepted lines are received lines accepted or held at landing
    empty = con.execute("SELECT count(*) FROM fact.received_lines WHERE status IN ('accepted', 'held') "
                        "AND output_ytd IS NULL").fetchone()[0]
    if empty:
        raise PublishError(f"{empty} accepted line(s) without an output value")
    return rows


def _ancestors(key: str) -> set[str]:
    """Everything a relation reads, directly or not, in its own set of schemas (as published or current catalog)."""
    schema, name = key.split(".", 1)
    suffix = CURRENT if schema.endswith(CURRENT) else ""
    base = f"{schema.removesuffix(CURRENT)}.{name}"
    return {read if read.startswith("ref.") else read.replace(".", f"{suffix}.", 1) for read in lineage().get(base, ())}


def _analyst_relations(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    """(schema, name) of every relation the analysts' file stores."""
    rows = con.execute(
        "SELECT schema_name, view_name FROM duckdb_views() WHERE schema_name IN ? AND NOT internal "
        "UNION ALL SELECT schema_name, table_name FROM duckdb_tables() WHERE schema_name IN ? ORDER BY 1, 2",
        [list(ANALYST_SCHEMAS), list(ANALYST_SCHEMAS)]).fetchall()
    return [(s, n) for s, n in rows if not (s == "ref" and n in ENTERPRISE_REFERENCE)]


def _store_for_analysts(con: duckdb.DuckDBPyConnection, target: Path, record_vintage=None,
                        earlier_vintages: list[Path] = (), history: Path | None = None) -> dict[str, int]:
    """Every mart and enterprise-free reference relation as a stored table of ``target``, with its COMMENTs; then,
    given ``record_vintage(db)`` (it records this publish's vintage from the stored marts and returns its folder),
    the vintages (sei_stats.vintages) of ``earlier_vintages`` and this one, their row versions kept in ``history``."""
    con.execute(f"ATTACH ? AS analysts (STORAGE_VERSION '{ANALYST_STORAGE_VERSION}')", [str(target)])
    try:
        tables = {}
        for schema in sorted({s for s, _ in _analyst_relations(con)}):
            con.execute(f"CREATE SCHEMA analysts.{schema}")
        aliases = _aliases(con)
        for schema, name in _analyst_relations(con):
            # a view of another stored relation's rows (the current-catalog marts, when today's catalog classifies
            # every line as landed) is copied from its stored table, not computed again
            source = f"analysts.{aliases[(schema, name)]}" if (schema, name) in aliases else f'{schema}."{name}"'
            con.execute(f'CREATE TABLE analysts.{schema}."{name}" AS SELECT * FROM {source}')
            tables[f"{schema}.{name}"] = con.execute(f'SELECT count(*) FROM analysts.{schema}."{name}"').fetchone()[0]
        _copy_comments(con)
        if record_vintage is not None:
            tables |= vintages.store(con, "analysts", [*earlier_vintages, record_vintage("analysts")], history)
        tables["ref.column_labels"] = store_column_labels(con, "analysts")  # every column stored, in both files
        return tables
    finally:
        con.execute("DETACH analysts")


def _aliases(con: duckdb.DuckDBPyConnection) -> dict[tuple[str, str], str]:
    """(schema, name) -> schema.name of each view that is all the rows of one relation stored before it."""
    rows = con.execute("SELECT schema_name, view_name, sql FROM duckdb_views() WHERE NOT internal "
                       "AND database_name = current_database()").fetchall()
    stored = set(_analyst_relations(con))
    out = {}
    for schema, name, sql in rows:
        match = _ALIAS.match(sql or "")
        if match and tuple(match[1].split(".")) in stored and tuple(match[1].split(".")) < (schema, name):  # stored first
            out[(schema, name)] = match[1]
    return out


_ALIAS = re.compile(r"^\s*CREATE VIEW \S+ AS SELECT \* FROM (\w+\.\w+)\s*;?\s*$", re.IGNORECASE)


def _copy_comments(con: duckdb.DuckDBPyConnection) -> None:
    """Every relation's and column's COMMENT onto its stored table, in one batch and one commit (one statement
    each is slow)."""
    relations = set(_analyst_relations(con))
    tables = con.execute("SELECT schema_name, view_name, comment FROM duckdb_views() WHERE database_name = current_database() "
                         "UNION ALL SELECT schema_name, table_name, comment FROM duckdb_tables() "
                         "WHERE database_name = current_database()").fetchall()
    columns = con.execute("SELECT schema_name, table_name, column_name, comment FROM duckdb_columns() "
                          "WHERE database_name = current_database()").fetchall()
    statements = [f'COMMENT ON TABLE analysts.{s}."{n}" IS {_quote(c or "")};' for s, n, c in tables if (s, n) in relations]
    statements += [f'COMMENT ON COLUMN analysts.{s}."{n}"."{column}" IS {_quote(c or "")};'
                   for s, n, column, c in columns if (s, n) in relations]
    in_one_commit(con, "\n".join(statements))


def _verify_analysts(path: Path, tables: dict[str, int]) -> None:
    """The analysts' file opens on its own, answers every table with the rows it was given, and its
    conservation identities hold in every period."""
    with duckdb.connect(str(path), read_only=True) as con:
        for name, rows in tables.items():
            schema, table = name.split(".", 1)
            got = con.execute(f'SELECT count(*) FROM {schema}."{table}"').fetchone()[0]
            if got != rows:
                raise PublishError(f"{path.name}: {name} has {got} rows, {rows} were stored")
        broken = con.execute("SELECT strftime(period, '%Y-%m') FROM mart.data_quality "
                             "WHERE NOT identity_rows_ok OR NOT identity_output_ok ORDER BY 1").fetchall()
    if broken:
        raise PublishError(f"the conservation identity fails in {', '.join(b[0] for b in broken)}")


def _move_into_place(building: Path, target: Path, publish_id: str) -> list[str]:
    """Move the built file onto the published path (sei_stats.pending.move_into_place); PermissionError when the
    file in place is held open."""
    return pending.move_into_place(building, target, publish_id)


def _log_publish(paths: DataPaths, publish_id: str, landings: dict[str, Path], year_keys: list[str],
                 waiting: list[str] = ()) -> None:
    entry = {"publish_id": publish_id, "published_at": dt.datetime.now(dt.UTC).isoformat(),
             "landings": {p: f.stem for p, f in landings.items()}, "year_step": year_keys}
    if waiting:  # its files that wait in warehouse/pending/ (held open when it published)
        entry["waiting"] = list(waiting)
    with open(paths.publish_log, "a", encoding="utf-8") as log:
        log.write(json.dumps(entry, ensure_ascii=False) + "\n")


def _published(paths: DataPaths, last: int) -> list[dict]:
    if not paths.publish_log.exists():
        return []
    lines = paths.publish_log.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in (lines[-last:] if last else lines) if line.strip()]  # last 0: every one


def logged_publishes(paths: DataPaths) -> set[str]:
    """The id of every publish warehouse/publishes.jsonl logs (each completed)."""
    return {entry["publish_id"] for entry in _published(paths, 0)}


def published_landings(paths: DataPaths, last: int = KEEP_PUBLISHES) -> list[dict[str, str]]:
    """The landings (period -> landing id) of the last ``last`` publishes, newest last."""
    return [entry["landings"] for entry in _published(paths, last)]


def prune_landings(paths: DataPaths) -> list[str]:
    """Remove landings (and their reclassified files) that no kept publish includes and that are not their
    month's newest; say how many went."""
    entries = _published(paths, KEEP_PUBLISHES)
    if pending.waiting(paths.warehouse_detail):
        # the detail file in place is behind its pending build and reads its own publish's landings and kept years
        try:
            in_place = pending.publish_in_place(paths.warehouse_detail)
        except duckdb.Error as err:
            return [f"nothing pruned: {paths.warehouse_detail.name} cannot be read to tell which landings it reads ({err})"]
        entries += [e for e in _published(paths, 0) if e["publish_id"] == in_place]
    kept = {(p, i) for entry in entries for p, i in entry["landings"].items()}
    # and every landing a recorded vintage read: `sei-stats vintage rebuild` computes it again from them
    kept |= {(p, i) for m in vintages.manifests(paths.vintages) for p, i in m["landings"].items()}
    removed = 0
    for period_dir in (d for d in paths.landed.iterdir() if d.is_dir()) if paths.landed.is_dir() else []:
        for version in sorted(period_dir.glob("*.parquet"))[:-1]:
            if (period_dir.name, version.stem) not in kept:
                version.unlink()
                for derived in (paths.reclassified / period_dir.name).glob(f"{version.stem}@*.parquet"):
                    derived.unlink()
                removed += 1
    notes = [f"{removed} landing(s) no kept publish includes were removed"] if removed else []
    # the kept years of sei_stats.year_step the detail files of the kept publishes read
    years = year_step.prune(paths.year_step, {k for entry in entries for k in entry.get("year_step", ())})
    return notes + ([f"{years} kept year(s) of facts no kept publish reads were removed"] if years else [])


def sweep_stale_files(paths: DataPaths) -> list[str]:
    """Remove what a killed run left half-written: warehouse builds and Parquet partials of dead processes."""
    candidates = list(paths.warehouse.parent.glob(".*.building*")) if paths.warehouse.parent.is_dir() else []
    # (warehouse/pending/ holds verified builds waiting for a file held open: only its half-written records go)
    for folder in (paths.landed, paths.landed_annual, paths.reclassified, paths.year_step, paths.disclosure_cache,
                   paths.charts, paths.quality, paths.briefings, paths.vintages / vintages.HISTORY,
                   pending.folder(paths.warehouse)):
        if folder.is_dir():
            candidates += folder.rglob(".*.partial")
    notes = []
    for path in candidates:
        pid = _owner(path)
        if pid is not None and not pid_alive(pid):
            path.unlink(missing_ok=True)
            notes.append(f"removed {path.name}, left by a run that died (process {pid})")
    return notes


def _owner(path: Path) -> int | None:
    """The process id in a temporary file's name (.name.<pid>.building, .name.<pid>.partial)."""
    match = _BUILDING.match(path.name) or re.match(r"^\..+\.(?P<pid>\d+)\.partial$", path.name)
    return int(match["pid"]) if match else None


def open_detail(paths: DataPaths) -> duckdb.DuckDBPyConnection:
    """The internal file, read-only (enterprise-level: for the review queue, the quality reports and audits)."""
    return duckdb.connect(str(paths.warehouse_detail), read_only=True)


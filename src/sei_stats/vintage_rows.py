"""Each headline mart's rows over the vintages, each version of a row stored once (``vintage_rows.<mart>``).

A row is stored with the first and last release (``vintage.releases.release_no``) of the run of consecutive
vintages that released it unchanged; the view ``vintage.<mart>`` gives every vintage its rows again. A correction
that changes ten rows adds ten rows, where storing every vintage whole added the whole mart again: the analysts'
file grows with the revisions, not with the number of publishes.

Between publishes the versions are kept in warehouse/vintages/history/<mart>.parquet, its Parquet metadata naming
the vintages they cover, so a publish adds only its own vintage. A kept file that covers other vintages (one a
killed publish left, or a vintage removed) or other columns (the code changed a mart) is not used: the versions
are then built again from every vintage's file, in one query.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import duckdb

from .processes import partial_of
from .relations import quote

HISTORY = "history"  # warehouse/vintages/history/
COVERS = "sei_vintages"  # Parquet metadata key: "<vintages covered>:<digest of their ids and files in release order>"


class DuplicateRowError(ValueError):
    """A vintage's mart holds two identical rows: its versions could not tell them apart."""


def build(con: duckdb.DuckDBPyConnection, mart: str, releases: list[tuple[str, Path | None]],
          history: Path | None = None) -> str:
    """A temporary table of ``mart``'s row versions, its name returned: ``from_release``, ``to_release`` (release
    numbers, 1 for ``releases[0]``), then the mart's columns. ``releases`` are (vintage id, the mart's Parquet file
    of that vintage, or None when it recorded none), in release order; ``history`` is the folder the versions
    are kept in between publishes (None: built from every file)."""
    table = f"vintage_rows_{mart}"
    kept = history / f"{mart}.parquet" if history else None
    states = _states(releases) if kept else []
    covered = _covered(con, kept, releases, states)
    if covered:
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} AS SELECT * FROM read_parquet({quote(str(kept))})")
        for number in range(covered + 1, len(releases) + 1):
            _add(con, table, number, releases, mart)
    else:
        _all_at_once(con, table, releases, mart)
    if kept and covered != len(releases):
        kept.parent.mkdir(parents=True, exist_ok=True)
        partial = partial_of(kept)
        try:
            con.execute(f"COPY (SELECT * FROM {table} ORDER BY from_release, to_release) TO {quote(str(partial))} "
                        f"(FORMAT parquet, KV_METADATA {{{COVERS}: {quote(_covers(states))}}})")
            os.replace(partial, kept)
        finally:
            partial.unlink(missing_ok=True)
    return table


def _states(releases: list[tuple[str, Path | None]]) -> list[str]:
    """Each release's vintage and its file as it is (size and time of change), so a file replaced or removed since
    kept versions were built from it is noticed."""
    def state(file: Path | None) -> str:
        stat = file.stat() if file is not None else None
        return f"{stat.st_size}:{stat.st_mtime_ns}" if stat else "none"

    return [f"{vintage_id} {state(file)}" for vintage_id, file in releases]


def _covers(states: list[str]) -> str:
    """What kept versions were built from: the releases' states (``_states``), in order."""
    return f"{len(states)}:{hashlib.sha256(chr(10).join(states).encode()).hexdigest()}"


def _columns(con: duckdb.DuckDBPyConnection, relation: str) -> list[tuple[str, str]]:
    return con.execute(f"SELECT column_name, column_type FROM (DESCRIBE SELECT * FROM {relation})").fetchall()


def _covered(con: duckdb.DuckDBPyConnection, kept: Path | None, releases: list[tuple[str, Path | None]],
             states: list[str]) -> int:
    """How many of the first releases the kept versions cover (0: none usable): the same vintages in the same
    order, and the columns, names and types, of every file they have not covered yet."""
    if kept is None or not kept.exists():
        return 0
    value = con.execute("SELECT decode(value) FROM parquet_kv_metadata(?) WHERE decode(key) = ?",
                        [str(kept), COVERS]).fetchone()
    count = int(value[0].split(":")[0]) if value else 0
    if not value or count > len(releases) or value[0] != _covers(states[:count]):
        return 0
    columns = dict(_columns(con, f"read_parquet({quote(str(kept))})")[2:])
    if any(f is not None and dict(_columns(con, f"read_parquet({quote(str(f))})")) != columns
           for _, f in releases[count:]):
        return 0
    return count


def _same_row(columns: list[str], left: str, right: str) -> str:
    return " AND ".join(f'{left}."{c}" IS NOT DISTINCT FROM {right}."{c}"' for c in columns)


def _add(con: duckdb.DuckDBPyConnection, table: str, number: int, releases: list[tuple[str, Path | None]],
         mart: str) -> None:
    """Release ``number`` (of ``releases``, from 1): the versions the release before it released that it released
    again now end at it; its other rows are new versions."""
    file = releases[number - 1][1]
    if file is None:  # recorded before the mart was kept: none of its rows, so every version ends before it
        return
    columns = [c for c, _ in _columns(con, table)][2:]
    new = f"read_parquet({quote(str(file))})"
    _refuse_duplicates(con, f"(SELECT {number} AS _release, * FROM {new})", columns, releases, mart)
    con.execute(f"""UPDATE {table} AS h SET to_release = {number}
                    FROM {new} AS n WHERE h.to_release = {number - 1} AND {_same_row(columns, 'h', 'n')}""")
    con.execute(f"""INSERT INTO {table} BY NAME
                    SELECT {number} AS from_release, {number} AS to_release, n.* FROM {new} AS n
                    ANTI JOIN (SELECT * FROM {table} WHERE to_release = {number}) AS h ON {_same_row(columns, 'h', 'n')}""")


def _all_at_once(con: duckdb.DuckDBPyConnection, table: str, releases: list[tuple[str, Path | None]],
                 mart: str) -> None:
    """Every release's rows in one query: the runs of consecutive releases of each row (gaps and islands)."""
    parts = "\nUNION ALL BY NAME\n".join(f"SELECT {n} AS _release, * FROM read_parquet({quote(str(f))})"
                                         for n, (_, f) in enumerate(releases, start=1) if f is not None)
    if not parts:  # no vintage recorded the mart
        con.execute(f"CREATE OR REPLACE TEMP TABLE {table} (from_release INTEGER, to_release INTEGER)")
        return
    con.execute(f"CREATE OR REPLACE TEMP TABLE {table}_all AS {parts}")
    columns = [c for c, _ in _columns(con, f"{table}_all")][1:]
    _refuse_duplicates(con, f"{table}_all", columns, releases, mart)
    listed = ", ".join(f'"{c}"' for c in columns)
    con.execute(f"""CREATE OR REPLACE TEMP TABLE {table} AS
                    WITH runs AS (SELECT *, _release - row_number() OVER (PARTITION BY {listed} ORDER BY _release) AS _run
                                  FROM {table}_all)
                    SELECT min(_release) AS from_release, max(_release) AS to_release, {listed}
                    FROM runs GROUP BY {listed}, _run""")
    con.execute(f"DROP TABLE {table}_all")


def _refuse_duplicates(con: duckdb.DuckDBPyConnection, relation: str, columns: list[str],
                       releases: list[tuple[str, Path | None]], mart: str) -> None:
    """DuplicateRowError when a release (``relation``'s _release) holds two identical rows of the mart."""
    listed = ", ".join(f'"{c}"' for c in columns)
    twice = con.execute(f"SELECT _release FROM {relation} GROUP BY _release, {listed} HAVING count(*) > 1 LIMIT 1"
                        ).fetchone()
    if twice:
        raise DuplicateRowError(f"vintage {releases[twice[0] - 1][0]}: mart.{mart} holds two identical rows; its "
                                "vintages cannot be stored as row versions")

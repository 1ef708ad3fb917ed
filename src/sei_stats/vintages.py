"""Vintages: what each publish released, kept so that every published figure can be shown again.

A publish records itself as a vintage under ``warehouse/vintages/<publish id>/``: ``vintage.json`` (id, release
time, the landing of each month and annual report, the reference inputs' versions, the code version) and the
values of the headline marts (VINTAGE_MARTS) as Parquet. The analysts' file then holds every recorded vintage:
``vintage.releases`` (one row each), ``vintage.<mart>`` (the mart's rows with their vintage_id and released: a view
over ``vintage_rows.<mart>``, where each version of a row is stored once, sei_stats.vintage_rows) and
``mart.revisions``, which answers "what did we publish for 1–6月 2019, when, and how was it revised since".
``mart.*`` keeps holding the latest figures only, so a plain SUM never counts a period twice.

The folder is written under a temporary name while the publish builds and renamed before the files are moved
into place; a vintage counts only once warehouse/publishes.jsonl logs its publish, so a publish killed between
the two leaves a folder no later publish reads (and the next publish removes it).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
import os
import shutil
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb

from .config import DataPaths, data_paths
from .inputs import INPUTS
from . import vintage_rows
from .relations import in_one_commit, quote

# The marts whose every published value is kept by vintage.
VINTAGE_MARTS = ("indicators_monthly", "indicators_annual", "output_by_area", "target_progress", "data_quality",
                 "disclosure")  # the disclosure pattern each release printed with (sei_stats.protection)
# The indicators mart.revisions follows, monthly (1–X月) and annual (the year's figure of record).
REVISED = ("output_value", "output_growth", "services_revenue", "services_revenue_growth", "value_added", "gdp_share",
           "imputed_share", "n_enterprises", "n_services_enterprises")
MANIFEST = "vintage.json"
FILES = "files"  # warehouse/vintages/files/<sha256>: every input file a vintage read, stored once by content
HISTORY = vintage_rows.HISTORY  # warehouse/vintages/history/<mart>.parquet: the marts' row versions, kept


def code_version() -> str:
    """A hash of the package's Python, SQL, YAML and CSV files (``hashed_files``: the data contracts of schemas/
    included), and of the repository's config/quality.yaml (local overrides of the rules' parameters, outside the
    data folder): the code a vintage was computed with, and a landing made by (sei_stats.land.landing_inputs)."""
    from . import settings

    digest = _package_digest().copy()
    if Path(settings.OVERRIDES).exists():
        digest.update(b"config/quality.yaml\0" + Path(settings.OVERRIDES).read_bytes())
    return digest.hexdigest()[:16]


def hashed_files() -> dict[str, Path]:
    """The package's Python, SQL, YAML and CSV files by their name in it, sei_stats.schemas's (the data contracts
    and rules.yaml) among them: installed editable, schemas/ lies outside src/sei_stats, so it is looked up apart."""
    main = Path(str(resources.files("sei_stats")))
    roots = [(main, "")]
    schemas = Path(str(resources.files("sei_stats.schemas")))
    if not schemas.is_relative_to(main):
        roots.append((schemas, "schemas/"))
    return {prefix + path.relative_to(root).as_posix(): path for root, prefix in roots for path in root.rglob("*")
            if path.suffix in (".py", ".sql", ".yaml", ".csv") and "__pycache__" not in path.parts}


@functools.cache
def _package_digest():
    """The package's files hashed once a process (a batch of landings asks for each): the code it runs is the code
    it imported, so a file changed after that would not be run either. config/quality.yaml is read at every call."""
    digest = hashlib.sha256()
    for name, path in sorted(hashed_files().items()):
        digest.update(name.encode())
        digest.update(path.read_bytes())
    return digest


def building(folder: Path, publish_id: str) -> Path:
    return folder / f".{publish_id}.{os.getpid()}.building"


def input_files(paths: DataPaths) -> list[Path]:
    """Every file a publish reads besides the landings: the catalog folder, the reference inputs, the settings."""
    files = sorted(p for p in paths.catalog.rglob("*") if p.is_file()) if paths.catalog.is_dir() else []
    files += [f for i in INPUTS for f in i.files(paths)]
    files += [paths.settings_yaml] if paths.settings_yaml.exists() else []
    return files


def _keep_files(paths: DataPaths, folder: Path) -> dict[str, str]:
    """Store the input files by content under ``folder``/files/ (once each); their path in the data folder -> sha256."""
    store = folder / FILES
    store.mkdir(parents=True, exist_ok=True)
    kept = {}
    for path in input_files(paths):
        data = path.read_bytes()
        sha = hashlib.sha256(data).hexdigest()
        if not (store / sha).exists():
            partial = store / f".{sha}.{os.getpid()}.partial"
            partial.write_bytes(data)
            os.replace(partial, store / sha)
        kept[path.relative_to(paths.root).as_posix()] = sha
    return kept


def record(con: duckdb.DuckDBPyConnection, db: str, paths: DataPaths, publish_id: str, released: dt.datetime,
           landings: dict[str, str], annual: dict[str, str]) -> Path:
    """Write this publish's vintage (the marts as stored in the attached database ``db``, and the input files it
    read) under a temporary name; return that folder."""
    folder = paths.vintages
    target = building(folder, publish_id)
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    for mart in VINTAGE_MARTS:
        con.execute(f"COPY (SELECT * FROM {db}.mart.{mart}) TO {quote(str(target / f'{mart}.parquet'))} (FORMAT parquet)")
    inputs = dict(con.execute(f"SELECT input, version FROM {db}.ref.input_versions ORDER BY 1").fetchall())
    manifest = {"vintage_id": publish_id, "released": released.isoformat(), "landings": landings,
                "annual_landings": annual, "inputs": inputs, "code_version": code_version(),
                "files": _keep_files(paths, folder)}
    (target / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return target


def commit(built: Path, publish_id: str) -> Path:
    """Give the recorded vintage its final name (before the publish moves its files into place)."""
    final = built.parent / publish_id
    os.replace(built, final)
    return final


def recorded(folder: Path, logged: set[str]) -> list[Path]:
    """The vintages of the publishes ``logged`` (warehouse/publishes.jsonl), oldest first."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.is_dir() and p.name in logged and (p / MANIFEST).exists())


def manifests(folder: Path) -> list[dict]:
    """The manifest of every vintage folder (logged or not), oldest first."""
    if not folder.is_dir():
        return []
    return [json.loads((p / MANIFEST).read_text(encoding="utf-8"))
            for p in sorted(folder.iterdir()) if p.is_dir() and (p / MANIFEST).exists()]


def sweep(folder: Path, logged: set[str], alive) -> list[str]:
    """Remove what a killed publish left: a temporary folder of a dead process, a vintage no publish logged."""
    notes = []
    for path in sorted(folder.iterdir()) if folder.is_dir() else []:
        if path.name.endswith(".building"):
            pid = int(path.name.rsplit(".", 2)[-2])
            if not alive(pid):
                shutil.rmtree(path, ignore_errors=True)
                notes.append(f"removed {path.name}, a vintage a run that died (process {pid}) left half-written")
        elif path.is_dir() and path.name not in (FILES, HISTORY) and path.name not in logged:
            shutil.rmtree(path, ignore_errors=True)
            notes.append(f"removed vintage {path.name}: its publish never completed")
    return notes


def store(con: duckdb.DuckDBPyConnection, schema_of: str, folders: list[Path], history: Path | None = None
          ) -> dict[str, int]:
    """vintage.releases, vintage_rows.<mart> with the view vintage.<mart>, and mart.revisions in the attached
    database ``schema_of`` (e.g. analysts), from ``folders`` (the recorded vintages and this publish's); the rows of
    each table made. ``history``: where the marts' row versions are kept between publishes (sei_stats.vintage_rows)."""
    db = schema_of
    for schema in ("vintage", "vintage_rows"):
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {db}.{schema}")
    # in release order (vintage_rows numbers them so); this publish's folder has a temporary name
    releases = sorted(((json.loads((f / MANIFEST).read_text(encoding="utf-8")), f) for f in folders),
                      key=lambda mf: (_instant(mf[0]["released"]), mf[0]["vintage_id"]))
    con.execute(f"""CREATE TABLE {db}.vintage.releases (vintage_id VARCHAR, release_no INTEGER,
                    released TIMESTAMP WITH TIME ZONE, first_period DATE, last_period DATE, periods INTEGER,
                    annual_reports INTEGER, landings VARCHAR, inputs VARCHAR, code_version VARCHAR)""")
    con.executemany(f"INSERT INTO {db}.vintage.releases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [
        (m["vintage_id"], number, m["released"], f"{min(m['landings'])}-01" if m["landings"] else None,
         f"{max(m['landings'])}-01" if m["landings"] else None, len(m["landings"]), len(m["annual_landings"]),
         json.dumps(m["landings"] | {f"{y} 年报": i for y, i in m["annual_landings"].items()}, ensure_ascii=False),
         json.dumps(m["inputs"], ensure_ascii=False), m["code_version"])
        for number, (m, _) in enumerate(releases, start=1)])
    for mart in VINTAGE_MARTS:
        # a vintage recorded before a mart was kept (vintage.disclosure came later) has none of its rows: no error
        files = [(m["vintage_id"], f / f"{mart}.parquet") for m, f in releases]
        versions = vintage_rows.build(con, mart, [(v, f if f.exists() else None) for v, f in files], history)
        con.execute(f"CREATE TABLE {db}.vintage_rows.{mart} AS SELECT * FROM {versions} ORDER BY from_release, to_release")
        con.execute(f"DROP TABLE {versions}")
        # names resolve in the view's own file: the analysts' file answers it on its own
        con.execute(f"""CREATE VIEW {db}.vintage.{mart} AS
                        SELECT r.vintage_id, r.released, v.* EXCLUDE (from_release, to_release)
                        FROM vintage.releases AS r JOIN vintage_rows.{mart} AS v
                          ON r.release_no BETWEEN v.from_release AND v.to_release
                        ORDER BY r.release_no""")
    con.execute(REVISIONS.format(db=db, indicators=", ".join(REVISED),
                                 cast=", ".join(f"CAST({c} AS DOUBLE) AS {c}" for c in REVISED)))
    _comment(con, db)
    return {"vintage.releases": len(releases)} | {
        f"vintage_rows.{mart}": con.execute(f"SELECT count(*) FROM {db}.vintage_rows.{mart}").fetchone()[0]
        for mart in VINTAGE_MARTS} | {
        "mart.revisions": con.execute(f"SELECT count(*) FROM {db}.mart.revisions").fetchone()[0]}


def _instant(released: str) -> dt.datetime:
    """A manifest's release time as an instant (one written without a zone taken as UTC)."""
    moment = dt.datetime.fromisoformat(released)
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


# Each indicator of each period under every vintage that changed it (its first release included).
REVISIONS = """
CREATE TABLE {db}.mart.revisions AS
WITH versions AS (  -- each version of a row, released first by the vintage that starts it
    SELECT 'monthly' AS report, period, from_release, {cast} FROM {db}.vintage_rows.indicators_monthly
    UNION ALL
    SELECT 'annual', make_date(year, 12, 1), from_release, {cast} FROM {db}.vintage_rows.indicators_annual
),
published AS (
    SELECT v.* EXCLUDE (from_release), r.vintage_id, r.released
    FROM versions AS v JOIN {db}.vintage.releases AS r ON r.release_no = v.from_release
),
long AS (
    UNPIVOT published ON {indicators} INTO NAME indicator VALUE value
),
ordered AS (
    SELECT *, lag(value) OVER w AS previous_value, row_number() OVER w = 1 AS first_release
    FROM long
    WINDOW w AS (PARTITION BY report, period, indicator ORDER BY released, vintage_id)
)
SELECT report, period, indicator, vintage_id, released, value, previous_value, value - previous_value AS revision,
       first_release
FROM ordered
WHERE first_release OR value IS DISTINCT FROM previous_value
ORDER BY report, period, indicator, released
"""

COMMENTS = {
    "vintage.releases": ("Every publish recorded as a vintage (warehouse/vintages/<id>/): what it released and what it "
                         "was computed from", {
        "vintage_id": "The publish id (time-ordered), as ref.publish.publish_id of the file it made",
        "release_no": "Its place in the order of release, 1 for the first (vintage_rows.*.from_release, to_release)",
        "released": "When the figures were released: the publish time (UTC)",
        "first_period": "First report period it included (first day of the month)",
        "last_period": "Last report period it included (first day of the month)",
        "periods": "Report periods it included",
        "annual_reports": "Annual reports (年报) it included",
        "landings": "The landing id of each month (YYYY-MM) and annual report (YYYY 年报) it included, JSON",
        "inputs": "The version (content hash) of every reference input it read (ref.input_versions), JSON",
        "code_version": "Hash of the sei_stats code (Python, SQL, YAML, CSV) it was computed with"}),
    "mart.revisions": ("Each published indicator (mart.indicators_monthly, 1–X月; mart.indicators_annual, the year's "
                       "figure of record) under every vintage that released or changed it: first release and revisions",
                       {"report": "monthly (cumulative 1–X月) or annual (the year's figure of record; period: its December)",
                        "period": "Report period: first day of the month; December of the year for annual",
                        "indicator": "Column of mart.indicators_monthly / indicators_annual, in its unit there (亿元, fraction, count)",
                        "vintage_id": "The vintage (vintage.releases) that released this value",
                        "released": "When that vintage was released (UTC)",
                        "value": "The value it released, in the indicator's unit",
                        "previous_value": "The value of the vintage before it; NULL at the first release",
                        "revision": "value − previous_value, in the indicator's unit; NULL at the first release",
                        "first_release": "true for the value first published"}),
}


def _comment(con: duckdb.DuckDBPyConnection, db: str) -> None:
    statements = []
    for table, (text, columns) in COMMENTS.items():
        statements.append(f"COMMENT ON TABLE {db}.{table} IS {quote(text)};")
        statements += [f"COMMENT ON COLUMN {db}.{table}.{c} IS {quote(t)};" for c, t in columns.items()]
    for mart in VINTAGE_MARTS:
        statements.append(f"COMMENT ON VIEW {db}.vintage.{mart} IS "
                          f"{quote(f'Every vintage of mart.{mart}: its rows as each publish released them (a view of vintage_rows.{mart})')};")
        statements.append(f"COMMENT ON COLUMN {db}.vintage.{mart}.vintage_id IS {quote('The vintage (vintage.releases)')};")
        statements.append(f"COMMENT ON COLUMN {db}.vintage.{mart}.released IS {quote('When it was released (UTC)')};")
        statements.append(f"COMMENT ON TABLE {db}.vintage_rows.{mart} IS "
                          f"{quote(f'Each version of a row of mart.{mart} once, with the releases that printed it: the storage of vintage.{mart}')};")
        statements.append(f"COMMENT ON COLUMN {db}.vintage_rows.{mart}.from_release IS "
                          f"{quote('First release (vintage.releases.release_no) that printed the row so')};")
        statements.append(f"COMMENT ON COLUMN {db}.vintage_rows.{mart}.to_release IS "
                          f"{quote('Last release that printed it so: every release from from_release to it did')};")
        # the other columns mean what mart.<mart>'s do
        for column, comment in con.execute(
                "SELECT column_name, comment FROM duckdb_columns() WHERE database_name = ? AND schema_name = 'mart' "
                "AND table_name = ?", [db, mart]).fetchall():
            statements += [f'COMMENT ON COLUMN {db}.{schema}.{mart}."{column}" IS {quote(comment or "")};'
                           for schema in ("vintage", "vintage_rows")]
    in_one_commit(con, "\n".join(statements))


class VintageError(ValueError):
    """A vintage cannot be rebuilt: not recorded, or a landing or file it read is gone."""


@dataclass(frozen=True)
class Rebuilt:
    vintage_id: str
    rows: dict[str, int]         # mart -> rows as released
    differing: dict[str, int]    # mart -> rows released but not rebuilt, plus rows rebuilt but not released
    code_version: str            # the code the vintage was computed with
    current_code: str            # the code that rebuilt it
    folder: Path                 # the data folder it was rebuilt in

    @property
    def identical(self) -> bool:
        return not any(self.differing.values())


def rebuild(paths: DataPaths, vintage_id: str, work: Path) -> Rebuilt:
    """Publish vintage ``vintage_id`` again in a data folder of its own under ``work``, from the landings and input
    files it recorded, and compare each headline mart with what it released, row by row and value by value."""
    from .publish import publish  # publish imports this module
    from .reclassify import reclassify_history

    folder = paths.vintages / vintage_id
    if not (folder / MANIFEST).exists():
        raise VintageError(f"{folder}: no vintage {vintage_id} is recorded (sei-stats vintage list names them)")
    manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    if "files" not in manifest:
        raise VintageError(f"vintage {vintage_id} was recorded before its input files were kept: it cannot be rebuilt")
    again = data_paths(work / vintage_id)
    shutil.rmtree(again.root, ignore_errors=True)
    for relative, sha in manifest["files"].items():
        _place(paths.vintages / FILES / sha, again.root / relative, f"input file {relative}")
    for period, landing in manifest["landings"].items():
        _place(paths.landed_month_dir(period) / f"{landing}.parquet", again.landed_month_dir(period) / f"{landing}.parquet",
               f"landing {landing} of {period}")
    for year, landing in manifest["annual_landings"].items():
        _place(paths.landed_annual_dir(year) / f"{landing}.parquet",
               again.landed_annual_dir(year) / f"{landing}.parquet", f"annual landing {landing} of {year}")
    reclassify_history(again)
    rebuilt = publish(again).path
    rows, differing = {}, {}
    with duckdb.connect(str(rebuilt), read_only=True) as con:
        for mart in VINTAGE_MARTS:
            if not (folder / f"{mart}.parquet").exists():  # recorded before the mart was kept: nothing to compare
                continue
            released = f"read_parquet({quote(str(folder / f'{mart}.parquet'))})"
            ours = {c for c, in con.execute(f"SELECT column_name FROM (DESCRIBE SELECT * FROM {released})").fetchall()}
            columns = ", ".join(f'"{c}"' for c, in con.execute(f"SELECT column_name FROM (DESCRIBE mart.{mart})").fetchall()
                                if c in ours)  # the columns both have: the code may have added some since
            rows[mart] = con.execute(f"SELECT count(*) FROM {released}").fetchone()[0]
            differing[mart] = con.execute(
                f"SELECT (SELECT count(*) FROM (SELECT {columns} FROM {released} EXCEPT ALL SELECT {columns} FROM mart.{mart}))"
                f" + (SELECT count(*) FROM (SELECT {columns} FROM mart.{mart} EXCEPT ALL SELECT {columns} FROM {released}))"
            ).fetchone()[0]
    return Rebuilt(vintage_id, rows, differing, manifest["code_version"], code_version(), again.root)


def _place(source: Path, target: Path, what: str) -> None:
    if not source.exists():
        raise VintageError(f"{what} is gone ({source}): the vintage cannot be rebuilt")
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(source, target)  # immutable files: a hard link is a copy that costs nothing
    except OSError:
        shutil.copy2(source, target)

"""History under one catalog: every current landing classified again by the entries in force at one month.

Each month is classified by the catalog valid in it, so a catalog change breaks the series. For
like-for-like growth, this classifies every month's current landing under the entries in force at
``as_of`` (default: the latest landed month), published as the *_current_catalog schemas. Money is
copied from the landed files untouched (exact DECIMAL).

A reclassified file is named by what it was made from — landed/reclassified/YYYY-MM/<landing
id>@<catalog version>.<format>.parquet — so it is immutable like a landing, made once and reused while its
landing and catalog stay the same; manifest.json names the set the latest run made.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from . import period as periods
from .catalog import read_products
from .classify import CLASS_COLUMNS, classify, entries_valid_in
from .config import DataPaths
from .memory import released
from .land import catalog_version, write_parquet
from .processes import replace_with_text

MANIFEST = "manifest.json"
# In each file's name: a change of what a reclassified file holds makes new files, never reuses an old one.
# r2: the held lines are classified too (r1 left them unclassified).
FORMAT = "r2"


@dataclass(frozen=True)
class Reclassified:
    as_of: str
    catalog_version: str
    periods: list[str]
    changed_lines: int  # lines (accepted or held) whose classification differs in any class column
    files: dict[str, Path]  # period -> its reclassified file


def catalog_in_force(catalog: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The entries valid in ``as_of``, their windows opened so they apply to every month."""
    current = entries_valid_in(catalog, as_of).copy()
    current["valid_from"], current["valid_to"] = "0000-01", None
    return current


def in_force_since(catalog: pd.DataFrame, as_of: str) -> str:
    """The first month of the catalog's entries in force at ``as_of`` unchanged: the latest window opening or
    closing up to it. It names the classification (so a new month under the same entries reuses every file)."""
    opened = [f for f in catalog["valid_from"] if f <= as_of]
    closed = [periods.shift(t, 1) for t in catalog["valid_to"].dropna() if t and periods.shift(t, 1) <= as_of]
    return max(opened + closed, default=as_of)


def _reclassify_month(con: duckdb.DuckDBPyConnection, source: Path, current: pd.DataFrame, period: str,
                      version: str, target: Path) -> int:
    """Write ``source`` classified under ``current`` to ``target``; the lines classified differently.

    The lines landing classified are classified again: the accepted and the held (a review may accept a held
    line, which then counts under the class it landed with)."""
    # through Arrow, four columns: the national month's 2.4 million lines in a fraction of .df()'s memory
    lines = (con.read_parquet(str(source)).filter("status IN ('accepted', 'held')")
             .select("source_file, line_number, product_code, industry_code").to_arrow_table().to_pandas())
    classes = classify(lines, current, period)[["source_file", "line_number", *CLASS_COLUMNS]]
    del lines
    con.register("classes", classes)
    replaced = ", ".join(f"c.{c} AS {c}" for c in CLASS_COLUMNS)
    write_parquet(con, f"""
        SELECT l.* REPLACE ({replaced}, ? AS catalog_version)
        FROM read_parquet(?) AS l
        LEFT JOIN classes AS c USING (source_file, line_number)
        ORDER BY l.file_order, l.line_number""", [version, str(source)], target)
    con.unregister("classes")
    return _classified_differently(con, source, target)


def _classified_differently(con: duckdb.DuckDBPyConnection, landed: Path, reclassified: Path) -> int:
    """How many lines differ in any class column (the code, its area and field, the NBS code and edition …)."""
    differs = " OR ".join(f"coalesce(CAST(l.{c} AS VARCHAR), '') <> coalesce(CAST(r.{c} AS VARCHAR), '')"
                          for c in CLASS_COLUMNS)
    return con.execute(f"""
        SELECT count(*) FROM read_parquet(?) AS l JOIN read_parquet(?) AS r USING (source_file, line_number)
        WHERE l.status IN ('accepted', 'held') AND ({differs})""", [str(landed), str(reclassified)]).fetchall()[0][0]


@released
def reclassify_history(paths: DataPaths, as_of: str | None = None) -> Reclassified:
    """Every month's current landing under the catalog in force at ``as_of``; the manifest names the set."""
    periods = paths.landed_periods()
    if not periods:
        raise ValueError(f"{paths.landed}: no landed month to reclassify")
    as_of = as_of or periods[-1]
    catalog = read_products(paths.catalog)
    current = catalog_in_force(catalog, as_of)
    version = f"{catalog_version(paths.catalog)}@{in_force_since(catalog, as_of)}"
    known = _read_manifest(paths).get("changed", {})
    files, changed = {}, {}
    con = duckdb.connect()
    try:
        for period in periods:
            source = paths.current_landing(period)
            target = paths.reclassified / period / f"{source.stem}@{version}.{FORMAT}.parquet"
            name = str(target.relative_to(paths.reclassified))
            if target.exists() and name in known:  # made from the same landing and catalog: the same file
                changed[name] = known[name]
            else:
                changed[name] = _reclassify_month(con, source, current, period, version, target)
            files[period] = target
    finally:
        con.close()
    _write_manifest(paths, {"as_of": as_of, "catalog_version": version, "changed": changed,
                            "files": {p: str(f.relative_to(paths.reclassified)) for p, f in files.items()}})
    return Reclassified(as_of=as_of, catalog_version=version, periods=periods,
                        changed_lines=sum(changed.values()), files=files)


def classifies_as_landed(paths: DataPaths, landings: dict[str, Path]) -> bool:
    """Whether today's catalog classifies the history of ``landings`` exactly as it landed: the latest
    reclassification changed no line of them, and every landed month's entries in force are those in force
    today (so the frame step, which classifies the lines of units whose frame industry differs and the imputed
    lines at publish, classifies them alike). The current-catalog relations are then the published ones."""
    manifest = _read_manifest(paths)
    files = manifest.get("files", {})
    if set(files) != set(landings) or any(manifest["changed"].get(files[p], 1) for p in landings):
        return False
    catalog = read_products(paths.catalog)
    today = _classes(catalog_in_force(catalog, manifest["as_of"]))
    return all(_classes(entries_valid_in(catalog, period)) == today for period in landings)


def _classes(entries: pd.DataFrame) -> set[tuple]:
    """The entries as what they classify a line into (windows, names and sources aside)."""
    columns = [c for c in ("kind", "code", "area", "field", "key_field", "nbs_code", "nbs_edition") if c in entries]
    return set(entries[columns].astype(str).itertuples(index=False, name=None))


def _read_manifest(paths: DataPaths) -> dict:
    manifest = paths.reclassified / MANIFEST
    return json.loads(manifest.read_text(encoding="utf-8")) if manifest.exists() else {}


def _write_manifest(paths: DataPaths, manifest: dict) -> None:
    replace_with_text(paths.reclassified / MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))


def current_catalog_as_of(paths: DataPaths) -> str:
    """The month whose catalog the latest reclassification classified the history by."""
    return _read_manifest(paths)["as_of"]


def current_reclassification(paths: DataPaths, landings: dict[str, Path]) -> dict[str, Path] | None:
    """The reclassified file of each landing in ``landings``, when the latest reclassification covered
    exactly those landings; else None (the current-catalog views are then not published)."""
    manifest = _read_manifest(paths)
    if not manifest:
        return None
    files = {p: paths.reclassified / f for p, f in manifest["files"].items()}
    matches = set(files) == set(landings) and all(
        files[p].name.split("@")[0] == landings[p].stem and files[p].exists() for p in landings)
    return files if matches else None

"""History under one catalog: every landed month classified again by the entries in force at one month.

Each month is classified by the catalog valid in it, so a catalog change breaks the series. For
like-for-like growth, this rebuilds every landed month under the entries in force at ``as_of``
(default: the latest landed month) into landed/reclassified/, published as the *_current_catalog
schemas. Money is copied from the landed files untouched (exact DECIMAL).
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import pandas as pd

from .catalog import read_products
from .classify import CLASS_COLUMNS, classify, entries_valid_in
from .config import DataPaths
from .land import catalog_version, write_parquet


@dataclass(frozen=True)
class Reclassified:
    as_of: str
    catalog_version: str
    periods: list[str]
    changed_lines: int  # accepted lines whose classification differs from the landed one


def catalog_in_force(catalog: pd.DataFrame, as_of: str) -> pd.DataFrame:
    """The entries valid in ``as_of``, their windows opened so they apply to every month."""
    current = entries_valid_in(catalog, as_of).copy()
    current["valid_from"], current["valid_to"] = "0000-01", None
    return current


def reclassify_history(paths: DataPaths, as_of: str | None = None) -> Reclassified:
    """Rebuild landed/reclassified/YYYY-MM.parquet for every landed month under the catalog in force at ``as_of``."""
    periods = sorted(p.stem for p in paths.landed.glob("*.parquet"))
    if not periods:
        raise ValueError(f"{paths.landed}: no landed month to reclassify")
    as_of = as_of or periods[-1]
    current = catalog_in_force(read_products(paths.catalog), as_of)
    version = f"{catalog_version(paths.catalog)}@{as_of}"
    out_dir = paths.reclassified
    out_dir.mkdir(parents=True, exist_ok=True)
    changed = 0
    con = duckdb.connect()
    try:
        for period in periods:
            source = paths.landed_month(period)
            lines = con.execute(
                "SELECT source_file, line_number, product_code, industry_code, catalog_code AS landed_code "
                "FROM read_parquet(?) WHERE status = 'accepted'", [str(source)]).df()
            classes = classify(lines, current, period)
            changed += int((classes["catalog_code"].fillna("") != lines["landed_code"].fillna("")).sum())
            con.register("classes", classes[["source_file", "line_number", *CLASS_COLUMNS]])
            replaced = ", ".join(f"c.{c} AS {c}" for c in CLASS_COLUMNS)
            write_parquet(con, f"""
                SELECT l.* REPLACE ({replaced}, ? AS catalog_version)
                FROM read_parquet(?) AS l
                LEFT JOIN classes AS c USING (source_file, line_number)
                ORDER BY l.file_order, l.line_number""", [version, str(source)], out_dir / f"{period}.parquet")
            con.unregister("classes")
        for stale in set(p.stem for p in out_dir.glob("*.parquet")) - set(periods):
            (out_dir / f"{stale}.parquet").unlink()
    finally:
        con.close()
    return Reclassified(as_of=as_of, catalog_version=version, periods=periods, changed_lines=changed)

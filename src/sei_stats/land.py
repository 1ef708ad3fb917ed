"""Land one report period: read → validate → correct → classify, then one Parquet file, atomically.

A month is landed as a single file written beside its final path and moved onto it with
os.replace, so a failed run leaves the month as it was and a rerun replaces it whole.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from .catalog import read_districts, read_products
from .classify import CLASS_COLUMNS, classify
from .config import DataPaths
from .read import FIELDS, read_period
from .validate import ACCEPTED, BUCKETS, assign_buckets, find_failures

# The landed file's columns. Money stays exact: DECIMAL(18,3) in 千元.
LANDED_SQL = """
SELECT
    CAST(? AS DATE)                               AS period,
    l.source_file, CAST(l.line_number AS INTEGER) AS line_number, l.file_order,
    l.period                                      AS period_reported,
    l.credit_code, l.enterprise_name, l.district_code, l.industry_code,
    l.product_code, l.product_name,
    l.output_ytd                                  AS output_ytd_text,
    l.output_ytd_prior                            AS output_ytd_prior_text,
    TRY_CAST(l.output_ytd AS DECIMAL(18,3))       AS output_ytd,
    TRY_CAST(l.output_ytd_prior AS DECIMAL(18,3)) AS output_ytd_prior,
    l.status, l.superseded_by,
    coalesce(f.failures, [])                      AS failures,
    l.is_sei, l.match_kind, l.catalog_code, l.area, l.field, l.key_field, l.nbs_code, l.nbs_edition,
    ?                                             AS catalog_version
FROM lines AS l
LEFT JOIN (
    SELECT "row", list({'rule': rule, 'field': field, 'message': message} ORDER BY field, rule) AS failures
    FROM failed GROUP BY "row"
) AS f ON f."row" = l."row"
ORDER BY l."row"
"""


@dataclass(frozen=True)
class LandedMonth:
    """What landing a period did: where the file is, and the lines in each bucket."""

    period: str
    path: Path
    files: list[str]
    buckets: dict[str, int]
    rows_received: int
    rows_unclassified: int
    catalog_version: str
    rules_failed: dict[str, int] = field(default_factory=dict)


def catalog_version(catalog_dir: Path) -> str:
    """A short content hash of products.csv: the marts say which catalog classified each line."""
    return hashlib.sha256((Path(catalog_dir) / "products.csv").read_bytes()).hexdigest()[:12]


def prepare_month(paths: DataPaths, period: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Every received line of the period with its bucket and classification, and the failed rules."""
    lines = read_period(paths.returns, period)
    districts = set(read_districts(paths.catalog)["code"])
    failed = find_failures(lines, period, districts)
    lines = assign_buckets(lines, set(failed["row"]))
    accepted = lines["status"] == ACCEPTED
    classified = classify(lines[accepted], read_products(paths.catalog), period)
    for column in CLASS_COLUMNS:
        lines[column] = classified[column].reindex(lines.index)
    lines[list(FIELDS)] = lines[list(FIELDS)].replace("", pd.NA)
    lines.insert(0, "row", range(len(lines)))
    return lines, failed


def land_month(paths: DataPaths, period: str) -> LandedMonth:
    """Land report period YYYY-MM as landed/returns/YYYY-MM.parquet, replacing any earlier landing."""
    lines, failed = prepare_month(paths, period)
    version = catalog_version(paths.catalog)
    target = paths.landed_month(period)
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{period}.{os.getpid()}.partial")
    con = duckdb.connect()
    try:
        con.register("lines", lines)
        con.register("failed", failed)
        con.execute(f"COPY ({LANDED_SQL}) TO '{partial}' (FORMAT parquet, COMPRESSION zstd)", [f"{period}-01", version])
        os.replace(partial, target)
    finally:
        con.close()
        partial.unlink(missing_ok=True)
    counts = lines["status"].value_counts()
    accepted = lines["status"] == ACCEPTED
    return LandedMonth(
        period=period,
        path=target,
        files=list(dict.fromkeys(lines["source_file"])),
        buckets={b: int(counts.get(b, 0)) for b in BUCKETS},
        rows_received=len(lines),
        rows_unclassified=int((accepted & ~lines["is_sei"].fillna(False).astype(bool)).sum()),
        catalog_version=version,
        rules_failed={str(k): int(v) for k, v in failed["rule"].value_counts().sort_index().items()},
    )

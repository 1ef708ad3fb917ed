"""Land one report period: read → validate → correct → classify, then one Parquet file, atomically.

Each landing is a new immutable file, landed/returns/YYYY-MM/<landing id>.parquet, written beside
its final name and moved there with os.replace: a failed run leaves the month as it was, a rerun
adds a newer version, and nothing an analyst sees changes until a publish includes it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq

from . import crashpoints
from . import period as periods
from .catalog import read_districts, read_products
from .classify import CLASS_COLUMNS, classify
from .config import DataPaths
from .normalize import normalize_lines
from .read import FIELDS, read_period_with_notes
from .roster import roster_codes
from .settings import load_settings
from .validate import judge_period
from .vocabulary import ACCEPTED, LANDING_BUCKETS

# Bumped whenever the landed columns change: publishing refuses files of another format.
LANDING_FORMAT = 4

# The landed file's columns. Money stays exact: DECIMAL(18,3) in 千元.
LANDED_SQL = f"""
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
    nullif(l.normalized, '')                      AS normalized,
    l.received_text,
    l.status, l.superseded_by,
    coalesce(f.failures, [])                      AS failures,
    l.is_sei, l.match_kind, l.catalog_code, l.area, l.field, l.key_field, l.nbs_code, l.nbs_edition,
    ?                                             AS catalog_version,
    ?                                             AS landing_id,
    {LANDING_FORMAT}                              AS landing_format
FROM lines AS l
LEFT JOIN (
    SELECT "row", list({{'rule': rule, 'field': field, 'severity': severity, 'message': message}} ORDER BY field, rule) AS failures
    FROM failed GROUP BY "row"
) AS f ON f."row" = l."row"
ORDER BY l."row"
"""


@dataclass(frozen=True)
class LandedMonth:
    """What landing a period did: where the file is, and the lines in each bucket."""

    period: str
    path: Path
    landing_id: str
    files: list[str]
    buckets: dict[str, int]
    rows_received: int
    rows_unclassified: int
    catalog_version: str
    rules_failed: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # files ignored, and problems a lenient landing let pass


def new_landing_id() -> str:
    """A landing id that sorts by time (UTC, microseconds) and cannot collide across processes."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"


def write_parquet(con: duckdb.DuckDBPyConnection, query: str, params: list, target: Path) -> None:
    """Write a query's rows to target atomically: beside it first, then moved onto it; nothing is left on failure.

    The rows stream through Arrow in batches, so no path is ever written into SQL text.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.stem}.{os.getpid()}.partial")
    try:
        batches = con.sql(query, params=params).to_arrow_reader(batch_size=100_000)
        with pq.ParquetWriter(partial, batches.schema, compression="zstd") as writer:
            for batch in batches:
                writer.write_batch(batch)
        crashpoints.reach("landing")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def catalog_version(catalog_dir: Path) -> str:
    """A short content hash of products.csv: the marts say which catalog classified each line."""
    return hashlib.sha256((Path(catalog_dir) / "products.csv").read_bytes()).hexdigest()[:12]


def _received_text(received: pd.DataFrame, normalized: pd.DataFrame) -> pd.Series:
    """For lines the normaliser touched, the fields as received (the audit trail of a format change)."""
    def original(index) -> str:
        fields = normalized.at[index, "normalized"]
        return "; ".join(f"{f}={received.at[index, f]!r}" for f in fields.split(",")) if fields else ""
    return pd.Series([original(i) for i in normalized.index], index=normalized.index, dtype="string").replace("", pd.NA)


def prepare_month(paths: DataPaths, period: str, *, lenient: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Every received line of the period with its bucket and classification, the failed rules, and the
    reader's notes."""
    received, notes = read_period_with_notes(paths.returns, period, lenient=lenient)
    lines = normalize_lines(received)
    lines["received_text"] = _received_text(received, lines)
    districts = set(read_districts(paths.catalog)["code"])
    lines, failed = judge_period(lines, period, districts, roster_codes(paths, periods.year(period)),
                                 load_settings(data=paths).rule_params)  # the data folder's settings count
    accepted = lines["status"] == ACCEPTED
    # Held lines are classified too: a reviewer's accept puts them in the figures.
    classified = classify(lines[accepted | (lines["status"] == "held")], read_products(paths.catalog), period)
    for column in CLASS_COLUMNS:
        lines[column] = classified[column].reindex(lines.index)
    lines[list(FIELDS)] = lines[list(FIELDS)].replace("", pd.NA)
    lines.insert(0, "row", range(len(lines)))
    return lines, failed, notes


def land_month(paths: DataPaths, period: str, *, lenient: bool = False) -> LandedMonth:
    """Land report period YYYY-MM as a new version landed/returns/YYYY-MM/<landing id>.parquet."""
    lines, failed, notes = prepare_month(paths, period, lenient=lenient)
    version = catalog_version(paths.catalog)
    landing_id = new_landing_id()
    target = paths.landed_month_dir(period) / f"{landing_id}.parquet"
    con = duckdb.connect()
    try:
        con.register("lines", lines)
        con.register("failed", failed)
        write_parquet(con, LANDED_SQL, [periods.first_day(period), version, landing_id], target)
    finally:
        con.close()
    counts = lines["status"].value_counts()
    accepted = lines["status"] == ACCEPTED
    return LandedMonth(
        period=period,
        path=target,
        landing_id=landing_id,
        files=list(dict.fromkeys(lines["source_file"])),
        buckets={b: int(counts.get(b, 0)) for b in LANDING_BUCKETS},
        rows_received=len(lines),
        rows_unclassified=int((accepted & ~lines["is_sei"].fillna(False).astype(bool)).sum()),
        catalog_version=version,
        rules_failed={str(k): int(v) for k, v in failed["rule"].value_counts().sort_index().items()},
        notes=notes,
    )

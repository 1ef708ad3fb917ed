"""Land one report period: read → validate → correct → classify, then one Parquet file, atomically.

Each landing is a new immutable file, landed/returns/YYYY-MM/<landing id>.parquet, written beside
its final name and moved there with os.replace: a failed run leaves the month as it was, a rerun
adds a newer version, and nothing an analyst sees changes until a publish includes it. A rerun whose
inputs are byte for byte those of the current landing (the period's files, the catalog, the year's
roster, the settings, the code: ``landing_inputs``) keeps that landing instead: the same lines would
land again, and a new landing id would make the publish compute the year anew for nothing.

The annual report (年报) of a year lands the same way, with the same columns, as
landed/annual/YYYY/<landing id>.parquet (``land_annual``): its period is the year's December, the span
1–12月 it covers, and it is classified by the catalog entries valid then.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
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
from .memory import released
from .normalize import normalize_lines, received_text
from .read import FIELDS, read_annual_with_notes, read_period_with_notes, scan_annual, scan_period
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

    period: str  # YYYY-MM; YYYY for an annual report (land_annual)
    path: Path
    landing_id: str
    files: list[str]
    buckets: dict[str, int]
    rows_received: int
    rows_unclassified: int
    catalog_version: str
    rules_failed: dict[str, int] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # files ignored, and problems a lenient landing let pass
    reused: bool = False  # the current landing kept: its inputs are unchanged (landing_inputs)


# The landed file's Parquet key-value metadata: the hash of what it read, and the LandedMonth it made (its summary).
INPUTS_KEY, SUMMARY_KEY = b"sei_stats.landing_inputs", b"sei_stats.landing_summary"
_SUMMARY_FIELDS = ("files", "buckets", "rows_received", "rows_unclassified", "catalog_version", "rules_failed", "notes")


def new_landing_id() -> str:
    """A landing id that sorts by time (UTC, microseconds) and cannot collide across processes."""
    return dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ") + f"-{os.getpid()}"


def write_parquet(con: duckdb.DuckDBPyConnection, query: str, params: list, target: Path,
                  metadata: dict[bytes, bytes] | None = None) -> None:
    """Write a query's rows to target atomically: beside it first, then moved onto it; nothing is left on failure.

    The rows stream through Arrow in batches, so no path is ever written into SQL text. ``metadata`` goes into the
    file's key-value metadata.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.stem}.{os.getpid()}.partial")
    try:
        batches = con.sql(query, params=params).to_arrow_reader(batch_size=100_000)
        schema = batches.schema.with_metadata({**(batches.schema.metadata or {}), **(metadata or {})})
        with pq.ParquetWriter(partial, schema, compression="zstd") as writer:
            for batch in batches:
                writer.write_batch(batch)
        crashpoints.reach("landing")
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)


def catalog_version(catalog_dir: Path) -> str:
    """A short content hash of products.csv: the marts say which catalog classified each line."""
    return hashlib.sha256((Path(catalog_dir) / "products.csv").read_bytes()).hexdigest()[:12]


def prepare_month(paths: DataPaths, period: str, *, lenient: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """Every received line of the period with its bucket and classification, the failed rules, and the
    reader's notes."""
    received, notes = read_period_with_notes(paths.returns, period, lenient=lenient)
    lines, failed = judge_and_classify(paths, received, period, period)
    return lines, failed, notes


def prepare_annual(paths: DataPaths, year: int | str, *, lenient: bool = False) -> tuple[pd.DataFrame, pd.DataFrame, list[str]]:
    """``prepare_month`` for the annual report of ``year`` (raw/annual/YYYY/): the same rules, but its period
    is the year (YYYY), and it is classified by the catalog entries valid in the year's December."""
    year = periods.parse_year(year)
    received, notes = read_annual_with_notes(paths.annual, year, lenient=lenient)
    lines, failed = judge_and_classify(paths, received, year, periods.december(year), annual=True)
    return lines, failed, notes


def judge_and_classify(paths: DataPaths, received: pd.DataFrame, period: str, month: str, *,
                       annual: bool = False, stage: Callable[[str], AbstractContextManager] = lambda name: nullcontext()
                       ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The received lines normalised, judged against ``period`` (YYYY-MM, or YYYY for an annual report) with
    the roster of its year, and classified by the catalog entries valid in ``month`` (YYYY-MM). Each step runs
    in ``stage(name)`` (normalise, validate, classify): the benchmark times them there."""
    with stage("normalise"):
        lines = normalize_lines(received, annual=annual)
        lines["received_text"] = received_text(received, lines)
    with stage("validate"):
        districts = set(read_districts(paths.catalog)["code"])
        lines, failed = judge_period(lines, period, districts, roster_codes(paths, periods.year(month)),
                                     load_settings(data=paths).rule_params)  # the data folder's settings count
    with stage("classify"):
        accepted = lines["status"] == ACCEPTED
        # Held lines are classified too: a reviewer's accept puts them in the figures.
        classified = classify(lines[accepted | (lines["status"] == "held")], read_products(paths.catalog), month)
        for column in CLASS_COLUMNS:
            lines[column] = classified[column].reindex(lines.index)
        lines[list(FIELDS)] = lines[list(FIELDS)].replace("", pd.NA)
        lines.insert(0, "row", range(len(lines)))
    return lines, failed


def landing_inputs(paths: DataPaths, folder: Path, year: int, lenient: bool) -> str | None:
    """A hash of everything landing the period of ``folder`` reads: every file of the folder and of the catalog
    (names and bytes), the year's roster, the data folder's settings, and the code with the repository's rule
    overrides (sei_stats.vintages.code_version). None when the folder is absent (a misnamed folder a lenient
    landing reads past, or no folder at all): such a landing is never reused."""
    from .vintages import code_version

    if not folder.is_dir():
        return None
    digest = hashlib.sha256(f"{LANDING_FORMAT}\0{lenient}\0{code_version()}\0".encode())
    for root in (folder, paths.catalog):
        for path in sorted(p for p in root.rglob("*") if p.is_file()) if root.is_dir() else []:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0" + path.read_bytes() + b"\0")
    for path in (paths.roster_file(year), paths.settings_yaml):
        digest.update(path.name.encode() + b"\0" + (path.read_bytes() if path.exists() else b"absent") + b"\0")
    return digest.hexdigest()[:24]


def _reused(current: Path | None, inputs: str | None, period: str) -> LandedMonth | None:
    """The current landing, when it was made from exactly ``inputs``; its mtime is set to now, as a new landing's
    would be (the sensors and ``stale_annual_years`` ask whether the files are newer than the landing)."""
    if current is None or inputs is None:
        return None
    metadata = pq.read_schema(current).metadata or {}
    if metadata.get(INPUTS_KEY) != inputs.encode() or SUMMARY_KEY not in metadata:
        return None
    os.utime(current)
    summary = json.loads(metadata[SUMMARY_KEY])
    return LandedMonth(period=period, path=current, landing_id=current.stem, reused=True, **summary)


@released
def land_month(paths: DataPaths, period: str, *, lenient: bool = False) -> LandedMonth:
    """Land report period YYYY-MM as a new version landed/returns/YYYY-MM/<landing id>.parquet, or keep the current
    one when its inputs are unchanged (``landing_inputs``)."""
    inputs = landing_inputs(paths, paths.returns / period, periods.year(period), lenient)
    reused = _reused(paths.current_landing(period), inputs, period)
    if reused:
        return reused
    lines, failed, notes = prepare_month(paths, period, lenient=lenient)
    return _land(paths, lines, failed, notes, period, periods.first_day(period), paths.landed_month_dir(period), inputs)


@released
def land_annual(paths: DataPaths, year: int | str, *, lenient: bool = False) -> LandedMonth:
    """Land the annual report (年报) of ``year`` as a new version landed/annual/YYYY/<landing id>.parquet.

    The same columns (LANDED_SQL) and LANDING_FORMAT as a month: ``period`` is DATE 'YYYY-12-01' (the report
    covers 1–12月, December's span), ``period_reported`` the line's period field as for a month (normalised:
    '2019年报' lands as '2019', its text as received in ``received_text``; a rejected '2019-12' stays as written).
    The LandedMonth's period is 'YYYY'.
    """
    year = periods.parse_year(year)
    inputs = landing_inputs(paths, paths.annual_folder(year), int(year), lenient)
    reused = _reused(paths.current_annual_landing(year), inputs, year)
    if reused:
        return reused
    lines, failed, notes = prepare_annual(paths, year, lenient=lenient)
    return _land(paths, lines, failed, notes, year, periods.first_day(periods.december(year)),
                 paths.landed_annual_dir(year), inputs)


def stale_annual_years(paths: DataPaths) -> dict[str, int]:
    """The years of raw/annual/ whose newest report file is newer than their current annual landing (or that were
    never landed), with that file's mtime (ns). Office litter asks for nothing; so does a misnamed folder
    (``read.scan_annual`` names it as a problem)."""
    stale = {}
    for year in scan_annual(paths.annual).years:
        files = scan_period(paths.annual_folder(year)).files
        if not files:
            continue
        newest = max(f.stat().st_mtime_ns for f in files)
        landed = paths.current_annual_landing(year)
        if landed is None or landed.stat().st_mtime_ns < newest:
            stale[year] = newest
    return stale


def _land(paths: DataPaths, lines: pd.DataFrame, failed: pd.DataFrame, notes: list[str], period: str,
          first_day: str, folder: Path, inputs: str | None) -> LandedMonth:
    """Write the judged lines as a new landing in ``folder`` (period DATE ``first_day``) and say what it holds; the
    file keeps the hash of its ``inputs`` and that summary."""
    version = catalog_version(paths.catalog)
    landing_id = new_landing_id()
    target = folder / f"{landing_id}.parquet"
    landed = _summary(lines, failed, notes, period, target, landing_id, version)
    metadata = {SUMMARY_KEY: json.dumps({k: getattr(landed, k) for k in _SUMMARY_FIELDS}, ensure_ascii=False).encode()}
    if inputs is not None:
        metadata[INPUTS_KEY] = inputs.encode()
    con = duckdb.connect()
    try:
        con.register("lines", lines)
        con.register("failed", failed)
        write_parquet(con, LANDED_SQL, [first_day, version, landing_id], target, metadata)
    finally:
        con.close()
    return landed


def _summary(lines: pd.DataFrame, failed: pd.DataFrame, notes: list[str], period: str, target: Path,
             landing_id: str, version: str) -> LandedMonth:
    counts = lines["status"].value_counts()
    accepted = lines["status"] == ACCEPTED
    return LandedMonth(
        period=period,
        path=target,
        landing_id=landing_id,
        files=lines["source_file"].drop_duplicates().tolist(),  # in order of first line (a loop over every line: 1.6 s)
        buckets={b: int(counts.get(b, 0)) for b in LANDING_BUCKETS},
        rows_received=len(lines),
        rows_unclassified=int((accepted & ~lines["is_sei"].fillna(False).astype(bool)).sum()),
        catalog_version=version,
        rules_failed={str(k): int(v) for k, v in failed["rule"].value_counts().sort_index().items()},
        notes=notes,
    )

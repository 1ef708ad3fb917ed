"""The step over the survey frame, between the views of sql/: classification by the frame, imputation.

The frame (fact.frame) and the final lines (fact.lines, fact.scope_lines) are views over the landed
months; this step reads them and, year by year in month order, makes what the figures are built
on (sql/fact_scope.sql): the lines classified again by their unit's frame industry
(fact.frame_classes), the imputed lines of live units without a usable figure (fact.imputed_lines),
the frame rules' findings (fact.frame_findings) and every unit's state each month (qa.frame).

A year's results depend only on its own and the year before's lines, its frame, the catalog, the
settings, this code, and the run of imputation carried from the year before; they are cached under
a key of all of these (landed/frame_step/), so a publish recomputes only the years that changed.
"""

from __future__ import annotations

import functools
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pandas as pd

from . import classify as classify_module, impute as impute_module
from .classify import CLASS_COLUMNS, classify
from .impute import impute, runs_at_end

OUTPUTS = ("classes", "imputed", "findings", "frame")  # the frame last: written last, it marks a complete entry


@functools.cache
def code_version() -> str:
    """The code a year's results come from (read once, when first needed): changing it changes every key."""
    sources = (Path(m.__file__) for m in (impute_module, classify_module))
    return hashlib.sha256(b"".join(p.read_bytes() for p in (*sources, Path(__file__)))).hexdigest()[:16]


@dataclass(frozen=True)
class Filled:
    years_computed: list[int]
    years_reused: list[int]


def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    return con.execute(sql).df()


def _classified_by_frame(lines: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """``lines`` (period, product_code, industry_code = the frame's) with the CLASS_COLUMNS of their match."""
    if lines.empty:
        return lines.assign(**{c: pd.Series(dtype=object) for c in CLASS_COLUMNS})
    parts = [classify(group, catalog, period.strftime("%Y-%m"))
             for period, group in lines.groupby(pd.to_datetime(lines["period"]))]
    return pd.concat(parts).loc[lines.index]


def _insert(con: duckdb.DuckDBPyConnection, table: str, frames: list[pd.DataFrame]) -> None:
    frames = [f for f in frames if len(f)]
    if not frames:
        return
    con.register("frame_to_insert", pd.concat(frames, ignore_index=True))
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame_to_insert")
    con.unregister("frame_to_insert")


def _read_inputs(con: duckdb.DuckDBPyConnection, suffix: str) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    fact = f"fact{suffix}"
    lines = _frame(con, f"""
        SELECT period, source_file, line_number, credit_code, enterprise_name, product_code, product_name, product_key,
               CAST(output_ytd AS DOUBLE) AS output_ytd, CAST(prior AS DOUBLE) AS prior, district_code, industry_code,
               industry_code_reported, catalog_version
        FROM {fact}.scope_lines ORDER BY period, source_file, line_number""")
    frame = _frame(con, f"""
        SELECT period, credit_code, enterprise_name, district_code, industry_code, area, frame_source, live,
               out_of_scope_reason
        FROM {fact}.frame ORDER BY period, credit_code""")
    returned = _frame(con, f"""
        SELECT period, credit_code, coalesce(product_code, product_name) AS product_key, status
        FROM {fact}.lines
        WHERE status IN ('accepted', 'held', 'rejected', 'out_of_scope') AND credit_code IS NOT NULL
        ORDER BY ALL""")
    for f in (lines, frame, returned):
        f["period"] = pd.to_datetime(f["period"])
    return lines, frame, returned


def _year(lines: pd.DataFrame, frame: pd.DataFrame, returned: pd.DataFrame, catalog: pd.DataFrame,
          min_respondents: int, max_months: int, carried: dict) -> dict[str, pd.DataFrame]:
    """The four results of one year (``lines``: its lines and the year before's; the others: the year's)."""
    year = int(frame["period"].dt.year.iloc[0])
    own = lines[lines["period"].dt.year == year]
    moved = own[own["industry_code"] != own["industry_code_reported"]]
    classes = _classified_by_frame(moved[["period", "source_file", "line_number", "product_code", "industry_code"]],
                                   catalog).drop(columns=["product_code", "industry_code"])
    result = impute(lines, frame, returned, min_respondents, max_months, carried)
    imputed = _classified_by_frame(result.lines, catalog) if len(result.lines) else result.lines
    sent = set(zip(returned["period"], returned["credit_code"]))
    states = frame.merge(result.status.drop(columns=["responded"]), on=["period", "credit_code"], how="left")
    states["responded"] = [(p, c) in sent for p, c in zip(states["period"], states["credit_code"])]
    for column, empty in (("usable", False), ("imputed", False), ("lines_imputed", 0), ("months_imputed_running", 0)):
        states[column] = states[column].fillna(empty).astype(type(empty))
    states["why"] = states["why"].where(states["live"], states["out_of_scope_reason"])
    return {"classes": classes, "imputed": imputed, "findings": result.findings,
            "frame": states.drop(columns=["out_of_scope_reason"])}


def _key(*parts) -> str:
    digest = hashlib.sha256()
    for part in parts:
        if isinstance(part, pd.DataFrame):
            digest.update(pd.util.hash_pandas_object(part, index=False).to_numpy().tobytes())
            digest.update(",".join(part.columns).encode())
        else:
            digest.update(repr(part).encode())
    return digest.hexdigest()[:24]


def _load(folder: Path, key: str) -> dict[str, pd.DataFrame] | None:
    files = {name: folder / f"{key}.{name}.parquet" for name in OUTPUTS}
    if not all(f.exists() for f in files.values()):
        return None
    return {name: pd.read_parquet(f) for name, f in files.items()}


def _store(folder: Path, key: str, results: dict[str, pd.DataFrame]) -> None:
    """Each result written beside its name and moved there; older keys of the year removed."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in OUTPUTS:
        target = folder / f"{key}.{name}.parquet"
        partial = folder / f".{key}.{name}.{os.getpid()}.partial"
        results[name].to_parquet(partial, index=False)
        os.replace(partial, target)
    for old in folder.glob("*.parquet"):
        if not old.name.startswith(f"{key}."):
            old.unlink(missing_ok=True)


def fill(con: duckdb.DuckDBPyConnection, catalog: pd.DataFrame, min_respondents: int, max_consecutive_months: int,
         *, suffix: str = "", cache: Path | None = None) -> Filled:
    """Fill fact.frame_classes, fact.imputed_lines, fact.frame_findings and qa.frame (schemas + ``suffix``),
    reusing a year's cached results (under ``cache``) when nothing it depends on changed."""
    lines, frame, returned = _read_inputs(con, suffix)
    catalog_key = _key(catalog.astype(str))
    results, computed, reused = [], [], []
    previous_key, carried = "", {}
    for year in sorted(frame["period"].dt.year.unique()):
        year_lines = lines[lines["period"].dt.year.isin([year - 1, year])]
        year_frame = frame[frame["period"].dt.year == year]
        year_returned = returned[returned["period"].dt.year == year]
        key = _key(code_version(), previous_key, catalog_key, min_respondents, max_consecutive_months,
                   year_lines, year_frame, year_returned)
        folder = None if cache is None else cache / str(year)
        result = None if folder is None else _load(folder, key)
        if result is None:
            result = _year(year_lines, year_frame, year_returned, catalog, min_respondents, max_consecutive_months, carried)
            if folder is not None:
                _store(folder, key, result)
            computed.append(int(year))
        else:
            reused.append(int(year))
        results.append(result)
        previous_key, carried = key, runs_at_end(result["frame"])
    fact, qa = f"fact{suffix}", f"qa{suffix}"
    _insert(con, f"{fact}.frame_classes", [r["classes"] for r in results])
    _insert(con, f"{fact}.imputed_lines", [r["imputed"] for r in results])
    _insert(con, f"{fact}.frame_findings", [r["findings"] for r in results])
    _insert(con, f"{qa}.frame", [r["frame"] for r in results])
    return Filled(years_computed=computed, years_reused=reused)

"""What the quality report reads from the warehouse, as frames: no HTML and no figures here.

`load_quality_data(con, period)` reads ``mart.data_quality``, ``mart.rule_results`` (with the
rules' descriptions from ``ref.rules``), ``qa.review_queue``, ``qa.review_log``,
``qa.largest_contributors`` and the checks' limits (``ref.settings``, else ``ref.thresholds``).
A relation or column the warehouse does not publish reads as None or NULL, never as a crash.
Money: 亿元 in the marts, 千元 in the qa views, as their comments say.

In the internal file (``sei_detail.duckdb``) the marts are views, computed again at every read (the
demo's mart.data_quality and mart.rule_results take seconds); the analysts' file (``sei.duckdb``) stores
them as tables. Given that file as ``marts``, the marts and ref.rules are read from it, provided both
files record the same publish (ref.publish.publish_id); the qa views are always read from ``con``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from sei_stats import period as periods
from sei_stats.calendar import Calendar, from_warehouse
from sei_stats.charts import canonical_row
from sei_stats.vocabulary import BUCKETS, PRIOR_SOURCES

CONTRIBUTORS_LIMIT = 10

# The conservation identity as the warehouse checks it (received = Σ buckets): read, not recomputed.
IDENTITY_COLUMNS = ("identity_rows_ok", "identity_output_gap", "identity_output_ok")
# The survey frame of the month: its source, response and imputation.
FRAME_COLUMNS = ("frame_source", "live_units", "respondents", "response_rate", "last_year_units_not_reported",
                 "imputed_enterprises", "lines_imputed_partial", "units_not_imputed", "units_imputed_too_long",
                 "output_imputed", "imputed_share")
# The SEI lines in the figures by where their prior (上年同期) comes from.
PRIOR_COLUMNS = tuple(f"rows_prior_{s}" for s in PRIOR_SOURCES)
QUALITY_COLUMNS = (
    "rows_received", *(f"rows_{b}" for b in BUCKETS), "rows_blank_prior", "rows_unclassified",
    "output_unclassified", "output_no_va_rate", "output_received", *(f"output_{b}" for b in BUCKETS),
    "warnings_open", "warnings_resolved", "holds_resolved", "catalog_version", *FRAME_COLUMNS,
    "unclassified_share", *PRIOR_COLUMNS, *IDENTITY_COLUMNS,
)
RULE_COLUMNS = ("rule", "level", "severity", "items", "passes", "fails", "missing")
QUEUE_COLUMNS = ("severity", "rule", "credit_code", "enterprise_name", "product", "output_ytd",
                 "output_ytd_prior", "message", "source_file", "line_number")
LOG_COLUMNS = ("rule", "severity", "credit_code", "enterprise_name", "product", "decision", "corrected_field",
               "original_value", "corrected_value", "reviewer", "note", "review_file", "source_file", "line_number")
CONTRIBUTOR_COLUMNS = ("rank", "credit_code", "enterprise_name", "area", "output_ytd", "previous_output_ytd",
                       "change", "share_of_change")
# The frames of QualityData read by period (for one period, or every one); mart.data_quality is always whole.
PERIOD_FRAMES = ("rules", "queue", "log", "contributors")
# The checks' limits as columns of the wide ref.thresholds, which ref.settings replaces.
THRESHOLD_COLUMNS = ("max_rejected_output_share", "max_held_output_share", "max_nonresponse_rate",
                     "identity_output_tolerance")


def absent(value) -> bool:
    """NULL, NaN or pd.NA: a figure the warehouse does not give."""
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


@dataclass(frozen=True)
class QualityData:
    """What the report reads, periods as 'YYYY-MM'; a frame is None when its relation is not published."""

    quality: pd.DataFrame  # mart.data_quality, every period (the chart looks back 12 months)
    quality_columns: frozenset[str]  # the columns mart.data_quality publishes (the others read as NULL)
    rules: pd.DataFrame | None  # mart.rule_results with zh from ref.rules
    queue: pd.DataFrame | None  # qa.review_queue
    log: pd.DataFrame | None  # qa.review_log
    contributors: pd.DataFrame | None  # qa.largest_contributors, rank <= 10
    contributor_notes: dict[str, str]  # column comments of qa.largest_contributors
    limits: dict[str, float]  # the checks' limits by name (ref.settings or ref.thresholds); {} when neither
    calendar: Calendar = field(default_factory=Calendar)  # the report periods the warehouse was published under

    def periods(self) -> list[str]:
        return sorted(self.quality["period"])

    def of(self, frame: pd.DataFrame | None, period: str) -> pd.DataFrame | None:
        return None if frame is None else frame[frame["period"] == period]

    def for_period(self, period: str, months: Iterable[str]) -> QualityData:
        """What the page of ``period`` is built from: the rows of mart.data_quality of ``months`` (the chart's
        window, ending at ``period``) and the period's rows of the other frames, each indexed from 0."""
        return next(self.slices(lambda _: months, [period]))[1]

    def slices(self, months_of: Callable[[str], Iterable[str]], wanted: Iterable[str] | None = None
               ) -> Iterator[tuple[str, QualityData, dict[str, list[str]]]]:
        """(period, ``for_period(period, months_of(period))``, its frames' rows as text) for each period
        ``wanted`` (default: every one). Each frame is grouped by period, and each row written as text (its
        values, floats to charts.KEY_DIGITS: what a content key hashes), once for all periods."""
        frames = {name: getattr(self, name) for name in ("quality", *PERIOD_FRAMES)}
        at_period = {name: _positions(frame) for name, frame in frames.items()}
        texts = {name: None if frame is None else list(map(canonical_row, frame.itertuples(index=False, name=None)))
                 for name, frame in frames.items()}

        def pick(name: str, months: Iterable[str]) -> tuple[pd.DataFrame | None, list[str]]:
            if frames[name] is None:
                return None, []
            at = sorted(i for m in set(months) for i in at_period[name].get(m, ()))
            return frames[name].iloc[at].reset_index(drop=True), [texts[name][i] for i in at]

        for period in self.periods() if wanted is None else wanted:
            picked = {name: pick(name, [*months_of(period), period] if name == "quality" else [period])
                      for name in frames}
            yield (period, dataclasses.replace(self, **{name: frame for name, (frame, _) in picked.items()}),
                   {name: rows for name, (_, rows) in picked.items()})

    def row(self, period: str) -> pd.Series:
        """The period's row of mart.data_quality; LookupError when it is not there."""
        found = self.quality[self.quality["period"] == periods.parse(period)]
        if found.empty:
            raise LookupError(f"{period}: not in mart.data_quality")
        return found.iloc[0]


def _positions(frame: pd.DataFrame | None) -> dict[str, list[int]]:
    """The row positions of each period in ``frame``."""
    if frame is None or frame.empty:
        return {}
    return {period: list(at) for period, at in frame.groupby("period", sort=False).indices.items()}


def _catalog(con) -> dict[str, dict[str, str]]:
    """Every column of the connection's own database: {'schema.relation': {column: comment}}."""
    rows = con.execute(
        "select schema_name, table_name, column_name, comment from duckdb_columns() "
        "where database_name = current_database()"
    ).fetchall()
    found: dict[str, dict[str, str]] = {}
    for schema, relation, column, comment in rows:
        found.setdefault(f"{schema}.{relation}", {})[column] = comment or ""
    return found


def _read(con, catalog, relation: str, columns: Iterable[str], period: str | None) -> pd.DataFrame | None:
    """The relation's period (as 'YYYY-MM') and the wanted columns it has, the others as NULL; rows in
    the relation's own order (the qa views order theirs). None when the relation is not published."""
    have = catalog.get(relation)
    if have is None or "period" not in have:
        return None
    columns = list(columns)
    picked = "".join(f', "{c}"' for c in columns if c in have)
    where, params = ("where period = ?::date", [periods.first_day(period)]) if period else ("", [])
    sql = f"select strftime(period::date, '%Y-%m') as period{picked} from {relation} {where}"
    frame = con.execute(sql, params).df()
    for column in columns:
        if column not in frame.columns:
            frame[column] = None
    return frame


def _read_rules(con, catalog, period: str | None) -> pd.DataFrame | None:
    rules = _read(con, catalog, "mart.rule_results", RULE_COLUMNS, period)
    if rules is None:
        return None
    zh = {}
    if "zh" in catalog.get("ref.rules", {}):
        zh = dict(con.execute("select name, zh from ref.rules").fetchall())
    rules["zh"] = rules["rule"].map(lambda r: zh.get(r, ""))
    return rules


def _read_contributors(con, catalog, period: str | None) -> pd.DataFrame | None:
    contributors = _read(con, catalog, "qa.largest_contributors", CONTRIBUTOR_COLUMNS, period)
    if contributors is None:
        return None
    rank = pd.to_numeric(contributors["rank"], errors="coerce")
    return contributors[rank <= CONTRIBUTORS_LIMIT].sort_values(["period", "rank"], kind="stable")


def _read_limits(con, catalog) -> dict[str, float]:
    """The checks' limits: ref.settings (section 'checks') when published, else the wide ref.thresholds."""
    # fetchall, not fetchone: the caller's connection must be left with no unfinished result.
    if {"section", "name", "value"} <= set(catalog.get("ref.settings", {})):
        rows = con.execute("select name, value from ref.settings where section = 'checks'").fetchall()
        return {name: float(value) for name, value in rows if not absent(value)}
    have = [c for c in THRESHOLD_COLUMNS if c in catalog.get("ref.thresholds", {})]
    if not have:
        return {}
    rows = con.execute(f"select {', '.join(have)} from ref.thresholds limit 1").fetchall()
    return {c: float(v) for c, v in zip(have, rows[0] if rows else ()) if not absent(v)}


def _publish_ids(con, catalog) -> set[str] | None:
    if "publish_id" not in catalog.get("ref.publish", {}):
        return None
    return {row[0] for row in con.execute("select distinct publish_id from ref.publish").fetchall()}


def _marts_source(con, catalog, marts):
    """(connection, catalog) to read the marts from: ``marts`` when it records the same single publish as
    ``con``, else ``con`` itself."""
    if marts is None:
        return con, catalog
    marts_catalog = _catalog(marts)
    ids = _publish_ids(con, catalog)
    if ids is None or len(ids) != 1 or _publish_ids(marts, marts_catalog) != ids:
        return con, catalog  # another publish (or none recorded): the marts of con's own
    return marts, marts_catalog


def load_quality_data(con, period: str | None = None, *, marts=None) -> QualityData:
    """Read the report's relations once: for one period, or (None) for every period.

    ``marts``: the analysts' file of the same publish (a connection, or its path: opened read-only when it
    exists), to read the marts from its stored tables rather than recompute ``con``'s views.
    Raises ValueError for a malformed period, LookupError when there is no mart.data_quality.
    """
    if period is not None:
        periods.parse(period)
    if isinstance(marts, (str, Path)):
        try:
            opened = duckdb.connect(str(marts), read_only=True) if Path(marts).is_file() else None
        except duckdb.Error:  # held open otherwise in this process: read everything from con
            opened = None
        if opened is None:
            return load_quality_data(con, period)
        with opened:
            return load_quality_data(con, period, marts=opened)
    catalog = _catalog(con)
    source, source_catalog = _marts_source(con, catalog, marts)
    quality = _read(source, source_catalog, "mart.data_quality", QUALITY_COLUMNS, None)
    if quality is None:
        raise LookupError("the warehouse publishes no mart.data_quality: no quality report")
    return QualityData(
        quality=quality,
        quality_columns=frozenset(source_catalog["mart.data_quality"]),
        rules=_read_rules(source, source_catalog, period),
        queue=_read(con, catalog, "qa.review_queue", QUEUE_COLUMNS, period),
        log=_read(con, catalog, "qa.review_log", LOG_COLUMNS, period),
        contributors=_read_contributors(con, catalog, period),
        contributor_notes=catalog.get("qa.largest_contributors", {}),
        limits=_read_limits(con, catalog),
        calendar=from_warehouse(con),
    )

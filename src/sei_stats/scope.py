"""The step over the survey frame, between the views of sql/: classification by the frame, imputation.

The frame (fact.frame) and the final lines (fact.lines, fact.scope_lines) are views over the landed
months; this step reads them and, year by year in month order, makes what the figures are built
on (sql/fact_scope.sql): the lines classified again by their unit's frame industry
(fact.frame_classes), the imputed lines of live units without a usable figure (fact.imputed_lines),
the frame rules' findings (fact.frame_findings) and every unit's state each month (qa.frame).

A year's results depend only on its own and the year before's lines, its frame, the catalog, the
settings, this code, and the run of imputation carried from the year before: sei_stats.year_step
computes one year at a time and keeps it.
"""

from __future__ import annotations

import duckdb
import pandas as pd

from .classify import CLASS_COLUMNS, classify, entries_valid_in
from .impute import UnitSums, impute, year_sums

def _frame(con: duckdb.DuckDBPyConnection, sql: str) -> pd.DataFrame:
    # through Arrow: 1.0 s for 2.4 million lines where .df() takes 7.7 s, the same frame once periods are [us]
    return con.sql(sql).to_arrow_table().to_pandas(date_as_object=False)


def _classified_by_frame(lines: pd.DataFrame, catalog: pd.DataFrame) -> pd.DataFrame:
    """``lines`` (period, product_code, industry_code = the frame's) with the CLASS_COLUMNS of their match."""
    if lines.empty:
        return lines.assign(**{c: pd.Series(dtype=object) for c in CLASS_COLUMNS})
    # one call per set of entries in force (a year has one or two), not per month: the month only picks them
    months = pd.to_datetime(lines["period"]).dt.strftime("%Y-%m")
    in_force = {month: tuple(entries_valid_in(catalog, month).index) for month in months.unique()}
    first_month = {}
    for month in sorted(in_force):
        first_month.setdefault(in_force[month], month)
    picked = months.map(lambda month: first_month[in_force[month]])
    parts = [classify(group, catalog, month) for month, group in lines.groupby(picked)]
    return pd.concat(parts).loc[lines.index]


def _insert(con: duckdb.DuckDBPyConnection, table: str, frames: list[pd.DataFrame]) -> None:
    frames = [f for f in frames if len(f)]
    if not frames:
        return
    con.register("frame_to_insert", pd.concat(frames, ignore_index=True))
    con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM frame_to_insert")
    con.unregister("frame_to_insert")


# A year's frame step reads its units in batches of about this many lines (the year's and the year before's): a
# national year's 27 million lines in 9 batches (in one, pandas would need about 30 GB); the demo's years in one.
BATCH_LINES = 3_000_000


def _batches(con: duckdb.DuckDBPyConnection, suffix: str, year: int, batch_lines: int) -> int:
    (lines,), = con.execute(f"SELECT count(*) FROM fact{suffix}.scope_lines WHERE year(period) IN ({year - 1}, {year})"
                            ).fetchall()
    return max(1, -(-lines // batch_lines))


def _read_inputs(con: duckdb.DuckDBPyConnection, suffix: str, year: int, batch: tuple[int, int] = (0, 1)
                 ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The lines of ``year`` and the year before, the frame and the returned lines of ``year``: of every unit, or
    of batch (i, n), the units whose credit code hashes to i modulo n (a unit's rows all in one batch)."""
    fact = f"fact{suffix}"
    units = f"hash(credit_code) % {batch[1]} = {batch[0]}" if batch[1] > 1 else "true"
    lines = _frame(con, f"""
        SELECT period, source_file, line_number, credit_code, enterprise_name, product_code, product_name, product_key,
               CAST(output_ytd AS DOUBLE) AS output_ytd, CAST(prior AS DOUBLE) AS prior, district_code, industry_code,
               industry_code_reported, catalog_version
        FROM {fact}.scope_lines WHERE year(period) IN ({year - 1}, {year}) AND {units}
        ORDER BY period, source_file, line_number""")
    frame = _frame(con, f"""
        SELECT period, credit_code, enterprise_name, district_code, industry_code, area, frame_source, live,
               out_of_scope_reason
        FROM {fact}.frame WHERE year(period) = {year} AND {units} ORDER BY period, credit_code""")
    returned = _frame(con, f"""
        SELECT period, credit_code, coalesce(product_code, product_name) AS product_key, status
        FROM {fact}.lines
        WHERE status IN ('accepted', 'held', 'rejected', 'out_of_scope') AND credit_code IS NOT NULL
          AND year(period) = {year} AND {units}
        ORDER BY ALL""")
    for f in (lines, frame, returned):
        f["period"] = f["period"].astype("datetime64[us]")
    return lines, frame, returned


def _sums_of_every_unit(con: duckdb.DuckDBPyConnection, suffix: str, year: int, batches: int) -> dict[int, UnitSums]:
    """The year's UnitSums of every unit, a batch at a time: what each batch's imputation reads of the others."""
    parts = [year_sums(*_read_inputs(con, suffix, year, (i, batches)), year) for i in range(batches)]
    units = _frame(con, f"SELECT period, credit_code, area, district_code FROM fact{suffix}.frame "
                        f"WHERE year(period) = {year} ORDER BY period, credit_code")
    return {year: UnitSums.join(parts, units)}


def _year(lines: pd.DataFrame, frame: pd.DataFrame, returned: pd.DataFrame, catalog: pd.DataFrame,
          min_respondents: int, max_months: int, carried: dict, year: int,
          sums: dict[int, UnitSums] | None = None) -> dict[str, pd.DataFrame]:
    """The four results of one year (``lines``: its lines and the year before's; the others: the year's), of
    every unit or of a batch of them (``sums``: the year's of every unit)."""
    own = lines[lines["period"].dt.year == year]
    moved = own[own["industry_code"] != own["industry_code_reported"]]
    classes = _classified_by_frame(moved[["period", "source_file", "line_number", "product_code", "industry_code"]],
                                   catalog).drop(columns=["product_code", "industry_code"])
    result = impute(lines, frame, returned, min_respondents, max_months, carried, sums)
    imputed = _classified_by_frame(result.lines, catalog) if len(result.lines) else result.lines
    sent = returned[["period", "credit_code"]].drop_duplicates().assign(responded=True)
    states = frame.merge(result.status.drop(columns=["responded"]), on=["period", "credit_code"], how="left")
    states = states.merge(sent, on=["period", "credit_code"], how="left")
    states["responded"] = states["responded"].notna()
    for column, empty in (("usable", False), ("imputed", False), ("lines_imputed", 0), ("months_imputed_running", 0)):
        states[column] = states[column].fillna(empty).astype(type(empty))
    states["why"] = states["why"].where(states["live"], states["out_of_scope_reason"])
    return {"classes": classes, "imputed": imputed, "findings": result.findings,
            "frame": states.drop(columns=["out_of_scope_reason"])}


def fill_year(con: duckdb.DuckDBPyConnection, catalog: pd.DataFrame, min_respondents: int, max_consecutive_months: int,
              *, suffix: str, year: int, carried: dict) -> None:
    """Fill fact.frame_classes, fact.imputed_lines, fact.frame_findings and qa.frame (schemas + ``suffix``) with
    year ``year``'s rows; the schemas hold that year's and the year before's lines (sei_stats.year_step), and
    ``carried`` the runs of imputation the year before ended with. A year of more than BATCH_LINES lines is
    done in batches of units, each with the sums of every unit: the same rows, in a batch's memory."""
    batches = _batches(con, suffix, year, BATCH_LINES)
    sums = _sums_of_every_unit(con, suffix, year, batches) if batches > 1 else None
    for batch in range(batches):
        lines, frame, returned = _read_inputs(con, suffix, year, (batch, batches))
        if frame.empty:  # no unit of the year's frame (so no line of the year either) hashes to this batch
            continue
        result = _year(lines, frame, returned, catalog, min_respondents, max_consecutive_months, carried, year, sums)
        fact, qa = f"fact{suffix}", f"qa{suffix}"
        _insert(con, f"{fact}.frame_classes", [result["classes"]])
        _insert(con, f"{fact}.imputed_lines", [result["imputed"]])
        _insert(con, f"{fact}.frame_findings", [result["findings"]])
        _insert(con, f"{qa}.frame", [result["frame"]])

"""The survey's dynamics planted in the demo city at known rates: one planter each, DemoSummary.dynamics counts them.

Where the survey frame (raw/roster/YYYY.csv) and the returns part ways, as the pipeline's frame step
meets it (sql/fact_frame.sql, sei_stats.impute), keys of DemoSummary.dynamics (DYNAMICS):

- closed_mid_year: a few enterprises close during a year (the roster's active_to); counted: their
  months of that year after it, out of scope (close_mid_year, before the output is calibrated);
- imputed_too_long: a few enterprises miss max_consecutive_months + LONG_GAP_BEYOND months running;
  counted: the months imputed beyond the limit (long_gaps, with the non-response);
- industry_change: a few enterprises write another industry class on their returns from July on and
  next year's roster carries it; counted: the lines that differ from the year's roster;
- line_dropped: a few enterprises leave one line out of one month's return and send it again the
  month after; counted: the drops;
- blank_prior: a few SEI lines of continuing products leave 上年同期 blank (growth fills it from the
  line a year earlier); counted: the lines.

The last three (add_row_dynamics) are planted on the good rows before the line faults, on rows without
a fault that no fault's detection compares with; the rows each relies on are marked ``context`` (and
its own rows tagged), so the line faults, the correction and the bad lines keep off them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sei_stats import period

from . import city
from .faults import same_month_a_year_away

DYNAMICS = ("closed_mid_year", "imputed_too_long", "industry_change", "blank_prior", "line_dropped")
CLOSED_MID_YEAR_RATE = 0.002  # enterprises that close during a year, per enterprise-year on the form
CLOSING_MONTHS = (3, 10)  # a closing enterprise's last month (active_to): March to October
LONG_GAP_RATE = 0.0015  # enterprises that miss months running, per enterprise-year on the form
LONG_GAP_BEYOND = 2  # … max_consecutive_months + this many (5 months at the default 3)
INDUSTRY_CHANGE_RATE = 0.001  # enterprises that change their industry class, per enterprise-year on the form
INDUSTRY_CHANGE_MONTH = 7  # … on their returns from this month to December
LINE_DROPPED_RATE = 0.0002  # lines left out of one month's return, per line
BLANK_PRIOR_RATE = 0.0003  # lines of continuing products with a blank prior, per line
CHANGED_TAG, BLANK_PRIOR_TAG = "industry_differs_from_frame", "blank_prior"  # the tags of their rows


def _enterprise_years(enterprises: pd.DataFrame, months: list[str]) -> list[tuple[int, int]]:
    """(enterprise, year) for the range's years each enterprise (not a giant) is on the form."""
    years = sorted({period.year(m) for m in months})
    birth, death, giant = (enterprises[c].to_numpy() for c in ("birth", "death", "giant"))
    return [(e, y) for y in years for e in np.flatnonzero(~giant & (birth <= y) & (y < death))]


# --- the frame: closures and long gaps ----------------------------------------------------------


def close_mid_year(rng: np.random.Generator, enterprises: pd.DataFrame, months: list[str]) -> pd.DataFrame:
    """A few enterprises close during a year: ``active_to`` (their last month, 'YYYY-MM'; '' when open) in
    CLOSING_MONTHS, and off the form from the next year on (``death``).

    The last month and the one after it are in the range, so each reports before it closes and is out
    of scope some month after.
    """
    frame = enterprises.assign(active_to="")
    in_range = set(months)
    sites = _enterprise_years(frame, months)
    target, closed = max(1, round(CLOSED_MID_YEAR_RATE * len(sites))), 0
    for k in rng.permutation(len(sites)):
        if closed >= target:
            break
        e, year = sites[k]
        last = f"{year}-{int(rng.integers(CLOSING_MONTHS[0], CLOSING_MONTHS[1] + 1)):02d}"
        if frame.at[e, "active_to"] or last not in in_range or period.shift(last, 1) not in in_range:
            continue
        frame.at[e, "active_to"], frame.at[e, "death"] = last, year + 1
        closed += 1
    return frame


def months_closed(enterprises: pd.DataFrame, months: list[str]) -> int:
    """Enterprise-months of the range after a closing enterprise's last month, in its year: out of scope."""
    return sum(1 for last in enterprises["active_to"] if last
               for m in months if period.year(m) == period.year(last) and m > last)


def long_gaps(rng: np.random.Generator, enterprises: pd.DataFrame, absent: np.ndarray, months: list[str],
              quality: dict[str, float]) -> tuple[np.ndarray, np.ndarray, int]:
    """A few enterprises (not giants, not closing) miss max_consecutive_months + LONG_GAP_BEYOND months running.

    The gap lies within a year after its first report period and the enterprise reports the report period
    before (its imputation's base, in the same year) and the one after (the run ends), both in the range: the random
    non-response leaves those months alone, so the run is exactly the gap, and no month gets more
    non-respondents than max_nonresponse_rate allows. Returns ``absent`` with the gaps, the months
    before and after each gap (enterprises × months: rows no fault may touch) and the months imputed
    beyond the limit.
    """
    limit = int(quality["max_consecutive_months"])
    span = limit + LONG_GAP_BEYOND
    absent, around = absent.copy(), np.zeros_like(absent)
    if span > 11:
        return absent, around, 0
    alive = city.on_the_form(enterprises, months)
    cap = np.floor(quality["max_nonresponse_rate"] * alive.sum(axis=0)).astype(int)
    closing = enterprises["active_to"].to_numpy() != ""
    sites = [(e, y) for e, y in _enterprise_years(enterprises, months) if not closing[e]]
    target, placed, used = max(1, round(LONG_GAP_RATE * len(sites))), 0, set()
    for k in rng.permutation(len(sites)):
        if placed >= target:
            break
        e, year = sites[k]
        first = f"{year}-{int(rng.integers(2, 14 - span)):02d}"  # February at the earliest, ends by December
        if e in used or first not in months or months.index(first) + span >= len(months):
            continue
        g = months.index(first)
        before, after = g - 1, g + span  # the range's report periods, consecutive within a year
        if before < 0 or period.year(months[before]) != year or not alive[e, before:after + 1].all() \
                or absent[e, before:after + 1].any():
            continue
        if (absent[:, g:after].sum(axis=0) >= cap[g:after]).any():
            continue
        absent[e, g:after] = True
        around[e, [before, after]] = True
        used.add(e)
        placed += 1
    return absent, around, placed * LONG_GAP_BEYOND


# --- the rows: industry changes, dropped lines, blank priors -------------------------------------


def add_row_dynamics(rng: np.random.Generator, rows: pd.DataFrame, enterprises: pd.DataFrame, lines: pd.DataFrame,
                     sei: np.ndarray, years: list[int], months: list[str], around: np.ndarray,
                     catalog: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame, int]:
    """Plant the industry changes, dropped lines and blank priors on the good rows (long_gaps' ``around`` made context).

    Returns the rows, the enterprises with their new industry (new_industry_code, new_industry_year)
    and the lines dropped.
    """
    rows = rows.reset_index(drop=True)
    rows["context"] = rows["context"].to_numpy(dtype=bool) | around[rows["ent"].to_numpy(), rows["mi"].to_numpy()]
    enterprises = industry_change(rng, rows, enterprises, years, months, catalog)
    rows, dropped = line_dropped(rng, rows, lines, months)
    blank_prior(rng, rows, lines, sei, years, months)
    return rows, enterprises, dropped


def _free(rows: pd.DataFrame) -> np.ndarray:
    """Rows without a fault that no fault's detection compares with."""
    return (rows["tag"].to_numpy() == "") & ~rows["context"].to_numpy(dtype=bool)


def _row_at(rows: pd.DataFrame, n_lines: int, n_months: int) -> np.ndarray:
    """Lines × months: the row of each line each month (-1 when not reported)."""
    at = np.full((n_lines, n_months), -1)
    at[rows["li"].to_numpy(), rows["mi"].to_numpy()] = np.arange(len(rows))
    return at


def _alike_classes(enterprises: pd.DataFrame, years: list[int], months: list[str],
                   catalog: pd.DataFrame) -> dict[tuple[str, str], list[str]]:
    """(class, area) of each enterprise -> the other classes on the form of that area that the catalog
    judges the same (SEI or not) every year: a change between them leaves the city's SEI lines, its
    areas and va_rates' divisions as they are."""
    pairs = set(zip(enterprises["industry_code"], enterprises["area"].fillna("")))
    judged = {c: city.industry_sei(catalog, c, years, months) for c in {c for c, _ in pairs}}
    groups: dict[tuple, set[str]] = {}
    for c, a in pairs:
        groups.setdefault((a, judged[c]), set()).add(c)
    return {(c, a): sorted(groups[(a, judged[c])] - {c}) for c, a in pairs}


def industry_change(rng: np.random.Generator, rows: pd.DataFrame, enterprises: pd.DataFrame, years: list[int],
                    months: list[str], catalog: pd.DataFrame) -> pd.DataFrame:
    """A few enterprises write another industry class on their returns from INDUSTRY_CHANGE_MONTH to December,
    and the next year's roster carries it (industry_differs_from_frame until then).

    The new class is another enterprise's of the same area that the catalog judges alike every year
    (_alike_classes). Only where all of those rows are free: they are tagged CHANGED_TAG (no fault
    lands on them, so each is judged); later years' rows carry the new class untagged. Changes
    ``rows`` in place; returns the enterprises with new_industry_code ('' for none) and
    new_industry_year (the first year the roster carries it).
    """
    frame = enterprises.assign(new_industry_code="", new_industry_year=city.NEVER)
    alike = _alike_classes(frame, years, months, catalog)
    area = frame["area"].fillna("").to_numpy()
    ent, mi = rows["ent"].to_numpy(), rows["mi"].to_numpy()
    year = np.array([period.year(m) for m in months])[mi]
    month_no = np.array([period.month(m) for m in months])[mi]
    free = _free(rows)
    tag, industry = rows["tag"].to_numpy(dtype=object), rows["industry_code"].to_numpy(dtype=object)
    in_range = set(months)
    # The year's first half is in the range too, so the old class shows on its returns.
    sites = [(e, y) for e, y in _enterprise_years(frame, months)
             if f"{y}-06" in in_range and f"{y}-{INDUSTRY_CHANGE_MONTH:02d}" in in_range]
    target, changed = max(1, round(INDUSTRY_CHANGE_RATE * len(sites))), 0
    for k in rng.permutation(len(sites)):
        if changed >= target:
            break
        e, y = sites[k]
        half = np.flatnonzero((ent == e) & (year == y) & (month_no >= INDUSTRY_CHANGE_MONTH))
        options = alike[(frame.at[e, "industry_code"], area[e])]
        if frame.at[e, "new_industry_code"] or not len(half) or not free[half].all() or not options:
            continue
        code = str(rng.choice(options))
        tag[half], industry[half] = CHANGED_TAG, code
        industry[(ent == e) & (year > y)] = code
        frame.at[e, "new_industry_code"], frame.at[e, "new_industry_year"] = code, y + 1
        changed += 1
    rows["tag"], rows["industry_code"] = tag, industry
    return frame


def line_dropped(rng: np.random.Generator, rows: pd.DataFrame, lines: pd.DataFrame,
                 months: list[str]) -> tuple[pd.DataFrame, int]:
    """A few enterprises with two or more lines leave one out of one month's return and send it again the month after.

    The month before is in the same year and reported, so the line was in the enterprise's last
    usable return (line_dropped_from_cumulative fails once). Every row of the enterprise in the three
    months is free and becomes context: both returns stay usable, and the line's own next month
    (compared with the month before the drop) stays clean. Returns the rows without the dropped
    ones and the number dropped.
    """
    n_months = len(months)
    year = np.array([period.year(m) for m in months])
    at = _row_at(rows, len(lines), n_months)
    ent_lines = lines.groupby("ent").indices
    ent, mi = rows["ent"].to_numpy(), rows["mi"].to_numpy()
    free, context = _free(rows), rows["context"].to_numpy(dtype=bool).copy()
    target, dropped, used = max(1, round(LINE_DROPPED_RATE * len(rows))), [], set()
    for r in rng.permutation(len(rows)):
        if len(dropped) >= target:
            break
        e, m = int(ent[r]), int(mi[r])
        if e in used or m < 1 or m + 1 >= n_months or year[m - 1] != year[m] or year[m + 1] != year[m]:
            continue
        own = at[ent_lines[e]][:, m - 1:m + 2]
        own = own[(own >= 0).any(axis=1)]  # the enterprise's lines made this year
        if len(own) < 2 or (own < 0).any() or not free[own].all():
            continue
        context[own.ravel()] = True
        dropped.append(int(r))
        used.add(e)
    keep = np.ones(len(rows), dtype=bool)
    keep[dropped] = False
    return rows.assign(context=context)[keep].reset_index(drop=True), len(dropped)


def blank_prior(rng: np.random.Generator, rows: pd.DataFrame, lines: pd.DataFrame, sei: np.ndarray,
                years: list[int], months: list[str]) -> None:
    """A few SEI lines of continuing products leave 上年同期 blank, from the range's second year on.

    Only where the line's row of the same month a year earlier exists without a fault; it is marked
    context, so it stays accepted and growth fills the prior from it (prior_source last_year_return).
    SEI lines only, so mart.data_quality (SEI lines) counts each. Tags the rows BLANK_PRIOR_TAG and
    changes ``rows`` in place.
    """
    at = _row_at(rows, len(lines), len(months))
    li, mi = rows["li"].to_numpy(), rows["mi"].to_numpy()
    yi = np.array([years.index(period.year(m)) for m in months])
    last_year = same_month_a_year_away(months, -12)
    free, context = _free(rows), rows["context"].to_numpy(dtype=bool).copy()
    tag, prior = rows["tag"].to_numpy(dtype=object), rows["prior"].to_numpy(dtype=float).copy()
    target, placed = max(1, round(BLANK_PRIOR_RATE * len(rows))), 0
    for r in rng.permutation(len(rows)):
        if placed >= target:
            break
        m = int(mi[r])
        if last_year[m] < 0 or not free[r] or not sei[li[r], yi[m]]:
            continue
        last = at[li[r], last_year[m]]
        if last < 0 or tag[last] != "" or prior[r] != prior[r]:
            continue
        prior[r], tag[r] = np.nan, BLANK_PRIOR_TAG
        context[last], free[[r, last]] = True, False
        placed += 1
    rows["prior"], rows["tag"], rows["context"] = prior, tag, context

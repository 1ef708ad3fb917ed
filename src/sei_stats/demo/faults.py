"""The faults planted in the demo city at known rates: one planter per fault, DemoSummary counts them.

Data-quality faults of schemas/rules.yaml (FAULTS), each where it arises:

- credit_code_check_roster: a few long-standing enterprises keep a 2015 pilot code (city.roster_details);
- growth_outlier: a few lines win a big new contract (city.good_rows, before the totals are recalibrated);
- the line faults, LINE_FAULTS in order: unit_error_suspected, conflicting_duplicate,
  ytd_below_previous_month, prior_differs_from_last_year, exact_duplicate;
- total_row and repeated_header: rows of whole files that are no return (plant_not_returns).

Then the one corrected resubmission (add_correction) and the bad lines, one reject rule each
(BAD_LINES, add_bad_lines). No line carries two faults. Magnitudes follow the thresholds in
force (``quality``: rule parameters of schemas/rules.yaml and the checks' settings, with the
overrides of config/quality.yaml), so the pipeline finds each fault exactly where it was planted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from sei_stats import period
from sei_stats.credit_code import CHARSET

from .files import CORRECTION_STEM, ReturnFile, column_sum, format_money, money_text

# The data-quality rules of schemas/rules.yaml the demo plants, keys of DemoSummary.faults.
FAULTS = ("total_row", "repeated_header", "exact_duplicate", "conflicting_duplicate", "unit_error_suspected",
          "ytd_below_previous_month", "prior_differs_from_last_year", "growth_outlier", "credit_code_check_roster")
TOTAL_NAMES = ("合计", "小计")  # enterprise_name of a total row; 小计 on about a quarter of them
TOTAL_ROW_FILE_SHARE = 0.15  # regular files that end with a total row
PAGED_FILE_SHARE = 0.10  # regular files exported page by page, the header repeated at every page
PAGE_SIZES = (50, 100, 200)  # data rows per page of a paged export
EXACT_DUPLICATE_RATE = 0.0005  # extra identical copies, per line
CONFLICTING_DUPLICATE_RATE = 0.0002  # second lines with another value (two lines each), per line
UNIT_ERROR_RATE = 0.0002  # enterprise-months in 元 instead of 千元, per line
UNIT_FACTOR = 1000  # 元 entered as 千元
YTD_BELOW_RATE = 0.0004  # lines below their own previous month, per line
YTD_BELOW_DROP = (0.05, 0.20)  # … by this much
PRIOR_DIFFERS_RATE = 0.0006  # lines whose prior is not what they reported a year earlier, per line
GROWTH_OUTLIER_RATE = 0.0001  # big new contracts, per line; each lifts a line from its month to December
PILOT_CODE_SHARE = 0.003  # roster enterprises whose 2015 pilot code fails the check character
MIN_COMPARED = 100  # 千元: cross-period faults are planted on values at least this large (rounding stays noise)

BAD_LINE_RATE = 0.003
CORRECTION_PERIOD = "2019-06"
# District codes of neighbouring cities (and 普兰店's code before 2015), for bad lines.
NOT_DALIAN = ("210102", "210282", "210302", "211002")
NOT_NUMBERS = ("abc", "不详", "12.3456")


def same_month_a_year_away(months: list[str], step: int) -> np.ndarray:
    """For each of the range's report periods, the index of the same month ``step`` (±12) months away, -1 when
    the range does not hold it (the range holds report periods only: without January, 11 a year)."""
    index = {m: i for i, m in enumerate(months)}
    return np.array([index.get(period.shift(m, step), -1) for m in months], dtype=int)


def _wrong_check(rng: np.random.Generator, code: str) -> str:
    """``code`` with another check character (the 18th), so GB 32100-2015's check fails."""
    wrong = CHARSET[(CHARSET.index(code[17]) + int(rng.integers(1, len(CHARSET)))) % len(CHARSET)]
    return code[:17] + wrong


# --- faults in the city's life ----------------------------------------------------------------


def credit_code_check_roster(rng: np.random.Generator, enterprises: pd.DataFrame) -> None:
    """Give a few long-standing enterprises (not giants) their 2015 pilot code, whose check character fails.

    They are on the roster and report with that code, so all their lines carry the fault. Sets the
    column ``pilot`` and changes ``credit_code`` of ``enterprises`` in place.
    """
    eligible = np.flatnonzero(~enterprises["giant"].to_numpy()
                              & (enterprises["birth"] == enterprises["birth"].min()).to_numpy())
    n_pilot = min(len(eligible), max(1, round(len(enterprises) * PILOT_CODE_SHARE)))
    enterprises["pilot"] = False
    for e in sorted(rng.choice(eligible, size=n_pilot, replace=False)):
        enterprises.at[e, "credit_code"] = _wrong_check(rng, enterprises.at[e, "credit_code"])
        enterprises.at[e, "pilot"] = True


def _columns(at: dict[tuple[int, int], int], year: int, first_month: int = 1) -> list[int]:
    """Columns (month indices of the range) of ``year`` from ``first_month`` to December, those in the range."""
    return [at[(year, m)] for m in range(first_month, 13) if (year, m) in at]


def growth_outlier(rng: np.random.Generator, ytd: np.ndarray, lines: pd.DataFrame, enterprises: pd.DataFrame,
                   years: list[int], months: list[str], present: np.ndarray, tag: np.ndarray, context: np.ndarray,
                   quality: dict[str, float]) -> None:
    """A few lines win a big new contract in some month and add its value to every YTD from then on.

    The contract is worth (1 + max_abs_growth) × 1.3–2.0 times the line's output of last year, so
    from its month to December the line grows by more than max_abs_growth on a material amount,
    while its prior still matches last year's own YTD; next year's prior includes the contract.
    ``ytd`` (lines × years × months), ``tag`` and ``context`` (lines × months of the range) are
    changed in place; the line's months of the year before, of and after the contract are context.
    """
    growth, ratio = quality["max_abs_growth"], quality["unit_error_ratio"]
    at = {(period.year(m), period.month(m)): i for i, m in enumerate(months)}
    target = max(1, round(GROWTH_OUTLIER_RATE * present.sum()))
    candidates = _contract_candidates(ytd, lines, enterprises, years, at, present, target, quality)
    if not candidates:
        return
    used: set[int] = set()
    for k in rng.permutation(len(candidates)):
        if len(used) >= target:
            break
        line, y = candidates[k]
        reported = [m for m in range(1, 13) if (years[y], m) in at and present[line, at[(years[y], m)]]]
        if line in used or not reported:
            continue
        month = reported[int(rng.integers(len(reported)))]
        value = (1 + growth) * (1.3 + 0.7 * rng.random()) * ytd[line, y - 1, 11]
        # Not so steep a step that it looks like a unit error against the month before.
        if month > 1 and ytd[line, y, month - 1] + value >= ratio / 2 * ytd[line, y, month - 2]:
            continue
        ytd[line, y, month - 1:] += value
        used.add(line)
        for yy in range(max(y - 1, 0), min(y + 2, len(years))):
            context[line, _columns(at, years[yy])] = True
        tag[line, _columns(at, years[y], month)] = "growth_outlier"
        context[line, _columns(at, years[y], month)] = False


def _contract_candidates(ytd: np.ndarray, lines: pd.DataFrame, enterprises: pd.DataFrame, years: list[int],
                         at: dict[tuple[int, int], int], present: np.ndarray, target: int,
                         quality: dict[str, float]) -> list[tuple[int, int]]:
    """(line, year index) pairs that may win a contract, the smallest lines that can carry one.

    Lines of giants and of pilot-code enterprises are left alone, and contracts go to the smallest
    lines that can carry one (up to three times the smallest material size), so the city's totals
    and its comparable growth hardly move (totals are calibrated again afterwards).
    """
    growth, material = quality["max_abs_growth"], quality["material_output_qianyuan"]
    lowest = 1.5 * material / ((1 + growth) * 1.3)  # the contract alone is then material
    ent = lines["ent"].to_numpy()
    allowed = ~enterprises["giant"].to_numpy()[ent] & ~enterprises["pilot"].to_numpy()[ent]
    candidates = []
    for y in range(1, len(years)):
        in_year = _columns(at, years[y])
        if in_year:
            ok = allowed & (lines["start"].to_numpy() <= years[y] - 1) & (ytd[:, y - 1, 11] >= lowest)
            ok &= present[:, in_year].any(axis=1)
            candidates += [(int(line), y) for line in np.flatnonzero(ok)]
    if not candidates:
        return []
    size = np.array([ytd[line, y - 1, 11] for line, y in candidates])
    keep = max(3 * target, int((size <= 3 * lowest).sum()))
    return [candidates[i] for i in np.argsort(size, kind="stable")[:keep]]


# --- line faults -------------------------------------------------------------------------------


@dataclass
class _Plot:
    """The city's rows as the line faults see them: values and tags to change in place, and what is used up.

    ``at``: row of each line and month of the range (-1 when not reported); the range's months are its
    report periods (without January, 11 a year), so ``last_year`` and ``next_year`` give the index of the
    same month a year earlier and later (-1 outside the range). ``held_left``: output each month may
    still hold (held lines stay under half the max_held_output_share in force where the city is
    large enough). ``small``: rows no larger than their month's median line and not a giant's.
    ``copies``: extra rows to add, (row copied, its output, its tag, its seq).
    """

    rows: pd.DataFrame
    li: np.ndarray
    mi: np.ndarray
    ent: np.ndarray
    out: np.ndarray
    prior: np.ndarray
    tag: np.ndarray
    context: np.ndarray
    at: np.ndarray
    ent_lines: dict[int, np.ndarray]
    year: np.ndarray
    month_no: np.ndarray
    held_left: np.ndarray
    small: np.ndarray
    growth: float
    ratio: float
    tolerance: float
    last_year: np.ndarray
    next_year: np.ndarray
    copies: list[tuple[int, float, str, float]] = field(default_factory=list)

    @property
    def n(self) -> int:
        return len(self.rows)

    @property
    def n_months(self) -> int:
        return len(self.year)

    def free(self, r: int) -> bool:
        """True for a row without a fault that no fault's detection compares with."""
        return self.tag[r] == "" and not self.context[r]

    def clean(self, r: int) -> bool:
        """True for a row (not -1) without a fault."""
        return r >= 0 and self.tag[r] == ""

    def beside(self, r: int, step: int) -> int:
        """The same line's row ``step`` months away in the same year, or -1."""
        m = self.mi[r] + step
        return int(self.at[self.li[r], m]) if 0 <= m < self.n_months and self.year[m] == self.year[self.mi[r]] else -1

    def modest(self, value: float, base: float) -> bool:
        """True when ``value`` against ``base`` (a prior) is no growth outlier and no unit error."""
        return base != base or base <= 0 or (abs(value / base - 1) <= 0.8 * self.growth and value * self.ratio > base)


def _plot(rows: pd.DataFrame, lines: pd.DataFrame, months: list[str], quality: dict[str, float]) -> _Plot:
    """The line faults' view of ``rows`` (reindexed 0..n-1), with copies of the columns they change."""
    rows = rows.reset_index(drop=True)
    n_months = len(months)
    li, mi = rows["li"].to_numpy(), rows["mi"].to_numpy()
    out = rows["output"].to_numpy(dtype=float).copy()
    at = np.full((len(lines), n_months), -1)
    at[li, mi] = np.arange(len(rows))
    median = np.array([np.median(out[mi == m]) if (mi == m).any() else 0.0 for m in range(n_months)])
    return _Plot(
        rows=rows, li=li, mi=mi, ent=rows["ent"].to_numpy(), out=out,
        prior=rows["prior"].to_numpy(dtype=float).copy(),
        tag=rows["tag"].to_numpy(dtype=object).copy(), context=rows["context"].to_numpy(dtype=bool).copy(),
        at=at, ent_lines=lines.groupby("ent").indices,
        year=np.array([period.year(m) for m in months]), month_no=np.array([period.month(m) for m in months]),
        held_left=0.5 * quality["max_held_output_share"] * np.bincount(mi, weights=out, minlength=n_months),
        small=(out <= median[mi]) & ~rows["giant"].to_numpy(dtype=bool),
        growth=quality["max_abs_growth"], ratio=quality["unit_error_ratio"], tolerance=quality["prior_tolerance"],
        last_year=same_month_a_year_away(months, -12), next_year=same_month_a_year_away(months, 12),
    )


def unit_error_suspected(rng: np.random.Generator, p: _Plot) -> None:
    """Every line of an enterprise-month 1000 times too large (in 元), at UNIT_ERROR_RATE.

    In March–November, after at least two months of the year, with the month before and after
    reported normally. A city too small to keep one under the held share still gets one.
    """
    target, placed, cheapest = max(1, round(UNIT_ERROR_RATE * p.n)), 0, None
    for k in rng.permutation(np.unique(p.ent * p.n_months + p.mi)):
        if placed >= target:
            break
        e, m = divmod(int(k), p.n_months)
        site = _unit_error_site(p, e, m)
        if site is None:
            continue
        found, around = site
        cost = UNIT_FACTOR * p.out[found].sum()
        if cost > p.held_left[m]:
            if cheapest is None or cost < cheapest[0]:
                cheapest = (cost, m, found, around)
            continue
        both = rng.random() < 0.5  # the whole form in 元, or only this year's column
        _unit_error(p, found, around, both)
        p.held_left[m] -= cost
        placed += 1
    if placed == 0 and cheapest is not None:
        _unit_error(p, cheapest[2], cheapest[3], True)
        p.held_left[cheapest[1]] -= cheapest[0]


def _unit_error_site(p: _Plot, e: int, m: int) -> tuple[np.ndarray, list[int]] | None:
    """The rows of enterprise ``e`` in month ``m`` and the rows beside them, when a unit error may land there."""
    if not 3 <= p.month_no[m] <= 11 or m < 1 or m + 1 >= p.n_months:
        return None
    own = p.at[p.ent_lines[e]]
    found = own[:, m][own[:, m] >= 0]
    if not all(p.free(r) for r in found):
        return None
    around = [p.beside(r, s) for r in found for s in (-1, 1)]
    if not all(p.clean(r) for r in around):
        return None
    earlier = (own[:, (p.year == p.year[m]) & (np.arange(p.n_months) < m)] >= 0).any(axis=0).sum()
    # Big enough a step from the month before for the check to see it.
    if earlier < 2 or any(UNIT_FACTOR * p.out[r] < 1.2 * p.ratio * p.out[p.beside(r, -1)] for r in found):
        return None
    return found, around


def _unit_error(p: _Plot, found: np.ndarray, around: list[int], both: bool) -> None:
    """Make rows ``found`` an enterprise-month reported in 元 (both columns, or only this year's)."""
    p.out[found] *= UNIT_FACTOR
    if both:
        p.prior[found] *= UNIT_FACTOR
    p.tag[found] = "unit_error_suspected"
    p.context[around] = True


def conflicting_duplicate(rng: np.random.Generator, p: _Plot) -> None:
    """A second line of the same product with a value 2–6% off, still between the line's previous and
    next month; both lines are held."""
    target, placed = max(1, round(CONFLICTING_DUPLICATE_RATE * p.n)), 0
    for r in rng.permutation(p.n):
        if placed >= target:
            break
        if not p.free(r) or not p.small[r] or p.out[r] < MIN_COMPARED:
            continue
        before, after = p.beside(r, -1), p.beside(r, 1)
        if (before >= 0 and not p.clean(before)) or (after >= 0 and not p.clean(after)):
            continue
        value = p.out[r] * (1 + (1 if rng.random() < 0.5 else -1) * rng.uniform(0.02, 0.06))
        if (before >= 0 and value <= p.out[before] + 1) or (after >= 0 and value >= p.out[after] - 1):
            continue
        if p.out[r] + value > p.held_left[p.mi[r]] or not p.modest(value, p.prior[r]):
            continue
        p.tag[r] = "conflicting_duplicate"
        p.context[[x for x in (before, after) if x >= 0]] = True
        p.copies.append((int(r), value, "conflicting_duplicate", p.ent[r] * 10.0 + 8))
        p.held_left[p.mi[r]] -= p.out[r] + value
        placed += 1


def ytd_below_previous_month(rng: np.random.Generator, p: _Plot) -> None:
    """5–20% below the line's own previous month, the next month normal again.

    Only where the same month of next year is beyond the range: next year's prior would otherwise
    differ from this lowered YTD.
    """
    target, placed = max(1, round(YTD_BELOW_RATE * p.n)), 0
    for r in rng.permutation(p.n):
        if placed >= target:
            break
        if not p.free(r) or not p.small[r] or p.next_year[p.mi[r]] >= 0:
            continue
        before, after = p.beside(r, -1), p.beside(r, 1)
        if before < 0 or not p.clean(before) or p.out[before] < MIN_COMPARED or (after >= 0 and not p.clean(after)):
            continue
        value = p.out[before] * (1 - rng.uniform(*YTD_BELOW_DROP))
        if not p.modest(value, p.prior[r]):
            continue
        p.out[r], p.tag[r] = value, "ytd_below_previous_month"
        p.context[[x for x in (before, after) if x >= 0]] = True
        placed += 1


def prior_differs_from_last_year(rng: np.random.Generator, p: _Plot) -> None:
    """A prior 10–60 points beyond the tolerance from what the line itself reported for the month a
    year earlier (and not so far that the growth is an outlier)."""
    low = (max(0.3, 1 - p.tolerance - 0.35), 1 - p.tolerance - 0.1)
    high = (1 + p.tolerance + 0.1, 1 + p.tolerance + 0.6)
    target, placed = max(1, round(PRIOR_DIFFERS_RATE * p.n)), 0
    for r in rng.permutation(p.n):
        if placed >= target:
            break
        if not p.free(r) or not p.small[r] or p.last_year[p.mi[r]] < 0 or p.prior[r] != p.prior[r]:
            continue
        last = int(p.at[p.li[r], p.last_year[p.mi[r]]])
        if not p.clean(last) or p.out[last] < MIN_COMPARED:
            continue
        span = low if low[1] > low[0] and rng.random() < 0.5 else high
        value = p.out[last] * rng.uniform(*span)
        if not p.modest(p.out[r], value):
            continue
        p.prior[r], p.tag[r] = value, "prior_differs_from_last_year"
        p.context[last] = True
        placed += 1


def exact_duplicate(rng: np.random.Generator, p: _Plot) -> None:
    """A line repeated identically right below itself; the first line is tagged 'dup_original' (no other fault)."""
    target, placed = max(1, round(EXACT_DUPLICATE_RATE * p.n)), 0
    for r in rng.permutation(p.n):
        if placed >= target:
            break
        if p.free(r):
            p.tag[r] = "dup_original"
            p.copies.append((int(r), p.out[r], "exact_duplicate", p.rows.at[r, "seq"] + 0.5))
            placed += 1


# In this order, all from one stream: each planter avoids the rows the ones before it used.
LINE_FAULTS = {
    "unit_error_suspected": unit_error_suspected,
    "conflicting_duplicate": conflicting_duplicate,
    "ytd_below_previous_month": ytd_below_previous_month,
    "prior_differs_from_last_year": prior_differs_from_last_year,
    "exact_duplicate": exact_duplicate,
}


def add_line_faults(rng: np.random.Generator, rows: pd.DataFrame, lines: pd.DataFrame, months: list[str],
                    quality: dict[str, float]) -> pd.DataFrame:
    """Plant the line faults at their rates, each on a clean row that no other fault's detection relies on.

    A fault's own rows get its ``tag``; the rows its detection compares with (the month before and
    after, the same month a year earlier) are marked ``context`` and stay clean. Faults that change
    a value counted in the figures (or take one out) land on lines no larger than their month's
    median line and never on a giant's, so totals and comparable growth hardly move.
    """
    p = _plot(rows, lines, months, quality)
    for plant in LINE_FAULTS.values():
        plant(rng, p)
    rows = p.rows.assign(output=p.out, prior=p.prior, tag=p.tag, context=p.context)
    extra = rows.iloc[[c[0] for c in p.copies]].copy()
    extra["output"] = [c[1] for c in p.copies]
    extra["tag"] = [c[2] for c in p.copies]
    extra["seq"] = [c[3] for c in p.copies]
    return pd.concat([rows, extra], ignore_index=True)


# --- rows that are no return -------------------------------------------------------------------


def repeated_header(rng: np.random.Generator, file: ReturnFile) -> int:
    """Make ``file`` a paged export: its header repeated after every page of PAGE_SIZES rows (once,
    mid-file, if shorter). Returns the headers added."""
    page = int(rng.choice(PAGE_SIZES))
    table = file.table
    if len(table) < 2:
        return 0
    cuts = list(range(page, len(table), page)) or [int(rng.integers(1, len(table)))]
    out, done = [], 0
    for cut in cuts:
        out += table[done:cut] + [list(file.header)]
        done = cut
    file.table = out + table[done:]
    return len(cuts)


def total_row(rng: np.random.Generator, file: ReturnFile) -> int:
    """End ``file`` with a 合计 (or 小计) row: every field empty but the name and the sums of the output columns."""
    order = file.fmt["order"]
    row = dict.fromkeys(order, "")
    row["enterprise_name"] = TOTAL_NAMES[1] if rng.random() < 0.25 else TOTAL_NAMES[0]
    for column in ("output_ytd", "output_ytd_prior"):
        row[column] = column_sum([r[order.index(column)] for r in file.records])
    file.table.append(([""] if file.fmt["serial"] else []) + [row[c] for c in order])
    return 1


def plant_not_returns(rng: np.random.Generator, files: list[ReturnFile]) -> dict[str, int]:
    """End a few regular files (not the correction) with a total row (TOTAL_ROW_FILE_SHARE) and page a few
    (PAGED_FILE_SHARE). Returns the rows added: {'total_row': n, 'repeated_header': n}."""
    regular = [i for i, file in enumerate(files) if not file.is_correction]

    def some_files(share: float) -> set[int]:
        n = min(len(regular), max(1, round(share * len(regular))))
        return {int(i) for i in rng.choice(regular, size=n, replace=False)}

    with_total, paged = some_files(TOTAL_ROW_FILE_SHARE), some_files(PAGED_FILE_SHARE)
    added = {"total_row": 0, "repeated_header": 0}
    for i, file in enumerate(files):
        if i in paged:  # pages first: a total row ends the last page
            added["repeated_header"] += repeated_header(rng, file)
        if i in with_total:
            added["total_row"] += total_row(rng, file)
    return added


# --- the correction ----------------------------------------------------------------------------


def add_correction(rng: np.random.Generator, rows: pd.DataFrame, months: list[str]) -> tuple[pd.DataFrame, dict]:
    """One enterprise resubmits a month's whole return in 99_更正.csv; its first submission had a 万元 slip.

    The enterprise is one whose lines that month carry no data-quality fault. From here on the
    rows carry the form's text in output_ytd and output_ytd_prior.
    """
    mi = months.index(CORRECTION_PERIOD) if CORRECTION_PERIOD in months else len(months) // 2
    in_month = rows[rows["mi"] == mi]
    in_month = in_month[~in_month["ent"].isin(set(in_month.loc[in_month["tag"] != "", "ent"]))]
    lines_per_ent = in_month.groupby("ent").size()
    candidates = sorted(lines_per_ent.index[lines_per_ent >= 2]) or sorted(lines_per_ent.index)
    ent = int(rng.choice(candidates))
    rows = format_money(rows)
    original = rows.index[(rows["mi"] == mi) & (rows["ent"] == ent)]
    corrected = rows.loc[original].copy()
    corrected["file"] = CORRECTION_STEM
    # The first submission reported its first line in 万元 instead of 千元.
    first = original[0]
    slip = rows.at[first, "output"] / 10
    rows.at[first, "output_ytd"] = money_text(np.array([slip]), np.array([rows.at[first, "decimals"]]))[0]
    rows = pd.concat([rows, corrected], ignore_index=True)
    return rows, {"period": months[mi], "file": CORRECTION_STEM + ".csv", "credit_code": str(corrected["credit_code"].iloc[0]),
                  "lines_superseded": len(original)}


# --- bad lines: one reject rule each -------------------------------------------------------------


def _wrong_check_character(rng: np.random.Generator, line: dict, dalian: set[str]) -> None:
    line["credit_code"] = _wrong_check(rng, line["credit_code"])


def _district_outside_dalian(rng: np.random.Generator, line: dict, dalian: set[str]) -> None:
    line["district_code"] = str(rng.choice([c for c in NOT_DALIAN if c not in dalian]))


def _negative_output(rng: np.random.Generator, line: dict, dalian: set[str]) -> None:
    line["output_ytd"] = "-" + line["output_ytd"]


def _output_not_a_number(rng: np.random.Generator, line: dict, dalian: set[str]) -> None:
    line["output_ytd"] = str(rng.choice(NOT_NUMBERS))


def _no_output(rng: np.random.Generator, line: dict, dalian: set[str]) -> None:
    line["output_ytd"] = ""


def _no_product_name(rng: np.random.Generator, line: dict, dalian: set[str]) -> None:
    line["product_name"] = ""


def _last_months_period(rng: np.random.Generator, line: dict, dalian: set[str]) -> None:
    line["period"] = period.previous(line["period"])


# Reject rule -> how a line breaks it. The order is RULES' and fixes the draws: keep it.
BAD_LINES = {
    "credit_code_check": _wrong_check_character,
    "district_in_dalian": _district_outside_dalian,
    "output_ytd_non_negative": _negative_output,
    "output_ytd_numeric": _output_not_a_number,
    "output_ytd_missing": _no_output,
    "required": _no_product_name,
    "period_matches_folder": _last_months_period,
}
RULES = tuple(BAD_LINES)


def add_bad_lines(rng: np.random.Generator, rows: pd.DataFrame, dalian: set[str]) -> tuple[pd.DataFrame, dict[str, int]]:
    """Add about 0.3% extra lines with exactly one fault each, for existing enterprises' distinct products.

    Hosts are enterprise-months without the correction and without data-quality faults. Returns
    the rows and the bad lines per rule.
    """
    taken = set(zip(rows.loc[rows["file"] == CORRECTION_STEM, "mi"], rows.loc[rows["file"] == CORRECTION_STEM, "ent"]))
    taken |= set(zip(rows.loc[rows["tag"] != "", "mi"], rows.loc[rows["tag"] != "", "ent"]))
    n_bad = max(len(RULES), round(len(rows) * BAD_LINE_RATE))
    rules = rng.permutation(np.resize(np.array(RULES, dtype=object), n_bad))
    used: set[tuple[int, int]] = set()
    bad = []
    for index in rng.permutation(len(rows)):
        host = rows.iloc[index]
        key = (int(host["mi"]), int(host["ent"]))
        if key in used or key in taken:
            continue
        used.add(key)
        bad.append(_bad_line(rng, host, str(rules[len(bad)]), dalian))
        if len(bad) == n_bad:
            break
    counts = {rule: int(np.sum(rules[: len(bad)] == rule)) for rule in RULES}
    return pd.concat([rows, pd.DataFrame(bad)], ignore_index=True), counts


def _bad_line(rng: np.random.Generator, host: pd.Series, rule: str, dalian: set[str]) -> dict:
    """An extra line of the host's enterprise (a distinct trial product) that breaks exactly ``rule``."""
    line = host.to_dict()
    line["seq"] = host["ent"] * 10.0 + 9  # after the enterprise's own lines
    code = host["product_code"]
    line["product_code"] = code[:-2] + str(rng.integers(90, 100)) if code else ""
    line["product_name"] = host["product_name"] + "（试制）"
    line["output_ytd"] = str(max(1, round(float(host["output"]) * 0.03)))
    line["output_ytd_prior"] = ""
    BAD_LINES[rule](rng, line, dalian)
    return line

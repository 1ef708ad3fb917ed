"""Statistical disclosure control of published tables (the Statistics Law: no published figure may
identify a single respondent).

1. Primary suppression (``sensitive``): a cell is sensitive when fewer than ``min_frequency`` enterprises
   (but more than 0) make it, or when its largest n enterprises make more than k of it (dominance rules).
2. The audit (``audit``): for every suppressed cell, the interval an attacker can derive from everything
   published — each table's additivity (inner cells sum to the row totals, the column totals and the grand
   total), values ≥ 0, and, for cumulative months (1–5月, 1–6月 …), x_t ≥ x_{t−1} — computed by linear
   programming (HiGHS, through highspy), minimising and maximising each suppressed cell.
3. Secondary suppression (``protect``): suppress more cells until the audit finds every suppressed cell safe.

References: Hundepool et al., Statistical Disclosure Control (Wiley, 2012), ch. 4 (sensitivity rules, the
audit, secondary suppression); tau-ARGUS; sdcTable.

Conventions. A table's *full grid* is (rows + 1) × (columns + 1): the inner cells in [:R, :C], the row totals
in column C, the column totals in row R, the grand total at [R, C]. Suppression masks are booleans of that
shape. Values are ≥ 0 (output in 亿元, counts …).
"""

from __future__ import annotations

import os
import sys
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import highspy

TOLERANCE = 1e-9  # relative slack in the safety test (an interval exactly at ±p is safe)


class DisclosureError(ValueError):
    """Tables that cannot be audited (inconsistent, mismatched months) or protected."""


# --- rules ------------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Rules:
    min_frequency: int = 3                                          # fewest enterprises of a safe cell
    dominance: tuple[tuple[int, float], ...] = ((1, 0.85), (2, 0.90))  # (n, k): largest n make more than k
    protection: float = 0.10                                        # required interval: value × (1 ∓ p)

    @classmethod
    def from_settings(cls, settings) -> Rules:
        """The rules of the settings' ``disclosure`` section (defaults.yaml; overridable by a data folder)."""
        section = getattr(settings, "disclosure", None) or {}
        default = cls()
        return cls(min_frequency=int(section.get("min_frequency", default.min_frequency)),
                   dominance=((1, float(section.get("dominance_top1_share", default.dominance[0][1]))),
                              (2, float(section.get("dominance_top2_share", default.dominance[1][1])))),
                   protection=float(section.get("protection_share", default.protection)))


# --- primary suppression ----------------------------------------------------------------------------------

def _cell_row(shares: np.ndarray, rules: Rules) -> dict:
    """One cell from its enterprises' values (one value per enterprise)."""
    shares = np.sort(shares[shares > 0])[::-1]
    total = float(shares.sum())
    n = len(shares)
    reason = ""
    if total > 0:
        if n < rules.min_frequency:
            reason = "frequency"
        else:
            for top_n, k in rules.dominance:
                if shares[:top_n].sum() > k * total:
                    reason = f"dominance ({top_n}, {k:g})"
                    break
    return {"value": total, "n": n,
            "top1": float(shares[:1].sum()), "top2": float(shares[:2].sum()),
            "sensitive": reason != "", "reason": reason}


def sensitive(contributions: pd.DataFrame, keys: list[str], rules: Rules = Rules()) -> pd.DataFrame:
    """One row per cell of ``keys`` (no keys: the grand total) with ``value``, ``n`` (enterprises with a value
    > 0), ``top1`` (the largest enterprise's value), ``top2`` (the largest two together), ``sensitive`` and
    ``reason`` ("frequency", "dominance (1, 0.85)" …; "" when safe).

    ``contributions``: enterprise-level rows with the ``keys``, ``credit_code`` and ``value`` (≥ 0). An
    enterprise with several rows in a cell counts once, with their sum; so a margin computed with fewer keys
    counts an enterprise present in two of its cells once. Computed over whole columns (a loop over the demo's
    cells took 1.6 s a publish); ``_cell_row`` says the same of one cell, and a test holds the two together."""
    if (contributions["value"] < 0).any():
        raise DisclosureError("contributions: a negative value")
    if not keys:  # the grand total: one cell
        per_enterprise = contributions.groupby("credit_code", dropna=False)["value"].sum()
        return pd.DataFrame([_cell_row(per_enterprise.to_numpy(dtype=float), rules)],
                            columns=["value", "n", "top1", "top2", "sensitive", "reason"])
    per = contributions.groupby([*keys, "credit_code"], dropna=False, sort=False)["value"].sum().reset_index()
    per["value"] = per["value"].astype(float)
    per = per.sort_values("value", ascending=False, kind="stable")  # each cell's largest enterprise first
    per = per.dropna(subset=keys)  # a row with a key missing is in no cell
    rank = per.groupby(keys, sort=False).cumcount()
    tops = sorted({1, 2, *(top_n for top_n, _ in rules.dominance)})
    per = per.assign(positive=per["value"] > 0, **{f"top{t}": per["value"].where(rank < t, 0.0) for t in tops})
    cells = (per.groupby(keys, sort=True)
             .agg(value=("value", "sum"), n=("positive", "sum"), **{f"top{t}": (f"top{t}", "sum") for t in tops})
             .reset_index())
    cells["n"] = cells["n"].astype(int)
    conditions = [(cells["value"] > 0) & (cells["n"] < rules.min_frequency)]
    conditions += [(cells["value"] > 0) & (cells[f"top{top_n}"] > k * cells["value"]) for top_n, k in rules.dominance]
    reasons = ["frequency", *(f"dominance ({top_n}, {k:g})" for top_n, k in rules.dominance)]
    cells["reason"] = np.select(conditions, reasons, default="")
    cells["sensitive"] = cells["reason"] != ""
    return cells[[*keys, "value", "n", "top1", "top2", "sensitive", "reason"]]


# --- tables -----------------------------------------------------------------------------------------------

@dataclass
class Table:
    """A 2-D table with its margins; the inner cells sum to the margins."""
    values: np.ndarray                 # inner cells, rows × columns
    row_labels: list = field(default_factory=list)
    column_labels: list = field(default_factory=list)
    row_totals: np.ndarray | None = None     # default: the sums of the rows
    column_totals: np.ndarray | None = None  # default: the sums of the columns
    grand_total: float | None = None         # default: the sum of the inner cells

    def __post_init__(self):
        self.values = np.asarray(self.values, dtype=float)
        rows, columns = self.values.shape
        self.row_labels = list(self.row_labels) or list(range(rows))
        self.column_labels = list(self.column_labels) or list(range(columns))
        self.row_totals = self.values.sum(axis=1) if self.row_totals is None else np.asarray(self.row_totals, float)
        self.column_totals = (self.values.sum(axis=0) if self.column_totals is None
                              else np.asarray(self.column_totals, float))
        self.grand_total = float(self.values.sum() if self.grand_total is None else self.grand_total)
        scale = max(1.0, abs(self.grand_total))
        if (not np.allclose(self.values.sum(axis=1), self.row_totals, rtol=0, atol=1e-9 * scale)
                or not np.allclose(self.values.sum(axis=0), self.column_totals, rtol=0, atol=1e-9 * scale)
                or abs(self.values.sum() - self.grand_total) > 1e-9 * scale):
            raise DisclosureError("table: the inner cells do not sum to the margins")

    @property
    def shape(self) -> tuple[int, int]:
        """The full grid's shape (rows + 1, columns + 1)."""
        return self.values.shape[0] + 1, self.values.shape[1] + 1

    def full(self) -> np.ndarray:
        """The full grid: inner cells, row totals in the last column, column totals in the last row."""
        rows, columns = self.values.shape
        out = np.zeros(self.shape)
        out[:rows, :columns] = self.values
        out[:rows, columns] = self.row_totals
        out[rows, :columns] = self.column_totals
        out[rows, columns] = self.grand_total
        return out


def table_and_primary(contributions: pd.DataFrame, row: str, column: str,
                      rules: Rules = Rules()) -> tuple[Table, np.ndarray, pd.DataFrame]:
    """The table ``row`` × ``column`` of the contributions, its primary mask (full grid; margins from the
    contributions, not summed from the cells) and the cells' sensitivity rows (``margin``: "", "row",
    "column" or "grand")."""
    inner = sensitive(contributions, [row, column], rules)
    rows = sorted(inner[row].unique())
    columns = sorted(inner[column].unique())
    values = np.zeros((len(rows), len(columns)))
    mask = np.zeros((len(rows) + 1, len(columns) + 1), dtype=bool)
    for r in inner.itertuples(index=False):
        i, j = rows.index(getattr(r, row)), columns.index(getattr(r, column))
        values[i, j] = r.value
        mask[i, j] = r.sensitive
    by_row = sensitive(contributions, [row], rules).set_index(row).loc[rows]
    by_column = sensitive(contributions, [column], rules).set_index(column).loc[columns]
    grand = sensitive(contributions, [], rules)
    mask[:-1, -1] = by_row["sensitive"].to_numpy()
    mask[-1, :-1] = by_column["sensitive"].to_numpy()
    mask[-1, -1] = bool(grand["sensitive"].iloc[0])
    table = Table(values, rows, columns, by_row["value"].to_numpy(), by_column["value"].to_numpy(),
                  float(grand["value"].iloc[0]))
    cells = pd.concat([inner.assign(margin=""), by_row.reset_index().assign(margin="row"),
                       by_column.reset_index().assign(margin="column"), grand.assign(margin="grand")],
                      ignore_index=True)
    return table, mask, cells


# --- the audit --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Interval:
    """A suppressed cell's feasible interval given everything published; ``safe`` when it reaches
    value × (1 − p) below and value × (1 + p) above."""
    key: Hashable
    value: float
    lower: float
    upper: float    # inf when unbounded
    safe: bool


def audit_cells(values: Mapping[Hashable, float], suppressed: Iterable[Hashable],
                equations: Sequence[tuple[Hashable, Sequence[Hashable]]], order: Sequence[tuple[Hashable, Hashable]] = (),
                rules: Rules = Rules(), *, only: Iterable[Hashable] | None = None,
                latent: Iterable[Hashable] = ()) -> list[Interval]:
    """The feasible interval of every suppressed cell (or of those in ``only``) given all that is published: each
    equation ``total = Σ parts``, every value ≥ 0 and, for each ``(earlier, later)`` in ``order`` (the same cell in
    two cumulative months), earlier ≤ later. ``values``: every cell's true value (published or not); a cell not
    in ``suppressed`` is known to the attacker. ``latent``: cells never published (the finest cross-classification
    the published tables add up from): unknowns of the program, not audited. Linear programming (HiGHS): the
    minimum and maximum of each cell."""
    latent = set(latent)
    hidden = set(suppressed) | latent
    variables = [k for k in values if k in hidden]
    suppressed = [k for k in variables if k not in latent]
    index = {k: n for n, k in enumerate(variables)}
    if not suppressed:
        return []
    # solved in units of the largest value: HiGHS' feasibility tolerance (1e-7) is absolute, and sums of 千元 in
    # the hundreds of millions differ by more than that by rounding alone (the demo's 2019 was "infeasible")
    scale = max(1.0, max(abs(float(v)) for v in values.values()))

    def linear(terms):  # [(coefficient, key)] -> (sparse row over the variables, constant)
        row, constant = {}, 0.0
        for coefficient, key in terms:
            if key in index:
                row[index[key]] = row.get(index[key], 0.0) + coefficient
            else:
                constant += coefficient * values[key] / scale
        return row, constant

    equal, equal_rhs, less, less_rhs = [], [], [], []
    for total, parts in equations:  # Σ parts − total = 0
        row, constant = linear([(1.0, p) for p in parts] + [(-1.0, total)])
        if row:
            equal.append(row)
            equal_rhs.append(-constant)
    for earlier, later in order:  # earlier − later ≤ 0
        row, constant = linear([(1.0, earlier), (-1.0, later)])
        if row:
            less.append(row)
            less_rhs.append(-constant)
    solver = _Solver(equal + less, equal_rhs + less_rhs, len(equal), len(index))
    wanted = suppressed if only is None else [k for k in suppressed if k in set(only)]
    out = []
    for key in wanted:
        lower, upper = (bound * scale for bound in solver.bounds(index[key]))
        value = float(values[key])
        slack = TOLERANCE * max(1.0, abs(value))
        safe = (lower <= value * (1 - rules.protection) + slack and upper >= value * (1 + rules.protection) - slack)
        out.append(Interval(key, value, lower, upper, bool(safe)))
    return out


class _Solver:
    """One linear program (rows ``A x = b`` for the first ``equalities`` rows, ``A x ≤ b`` after, x ≥ 0) whose
    objective changes: HiGHS keeps the model and starts each solve from the last basis, so the two solves of
    every suppressed cell cost a fraction of a fresh solve (scipy's linprog set the model up every time:
    7,336 solves took 46 s for the demo's 2020)."""

    def __init__(self, rows: list[dict[int, float]], rhs: list[float], equalities: int, columns: int):
        from scipy.sparse import coo_matrix  # imported where a pattern is audited, not by every run (0.6 s)

        data = [(r, c, v) for r, row in enumerate(rows) for c, v in row.items()]
        matrix = coo_matrix(([v for *_, v in data], ([r for r, *_ in data], [c for _, c, _ in data])),
                            shape=(len(rows), columns)).tocsc()
        rhs = np.asarray(rhs, dtype=float).reshape(len(rows))
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = columns, len(rows)
        lp.col_cost_ = np.zeros(columns)
        lp.col_lower_, lp.col_upper_ = np.zeros(columns), np.full(columns, highspy.kHighsInf)
        lp.row_lower_ = np.concatenate([rhs[:equalities], np.full(len(rows) - equalities, -highspy.kHighsInf)])
        lp.row_upper_ = rhs
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.num_col_, lp.a_matrix_.num_row_ = columns, len(rows)
        lp.a_matrix_.start_, lp.a_matrix_.index_, lp.a_matrix_.value_ = matrix.indptr, matrix.indices, matrix.data
        self.highs = _highs()
        self.highs.passModel(lp)

    def _solve(self, column: int, sense) -> float | None:
        """The optimum of x[column] in ``sense``; None when unbounded."""
        self.highs.changeObjectiveSense(sense)
        self.highs.changeColCost(column, 1.0)
        try:
            self.highs.run()
            status = self.highs.getModelStatus()
            optimum = float(self.highs.getInfo().objective_function_value)  # before the cost changes back
        finally:
            self.highs.changeColCost(column, 0.0)
        if status == highspy.HighsModelStatus.kOptimal:
            return optimum
        unbounded = (highspy.HighsModelStatus.kUnbounded, highspy.HighsModelStatus.kUnboundedOrInfeasible)
        if status in unbounded and sense == highspy.ObjSense.kMaximize:
            return None
        if status == highspy.HighsModelStatus.kInfeasible:
            raise DisclosureError("audit: the published values are inconsistent (no feasible table)")
        raise DisclosureError(f"audit: HiGHS ended with {self.highs.modelStatusToString(status)}")

    def bounds(self, column: int) -> tuple[float, float]:
        lower = self._solve(column, highspy.ObjSense.kMinimize)
        upper = self._solve(column, highspy.ObjSense.kMaximize)
        return max(0.0, lower), np.inf if upper is None else upper


def _highs() -> highspy.Highs:
    """A silent HiGHS. Its first construction in a process prints a banner from C, before it can be silenced:
    standard output points at the null device meanwhile, so the CLI's output stays what it says."""
    try:
        sys.stdout.flush()
        saved, null = os.dup(1), os.open(os.devnull, os.O_WRONLY)
    except (OSError, ValueError, AttributeError):  # no file descriptor 1 to point elsewhere
        highs = highspy.Highs()
    else:
        try:
            os.dup2(null, 1)
            highs = highspy.Highs()
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(null)
    highs.setOptionValue("output_flag", False)
    return highs


@dataclass(frozen=True)
class CellInterval:
    table: int      # index in the tables list
    row: int        # full-grid row (the column totals' row is the last)
    column: int     # full-grid column (the row totals' column is the last)
    value: float
    lower: float
    upper: float    # inf when unbounded
    safe: bool


def _check(tables: list[Table], masks: list[np.ndarray], cumulative: bool) -> None:
    if len(tables) != len(masks):
        raise DisclosureError(f"{len(tables)} tables but {len(masks)} masks")
    for t, (table, mask) in enumerate(zip(tables, masks)):
        if np.shape(mask) != table.shape:
            raise DisclosureError(f"table {t}: mask of shape {np.shape(mask)}, the full grid is {table.shape}")
    if cumulative and any(t.shape != tables[0].shape or t.row_labels != tables[0].row_labels
                          or t.column_labels != tables[0].column_labels for t in tables):
        raise DisclosureError("cumulative tables: every month must have the same rows and columns")


def _grid_cells(tables: list[Table], cumulative: bool):
    """The tables as cells keyed (table, row, column) of their full grids, with their equations and order."""
    values, equations, order = {}, [], []
    for t, table in enumerate(tables):
        grid = table.full()
        rows, columns = grid.shape[0] - 1, grid.shape[1] - 1
        values |= {(t, i, j): float(grid[i, j]) for i in range(rows + 1) for j in range(columns + 1)}
        equations += [((t, i, columns), [(t, i, j) for j in range(columns)]) for i in range(rows + 1)]
        equations += [((t, rows, j), [(t, i, j) for i in range(rows)]) for j in range(columns + 1)]
        if cumulative and t:
            order += [((t - 1, i, j), (t, i, j)) for i in range(rows + 1) for j in range(columns + 1)]
    return values, equations, order


def audit(tables: list[Table], suppressed: list[np.ndarray], rules: Rules = Rules(), *,
          cumulative: bool = False) -> list[CellInterval]:
    """Every suppressed cell's feasible interval given all that is published (see the module's docstring);
    ``suppressed``: one full-grid boolean mask per table. ``cumulative``: the tables are the same table at
    successive cumulative months, in order."""
    _check(tables, suppressed, cumulative)
    values, equations, order = _grid_cells(tables, cumulative)
    hidden = [(t, int(i), int(j)) for t, mask in enumerate(suppressed) for i, j in zip(*np.nonzero(mask))]
    return [CellInterval(*c.key, c.value, c.lower, c.upper, c.safe)
            for c in audit_cells(values, hidden, equations, order, rules)]


def is_safe(tables: list[Table], suppressed: list[np.ndarray], rules: Rules = Rules(), *,
            cumulative: bool = False) -> bool:
    """Whether the audit finds every suppressed cell safe."""
    return all(c.safe for c in audit(tables, suppressed, rules, cumulative=cumulative))


# --- secondary suppression --------------------------------------------------------------------------------

def protect(tables: list[Table], primary_masks: list[np.ndarray], rules: Rules = Rules(), *,
            cumulative: bool = False, max_rounds: int = 10_000) -> list[np.ndarray]:
    """The suppression masks (full grid) that the audit proves safe, from the primary masks: ``protect_cells`` on
    the tables' grids. ``cumulative``: the pattern is one for every month — a cell suppressed in any month is
    suppressed in all (so in every later month), which also stops differencing."""
    _check(tables, primary_masks, cumulative)
    masks = [np.array(m, dtype=bool) for m in primary_masks]
    if cumulative and masks:
        masks = [np.logical_or.reduce(masks) for _ in masks]
    values, equations, order = _grid_cells(tables, cumulative)
    hidden = {(t, int(i), int(j)) for t, mask in enumerate(masks) for i, j in zip(*np.nonzero(mask))}
    while True:
        hidden = protect_cells(values, hidden, equations, order, rules, max_rounds=max_rounds)
        if not cumulative:
            break
        same = {(t, i, j) for _, i, j in hidden for t in range(len(tables))}  # one pattern for every month
        if same == hidden:
            break
        hidden = same
    out = [np.zeros(t.shape, dtype=bool) for t in tables]
    for t, i, j in hidden:
        out[t][i, j] = True
    return out


def protect_cells(values: Mapping[Hashable, float], primary: Iterable[Hashable],
                  equations: Sequence[tuple[Hashable, Sequence[Hashable]]], order: Sequence[tuple[Hashable, Hashable]] = (),
                  rules: Rules = Rules(), *, fixed: Iterable[Hashable] = (), only: Iterable[Hashable] | None = None,
                  check_all: bool = True, latent: Iterable[Hashable] = (),
                  neighbours: Mapping[Hashable, Iterable[Hashable]] | None = None, max_rounds: int = 10_000,
                  intervals: dict | None = None) -> set:
    """The suppressed cells the audit proves safe, from the ``primary`` ones, for linked tables of any shape
    (``audit_cells``' equations and order). Greedy: take the first unsafe cell (in ``values``' order) and suppress
    the cheapest rectangle through it (``_rectangle_of``: the hypercube method of tau-ARGUS in two dimensions); where
    there is none, its cheapest partner — a published cell of one of its equations, its next month (order) or a
    neighbour — not in ``fixed`` (what earlier releases published stays published) and not 0, preferring, in this
    order, a partner worth at least p × the cell, one that is no equation's total (a margin: readers want the
    margins), one that opens the fewest equations in which it would be the only suppressed cell, the smallest
    value; re-audit, repeat. Never un-suppresses; deterministic. DisclosureError
    when an unsafe cell has no partner left. ``only``: audit these cells in the rounds (the ones a new month
    adds), then (unless not ``check_all``: the caller audits everything later) every cell once at the end, going
    on over all of them if one is unsafe: fewer linear programs. ``latent``: as audit_cells'; never a partner, and
    an equation with a latent part neither gives partners nor counts as a line. ``neighbours``: more partners of
    each cell (the cells that overlap it: sharing a latent part). ``intervals``: a dict filled with the last audit's
    Interval of each cell it audited (the caller need not audit them again)."""
    latent = set(latent)
    suppressed = set(primary)
    fixed = set(fixed)
    rank = {k: n for n, k in enumerate(values)}
    totals = {total for total, _ in equations}
    partners: dict[Hashable, set] = {}
    lines: dict[Hashable, list[tuple]] = {}  # cell -> the equations it is in
    for total, parts in equations:
        if latent and not latent.isdisjoint(parts):
            continue
        members = (total, *parts)  # one object per equation: _rectangle_of tells equations apart by identity
        for key in members:
            partners.setdefault(key, set()).update(members)
            lines.setdefault(key, []).append(members)
    for key, others in (neighbours or {}).items():
        partners.setdefault(key, set()).update(others)
    for earlier, later in order:
        partners.setdefault(earlier, set()).add(later)
        partners.setdefault(later, set()).add(earlier)
    floors = _published_floors(values, order, fixed - suppressed)

    def usable(k) -> bool:  # a partner may be suppressed: it is new, real, and can itself be protected
        return (k not in suppressed and k not in fixed and k not in latent and values[k] > 0
                and floors.get(k, 0.0) <= values[k] * (1 - rules.protection) + TOLERANCE * max(1.0, values[k]))

    scope = None if only is None else set(only)
    for _ in range(max_rounds):
        audited = audit_cells(values, suppressed, equations, order, rules, only=scope, latent=latent)
        if all(c.safe for c in audited) and scope is not None and check_all:
            scope = None  # the new cells are safe: check every cell once
            audited = audit_cells(values, suppressed, equations, order, rules, latent=latent)
        unsafe = [c for c in audited if not c.safe]
        if not unsafe:
            if intervals is not None:
                intervals.update({c.key: c for c in audited})
            return suppressed
        cell = min(unsafe, key=lambda c: rank[c.key])
        free = [k for k in partners.get(cell.key, ()) if usable(k)]
        square = _rectangle_of(cell, lines, suppressed, usable, values, totals, rank, rules)
        if square:
            suppressed.update(square)
            continue
        if not free:
            raise DisclosureError(f"protect: cell {cell.key} = {cell.value:g} cannot be protected "
                                  f"(interval [{cell.lower:g}, {cell.upper:g}], no published partner left)")

        def opened(k):  # equations in which k would be the only suppressed cell: each needs a partner in turn
            return sum(not any(m in suppressed for m in members if m != k) for members in lines.get(k, ()))

        suppressed.add(min(free, key=lambda k: (values[k] < rules.protection * cell.value, k in totals, opened(k),
                                                 values[k], rank[k])))
    raise DisclosureError(f"protect: no safe pattern after {max_rounds} rounds")


def _published_floors(values: Mapping[Hashable, float], order: Sequence[tuple[Hashable, Hashable]],
                      published: set) -> dict:
    """Each cell's floor from what earlier releases published: a cumulative month is at least the month before's,
    so once 1–10月 is out, 1–11月 cannot fall below it. A cell whose floor is within p of its value cannot be
    protected by suppressing it: it is never chosen as a secondary cell (tried on the demo's 2020 alone: 1–11月
    services 生物健康 × 庄河, 16.80亿元 after 15.14亿元 in 1–10月, became a secondary cell no pattern could
    protect, and every document of 1–11月 was refused)."""
    floors: dict = {}
    for earlier, later in order:
        if earlier in published:
            floors[later] = max(floors.get(later, 0.0), float(values[earlier]))
    return floors


def _rectangle_of(cell: Interval, lines: dict, suppressed: set, usable, values, totals: set, rank: dict, rules: Rules):
    """The cheapest rectangle through an unsafe cell c: a in one of its equations, b in another, d sharing an
    equation with each (in a 2-D table: c = (i, j), a = (i, j'), b = (i', j), d = (i', j')), whose new cells are all
    usable. Ranked as ``protect``'s partners: new cells worth at least p × c, fewest margins, smallest sum. None
    when c lies in fewer than two equations or no rectangle adds a cell (a single partner is then sought)."""
    c = cell.key
    equations = lines.get(c, [])
    best = None
    for n, first in enumerate(equations):
        for second in equations[n + 1:]:
            for a in (m for m in first if m != c):
                beyond_a = {m for members in lines.get(a, ()) if members is not first for m in members}
                for b in (m for m in second if m != c and m != a):
                    beyond_b = {m for members in lines.get(b, ()) if members is not second for m in members}
                    for d in beyond_a & beyond_b - {c, a, b}:
                        new = [k for k in (a, b, d) if k not in suppressed]
                        if not new or not all(usable(k) for k in new):
                            continue
                        key = (any(values[k] < rules.protection * cell.value for k in new), sum(k in totals for k in new),
                               sum(values[k] for k in new), sorted(rank[k] for k in new))
                        if best is None or key < best[0]:
                            best = (key, new)
    return None if best is None else best[1]

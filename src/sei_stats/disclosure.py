"""Statistical disclosure control of published tables (the Statistics Law: no published figure may
identify a single respondent).

1. Primary suppression (``sensitive``): a cell is sensitive when fewer than ``min_frequency`` enterprises
   (but more than 0) make it, or when its largest n enterprises make more than k of it (dominance rules).
2. The audit (``audit``): for every suppressed cell, the interval an attacker can derive from everything
   published — each table's additivity (inner cells sum to the row totals, the column totals and the grand
   total), values ≥ 0, and, for cumulative months (1–5月, 1–6月 …), x_t ≥ x_{t−1} — computed by linear
   programming (scipy.optimize.linprog, HiGHS), minimising and maximising each suppressed cell.
3. Secondary suppression (``protect``): suppress more cells until the audit finds every suppressed cell safe.

References: Hundepool et al., Statistical Disclosure Control (Wiley, 2012), ch. 4 (sensitivity rules, the
audit, secondary suppression); tau-ARGUS; sdcTable.

Conventions. A table's *full grid* is (rows + 1) × (columns + 1): the inner cells in [:R, :C], the row totals
in column C, the column totals in row R, the grand total at [R, C]. Suppression masks are booleans of that
shape. Values are ≥ 0 (output in 亿元, counts …).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy.optimize import linprog

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
    counts an enterprise present in two of its cells once."""
    if (contributions["value"] < 0).any():
        raise DisclosureError("contributions: a negative value")
    per_enterprise = contributions.groupby([*keys, "credit_code"], dropna=False, sort=True)["value"].sum()
    rows = []
    if keys:
        for cell, group in per_enterprise.groupby(level=list(range(len(keys))), sort=True):
            cell = cell if isinstance(cell, tuple) else (cell,)
            rows.append(dict(zip(keys, cell)) | _cell_row(group.to_numpy(dtype=float), rules))
    else:
        rows.append(_cell_row(per_enterprise.to_numpy(dtype=float), rules))
    columns = [*keys, "value", "n", "top1", "top2", "sensitive", "reason"]
    return pd.DataFrame(rows, columns=columns)


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


def audit(tables: list[Table], suppressed: list[np.ndarray], rules: Rules = Rules(), *,
          cumulative: bool = False) -> list[CellInterval]:
    """Every suppressed cell's feasible interval given all that is published (see the module's docstring);
    ``suppressed``: one full-grid boolean mask per table. ``cumulative``: the tables are the same table at
    successive cumulative months, in order."""
    _check(tables, suppressed, cumulative)
    grids = [t.full() for t in tables]
    index = {}  # (t, i, j) -> variable
    for t, mask in enumerate(suppressed):
        for i, j in zip(*np.nonzero(mask)):
            index[(t, int(i), int(j))] = len(index)
    if not index:
        return []

    def linear(terms):  # [(coefficient, (t, i, j))] -> (row over the variables, constant)
        row, constant = np.zeros(len(index)), 0.0
        for coefficient, cell in terms:
            if cell in index:
                row[index[cell]] += coefficient
            else:
                constant += coefficient * grids[cell[0]][cell[1], cell[2]]
        return row, constant

    equalities, equal_rhs, inequalities, less_rhs = [], [], [], []
    for t, grid in enumerate(grids):
        rows, columns = grid.shape[0] - 1, grid.shape[1] - 1
        lines = [[(1.0, (t, i, j)) for j in range(columns)] + [(-1.0, (t, i, columns))] for i in range(rows + 1)]
        lines += [[(1.0, (t, i, j)) for i in range(rows)] + [(-1.0, (t, rows, j))] for j in range(columns + 1)]
        for terms in lines:  # Σ cells − total = 0
            row, constant = linear(terms)
            if row.any():
                equalities.append(row)
                equal_rhs.append(-constant)
    if cumulative:
        for t in range(1, len(grids)):
            for i in range(grids[t].shape[0]):
                for j in range(grids[t].shape[1]):
                    row, constant = linear([(1.0, (t - 1, i, j)), (-1.0, (t, i, j))])  # x_{t−1} − x_t ≤ 0
                    if row.any():
                        inequalities.append(row)
                        less_rhs.append(-constant)
    problem = {"A_eq": np.array(equalities) if equalities else None, "b_eq": equal_rhs or None,
               "A_ub": np.array(inequalities) if inequalities else None, "b_ub": less_rhs or None,
               "bounds": (0, None), "method": "highs"}
    out = []
    for (t, i, j), k in index.items():
        objective = np.zeros(len(index))
        objective[k] = 1.0
        low = linprog(objective, **problem)
        high = linprog(-objective, **problem)
        if low.status == 2 or high.status == 2:
            raise DisclosureError("audit: the published values are inconsistent (no feasible table)")
        if low.status not in (0, 3) or high.status not in (0, 3):
            raise DisclosureError(f"audit: linprog failed ({low.message}; {high.message})")
        lower = float(low.fun) if low.status == 0 else 0.0
        upper = float(-high.fun) if high.status == 0 else np.inf
        value = float(grids[t][i, j])
        slack = TOLERANCE * max(1.0, abs(value))
        safe = (lower <= value * (1 - rules.protection) + slack and upper >= value * (1 + rules.protection) - slack)
        out.append(CellInterval(t, i, j, value, lower, upper, bool(safe)))
    return out


def is_safe(tables: list[Table], suppressed: list[np.ndarray], rules: Rules = Rules(), *,
            cumulative: bool = False) -> bool:
    """Whether the audit finds every suppressed cell safe."""
    return all(c.safe for c in audit(tables, suppressed, rules, cumulative=cumulative))


# --- secondary suppression --------------------------------------------------------------------------------

def _rectangle(grid: np.ndarray, mask: np.ndarray, i: int, j: int, value: float, rules: Rules):
    """The cells to add so that (i, j) lies on a suppressed rectangle (i, j), (i, j'), (i', j), (i', j'):
    of the rectangles with at least one new cell and no zero new cell, the one with (in this order) new
    cells all ≥ p × value, no grand total, the fewest margins, the smallest suppressed value, the first
    position."""
    last_row, last_column = grid.shape[0] - 1, grid.shape[1] - 1
    best = None
    for i2 in range(grid.shape[0]):
        for j2 in range(grid.shape[1]):
            if i2 == i or j2 == j:
                continue
            new = [(a, b) for a, b in ((i, j2), (i2, j), (i2, j2)) if not mask[a, b]]
            if not new or any(grid[a, b] <= 0 for a, b in new):
                continue
            key = (any(grid[a, b] < rules.protection * value for a, b in new),
                   any(a == last_row and b == last_column for a, b in new),
                   sum(a == last_row or b == last_column for a, b in new),
                   sum(grid[a, b] for a, b in new), i2, j2)
            if best is None or key < best[0]:
                best = (key, new)
    return None if best is None else best[1]


def protect(tables: list[Table], primary_masks: list[np.ndarray], rules: Rules = Rules(), *,
            cumulative: bool = False, max_rounds: int = 1000) -> list[np.ndarray]:
    """The suppression masks (full grid) that the audit proves safe, from the primary masks: a greedy
    heuristic (the hypercube method of tau-ARGUS in two dimensions). Take the first unsafe cell (by table,
    row, column), suppress the cheapest rectangle through it (see ``_rectangle``), re-audit, repeat.
    ``cumulative``: the pattern is one for every month — a cell suppressed in any month is suppressed in all
    (so in every later month), which also stops differencing. Never un-suppresses a cell; deterministic.
    DisclosureError when no rectangle adds a cell and an unsafe cell remains."""
    _check(tables, primary_masks, cumulative)
    masks = [np.array(m, dtype=bool) for m in primary_masks]
    if cumulative and masks:
        pattern = np.logical_or.reduce(masks)
        masks = [pattern.copy() for _ in masks]
    grids = [t.full() for t in tables]
    for _ in range(max_rounds):
        unsafe = [c for c in audit(tables, masks, rules, cumulative=cumulative) if not c.safe]
        if not unsafe:
            return masks
        cell = min(unsafe, key=lambda c: (c.table, c.row, c.column))
        new = _rectangle(grids[cell.table], masks[cell.table], cell.row, cell.column, cell.value, rules)
        if new is None:
            raise DisclosureError(f"protect: table {cell.table} cell ({cell.row}, {cell.column}) = {cell.value:g} "
                                  f"cannot be protected (interval [{cell.lower:g}, {cell.upper:g}])")
        for t in (range(len(masks)) if cumulative else [cell.table]):
            for a, b in new:
                masks[t][a, b] = True
    raise DisclosureError(f"protect: no safe pattern after {max_rounds} rounds")

"""Statistical disclosure control: the sensitivity rules at their thresholds, the audit (intervals by linear
programming), secondary suppression, and differencing of cumulative months. Every number is worked by hand
in the comments. Full-grid convention: inner cells [:R, :C], row totals in column C, column totals in row R,
the grand total at [R, C]."""

import numpy as np
import pandas as pd
import pytest

from sei_stats.disclosure import (DisclosureError, Rules, Table, _cell_row, audit, audit_cells, is_safe, protect,
                                  protect_cells, sensitive, table_and_primary)
from sei_stats.settings import load_settings

RULES = Rules()


def bounds(cells, with_table=False):
    """{(table,) row, column: (lower, upper)} rounded to 1e-6 (linprog's optimum is exact to ~1e-9)."""
    return {((c.table,) if with_table else ()) + (c.row, c.column): (round(c.lower, 6), round(c.upper, 6))
            for c in cells}


def one_cell(*values):
    """A cell (district D, area a) made by enterprises E0, E1 … with these values."""
    frame = pd.DataFrame({"district": "D", "area": "a",
                          "credit_code": [f"E{k}" for k in range(len(values))], "value": list(values)})
    row = sensitive(frame, ["district", "area"], RULES)
    assert len(row) == 1
    return row.iloc[0]


# --- primary suppression: the rules at their thresholds ---------------------------------------------------

def test_frequency_two_enterprises_sensitive_three_not():
    two = one_cell(50.0, 50.0)            # n = 2 < 3
    assert two.sensitive and two.reason == "frequency" and two.n == 2
    three = one_cell(40.0, 30.0, 30.0)    # n = 3; top1 40 % ≤ 85 %, top2 70 % ≤ 90 %
    assert not three.sensitive and three.reason == "" and three.n == 3
    with_zero = one_cell(40.0, 30.0, 0.0)  # an enterprise with 0 does not count: n = 2
    assert with_zero.sensitive and with_zero.reason == "frequency" and with_zero.n == 2


def test_dominance_of_the_largest_enterprise_is_more_than_85_percent():
    at = one_cell(85.0, 5.0, 5.0, 5.0)     # total 100: top1 85 = 85 % (not more), top2 90 = 90 % (not more)
    assert not at.sensitive and (at.value, at.top1, at.top2) == (100.0, 85.0, 90.0)
    above = one_cell(85.1, 4.9, 5.0, 5.0)  # total 100: top1 85.1 > 85
    assert above.sensitive and above.reason == "dominance (1, 0.85)"


def test_dominance_of_the_largest_two_is_more_than_90_percent():
    at = one_cell(80.0, 10.0, 5.0, 5.0)    # total 100: top1 80 %, top2 90 = 90 % (not more)
    assert not at.sensitive and at.top2 == 90.0
    above = one_cell(80.0, 10.5, 5.0, 4.5)  # total 100: top1 80 %, top2 90.5 > 90
    assert above.sensitive and above.reason == "dominance (2, 0.9)"


def test_a_zero_cell_is_not_sensitive():
    zero = one_cell(0.0, 0.0)              # total 0, n = 0
    assert not zero.sensitive and zero.n == 0 and zero.value == 0.0


def cell_by_cell(contributions, keys, rules):
    """``sensitive`` as its definition says it: each cell's enterprises summed, then _cell_row on them."""
    per_enterprise = contributions.groupby([*keys, "credit_code"], dropna=False, sort=True)["value"].sum()
    rows = [dict(zip(keys, cell if isinstance(cell, tuple) else (cell,))) | _cell_row(group.to_numpy(float), rules)
            for cell, group in per_enterprise.groupby(level=list(range(len(keys))), sort=True)]
    return pd.DataFrame(rows, columns=[*keys, "value", "n", "top1", "top2", "sensitive", "reason"])


@pytest.mark.parametrize("rules", [RULES, Rules(min_frequency=4, dominance=((1, 0.6), (3, 0.95)))])
def test_the_whole_column_computation_is_the_cell_by_cell_definition(rules):
    # 80 rows: 12 enterprises over 3 × 4 cells (some rows without a district: in no cell), whole values so that
    # sums are exact, zeros, and enterprises with two rows in a cell; the second rules have a (3, k) rule
    rng = np.random.default_rng(7)
    frame = pd.DataFrame({"district": rng.choice(["D1", "D2", None], 80), "area": rng.choice(list("abcd"), 80),
                          "credit_code": rng.choice([f"E{k}" for k in range(12)], 80),
                          "value": rng.choice([0.0, 1.0, 5.0, 40.0, 900.0], 80)})
    reasons = set()
    for keys in (["district", "area"], ["area"], ["district"]):
        expected = cell_by_cell(frame, keys, rules)
        got = sensitive(frame, keys, rules)
        pd.testing.assert_frame_equal(got.reset_index(drop=True), expected, check_dtype=False)
        reasons |= set(got["reason"])
    assert "" in reasons and len(reasons) >= 3  # safe cells and at least two rules were compared


def test_a_margin_counts_an_enterprise_in_two_cells_once():
    # district D: cell a = E1 50 + E2 50, cell b = E1 30 + E3 30 → each cell n = 2 (sensitive);
    # the margin D = 160 by E1 (80), E2 (50), E3 (30): n = 3, top1 80 = 50 %, top2 130 = 81 % → safe
    frame = pd.DataFrame({"district": ["D"] * 4, "area": ["a", "a", "b", "b"],
                          "credit_code": ["E1", "E2", "E1", "E3"], "value": [50.0, 50.0, 30.0, 30.0]})
    cells = sensitive(frame, ["district", "area"], RULES)
    assert list(cells["n"]) == [2, 2] and cells["sensitive"].all()
    margin = sensitive(frame, ["district"], RULES).iloc[0]
    assert (margin.value, margin.n, margin.top1, margin.top2) == (160.0, 3, 80.0, 130.0)
    assert not margin.sensitive
    table, mask, _ = table_and_primary(frame, "district", "area", RULES)
    # full grid 2 × 3: [a, b, row total D; column total a, column total b, grand]
    assert mask.tolist() == [[True, True, False], [True, True, False]]
    assert table.row_totals.tolist() == [160.0] and table.grand_total == 160.0


def test_rules_from_the_settings_section():
    assert Rules.from_settings(load_settings()) == Rules()  # defaults.yaml's disclosure section = the defaults


# --- the audit and secondary suppression on a 3 × 3 table -------------------------------------------------

#            c0  c1  c2 | total
#   r0       20  30  50 | 100
#   r1       40   5  25 |  70
#   r2       35  45  10 |  90
#   total    95  80  85 | 260
TABLE = Table(np.array([[20, 30, 50], [40, 5, 25], [35, 45, 10]], dtype=float))


def primary():
    mask = np.zeros((4, 4), dtype=bool)
    mask[1, 1] = True  # r1 × c1 = 5, say two enterprises
    return mask


def test_primary_suppression_alone_is_undone_by_subtraction():
    (cell,) = audit([TABLE], [primary()], RULES)
    # x11 = 70 − 40 − 25 = 5 (or 80 − 30 − 45): the interval has zero width
    assert (cell.table, cell.row, cell.column) == (0, 1, 1)
    assert cell.lower == pytest.approx(5.0) and cell.upper == pytest.approx(5.0) and not cell.safe
    assert not is_safe([TABLE], [primary()], RULES)


def test_protect_adds_the_cheapest_rectangle_and_the_audit_proves_it_safe():
    (mask,) = protect([TABLE], [primary()], RULES)
    # rectangles through (1,1) with inner corners (i', j'), cost = the three new cells' sum:
    #   (0,0): 40 + 30 + 20 = 90   (0,2): 25 + 30 + 50 = 105   (2,0): 40 + 45 + 35 = 120
    #   (2,2): 25 + 45 + 10 = 80  ← cheapest (rectangles with a margin rank after the inner ones)
    expected = primary()
    expected[1, 2] = expected[2, 1] = expected[2, 2] = True
    assert mask.tolist() == expected.tolist()
    assert mask.sum() - primary().sum() == 3   # three secondary suppressions
    # x11 = 5 + d, x12 = 25 − d, x21 = 45 − d, x22 = 10 + d with all ≥ 0: d ∈ [−5, 25], so
    #   x11 ∈ [0, 30] (needs ≤ 4.5 and ≥ 5.5)   x12 ∈ [0, 30] (≤ 22.5, ≥ 27.5)
    #   x21 ∈ [20, 50] (≤ 40.5, ≥ 49.5)         x22 ∈ [5, 35] (≤ 9, ≥ 11)
    cells = audit([TABLE], [mask], RULES)
    assert bounds(cells) == {(1, 1): (0, 30), (1, 2): (0, 30), (2, 1): (20, 50), (2, 2): (5, 35)}
    assert all(c.safe for c in cells)


def test_protect_keeps_the_primary_cells_and_is_deterministic():
    first = protect([TABLE], [primary()], RULES)
    second = protect([TABLE], [primary()], RULES)
    assert first[0].tolist() == second[0].tolist()
    assert (first[0] | primary()).tolist() == first[0].tolist()  # every primary cell still suppressed
    # a primary margin: the row total r0 = 100 (grid (0, 3)) stays suppressed too
    margin = primary()
    margin[0, 3] = True
    protected = protect([TABLE], [margin], RULES)[0]
    assert protected[0, 3] and protected[1, 1] and is_safe([TABLE], [protected], RULES)
    assert protected.tolist() == protect([TABLE], [margin], RULES)[0].tolist()


def test_a_mask_of_the_wrong_shape_is_an_error():
    with pytest.raises(DisclosureError, match="full grid"):
        audit([TABLE], [np.zeros((3, 3), dtype=bool)], RULES)


# --- differencing cumulative months -----------------------------------------------------------------------

#   1–5月      c0  c1 | total        1–6月      c0  c1 | total
#   r0         48  20 |  68          r0         50  30 |  80
#   r1         10  30 |  40          r1         25  40 |  65
#   total      58  50 | 108          total      75  70 | 145
MAY = Table(np.array([[48, 20], [10, 30]], dtype=float))
JUNE = Table(np.array([[50, 30], [25, 40]], dtype=float))


def june_pattern():
    """1–5月 all published; 1–6月's four inner cells suppressed, its margins published."""
    june = np.zeros((3, 3), dtype=bool)
    june[:2, :2] = True
    return [np.zeros((3, 3), dtype=bool), june]


def test_a_pattern_safe_in_one_month_is_undone_by_differencing():
    # June alone: x00 = 50 + d, x01 = 30 − d, x10 = 25 − d, x11 = 40 + d, all ≥ 0 → d ∈ [−40, 25]:
    #   x00 ∈ [10, 75], x01 ∈ [5, 70], x10 ∈ [0, 65], x11 ∈ [0, 65]: all beyond ±10 % → safe
    alone = audit([MAY, JUNE], june_pattern(), RULES)
    assert all(c.safe for c in alone)
    assert bounds(alone) == (
        {(0, 0): (10, 75), (0, 1): (5, 70), (1, 0): (0, 65), (1, 1): (0, 65)})
    # with 1–5月 published and x_June ≥ x_May: 50 + d ≥ 48 → d ≥ −2; 30 − d ≥ 20 → d ≤ 10;
    # 25 − d ≥ 10 → d ≤ 15; 40 + d ≥ 30 → d ≥ −10. So d ∈ [−2, 10]:
    #   x00 ∈ [48, 60]: lower 48 > 45 = 50 × 0.9 → unsafe    x01 ∈ [20, 32]: upper 32 < 33 → unsafe
    #   x10 ∈ [15, 27]: upper 27 < 27.5 → unsafe             x11 ∈ [38, 50]: lower 38 > 36 → unsafe
    linked = audit([MAY, JUNE], june_pattern(), RULES, cumulative=True)
    assert bounds(linked, with_table=True) == (
        {(1, 0, 0): (48, 60), (1, 0, 1): (20, 32), (1, 1, 0): (15, 27), (1, 1, 1): (38, 50)})
    assert not any(c.safe for c in linked)
    assert not is_safe([MAY, JUNE], june_pattern(), RULES, cumulative=True)
    # protect without the link adds nothing: each month alone is safe
    assert [m.tolist() for m in protect([MAY, JUNE], june_pattern(), RULES)] == [m.tolist() for m in june_pattern()]


def test_protect_cumulative_suppresses_consistently_across_the_months():
    may, june = protect([MAY, JUNE], june_pattern(), RULES, cumulative=True)
    assert may.tolist() == june.tolist() == june_pattern()[1].tolist()  # the same four cells in both months
    # May: y = (48 + e, 20 − e, 10 − e, 30 + e), e ∈ [−30, 10]; June: d ∈ [−40, 25]; the link gives
    # −2 ≤ d − e ≤ 10 (from 50 + d ≥ 48 + e, 30 − d ≥ 20 − e, 25 − d ≥ 10 − e, 40 + d ≥ 30 + e).
    # So d ∈ [−32, 20] and e ∈ [−30, 10]:
    #   June x00 ∈ [18, 70], x01 ∈ [10, 62], x10 ∈ [5, 57], x11 ∈ [8, 60]
    #   May  y00 ∈ [18, 58], y01 ∈ [10, 50], y10 ∈ [0, 40], y11 ∈ [0, 40] — all beyond ±10 %
    cells = audit([MAY, JUNE], [may, june], RULES, cumulative=True)
    assert bounds(cells, with_table=True) == (
        {(1, 0, 0): (18, 70), (1, 0, 1): (10, 62), (1, 1, 0): (5, 57), (1, 1, 1): (8, 60),
         (0, 0, 0): (18, 58), (0, 0, 1): (10, 50), (0, 1, 0): (0, 40), (0, 1, 1): (0, 40)})
    assert all(c.safe for c in cells)


def test_cumulative_months_must_have_the_same_cells():
    with pytest.raises(DisclosureError, match="same rows and columns"):
        audit([MAY, TABLE], [np.zeros((3, 3), bool), np.zeros((4, 4), bool)], RULES, cumulative=True)


def _month_grid(month: str, inner: list[list[float]]) -> tuple[dict, list]:
    """A table of one cumulative month keyed (month, row, column), "T" for a margin, and its equations."""
    inner = np.array(inner, float)
    rows, columns = inner.shape
    values = {(month, i, j): inner[i, j] for i in range(rows) for j in range(columns)}
    values |= {(month, i, "T"): inner[i].sum() for i in range(rows)}
    values |= {(month, "T", j): inner[:, j].sum() for j in range(columns)} | {(month, "T", "T"): inner.sum()}
    equations = [((month, i, "T"), [(month, i, j) for j in range(columns)]) for i in range(rows)]
    equations += [((month, "T", j), [(month, i, j) for i in range(rows)]) for j in range(columns)]
    equations += [((month, "T", "T"), [(month, i, "T") for i in range(rows)]),
                  ((month, "T", "T"), [(month, "T", j) for j in range(columns)])]
    return values, equations


def test_a_cell_its_published_month_before_holds_within_p_is_never_a_secondary_cell():
    # 1–5月 published: every cell 1 but (0, 1) = 48. 1–6月: a = (0, 0) = 10 is sensitive. The cheapest rectangle
    # through it is (0, 1) 50, (1, 0) 40, (1, 1) 80, but suppressing (0, 1) cannot protect it: cumulative, it is at
    # least its 1–5月 48 > 50 × 0.9 = 45. So the rectangle through column 2 is taken: a, (0, 2) 60, (1, 0), (1, 2) 90.
    may, may_equations = _month_grid("may", [[1, 48, 1], [1, 1, 1]])
    june, june_equations = _month_grid("june", [[10, 50, 60], [40, 80, 90]])
    values = may | june
    order = [(("may", *k[1:]), k) for k in june]  # every June cell ≥ its May cell: it did not fall
    hidden = protect_cells(values, {("june", 0, 0)}, may_equations + june_equations, order, RULES,
                           fixed=[*may, ("june", "T", "T")])
    assert hidden == {("june", 0, 0), ("june", 0, 2), ("june", 1, 0), ("june", 1, 2)}
    # published: row totals 120, 210, column 0 50, (0, 1) 50, (1, 1) 80; so a + (0, 2) = 70, (1, 0) = 50 − a,
    # (1, 2) = 80 + a, and a ≥ 1 (its May), (1, 0) ≥ 1: a in [1, 49], (0, 2) in [21, 69], (1, 0) in [1, 49],
    # (1, 2) in [81, 129]: each reaches its value ± 10% ((1, 2): 81 = 90 × 0.9 exactly)
    cells = {c.key: (round(c.lower, 6), round(c.upper, 6), c.safe)
             for c in audit_cells(values, hidden, may_equations + june_equations, order, RULES)}
    assert cells == {("june", 0, 0): (1, 49, True), ("june", 0, 2): (21, 69, True),
                     ("june", 1, 0): (1, 49, True), ("june", 1, 2): (81, 129, True)}

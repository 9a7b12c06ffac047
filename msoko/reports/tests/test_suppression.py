"""Small-cell suppression: nothing below the thresholds is published and no hidden cell can be
recomputed from the published numbers (checked here by an independent linear-algebra attack)."""

from __future__ import annotations

import itertools

import numpy as np
import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from msoko.reports import suppression
from msoko.reports.suppression import (
    MIN_COUNT,
    TOTAL,
    grid_system,
    suppress_grid,
    suppress_system,
    suppress_tables,
)


def attack(values: dict[str, float], hidden: set[str], equations) -> set[str]:
    """Hidden cells an attacker pins down exactly from the published cells and the equations.

    Linear: a hidden cell is pinned when deleting its column from the system of the hidden cells
    lowers the rank (every solution then has the same value there). Bounds: counts are not
    negative, so a published total equal to its published parts pins the hidden parts to 0.
    """
    unknown = sorted(hidden)
    if not unknown:
        return set()
    index = {c: i for i, c in enumerate(unknown)}
    rows, rhs = [], []
    for total, parts in equations:
        row = np.zeros(len(unknown))
        known = 0.0
        for p in parts:
            if p in hidden:
                row[index[p]] += 1
            else:
                known += values[p]
        if total in hidden:
            row[index[total]] -= 1
            rhs_value = -known
        else:
            rhs_value = values[total] - known
        if row.any():
            rows.append(row)
            rhs.append(rhs_value)
    pinned = set()
    if not rows:
        return pinned
    a = np.array(rows)
    rank = np.linalg.matrix_rank(a)
    for cell, i in index.items():
        reduced = np.delete(a, i, axis=1)
        # the cell is pinned when dropping its column lowers the rank (it is not free)
        if np.linalg.matrix_rank(reduced) < rank:
            pinned.add(cell)
    # non-negativity: a published total equal to its published parts pins its hidden parts to 0
    for total, parts in equations:
        hidden_parts = [p for p in parts if p in hidden]
        if total not in hidden and hidden_parts and values[total] == sum(
                values[p] for p in parts if p not in hidden):
            pinned.update(hidden_parts)
    return pinned


def grid(rows: list[list[int]]) -> pl.DataFrame:
    return pl.DataFrame(
        [(f"r{r}", f"c{c}", v) for r, row in enumerate(rows) for c, v in enumerate(row)],
        schema={"row": pl.String, "column": pl.String, "count": pl.Int64}, orient="row",
    )


def test_one_small_cell_takes_a_partner_in_its_row_and_column():
    # r0: 3 10 12 | r1: 8 9 20 | r2: 15 16 17 — the 3 is hidden; row r0 and column c0 then each
    # need a second hidden cell, and the cheapest pattern is the 2 × 2 rectangle 3, 10, 8, 9.
    result = suppress_grid(grid([[3, 10, 12], [8, 9, 20], [15, 16, 17]]))
    hidden = {(r, c) for r, c in result.filter(pl.col("hidden")).select("row", "column").iter_rows()}
    assert hidden == {("r0", "c0"), ("r0", "c1"), ("r1", "c0"), ("r1", "c1")}
    totals = result.filter(pl.col("column") == TOTAL).sort("row")
    assert totals["count"].to_list() == [25, 37, 48, 110]  # r0, r1, r2, Итого (sorted as strings)


def test_a_table_without_small_cells_is_published_whole():
    result = suppress_grid(grid([[12, 30], [25, 41]]))
    assert not result["hidden"].any()


def test_zero_counts_are_small_cells_too():
    result = suppress_grid(grid([[0, 30, 40], [25, 41, 33]]))
    assert result.filter((pl.col("row") == "r0") & (pl.col("column") == "c0"))["hidden"].item()


def test_a_cell_published_in_two_tables_shares_its_fate():
    # table A: school × mark; table B publishes the school's «2» count again beside another figure
    a_values, a_eq = grid_system(grid([[3, 20], [30, 40]]), "A")
    b_values = {"B|x|1": 20.0, "B|x|2": 6.0, "B|x|Итого": 26.0}
    # B's first cell is the same count as A|r0|c1: an equality equation ties them
    b_eq = [("B|x|Итого", ["B|x|1", "B|x|2"]), ("A|r0|c1", ["B|x|1"])]
    hidden = suppress_tables([(a_values, a_eq), (b_values, b_eq)])
    assert "A|r0|c1" in hidden  # partner of the 3 in row r0
    assert "B|x|1" in hidden  # so the same count cannot show in table B
    values = {**a_values, **b_values}
    assert attack(values, hidden, a_eq + b_eq) == set()


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=120, deadline=None)
@given(st.integers(min_value=1, max_value=6).flatmap(
    lambda cols: st.lists(st.lists(counts, min_size=cols, max_size=cols), min_size=1, max_size=7)))
def test_no_hidden_cell_can_be_recomputed_and_nothing_small_is_published(rows):
    table = grid(rows)
    values, equations = grid_system(table, "t")
    hidden = suppress_system(values, equations)
    published = {k: v for k, v in values.items() if k not in hidden}
    assert all(v >= MIN_COUNT for v in published.values())
    assert attack({k: float(v) for k, v in values.items()}, hidden, equations) == set()


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(counts, min_size=3, max_size=3), min_size=2, max_size=5),
       st.lists(st.lists(counts, min_size=2, max_size=2), min_size=2, max_size=5))
def test_two_tables_sharing_a_column_are_safe_together(first, second):
    # the first column of table «a» is published again as the first column of table «b»
    n = min(len(first), len(second))
    first, second = first[:n], second[:n]
    for i in range(n):
        second[i][0] = first[i][0]
    a_values, a_eq = grid_system(grid(first), "a")
    b_values, b_eq = grid_system(grid(second), "b")
    links = [(f"a|r{i}|c0", [f"b|r{i}|c0"]) for i in range(n)] + [(f"a|{TOTAL}|c0", [f"b|{TOTAL}|c0"])]
    hidden = suppress_tables([(a_values, a_eq), (b_values, b_eq + links)])
    values = {k: float(v) for k, v in {**a_values, **b_values}.items()}
    assert attack(values, hidden, a_eq + b_eq + links) == set()
    assert all(values[k] >= MIN_COUNT for k in values if k not in hidden)
    for i in range(n):  # a shared cell is hidden in both tables or in neither
        assert (f"a|r{i}|c0" in hidden) == (f"b|r{i}|c0" in hidden)


def test_shares_follow_their_counts_and_need_ten_participants():
    frame = pl.DataFrame({"hidden": [False, True, False], "base": [12, 40, 9]})
    out = frame.select(suppression.share_hidden(pl.col("hidden"), pl.col("base")).alias("x"))["x"].to_list()
    assert out == [False, True, True]


@pytest.mark.parametrize("rows", list(itertools.product([0, 4, 5, 30], repeat=2)))
def test_two_by_one_tables(rows):
    values, equations = grid_system(grid([[rows[0]], [rows[1]]]), "t")
    hidden = suppress_system(values, equations)
    assert attack({k: float(v) for k, v in values.items()}, hidden, equations) == set()

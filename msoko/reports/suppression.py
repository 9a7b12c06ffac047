"""Small-cell suppression for published figures (pure: Polars and NumPy, no Django).

Rules (docs/reports.md):

* primary — a count below `MIN_COUNT` (0 included) is not published; a share is not published when
  it is computed from fewer than `MIN_BASE` participants or when its count is hidden (the share
  times a published base would give the count back);
* secondary — the published numbers satisfy additive equations (a row of cells sums to the row
  total, a column to the column total). A hidden cell must not be recomputable from them: after
  primary suppression, while some hidden cell is determined by the published cells of the whole
  system of equations (exactly: it is zero in every solution of the homogeneous system of the
  hidden cells), one more published cell of an equation containing it is hidden: the one that
  leaves the fewest exposed cells, the smallest of those.
  An equation whose published total equals the sum of its published parts (the hidden parts must
  all be 0) counts as revealing, too;
* across tables — tables that publish the same cell (same id) are suppressed as one system
  (`suppress_system` over the union of their cells and equations), so the pattern is shared.

A cell is identified by a string id; an equation is ``(total_id, [part_id, ...])``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
import polars as pl

MIN_COUNT = 5
MIN_BASE = 10
TOTAL = "Итого"

Equation = tuple[str, list[str]]


def primary(counts: pl.DataFrame, value: str = "count") -> pl.DataFrame:
    """Add ``hidden``: True where the count is below `MIN_COUNT` (or missing)."""
    return counts.with_columns(hidden=pl.col(value).is_null() | (pl.col(value) < MIN_COUNT))


def share_hidden(count_hidden: pl.Expr, base: pl.Expr) -> pl.Expr:
    """A share is hidden when its count is hidden or its base has fewer than `MIN_BASE` participants."""
    return count_hidden | base.is_null() | (base < MIN_BASE)


def _null_space(matrix: np.ndarray) -> np.ndarray:
    if matrix.size == 0:
        return np.eye(matrix.shape[1])
    _, s, vt = np.linalg.svd(matrix)
    rank = int((s > 1e-9 * max(matrix.shape)).sum())
    return vt[rank:].T


def determined(values: dict[str, float], hidden: set[str], equations: Sequence[Equation]) -> set[str]:
    """Hidden cells whose values follow from the published ones through the equations.

    Linear: a hidden cell is determined when it is zero in every solution of the homogeneous
    system restricted to hidden cells. Bounds: an equation with a published total equal to the sum
    of its published parts determines each of its hidden (non-negative) parts as 0.
    """
    unknown = sorted(hidden)
    index = {cell: i for i, cell in enumerate(unknown)}
    rows = []
    found: set[str] = set()
    for total, parts in equations:
        involved = [p for p in parts if p in hidden]
        if total not in hidden and involved:
            residual = values[total] - sum(values[p] for p in parts if p not in hidden)
            if abs(residual) < 1e-9:
                found.update(involved)
        if not involved and total not in hidden:
            continue
        row = np.zeros(len(unknown))
        for p in involved:
            row[index[p]] += 1.0
        if total in hidden:
            row[index[total]] -= 1.0
        rows.append(row)
    if not unknown:
        return found
    matrix = np.array(rows) if rows else np.zeros((0, len(unknown)))
    null = _null_space(matrix)
    for cell, i in index.items():
        if null.shape[1] == 0 or np.all(np.abs(null[i]) < 1e-9):
            found.add(cell)
    return found


def suppress_system(values: dict[str, float | None], equations: Sequence[Equation],
                    hidden: Iterable[str] = ()) -> set[str]:
    """The hidden cells after primary and secondary suppression of one system of equations.

    `values`: every published cell (counts and totals); `hidden`: cells hidden in advance (for
    example by another table that publishes them). Returns the set of hidden cell ids.
    """
    numbers = {k: (0.0 if v is None else float(v)) for k, v in values.items()}
    out = set(hidden) | {k for k, v in values.items() if v is None or v < MIN_COUNT}
    # equations that share no cell cannot expose each other: solve each connected group alone
    for group in _components([(t, list(p)) for t, p in equations]):
        out = _suppress_group(numbers, group, out)
    return out


def _components(equations: list[Equation]) -> list[list[Equation]]:
    parent = list(range(len(equations)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[str, int] = {}
    for n, (total, parts) in enumerate(equations):
        for cell in (total, *parts):
            if cell in owner:
                parent[find(n)] = find(owner[cell])
            else:
                owner[cell] = n
    groups: dict[int, list[Equation]] = {}
    for n, equation in enumerate(equations):
        groups.setdefault(find(n), []).append(equation)
    return list(groups.values())


def _suppress_group(numbers: dict[str, float], equations: list[Equation], out: set[str]) -> set[str]:
    out = set(out)
    cells = {c for total, parts in equations for c in (total, *parts)}
    if not cells & out:
        return out
    membership: dict[str, list[int]] = {}
    for n, (total, parts) in enumerate(equations):
        for cell in (total, *parts):
            membership.setdefault(cell, []).append(n)
    while True:
        exposed = determined(numbers, out & cells, equations)
        if not exposed:
            return out
        candidates = {
            c for cell in exposed for n in membership.get(cell, [])
            for c in (equations[n][0], *equations[n][1]) if c not in out
        }
        if not candidates:
            # nothing published next to them: hide the smallest published cell of any equation
            candidates = {c for total, parts in equations for c in (total, *parts) if c not in out}
            if not candidates:
                return out
        # greedy look-ahead: the cell that leaves the fewest exposed cells, then the smallest
        out.add(min(candidates, key=lambda c: (len(determined(numbers, (out & cells) | {c}, equations)), numbers[c], c)))


def cell_id(table: str, row: object, column: object) -> str:
    return f"{table}|{row}|{column}"


def grid_system(counts: pl.DataFrame, table: str, row: str = "row", column: str = "column",
                value: str = "count") -> tuple[dict[str, float | None], list[Equation]]:
    """Cells and equations of a row × column table of counts with row, column and grand totals."""
    rows = sorted(counts[row].unique().to_list(), key=str)
    columns = sorted(counts[column].unique().to_list(), key=str)
    lookup = {(r, c): v for r, c, v in counts.select(row, column, value).iter_rows()}
    values: dict[str, float | None] = {}
    equations: list[Equation] = []
    for r in rows:
        parts = [cell_id(table, r, c) for c in columns]
        for c in columns:
            values[cell_id(table, r, c)] = lookup.get((r, c), 0) or 0
        values[cell_id(table, r, TOTAL)] = sum(lookup.get((r, c), 0) or 0 for c in columns)
        equations.append((cell_id(table, r, TOTAL), parts))
    for c in [*columns, TOTAL]:
        parts = [cell_id(table, r, c) for r in rows]
        values[cell_id(table, TOTAL, c)] = sum(values[p] or 0 for p in parts)
        equations.append((cell_id(table, TOTAL, c), parts))
    return values, equations


def suppress_grid(counts: pl.DataFrame, table: str = "t", row: str = "row", column: str = "column",
                  value: str = "count") -> pl.DataFrame:
    """A count table with totals and the suppression pattern: row, column, count, hidden.

    Totals come back as rows/columns named `TOTAL`. Row and column labels are returned as strings.
    """
    values, equations = grid_system(counts, table, row, column, value)
    hidden = suppress_system(values, equations)
    return frame_of(values, hidden, table)


def frame_of(values: dict[str, float | None], hidden: set[str], table: str) -> pl.DataFrame:
    out = []
    for key, v in values.items():
        name, r, c = key.split("|", 2)
        if name == table:
            out.append((r, c, v, key in hidden))
    return pl.DataFrame(out, schema={"row": pl.String, "column": pl.String, "count": pl.Float64,
                                     "hidden": pl.Boolean}, orient="row")


def suppress_tables(systems: Sequence[tuple[dict[str, float | None], list[Equation]]]) -> set[str]:
    """Several tables as one system: a cell published in two tables is hidden in both or neither."""
    values: dict[str, float | None] = {}
    equations: list[Equation] = []
    for v, eqs in systems:
        values.update(v)
        equations.extend(eqs)
    return suppress_system(values, equations)

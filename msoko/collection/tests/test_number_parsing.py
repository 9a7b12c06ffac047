"""Numbers in uploaded text: the fast path (a column that already reads as numbers) and the clean-up
path (spaces, decimal commas, words such as «X») give the same values and the same problems."""

from __future__ import annotations

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from msoko.collection.formats.common import ROW, Located, Mapping, _number, parse_numbers
from msoko.collection.readers.table import Table


def _parse(values: list[str | None], **options) -> tuple[list[float | None], list[str]]:
    frame = pl.DataFrame({ROW: list(range(2, len(values) + 2)), "score": values}, schema={ROW: pl.Int64, "score": pl.String})
    table = Table(name="f.csv", format="csv", headers=["Балл"], frame=frame)
    located = Located(table, Mapping(columns={0: "score"}))
    parsed = parse_numbers(frame, located, ["score"], **options)
    return parsed.get_column("score").to_list(), [f"{p.row}: {p.message}" for p in located.problems]


def test_a_plain_column_is_read_as_it_stands():
    assert _parse(["12", "3.5", None, "0"]) == ([12.0, 3.5, None, 0.0], [])


def test_a_column_with_one_decimal_comma_is_cleaned_whole():
    assert _parse(["12", "3,5", "1 000", "2\u00a0500"]) == ([12.0, 3.5, 1000.0, 2500.0], [])


def test_words_and_non_finite_values_are_not_numbers_in_both_paths():
    values, problems = _parse(["1", "inf", "NaN", "1e400"])
    assert values == [1.0, None, None, None]
    assert problems == ["3: «inf» — не число.", "4: «NaN» — не число.", "5: «1e400» — не число."]


def test_blank_words_count_as_zero():
    assert _parse(["2", "X", "x"], blanks=["X"]) == ([2.0, 0.0, 0.0], [])


def test_integer_and_range_checks_apply_after_the_fast_path():
    values, problems = _parse(["1", "2.5", "7"], integer=True, low=0, high=5)
    assert problems == ["3: «2.5» — ожидается целое число.", "4: значение 7 вне допустимого диапазона (0–5)."]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(
    st.none(),
    st.from_regex(r"[-+]?[0-9]{0,4}(\.[0-9]{0,3})?([eE][-+]?[0-9]{1,3})?", fullmatch=True),  # mostly the fast path
    st.text(alphabet="0123456789.,-+eE xX\u00a0inaf", max_size=8),  # mostly the clean-up path
), min_size=1, max_size=6))
def test_the_fast_path_never_reads_a_value_differently(values):
    """Whatever the column holds, every value is what the clean-up path alone makes of it."""
    got, _ = _parse([None if v is None else v.strip() or None for v in values])
    cleaned = pl.DataFrame({"v": [None if v is None else v.strip() or None for v in values]}, schema={"v": pl.String})
    expected = cleaned.select(_number(pl.col("v"))).get_column("v").to_list()
    assert got == expected

"""Catalog formulas: which of them are plain sums of data elements."""

from __future__ import annotations

import pytest

from msoko.catalog.formula import summands


@pytest.mark.parametrize(("text", "names"), [
    ("a", ("a",)), ("a + b", ("a", "b")), (" a+b + c ", ("a", "b", "c")),
    ("a - b", None), ("a * 2", None), ("(a + b) / 2", None), ("a + a", None), ("100", None), ("", None),
])
def test_only_sums_of_distinct_elements_make_a_rule(text, names):
    assert summands(text) == names

"""The results index interval from binomial resampling of stored counts."""

import polars as pl
import pytest

from msoko.analytics.core.errors import SettingsError
from msoko.analytics.core.index_uncertainty import results_index_ci
from msoko.analytics.core.settings import ShnorSettings


def rows(*items):
    return pl.DataFrame(
        [(2024, "g", org, ind, num / den * 100, num, den, 100.0, False) for org, ind, num, den in items],
        schema=["year", "group", "org_code", "indicator", "value", "numerator", "denominator", "multiplier",
                "higher_is_better"],
        orient="row",
    )


def test_point_index_is_the_min_max_mean_of_the_shnor_core():
    # share of «2» (lower is better): A 10 %, B 20 %, C 30 % → normalised 1, 0.5, 0
    # second indicator: A 50 %, B 0 %, C 25 % → 0, 1, 0.5. Index: A 0.5, B 0.75, C 0.25.
    frame = rows(("A", "x", 10, 100), ("B", "x", 20, 100), ("C", "x", 30, 100),
                 ("A", "y", 50, 100), ("B", "y", 0, 100), ("C", "y", 25, 100))
    out = results_index_ci(frame, n_boot=200).sort("org_code")
    assert out["index"].to_list() == pytest.approx([0.5, 0.75, 0.25])
    for row in out.iter_rows(named=True):
        assert row["low"] <= row["index"] <= row["high"]


def test_interval_narrows_with_more_participants():
    small = rows(("A", "x", 1, 10), ("B", "x", 2, 10), ("C", "x", 3, 10))
    large = rows(("A", "x", 100, 1000), ("B", "x", 200, 1000), ("C", "x", 300, 1000))
    width = lambda f: (lambda r: r["high"] - r["low"])(results_index_ci(f, n_boot=400).sort("org_code").row(1, named=True))  # noqa: E731
    assert width(large) < width(small) / 2


def test_zero_and_full_shares_do_not_vary_and_constant_indicator_is_neutral():
    # A: 0 of 20 and B: 20 of 20 cannot change under resampling; the interval has zero width
    out = results_index_ci(rows(("A", "x", 0, 20), ("B", "x", 20, 20)), n_boot=100).sort("org_code")
    assert out.select("low", "high").rows() == [(1.0, 1.0), (0.0, 0.0)]
    constant = results_index_ci(rows(("A", "x", 5, 20), ("B", "x", 5, 20)), n_boot=50)
    assert constant["index"].to_list() == [0.5, 0.5]
    dropped = results_index_ci(rows(("A", "x", 5, 20), ("B", "x", 5, 20)), ShnorSettings(constant_indicator="drop"), n_boot=50)
    assert dropped["index"].to_list() == [None, None]


def test_same_seed_same_interval_and_bad_parameters_refused():
    frame = rows(("A", "x", 3, 30), ("B", "x", 9, 30), ("C", "x", 6, 30))
    assert results_index_ci(frame, seed=7).equals(results_index_ci(frame, seed=7))
    with pytest.raises(SettingsError):
        results_index_ci(frame, n_boot=0)

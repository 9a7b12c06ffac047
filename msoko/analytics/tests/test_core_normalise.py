"""Normalisation formulas on a hand-computed group: values 10, 20, 40 (mean 70/3, range 30)."""

import math

import polars as pl
import pytest

from msoko.analytics.core.normalise import normalise


def group(values: list[float | None], invert: bool = False) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "g": ["x"] * len(values),
            "indicator": ["i"] * len(values),
            "value": values,
            "invert": [invert] * len(values),
        },
        schema={"g": pl.String, "indicator": pl.String, "value": pl.Float64, "invert": pl.Boolean},
    )


def norms(values: list[float | None], method: str, invert: bool = False, constant: str = "neutral") -> list:
    return normalise(group(values, invert), method, ["g"], constant=constant)["norm"].to_list()


def test_minmax_maps_the_range_to_zero_one():
    assert norms([10, 20, 40], "minmax") == pytest.approx([0.0, 1 / 3, 1.0])


def test_minmax_inverted_for_indicators_where_higher_is_worse():
    assert norms([10, 20, 40], "minmax", invert=True) == pytest.approx([1.0, 2 / 3, 0.0])


def test_mean_ratio_divides_by_the_group_mean():
    # mean = 70/3, so 10 → 3/7, 20 → 6/7, 40 → 12/7
    assert norms([10, 20, 40], "mean_ratio") == pytest.approx([3 / 7, 6 / 7, 12 / 7])


def test_mean_ratio_inverted_is_reflected_around_one():
    assert norms([10, 20, 40], "mean_ratio", invert=True) == pytest.approx([11 / 7, 8 / 7, 2 / 7])


def test_mean_ratio_inverted_stays_defined_for_a_zero_value():
    # share of «2» equal to 0 is the best possible value: 2 − 0 / mean = 2
    assert norms([0, 10, 20], "mean_ratio", invert=True) == pytest.approx([2.0, 1.0, 0.0])


def test_zscore_uses_the_population_standard_deviation():
    # deviations −40/3, −10/3, 50/3; σ = √1400 / 3
    root = math.sqrt(1400)
    assert norms([10, 20, 40], "zscore") == pytest.approx([-40 / root, -10 / root, 50 / root])
    assert norms([10, 20, 40], "zscore", invert=True) == pytest.approx([40 / root, 10 / root, -50 / root])


@pytest.mark.parametrize(("method", "neutral"), [("minmax", 0.5), ("mean_ratio", 1.0), ("zscore", 0.0)])
def test_a_constant_indicator_contributes_the_neutral_value(method, neutral):
    frame = normalise(group([5, 5, 5]), method, ["g"])
    assert frame["norm"].to_list() == [neutral] * 3
    assert frame["neutral_reason"].to_list() == ["constant"] * 3


def test_a_constant_indicator_is_dropped_when_asked():
    assert norms([5, 5, 5], "minmax", constant="drop") == [None, None, None]


def test_a_missing_value_stays_missing_and_does_not_move_the_range():
    assert norms([10, None, 30], "minmax") == [0.0, None, 1.0]


def test_groups_are_normalised_separately():
    frame = pl.DataFrame(
        {
            "g": ["a", "a", "b", "b"],
            "indicator": ["i"] * 4,
            "value": [0.0, 10.0, 100.0, 300.0],
            "invert": [False] * 4,
        }
    )
    assert normalise(frame, "minmax", ["g"])["norm"].to_list() == [0.0, 1.0, 0.0, 1.0]

"""Indicator values and their aggregation, checked on hand-computed examples."""

import polars as pl
import pytest

from msoko.analytics.core.indicator_values import IndicatorDef, aggregate, compute

SHARE2 = IndicatorDef("share2", "vpr_mark2", "vpr_participants", 100, "sum_ratio", higher_is_better=False)
COUNT = IndicatorDef("olymp", "olymp_municipal_winners", "", 1, "sum")
MEAN = IndicatorDef("mean", "ege_score_sum", "ege_participants", 1, "mean")


def values(rows):
    return pl.DataFrame(rows, schema=["org_code", "year", "element", "value"], orient="row")


DATA = values([
    ("A", 2024, "vpr_mark2", 2), ("A", 2024, "vpr_participants", 10),
    ("B", 2024, "vpr_mark2", 9), ("B", 2024, "vpr_participants", 90),
    ("A", 2024, "olymp_municipal_winners", 3), ("B", 2024, "olymp_municipal_winners", 1),
    ("A", 2024, "ege_score_sum", 300), ("A", 2024, "ege_participants", 5),
    ("B", 2024, "ege_score_sum", 700), ("B", 2024, "ege_participants", 10),
])


def test_share_per_organisation_is_numerator_over_denominator_times_100():
    out = compute(DATA, [SHARE2]).sort("org_code")
    assert out["value"].to_list() == pytest.approx([20.0, 10.0])
    assert out["numerator"].to_list() == [2.0, 9.0]


def test_municipal_share_sums_numerators_and_denominators_not_percentages():
    out = aggregate(compute(DATA, [SHARE2]), [SHARE2])
    # (2 + 9) / (10 + 90) = 11 %, not the mean of 20 % and 10 % = 15 %
    assert out["value"].to_list() == pytest.approx([11.0])


def test_count_indicator_sums_and_mean_indicator_averages_organisation_values():
    out = aggregate(compute(DATA, [COUNT, MEAN]), [COUNT, MEAN]).sort("indicator")
    by_code = dict(zip(out["indicator"], out["value"], strict=True))
    assert by_code["olymp"] == 4
    assert by_code["mean"] == pytest.approx((60 + 70) / 2)


def test_zero_denominator_or_missing_element_gives_no_value():
    data = values([("A", 2024, "vpr_mark2", 0), ("A", 2024, "vpr_participants", 0), ("B", 2024, "vpr_participants", 5)])
    out = compute(data, [SHARE2]).sort("org_code")
    assert out["org_code"].to_list() == ["A"]
    assert out["value"].to_list() == [None]

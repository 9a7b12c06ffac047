"""Bootstrap intervals over participants, the certainty of a low index, the not-for-rating warning."""

from __future__ import annotations

import numpy as np
import polars as pl
import pytest

from msoko.analytics.core.errors import SettingsError
from msoko.analytics.core.uncertainty import (
    BORDERLINE,
    CONFIDENT,
    NOT_FOR_RATING_WARNING,
    IndexComponent,
    bootstrap_ci,
    classify_interval,
    classify_low,
    index_ci,
    rating_warning,
)


def groups(spec: dict[str, list[float]]) -> pl.DataFrame:
    return pl.DataFrame(
        {"school": [g for g, values in spec.items() for _ in values], "x": [v for values in spec.values() for v in values]},
        schema={"school": pl.String, "x": pl.Float64},
    )


def by_school(frame: pl.DataFrame) -> dict[str, dict]:
    return {r["school"]: r for r in frame.iter_rows(named=True)}


def test_perfectly_stable_school_gets_a_zero_width_interval():
    # every participant of S has the value 1: every resample has mean 1
    ci = by_school(bootstrap_ci(groups({"S": [1.0] * 7, "T": [0.0, 1.0] * 10}), "school", "x", n_boot=500))
    assert ci["S"]["estimate"] == ci["S"]["low"] == ci["S"]["high"] == 1.0
    assert ci["S"]["n"] == 7


def test_two_participants_give_the_whole_range():
    # values 0 and 1: resampled means are 0 (¼), ½ (½) and 1 (¼); the 95 % interval is [0, 1]
    ci = by_school(bootstrap_ci(groups({"S": [0.0, 1.0]}), "school", "x", n_boot=2000, seed=3))
    assert ci["S"]["estimate"] == 0.5
    assert (ci["S"]["low"], ci["S"]["high"]) == (0.0, 1.0)


def test_interval_contains_the_estimate_and_narrows_with_more_participants():
    # the same share of «2» (25 %) in a school of 20 and a school of 2000
    frame = groups({"small": [1.0, 0.0, 0.0, 0.0] * 5, "large": [1.0, 0.0, 0.0, 0.0] * 500})
    ci = by_school(bootstrap_ci(frame, "school", "x", n_boot=1000, seed=1))
    for school in ("small", "large"):
        assert ci[school]["estimate"] == 0.25
        assert ci[school]["low"] <= 0.25 <= ci[school]["high"]
    small = ci["small"]["high"] - ci["small"]["low"]
    large = ci["large"]["high"] - ci["large"]["low"]
    # binomial standard errors: sqrt(.25 × .75 / 20) = 0.097, / 2000 = 0.0097 → widths ≈ 0.38 and 0.038
    assert 0.25 < small < 0.5
    assert 0.025 < large < 0.05


@pytest.mark.parametrize("kind", ["shares", "continuous"])
def test_intervals_cover_the_true_value_about_95_percent_of_the_time(kind):
    # 300 schools of 60 participants drawn from one population: about 95 % of the intervals contain
    # the true mean (0/1 values go through the multinomial path, continuous ones through row resampling)
    rng = np.random.default_rng(7)
    n_groups, size = 300, 60
    if kind == "shares":
        x, truth = (rng.random(n_groups * size) < 0.3).astype(float), 0.3
    else:
        x, truth = rng.normal(3.5, 1.0, n_groups * size), 3.5
    frame = pl.DataFrame({"school": np.repeat(np.arange(n_groups), size), "x": x})
    ci = bootstrap_ci(frame, "school", "x", n_boot=400, seed=11)
    covered = ((ci["low"] <= truth) & (truth <= ci["high"])).mean()
    assert 0.88 <= covered <= 0.99


def test_same_seed_same_interval_and_expression_values():
    frame = pl.DataFrame({"school": ["A"] * 30 + ["B"] * 30, "mark": [2, 3, 4, 5, 3, 4] * 10})
    share_of_2 = (pl.col("mark") == 2).cast(pl.Float64)
    first = bootstrap_ci(frame, "school", share_of_2, n_boot=300, seed=5)
    assert first.equals(bootstrap_ci(frame, "school", share_of_2, n_boot=300, seed=5))
    # A is the first 30 rows: the pattern 2,3,4,5,3,4 five times → 5 «2» of 30
    assert by_school(first)["A"]["estimate"] == pytest.approx(5 / 30)
    # the order of the input rows does not change the draws
    assert first.equals(bootstrap_ci(frame.reverse(), "school", share_of_2, n_boot=300, seed=5))


def test_ratio_statistic_and_rows_without_a_value():
    frame = pl.DataFrame(
        {"school": ["A", "A", "A"], "num": [1.0, 3.0, None], "den": [2.0, 2.0, 5.0]}
    )
    ci = bootstrap_ci(frame, "school", "num", denominator="den", n_boot=200)
    # the row without a numerator does not count: (1 + 3) / (2 + 2) = 1
    assert ci.row(0, named=True)["estimate"] == 1.0


def test_index_interval_uses_fixed_normalisation_and_one_resample_for_all_indicators():
    # three schools × 10 participants; share of «4»–«5» 0.2 / 0.5 / 0.8, share of «2» 0.4 / 0.2 / 0
    marks = {
        "A": [4] * 2 + [2] * 4 + [3] * 4,
        "B": [5] * 5 + [2] * 2 + [3] * 3,
        "C": [4] * 8 + [3] * 2,
        "D": [4] * 5 + [3] * 5,  # everyone in D answers identically within two kinds: not stable
    }
    frame = pl.DataFrame({"school": [s for s, m in marks.items() for _ in m], "mark": [x for m in marks.values() for x in m]})
    components = [
        IndexComponent("good", (pl.col("mark") >= 4).cast(pl.Float64), lo=0.2, hi=0.8),
        IndexComponent("fail", (pl.col("mark") == 2).cast(pl.Float64), higher_is_better=False, lo=0.0, hi=0.4),
    ]
    ci = by_school(index_ci(frame, "school", components, n_boot=500, seed=2))
    # normalised: good (x − 0.2) / 0.6 → A 0, B 0.5, C 1; fail (0.4 − x) / 0.4 → A 0, B 0.5, C 1
    assert ci["A"]["index"] == pytest.approx(0.0)
    assert ci["B"]["index"] == pytest.approx(0.5)
    assert ci["C"]["index"] == pytest.approx(1.0)
    for school in "ABCD":
        assert ci[school]["low"] <= ci[school]["index"] <= ci[school]["high"]


def test_index_of_a_stable_school_has_zero_width_and_default_range_is_the_point_range():
    frame = pl.DataFrame({"school": ["A"] * 5 + ["B"] * 5, "mark": [5] * 5 + [2] * 5})
    ci = by_school(index_ci(frame, "school", [IndexComponent("good", (pl.col("mark") >= 4).cast(pl.Float64))]))
    assert (ci["A"]["index"], ci["A"]["low"], ci["A"]["high"]) == (1.0, 1.0, 1.0)
    assert (ci["B"]["index"], ci["B"]["low"], ci["B"]["high"]) == (0.0, 0.0, 0.0)


def test_classify_low_confident_only_when_the_whole_interval_is_in_the_zone():
    frame = pl.DataFrame(
        {"school": ["A", "B", "C", "D"], "index": [0.10, 0.25, 0.35, 0.30],
         "low": [0.05, 0.15, 0.32, 0.30], "high": [0.20, 0.40, 0.50, 0.30]}
    )
    result = classify_low(frame, 0.30, estimate="index")
    # cutoff 0.30: A wholly below; B crosses it; C wholly above; D is a zero-width interval at the cutoff
    assert result.get_column("certainty").to_list() == [CONFIDENT, BORDERLINE, None, CONFIDENT]
    assert classify_interval(0.5, 0.9, 0.6, zone="above") == BORDERLINE
    assert classify_interval(0.7, 0.9, 0.6, zone="above") == CONFIDENT
    assert classify_interval(None, 0.9, 0.6) is None


def test_warning_for_indicators_not_for_rating():
    assert rating_warning(False) is None
    assert rating_warning(True) == NOT_FOR_RATING_WARNING
    assert "ВПР" in NOT_FOR_RATING_WARNING and "рейтинг" in NOT_FOR_RATING_WARNING


def test_invalid_parameters():
    frame = groups({"S": [1.0]})
    with pytest.raises(SettingsError, match="n_boot"):
        bootstrap_ci(frame, "school", "x", n_boot=0)
    with pytest.raises(SettingsError, match="alpha"):
        bootstrap_ci(frame, "school", "x", alpha=1.5)
    with pytest.raises(SettingsError, match="zone"):
        classify_low(pl.DataFrame({"low": [0.1], "high": [0.2]}), 0.3, zone="middle")

"""The report computations on small frames with hand-computed answers."""

from __future__ import annotations

import polars as pl
import pytest

from msoko.reports import stats


def vpr(marks: list[int], org: str = "A", primary: list[int] | None = None) -> pl.DataFrame:
    return pl.DataFrame({"org_code": [org] * len(marks), "year": [2024] * len(marks), "mark": marks,
                         "primary": primary or [10] * len(marks)})


def test_mark_summary_counts_and_shares():
    # 10 participants: two «2», three «3», four «4», one «5»
    out = stats.mark_summary(vpr([2, 2, 3, 3, 3, 4, 4, 4, 4, 5]), ["org_code"]).row(0, named=True)
    assert out["participants"] == 10
    assert (out["n2"], out["n3"], out["n4"], out["n5"]) == (2, 3, 4, 1)
    assert out["p2"] == pytest.approx(20.0)
    assert out["quality"] == pytest.approx(50.0)  # (4 + 1) / 10
    assert out["success"] == pytest.approx(80.0)


def test_participants_without_a_mark_are_not_counted():
    frame = pl.DataFrame({"org_code": ["A"] * 3, "year": [2024] * 3, "mark": [5, None, 2], "primary": [20, None, 3]})
    out = stats.mark_summary(frame, []).row(0, named=True)
    assert out["participants"] == 2 and out["p2"] == pytest.approx(50.0)


def test_score_distribution_fills_the_gaps_with_zero():
    out = stats.score_distribution(pl.DataFrame({"primary": [3, 3, 5]}), "primary")
    assert out.rows() == [(3, 2), (4, 0), (5, 1)]


def test_task_success_is_the_mean_share_of_the_maximum():
    # task 1 (max 1): 1, 0, 1 → 66.7 %; task 2 (max 2): 2, 1, 0 → 3 / 6 = 50 %
    out = stats.task_success([[1, 2], [0, 1], [1, 0]], (1, 2))
    assert out["success"].to_list() == pytest.approx([200 / 3, 50.0])


def test_gia_summary_below_minimum_and_high_scores():
    frame = pl.DataFrame({
        "exam": ["ЕГЭ"] * 4, "test_score": [20, 50, 85, 90], "min_score": [36] * 4, "high_score": [81] * 4,
        "mark": [None] * 4, "primary": [5, 20, 40, 45],
    }, schema_overrides={"mark": pl.Int64})
    out = stats.gia_summary(frame, []).row(0, named=True)
    assert out["n_below"] == 1 and out["n_high"] == 2
    assert out["p_below"] == pytest.approx(25.0) and out["p_high"] == pytest.approx(50.0)
    assert out["mean_score"] == pytest.approx(61.25)


def test_expected_level_finds_the_school_that_beats_its_conditions():
    # results fall by 10 per unit of the social index, except school D, 15 points above the line
    frame = pl.DataFrame({"org_code": list("ABCDE"), "factor": [0.0, 1.0, 2.0, 3.0, 4.0],
                          "value": [60.0, 50.0, 40.0, 45.0, 20.0]})
    out = stats.expected_level(frame)
    best = out.sort("z", descending=True).row(0, named=True)
    assert best["org_code"] == "D" and best["residual"] > 10


def test_correlation_and_its_wording():
    frame = pl.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [8.0, 6.0, 4.0, 2.0]})
    r, n = stats.correlation(frame, "a", "b")
    assert r == pytest.approx(-1.0) and n == 4
    assert stats.strength(r) == "сильная обратная связь"
    assert stats.strength(None) == "недостаточно данных"

"""Partial index, ranking (1 = worst) and the share cut-off with ties."""

import polars as pl
import pytest

from msoko.analytics.core.index import boundary_ties, partial_index, rank_and_cut


def test_partial_index_is_the_mean_of_the_normalised_values_the_school_has():
    frame = pl.DataFrame(
        {
            "g": ["x"] * 5,
            "org_code": ["a", "a", "b", "b", "b"],
            "indicator": ["i1", "i2", "i1", "i2", "i3"],
            "value": [1.0, None, 1.0, 1.0, 1.0],
            "norm": [0.2, None, 0.2, 0.8, 0.5],
        }
    )
    index = partial_index(frame, ["g"]).sort("org_code")
    assert index["index"].to_list() == pytest.approx([0.2, 0.5])  # a: 0.2 alone; b: (0.2 + 0.8 + 0.5) / 3
    assert index["indicators_used"].to_list() == [1, 3]
    assert index["indicators_present"].to_list() == [1, 3]


def scores(values: dict[str, float | None]) -> pl.DataFrame:
    return pl.DataFrame(
        {"g": ["x"] * len(values), "org_code": list(values), "index": list(values.values())},
        schema={"g": pl.String, "org_code": pl.String, "index": pl.Float64},
    )


def cut(values, *, worst_is_high=False, share=0.25, rounding="ceil", ties="include"):
    ranked = rank_and_cut(
        scores(values), ["g"], worst_is_high=worst_is_high, share=share, rounding=rounding, ties=ties
    )
    return (
        ranked,
        dict(zip(ranked["org_code"], ranked["rank"], strict=True)),
        set(ranked.filter("flag")["org_code"]),
    )


EIGHT = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4, "e": 0.5, "f": 0.6, "g": 0.7, "h": 0.8}


def test_lowest_quarter_of_eight_is_two_schools_rank_one_is_worst():
    _, ranks, flagged = cut(EIGHT)
    assert ranks["a"] == 1 and ranks["h"] == 8
    assert flagged == {"a", "b"}


def test_for_the_social_index_the_highest_values_are_worst():
    _, ranks, flagged = cut(EIGHT, worst_is_high=True)
    assert ranks["h"] == 1
    assert flagged == {"h", "g"}


def test_every_school_tied_with_the_kth_is_flagged_and_the_tie_reported():
    values = {**EIGHT, "b": 0.3, "c": 0.3, "d": 0.3}  # b, c, d tie at ranks 2–4, k = 2
    ranked, ranks, flagged = cut(values)
    assert (ranks["b"], ranks["c"], ranks["d"], ranks["e"]) == (2, 2, 2, 5)
    assert flagged == {"a", "b", "c", "d"}
    ties = boundary_ties(ranked, ["g"])
    assert ties.select("n", "k", "flagged").row(0) == (8, 2, 4)


def test_ties_can_be_excluded_at_the_boundary():
    values = {**EIGHT, "b": 0.3, "c": 0.3, "d": 0.3}
    _, _, flagged = cut(values, ties="exclude")
    assert flagged == {"a"}


def test_a_tie_inside_the_share_is_not_a_boundary_tie():
    values = {**EIGHT, "b": 0.1}  # a and b share rank 1, k = 2: exactly two flagged
    ranked, ranks, flagged = cut(values)
    assert ranks["a"] == ranks["b"] == 1
    assert flagged == {"a", "b"}
    assert boundary_ties(ranked, ["g"]).height == 0


@pytest.mark.parametrize(
    ("n", "rounding", "k"),
    [
        (8, "ceil", 2),
        (6, "ceil", 2),  # 1.5 → 2
        (6, "round", 2),  # 1.5 → 2 (half up)
        (6, "floor", 1),
        (5, "ceil", 2),  # 1.25 → 2
        (5, "round", 1),
        (12, "ceil", 3),  # 0.25 × 12 = 3 exactly, not 4
        (3, "ceil", 1),
        (3, "floor", 1),  # 0.75 → 0, but at least one school
        (1, "ceil", 1),
    ],
)
def test_how_many_schools_the_share_means(n, rounding, k):
    values = {f"s{i:02d}": float(i) for i in range(n)}
    ranked, _, flagged = cut(values, rounding=rounding)
    assert ranked["k"].unique().to_list() == [k]
    assert len(flagged) == k


def test_schools_without_an_index_are_not_ranked_nor_counted():
    ranked, ranks, flagged = cut({"a": 0.1, "b": None, "c": 0.5, "d": 0.9})
    assert ranks["b"] is None
    assert ranked.filter(pl.col("org_code") == "a")["n"].item() == 3
    assert flagged == {"a"}

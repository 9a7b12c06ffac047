"""Status × change: levels by quintiles, change by standard deviations, the 5 × 5 colour grid."""

import polars as pl
import pytest

from msoko.analytics.core.errors import SettingsError
from msoko.analytics.core.status_change import DEFAULT_GRID, StatusChangeSettings, grid_counts, status_change


def frame(now, before, *, hib=True):
    rows = []
    for i, value in enumerate(now):
        rows.append((2024, f"S{i + 1}", "x", value, hib))
    for i, value in enumerate(before):
        if value is not None:
            rows.append((2023, f"S{i + 1}", "x", value, hib))
    return pl.DataFrame(
        rows, schema=["year", "org_code", "indicator", "value", "higher_is_better"], orient="row"
    )


def test_status_levels_are_quintiles_and_change_levels_are_sd_multiples():
    # now 10, 20, 30, 40, 50: quintile cut points 18, 26, 34, 42 → levels 1, 2, 3, 4, 5.
    # population sd of 2024 values = √200 = 14.142…; change cuts −7.07, −1.41, 1.41, 7.07.
    # changes: S1 −10 (level 1), S2 −2 (2), S3 0 (3), S4 +2 (4), S5 +10 (5).
    out = status_change(frame([10.0, 20.0, 30.0, 40.0, 50.0], [20.0, 22.0, 30.0, 38.0, 40.0]))
    year = out.filter(pl.col("year") == 2024).sort("org_code")
    assert year["status_level"].to_list() == [1, 2, 3, 4, 5]
    assert year["change_level"].to_list() == [1, 2, 3, 4, 5]
    assert year["rank"].to_list() == [5, 4, 3, 2, 1]
    assert year["median"].to_list() == [30.0] * 5
    # the grid's diagonal: very low & declined significantly → risk … very high & increased → good
    assert year["colour"].to_list() == ["risk", "attention", "norm", "good", "good"]
    assert year["colour_label"].to_list()[0] == "зона риска"
    assert year["status_label"].to_list()[0] == "очень низкий"
    assert year["change_label"].to_list()[4] == "значительно улучшился"


def test_lower_is_better_reverses_both_scales():
    out = status_change(frame([10.0, 20.0, 30.0, 40.0, 50.0], [20.0, 22.0, 30.0, 38.0, 40.0], hib=False))
    year = out.filter(pl.col("year") == 2024).sort("org_code")
    assert year["status_level"].to_list() == [5, 4, 3, 2, 1]
    assert year["change_level"].to_list() == [5, 4, 3, 2, 1]
    # very high + increased significantly (S1) → good; very low + declined significantly (S5) → risk
    assert year["colour"].to_list() == ["good", "good", "norm", "attention", "risk"]


def test_no_previous_year_means_no_change_and_no_colour():
    out = status_change(frame([10.0, 20.0, 30.0, 40.0, 50.0], [None, 22.0, 30.0, 38.0, 40.0]))
    s1 = out.filter((pl.col("year") == 2024) & (pl.col("org_code") == "S1")).row(0, named=True)
    assert s1["status_level"] == 1 and s1["change_level"] is None and s1["colour"] is None


def test_fixed_thresholds_and_absolute_change_cuts():
    settings = StatusChangeSettings(
        status_method="fixed", fixed_cuts=(("x", (15.0, 25.0, 35.0, 45.0)),),
        change_method="absolute", change_cuts=(-5.0, -1.0, 1.0, 5.0),
    )
    out = status_change(frame([15.0, 25.1, 30.0], [20.0, 20.0, 29.0]), settings)
    year = out.filter(pl.col("year") == 2024).sort("org_code")
    # 15 is not above 15 → level 1; 25.1 > 25 → 3; 30 → 3
    assert year["status_level"].to_list() == [1, 3, 3]
    # changes −5 (not below −5 strictly: 1 + #{−5 > −5 …} = 1), +5.1 → 5, +1 → 3 (1 is not > 1)
    assert year["change_level"].to_list() == [1, 5, 3]
    assert year["colour"].to_list() == [DEFAULT_GRID[0][0], DEFAULT_GRID[2][4], DEFAULT_GRID[2][2]]


def test_grid_counts_place_best_status_on_top():
    out = status_change(frame([10.0, 20.0, 30.0, 40.0, 50.0], [20.0, 22.0, 30.0, 38.0, 40.0]))
    counts = grid_counts(out.filter(pl.col("year") == 2024))
    assert counts[0][4] == 1  # очень высокий × значительно улучшился
    assert counts[4][0] == 1  # очень низкий × значительно ухудшился
    assert sum(map(sum, counts)) == 5


def test_settings_are_checked_and_serialisable():
    with pytest.raises(SettingsError):
        StatusChangeSettings(change_cuts=(1.0, 0.0, 2.0, 3.0))
    with pytest.raises(SettingsError):
        StatusChangeSettings(status_method="median")
    data = StatusChangeSettings().to_dict()
    assert data["change_cuts"] == [-0.5, -0.1, 0.1, 0.5] and len(data["grid"]) == 5

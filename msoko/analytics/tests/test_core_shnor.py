"""The three stages of seed 000 §33 on small hand-made data sets.

Most examples use one indicator, «доля отметок "2" по ВПР» (higher is worse), so the low school of a
year is simply the one with the highest share; with four schools the share 0.25 means one school.
"""

import polars as pl
import pytest

from msoko.analytics.core.errors import InputError, SettingsError
from msoko.analytics.core.settings import ShnorSettings
from msoko.analytics.core.shnor import identify
from msoko.analytics.tests.shnor_frames import long_frame, one_indicator

YEARS = (2021, 2022, 2023)


def results_of(result, year):
    table = result.results.filter(pl.col("year") == year)
    return {row["org_code"]: row for row in table.iter_rows(named=True)}


# --- stage 1: low results --------------------------------------------------------------------------


def test_partial_index_averages_direction_aware_minmax_values():
    # vpr_share_2 (higher is worse): a 10, b 20, c 40 → inverted min–max 1, 2/3, 0
    # ege_high (higher is better):   a 5,  b 15, c 10 → 0, 1, 0.5
    rows = one_indicator({y: {"a": 10, "b": 20, "c": 40} for y in YEARS})
    rows += one_indicator(
        {y: {"a": 5, "b": 15, "c": 10} for y in YEARS}, indicator="ege_high", higher_is_better=True
    )
    result = identify(long_frame(rows))
    year = results_of(result, 2023)
    assert year["a"]["index"] == pytest.approx(0.5)
    assert year["b"]["index"] == pytest.approx(5 / 6)
    assert year["c"]["index"] == pytest.approx(0.25)
    assert [year[o]["rank"] for o in "cab"] == [1, 2, 3]
    assert {o for o in year if year[o]["low"]} == {"c"}


def test_a_school_low_in_all_three_years_has_stably_low_results():
    rows = one_indicator(
        {
            2021: {"a": 10, "b": 40, "c": 20, "d": 30},
            2022: {"a": 10, "b": 50, "c": 20, "d": 30},
            2023: {"a": 10, "b": 45, "c": 20, "d": 60},  # d is the low one in 2023
        }
    )
    result = identify(long_frame(rows))
    assert [results_of(result, y)["b"]["low"] for y in YEARS] == [True, True, False]
    assert result.stable_low == []

    rows = one_indicator(
        {
            2021: {"a": 10, "b": 40, "c": 20, "d": 30},
            2022: {"a": 10, "b": 50, "c": 20, "d": 30},
            2023: {"a": 10, "b": 45, "c": 20, "d": 30},
        }
    )
    assert identify(long_frame(rows)).stable_low == ["b"]


def test_the_window_is_the_last_three_years_present():
    rows = one_indicator(
        {
            2020: {"a": 90, "b": 10, "c": 20, "d": 30},  # a low only in 2020, outside the window
            2021: {"a": 10, "b": 40, "c": 20, "d": 30},
            2022: {"a": 10, "b": 50, "c": 20, "d": 30},
            2023: {"a": 10, "b": 45, "c": 20, "d": 30},
        }
    )
    result = identify(long_frame(rows))
    assert result.window_years == [2021, 2022, 2023]
    assert result.stable_low == ["b"]
    assert any("2020" in w for w in result.warnings)
    assert identify(long_frame(rows), ShnorSettings(window=4)).stable_low == []


def test_fewer_years_than_the_window_is_an_error():
    rows = one_indicator({2022: {"a": 1, "b": 2}, 2023: {"a": 1, "b": 2}})
    with pytest.raises(InputError, match="окно анализа — 3"):
        identify(long_frame(rows))


def test_schools_are_ranked_within_their_cluster_or_all_together():
    rows = one_indicator({y: {"a": 10, "b": 20, "c": 30, "d": 40} for y in YEARS}, cluster="Город")
    rows += one_indicator({y: {"e": 50, "f": 60, "g": 70, "h": 80} for y in YEARS}, cluster="Село")
    by_cluster = identify(long_frame(rows))
    assert by_cluster.stable_low == ["d", "h"]
    together = identify(long_frame(rows), ShnorSettings(group_by="none"))
    assert together.stable_low == ["g", "h"]  # 8 schools, k = 2: the two highest shares


def test_missing_year_means_insufficient_data_not_stable_by_default():
    # e has no data in 2022: it is the worst school in 2021 and 2023 (5 schools, k = 2)
    rows = one_indicator(
        {
            2021: {"a": 10, "b": 40, "c": 20, "d": 30, "e": 60},
            2022: {"a": 10, "b": 50, "c": 20, "d": 30},
            2023: {"a": 10, "b": 45, "c": 20, "d": 30, "e": 60},
        }
    )
    result = identify(long_frame(rows))
    assert results_of(result, 2021)["e"]["low"] and results_of(result, 2023)["e"]["low"]
    assert result.stable_low == ["b"]
    assert result.insufficient_data == ["e"]
    lenient = identify(long_frame(rows), ShnorSettings(missing_years="present_years"))
    assert lenient.stable_low == ["b", "e"]


def test_a_new_school_is_reported_with_insufficient_data():
    rows = one_indicator({y: {"a": 10, "b": 40, "c": 20, "d": 30} for y in YEARS})
    rows += one_indicator({2023: {"new": 90}})
    rows += one_indicator(
        {y: {"a": 1, "b": 2, "c": 3, "d": 4} for y in YEARS}, block="social", indicator="odn"
    )
    rows += one_indicator({2023: {"new": 9}}, block="social", indicator="odn")
    result = identify(long_frame(rows))
    assert results_of(result, 2023)["new"]["low"] is True
    assert "new" not in result.stable_low
    assert result.insufficient_data == ["new"]
    assert result.social_status["new"] == "недостаточно данных"


def test_a_school_lacking_an_indicator_is_averaged_on_what_it_has_and_flagged():
    rows = one_indicator({y: {"a": 10, "b": 20, "c": 40} for y in YEARS})
    rows += one_indicator(
        {y: {"a": 5, "b": 15, "c": None} for y in YEARS}, indicator="ege_high", higher_is_better=True
    )
    result = identify(long_frame(rows))
    year = results_of(result, 2023)
    assert year["c"]["index"] == pytest.approx(0.0)  # only vpr_share_2: inverted (40 − 40) / 30
    assert year["c"]["indicators_used"] == 1 and year["c"]["indicators_missing"] is True
    assert year["a"]["index"] == pytest.approx(0.5)  # (1 + 0) / 2
    assert year["a"]["indicators_missing"] is False
    assert any("нет части показателей" in w for w in result.warnings)

    strict = identify(long_frame(rows), ShnorSettings(missing_indicator="no_index"))
    assert results_of(strict, 2023)["c"]["index"] is None
    assert strict.insufficient_data == ["c"]


def test_a_constant_indicator_contributes_one_half_or_is_dropped():
    rows = one_indicator({y: {"a": 10, "b": 20, "c": 40} for y in YEARS})
    rows += one_indicator(
        {y: {"a": 7, "b": 7, "c": 7} for y in YEARS}, indicator="const", higher_is_better=True
    )
    result = identify(long_frame(rows))
    year = results_of(result, 2023)
    assert [year[o]["index"] for o in "abc"] == pytest.approx([0.75, (2 / 3 + 0.5) / 2, 0.25])
    assert any("«const» одинаков у всех школ" in w for w in result.warnings)
    dropped = results_of(identify(long_frame(rows), ShnorSettings(constant_indicator="drop")), 2023)
    assert [dropped[o]["index"] for o in "abc"] == pytest.approx([1.0, 2 / 3, 0.0])


# --- stage 2: social conditions ----------------------------------------------------------------------


def test_social_status_over_the_window():
    rows = one_indicator({y: {"a": 10, "b": 40, "c": 20, "d": 30} for y in YEARS})
    rows += one_indicator(
        {
            2021: {"a": 1, "b": 2, "c": 3, "d": 9},
            2022: {"a": 1, "b": 2, "c": 9, "d": 9},  # c and d tie for the highest value: both flagged
            2023: {"a": 1, "b": 2, "c": 3, "d": 9},
        },
        block="social",
        indicator="odn_kdn_share",
    )
    result = identify(long_frame(rows))
    assert result.social_status == {
        "a": "благополучные",
        "b": "благополучные",
        "c": "нейтральные",
        "d": "неблагоприятные",
    }
    assert any("ранжирование не различает школы" in w and "2022" in w for w in result.warnings)


def test_social_indicators_where_higher_is_better_are_inverted():
    # share of parents with higher education: the lowest value means the worst conditions
    rows = one_indicator({y: {"a": 10, "b": 40, "c": 20, "d": 30} for y in YEARS})
    rows += one_indicator(
        {y: {"a": 60, "b": 50, "c": 10, "d": 40} for y in YEARS},
        block="social",
        indicator="parents_higher_education",
        higher_is_better=True,
    )
    result = identify(long_frame(rows))
    assert result.social_status["c"] == "неблагоприятные"
    social = result.social.filter(pl.col("year") == 2023)
    assert social.filter(pl.col("org_code") == "c")["rank"].item() == 1


# --- stage 3 and resilient schools -----------------------------------------------------------------


def overlay_data():
    rows = one_indicator({y: {"a": 10, "b": 40, "c": 20, "d": 30} for y in YEARS})
    rows += one_indicator(
        {
            2021: {"a": 1, "b": 9, "c": 3, "d": 2},
            2022: {"a": 1, "b": 9, "c": 3, "d": 2},
            2023: {"a": 9, "b": 9, "c": 3, "d": 2},  # a joins b among unfavourable in 2023
        },
        block="social",
        indicator="odn_kdn_share",
    )
    return long_frame(rows)


def test_overlay_lists_stably_low_schools_in_unfavourable_conditions():
    result = identify(overlay_data())
    assert result.stable_low == ["b"]
    assert result.social_status["b"] == "неблагоприятные"
    assert result.overlay == ["b"]


def test_resilient_schools_have_hard_conditions_and_top_results():
    result = identify(overlay_data())
    # a has the best results in 2023 (lowest share of «2») and unfavourable conditions that year
    assert result.resilient == ["a"]
    by_status = identify(overlay_data(), ShnorSettings(resilient_basis="status"))
    assert by_status.social_status["a"] == "нейтральные"
    assert by_status.resilient == []


def test_the_settings_are_recorded_with_the_result():
    settings = ShnorSettings(normalisation="zscore", share=0.3)
    result = identify(overlay_data(), settings)
    assert result.settings.to_dict()["normalisation"] == "zscore"
    assert result.settings.to_dict()["share"] == 0.3


# --- edge cases ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1, 2, 3])
def test_a_cluster_of_one_to_three_schools_flags_its_single_worst_school(size):
    orgs = ["a", "b", "c"][:size]
    rows = one_indicator({y: {o: 10 * (i + 1) for i, o in enumerate(orgs)} for y in YEARS})
    result = identify(long_frame(rows))
    assert result.stable_low == [orgs[-1]]
    assert any(f"всего {size} шк." in w for w in result.warnings)


def test_all_schools_equal_are_all_flagged_with_a_warning():
    rows = one_indicator({y: {o: 15 for o in "abcd"} for y in YEARS})
    result = identify(long_frame(rows))
    assert set(results_of(result, 2023)) == set("abcd")
    assert all(row["index"] == 0.5 and row["rank"] == 1 for row in results_of(result, 2023).values())
    assert result.stable_low == ["a", "b", "c", "d"]
    assert sum("ранжирование не различает школы" in w for w in result.warnings) == 3


def test_no_social_block_leaves_the_status_undetermined():
    rows = one_indicator({y: {"a": 10, "b": 40, "c": 20, "d": 30} for y in YEARS})
    result = identify(long_frame(rows))
    assert set(result.social_status.values()) == {"недостаточно данных"}
    assert result.overlay == []
    assert result.insufficient_data == []


def test_inconsistent_direction_of_an_indicator_is_reported_with_its_row():
    rows = one_indicator({y: {"a": 10, "b": 40} for y in YEARS})
    rows[3] = (*rows[3][:6], True)
    with pytest.raises(InputError, match=r"Строка 4 таблицы, столбец «higher_is_better»"):
        identify(long_frame(rows))


def test_duplicate_values_are_reported():
    rows = one_indicator({y: {"a": 10, "b": 40} for y in YEARS})
    rows.append(rows[0])
    with pytest.raises(InputError, match=r"Строка 7 таблицы, столбец «indicator».*строке 1"):
        identify(long_frame(rows))


@pytest.mark.parametrize(
    "options",
    [{"share": 0}, {"share": 1.5}, {"window": 0}, {"normalisation": "rank"}, {"group_by": "district"}],
)
def test_invalid_settings_are_refused_in_russian(options):
    with pytest.raises(SettingsError, match="Параметр"):
        ShnorSettings(**options)

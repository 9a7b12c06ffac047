"""Effect of a measure: difference in differences with a bootstrap interval and a Russian verdict."""

from __future__ import annotations

import polars as pl
import pytest

from msoko.analytics.core.effect import (
    IMPROVED,
    NO_CHANGE,
    WORSENED,
    EffectError,
    comparison_group,
    effect_of_measure,
)
from msoko.analytics.core.errors import InputError


def values(data: dict[str, tuple[float | None, float | None]], before: int = 2023, after: int = 2024) -> pl.DataFrame:
    rows = []
    for org, (x0, x1) in data.items():
        if x0 is not None:
            rows.append({"org_code": org, "year": before, "value": x0})
        if x1 is not None:
            rows.append({"org_code": org, "year": after, "value": x1})
    return pl.DataFrame(rows, schema={"org_code": pl.String, "year": pl.Int64, "value": pl.Float64})


# T1 40 → 52 (+12), T2 50 → 60 (+10): mean change +11
# C1 41 → 44 (+3), C2 45 → 48 (+3), C3 43 → 45 (+2): mean change 8/3 = +2.67
# difference in differences 11 − 8/3 = 25/3 = +8.33
EXAMPLE = values({"T1": (40, 52), "T2": (50, 60), "C1": (41, 44), "C2": (45, 48), "C3": (43, 45)})


def test_difference_in_differences_by_hand():
    result = effect_of_measure(EXAMPLE, ["T1", "T2"], ["C1", "C2", "C3"], 2023, 2024, higher_is_better=True)
    assert result.change_targeted == pytest.approx(11.0)
    assert result.change_comparison == pytest.approx(8 / 3)
    assert result.did == pytest.approx(25 / 3)
    # resampled targeted means lie in [10, 12], comparison means in [2, 3] → every replicate in [7, 10]
    assert 7.0 <= result.ci_low <= result.did <= result.ci_high <= 10.0
    assert result.verdict == IMPROVED
    assert (result.n_targeted, result.n_comparison) == (2, 3)
    assert (result.before_targeted, result.after_targeted) == (45.0, 56.0)
    assert result.explanation.startswith(
        "Показатель «показатель» (чем выше, тем лучше), 2023/24 → 2024/25. У целевых организаций (2) среднее "
        "значение изменилось с 45 до 56 (+11). У группы сравнения (3) — с 43 до 45,67 (+2,67). Разность "
        "разностей (эффект меры): +8,33; 95 %-й доверительный интервал от +"
    )
    assert result.explanation.endswith("Вывод: улучшение (интервал целиком в области улучшения).")
    assert result.settings["method"] == "difference_in_differences"
    assert result.to_dict()["verdict"] == IMPROVED


def test_the_same_rise_is_a_worsening_when_lower_is_better():
    result = effect_of_measure(EXAMPLE, ["T1", "T2"], ["C1", "C2", "C3"], 2023, 2024, higher_is_better=False,
                               indicator="доля «2»")
    assert result.verdict == WORSENED
    assert "Показатель «доля «2»» (чем ниже, тем лучше)" in result.explanation


def test_interval_across_zero_means_no_significant_change():
    # targeted +5 and −5 (mean 0), comparison 0, 0, 0 → replicates −5, 0, +5: the interval holds 0
    data = values({"T1": (50, 55), "T2": (50, 45), "C1": (50, 50), "C2": (40, 40), "C3": (30, 30)})
    result = effect_of_measure(data, ["T1", "T2"], ["C1", "C2", "C3"], 2023, 2024, True)
    assert result.did == 0.0
    assert result.ci_low < 0 < result.ci_high
    assert result.verdict == NO_CHANGE
    assert "интервал включает нулевой эффект" in result.explanation


def test_without_comparison_group_before_after_with_a_note():
    result = effect_of_measure(EXAMPLE, ["T1", "T2"], None, 2023, 2024, True)
    assert result.change_comparison is None
    assert result.did == pytest.approx(11.0)
    assert 10.0 <= result.ci_low <= result.ci_high <= 12.0
    assert result.verdict == IMPROVED
    assert "Группы сравнения нет" in result.explanation
    assert result.settings["method"] == "before_after"


def test_one_targeted_school_is_compared_with_single_comparison_schools():
    # T1 +12 against single comparison changes +3, +3, +2 → replicates 9 or 10: improvement
    result = effect_of_measure(EXAMPLE, ["T1"], ["C1", "C2", "C3"], 2023, 2024, True)
    assert result.did == pytest.approx(12 - 8 / 3)
    assert 9.0 <= result.ci_low <= result.ci_high <= 10.0
    assert result.verdict == IMPROVED
    assert "Целевая организация одна" in result.explanation
    # comparison changes −10, 0, +20 → replicates +22, +12, −8: not significant
    spread = values({"T1": (40, 52), "C1": (50, 40), "C2": (50, 50), "C3": (30, 50)})
    assert effect_of_measure(spread, ["T1"], ["C1", "C2", "C3"], 2023, 2024, True).verdict == NO_CHANGE


def test_one_targeted_school_without_comparison_cannot_be_significant():
    result = effect_of_measure(EXAMPLE, ["T1"], [], 2023, 2024, True)
    assert result.did == pytest.approx(12.0)
    assert result.verdict == NO_CHANGE
    assert "Организаций слишком мало" in result.explanation


def test_new_school_and_missing_values_are_left_out_and_named():
    data = pl.concat([EXAMPLE, values({"NEW": (None, 70), "C4": (40, None)})])
    result = effect_of_measure(data, ["T1", "T2", "NEW"], ["C1", "C2", "C3", "C4"], 2023, 2024, True)
    assert result.n_targeted == 2 and result.n_comparison == 3
    assert result.excluded == ("NEW", "C4")
    assert "Не учтены (нет значения за один из годов, например новая организация): NEW, C4." in result.explanation
    assert result.did == pytest.approx(25 / 3)


def test_targeted_school_listed_in_comparison_counts_as_targeted():
    result = effect_of_measure(EXAMPLE, ["T1", "T2"], ["T2", "C1", "C2", "C3"], 2023, 2024, True)
    assert result.n_comparison == 3
    assert "T2 входят в целевую группу" in result.explanation


def test_missing_years_and_bad_input_are_errors_in_russian():
    with pytest.raises(EffectError, match="Нет значений показателя «показатель» за 2025/26 учебный год"):
        effect_of_measure(EXAMPLE, ["T1"], ["C1"], 2023, 2025, True)
    with pytest.raises(EffectError, match="должен быть позже"):
        effect_of_measure(EXAMPLE, ["T1"], ["C1"], 2024, 2023, True)
    with pytest.raises(EffectError, match="Ни у одной целевой организации"):
        effect_of_measure(pl.concat([EXAMPLE, values({"NEW": (None, 70)})]), ["NEW"], ["C1"], 2023, 2024, True)
    with pytest.raises(InputError, match="несколько значений за 2023/24"):
        effect_of_measure(pl.concat([EXAMPLE, values({"T1": (41, None)})]), ["T1"], ["C1"], 2023, 2024, True)


def test_comparison_group_is_the_rest_of_the_targeted_clusters():
    memberships = pl.DataFrame(
        {"org_code": ["T1", "C1", "C2", "T2", "C3", "X1"], "cluster": ["город", "город", "город", "село", "село", "посёлок"]}
    )
    assert comparison_group(memberships, ["T1", "T2"]) == ["C1", "C2", "C3"]
    assert comparison_group(memberships, ["T1"]) == ["C1", "C2"]

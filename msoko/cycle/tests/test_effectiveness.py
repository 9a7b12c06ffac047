"""Effectiveness of a measure against a comparison group, and the next cycle's goal."""

from __future__ import annotations

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from msoko.catalog.models import CatalogVersion, Direction, Indicator, Mechanism
from msoko.core.models import AuditEntry
from msoko.cycle.effect_adapter import indicator_effects, suggest_verdict
from msoko.cycle.errors import CycleError
from msoko.cycle.models import CycleGoalDraft
from msoko.cycle.services import effectiveness as service

VALUES = pl.DataFrame(
    {
        "org_code": ["T1", "T1", "T2", "T2", "T3", "C1", "C1", "C2", "C2"],
        "year": [2023, 2024, 2023, 2024, 2024, 2023, 2024, 2023, 2024],
        "indicator": ["share_2"] * 9,
        "value": [20.0, 12.0, 30.0, 24.0, 99.0, 10.0, 9.0, 14.0, 11.0],
    }
)
LOWER_IS_BETTER = {"share_2": False}


@pytest.fixture
def share_2(db):
    """The indicator «share of marks 2» in the current catalog: the lower, the better."""
    version = CatalogVersion.objects.create(label="effect-test", is_current=True)
    mechanism = Mechanism.objects.create(version=version, number=1, name="Результаты")
    direction = Direction.objects.create(version=version, mechanism=mechanism, number=2, code="shnor",
                                         name="Работа со школами с низкими результатами", short_name="ШНОР")
    return Indicator.objects.create(version=version, direction=direction, code="share_2", order=1,
                                    name="Доля «2» по ВПР", kind="share", numerator="n2", denominator="n",
                                    multiplier=100, higher_is_better=False)


def test_the_core_estimator_gives_the_difference_in_differences_by_hand():
    # Targets with both years: T1 20→12 (−8), T2 30→24 (−6); T3 has no «before» and is left out:
    # mean change −7 (means 25 → 18). Comparison C1 −1, C2 −3: mean −2 (12 → 10). Effect −7 − (−2) = −5.
    [row] = indicator_effects(VALUES, ["T1", "T2", "T3"], ["C1", "C2"], 2023, 2024, LOWER_IS_BETTER)
    assert {k: row[k] for k in (
        "indicator", "n_target", "n_comparison", "target_before", "target_after", "comparison_before",
        "comparison_after", "target_change", "comparison_change", "effect", "excluded",
    )} == {
        "indicator": "share_2", "n_target": 2, "n_comparison": 2,
        "target_before": 25.0, "target_after": 18.0, "comparison_before": 12.0, "comparison_after": 10.0,
        "target_change": -7.0, "comparison_change": -2.0, "effect": -5.0, "excluded": ["T3"],
    }
    # Every bootstrap replicate lies between (−8) − (−1) = −7 and (−6) − (−3) = −3: below zero, and
    # for «the lower, the better» that is an improvement.
    assert -7.0 <= row["ci_low"] <= row["ci_high"] <= -3.0
    assert row["estimate"] == "улучшение"
    assert suggest_verdict([row]) == "effective"


def test_without_a_comparison_group_the_effect_is_the_target_change():
    [row] = indicator_effects(VALUES, ["T1"], [], 2023, 2024, LOWER_IS_BETTER)
    assert (row["n_comparison"], row["comparison_change"], row["effect"]) == (0, None, -8.0)
    # one school and no comparison: the core cannot judge significance
    assert row["estimate"] == "без значимых изменений"
    assert suggest_verdict([row]) == "not_effective"


def test_an_indicator_without_data_for_a_year_is_reported_not_estimated():
    [row] = indicator_effects(VALUES, ["T1"], ["C1"], 2023, 2025, LOWER_IS_BETTER)
    assert row["error"] == "Нет значений показателя «share_2» за 2025/26 учебный год: эффект оценить нельзя."
    assert suggest_verdict([row]) == "inconclusive"


def _analyse(world, **kw):
    args = dict(
        direction_number=2, academic_year=world.years[2024], indicator_codes=["share_2"],
        target=[world.school_a], comparison=[world.school_b], before_year=2023, after_year=2024,
        verdict="partial", problem_statement="Доля «2» по ВПР снизилась меньше, чем в группе сравнения",
        values=VALUES.with_columns(pl.col("org_code").replace({"T1": "OO-A", "C1": "OO-B"})),
    )
    args.update(kw)
    return service.analyse(world.executor, world.municipality, **args)


def test_analysis_stores_the_estimate_and_the_problem_becomes_next_years_goal(world, share_2):
    analysis = _analyse(world)
    row = analysis.results["rows"][0]
    assert row["effect"] == -7.0  # (12 − 20) − (9 − 10)
    # one targeted school against one comparison school: the spread cannot be estimated
    assert (row["estimate"], analysis.results["suggested_verdict"]) == ("без значимых изменений", "not_effective")
    assert analysis.verdict == "partial"  # the specialist's verdict is kept
    goal = service.next_cycle_goal(world.executor, analysis)
    assert (goal.direction_number, goal.year, goal.source) == (2, 2025, analysis)
    assert goal.text == (
        "Решить проблему, выявленную анализом эффективности за 2024/25: "
        "Доля «2» по ВПР снизилась меньше, чем в группе сравнения"
    )
    assert AuditEntry.objects.filter(action="cycle.goal_draft.create").count() == 1


def test_without_a_verdict_the_suggested_one_is_stored(world, share_2):
    analysis = _analyse(world, verdict=None)
    assert analysis.verdict == "not_effective"


def test_an_indicator_missing_from_the_catalog_is_refused(world, share_2):
    with pytest.raises(CycleError, match="Нет в текущей версии каталога показателей: 9.99"):
        _analyse(world, indicator_codes=["share_2", "9.99"])
    assert not service.EffectivenessAnalysis.objects.exists()


def test_analysis_rules(world, share_2):
    with pytest.raises(CycleError, match="Сформулируйте проблему"):
        _analyse(world, problem_statement="")
    with pytest.raises(CycleError, match="одновременно"):
        _analyse(world, comparison=[world.school_a])
    with pytest.raises(CycleError, match="позже"):
        _analyse(world, after_year=2023)
    with pytest.raises(PermissionDenied):
        service.analyse(world.coordinator, world.municipality, direction_number=2, academic_year=world.years[2024],
                        indicator_codes=[], target=[world.school_a], comparison=[], before_year=2023, after_year=2024,
                        verdict="effective")
    assert not CycleGoalDraft.objects.exists()

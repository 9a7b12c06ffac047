"""Effectiveness of a measure against a comparison group, and the next cycle's goal."""

from __future__ import annotations

import polars as pl
import pytest
from django.core.exceptions import PermissionDenied

from msoko.core.models import AuditEntry
from msoko.cycle.effect import difference_in_differences
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


def test_difference_in_differences_by_hand():
    # Targets with both years: T1 20→12, T2 30→24 (T3 has no «before» and is left out):
    # means 25 → 18, change −7. Comparison 12 → 10, change −2. Effect −7 − (−2) = −5.
    row = difference_in_differences(VALUES, ["T1", "T2", "T3"], ["C1", "C2"], 2023, 2024).row(0, named=True)
    assert row == {
        "indicator": "share_2", "n_target": 2, "n_comparison": 2,
        "target_before": 25.0, "target_after": 18.0, "comparison_before": 12.0, "comparison_after": 10.0,
        "target_change": -7.0, "comparison_change": -2.0, "effect": -5.0,
    }


def test_without_a_comparison_group_the_effect_is_the_target_change():
    row = difference_in_differences(VALUES, ["T1"], [], 2023, 2024).row(0, named=True)
    assert (row["n_comparison"], row["comparison_change"], row["effect"]) == (0, None, -8.0)


def _analyse(world, **kw):
    args = dict(
        direction_number=2, academic_year=world.years[2024], indicator_codes=["share_2"],
        target=[world.school_a], comparison=[world.school_b], before_year=2023, after_year=2024,
        verdict="partial", problem_statement="Доля «2» по ВПР снизилась меньше, чем в группе сравнения",
        values=VALUES.with_columns(pl.col("org_code").replace({"T1": "OO-A", "C1": "OO-B"})),
    )
    args.update(kw)
    return service.analyse(world.executor, world.municipality, **args)


def test_analysis_stores_the_estimate_and_the_problem_becomes_next_years_goal(world):
    analysis = _analyse(world)
    assert analysis.results["rows"][0]["effect"] == -7.0  # (12 − 20) − (9 − 10)
    goal = service.next_cycle_goal(world.executor, analysis)
    assert (goal.direction_number, goal.year, goal.source) == (2, 2025, analysis)
    assert goal.text == (
        "Решить проблему, выявленную анализом эффективности за 2024/25: "
        "Доля «2» по ВПР снизилась меньше, чем в группе сравнения"
    )
    assert AuditEntry.objects.filter(action="cycle.goal_draft.create").count() == 1


def test_analysis_rules(world):
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

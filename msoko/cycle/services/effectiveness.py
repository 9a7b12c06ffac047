"""Effectiveness analysis of measures and decisions, and the next cycle's goal drafted from its problem."""

from __future__ import annotations

import polars as pl
from django.db import transaction

from msoko.core.audit import record
from msoko.cycle.effect_adapter import METHOD, indicator_effects, suggest_verdict
from msoko.cycle.errors import CycleError
from msoko.cycle.models import CycleGoalDraft, Decision, EffectivenessAnalysis, Measure
from msoko.cycle.permissions import require_direction_manager
from msoko.registry.models import AcademicYear, Municipality, Organisation


def catalog_indicators(indicator_codes: list[str]) -> list:
    """The catalog indicators of the codes, in the given order (current catalog version)."""
    from msoko.catalog.models import Indicator

    found = {i.code: i for i in Indicator.objects.filter(code__in=indicator_codes, version__is_current=True)}
    unknown = [c for c in indicator_codes if c not in found]
    if unknown:
        raise CycleError(f"Нет в текущей версии каталога показателей: {', '.join(unknown)}.")
    return [found[c] for c in indicator_codes]


def read_values(indicators: list, orgs: list[Organisation], years: list[int]) -> pl.DataFrame:
    from msoko.analytics.selectors import indicator_values

    return indicator_values(indicators, organisation_ids=[o.pk for o in orgs], years=years)


@transaction.atomic
def analyse(
    actor,
    municipality: Municipality,
    *,
    direction_number: int,
    academic_year: AcademicYear,
    indicator_codes: list[str],
    target: list[Organisation],
    comparison: list[Organisation],
    before_year: int,
    after_year: int,
    verdict: str | None = None,
    problem_statement: str = "",
    measure: Measure | None = None,
    decision: Decision | None = None,
    values: pl.DataFrame | None = None,
) -> EffectivenessAnalysis:
    """Compare the chosen indicators before and after for the targeted organisations and a comparison group.

    The estimate per indicator is the analytics core's (`msoko.cycle.effect_adapter`); its direction
    (higher or lower is better) comes from the catalog. `values` (org_code, year, indicator, value)
    is read from the indicator engine unless given. Without a `verdict` the one the estimates
    suggest is taken (`suggest_verdict`).
    """
    require_direction_manager(actor, direction_number)
    codes = [c.strip() for c in indicator_codes if c.strip()]
    if not codes:
        raise CycleError("Укажите хотя бы один показатель.")
    if not target:
        raise CycleError("Укажите организации, на которые направлена мера.")
    if after_year <= before_year:
        raise CycleError("Год «после» должен быть позже года «до».")
    if set(o.pk for o in target) & set(o.pk for o in comparison):
        raise CycleError("Организация не может быть одновременно в целевой группе и в группе сравнения.")
    indicators = catalog_indicators(codes)
    if values is None:
        values = read_values(indicators, [*target, *comparison], [before_year, after_year])
    rows = indicator_effects(
        values.filter(pl.col("indicator").is_in(codes)), [o.code for o in target], [o.code for o in comparison],
        before_year, after_year, {i.code: i.higher_is_better for i in indicators}, {i.code: i.name for i in indicators},
    )
    suggested = suggest_verdict(rows)
    verdict = verdict or suggested
    if verdict != EffectivenessAnalysis.Verdict.EFFECTIVE and not problem_statement.strip():
        raise CycleError("Сформулируйте проблему: она станет основанием цели следующего цикла.")
    analysis = EffectivenessAnalysis.objects.create(
        municipality=municipality,
        direction_number=direction_number,
        academic_year=academic_year,
        measure=measure,
        decision=decision,
        indicator_codes=codes,
        before_year=before_year,
        after_year=after_year,
        results={"method": METHOD, "suggested_verdict": suggested, "rows": rows},
        verdict=EffectivenessAnalysis.Verdict(verdict),
        problem_statement=problem_statement.strip(),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    analysis.target_organisations.set(target)
    analysis.comparison_organisations.set(comparison)
    record(actor, "cycle.effectiveness.create", analysis, after={"verdict": verdict, "results": analysis.results})
    return analysis


@transaction.atomic
def next_cycle_goal(actor, analysis: EffectivenessAnalysis, text: str = "") -> CycleGoalDraft:
    """«Создать цель следующего цикла»: the analysis's problem becomes a draft goal of the same direction."""
    require_direction_manager(actor, analysis.direction_number)
    problem = analysis.problem_statement
    if not (text.strip() or problem):
        raise CycleError("В анализе не сформулирована проблема: цель следующего цикла создать не из чего.")
    goal = CycleGoalDraft.objects.create(
        municipality=analysis.municipality,
        direction_number=analysis.direction_number,
        year=analysis.academic_year.start_year + 1,
        text=text.strip() or f"Решить проблему, выявленную анализом эффективности за {analysis.academic_year.label}: {problem}",
        source=analysis,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(actor, "cycle.goal_draft.create", goal, after={"direction": goal.direction_number, "year": goal.year})
    return goal

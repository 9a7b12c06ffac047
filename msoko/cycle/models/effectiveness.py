"""Effectiveness analysis of measures and decisions, and draft goals of the next cycle."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class EffectivenessAnalysis(models.Model):
    class Verdict(models.TextChoices):
        EFFECTIVE = "effective", "эффективно"
        PARTIAL = "partial", "частично эффективно"
        NOT_EFFECTIVE = "not_effective", "неэффективно"
        INCONCLUSIVE = "inconclusive", "недостаточно данных"

    municipality = models.ForeignKey("registry.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="effectiveness_analyses")
    direction_number = models.PositiveSmallIntegerField("направление")
    academic_year = models.ForeignKey("registry.AcademicYear", verbose_name="учебный год", on_delete=models.PROTECT)
    measure = models.ForeignKey("cycle.Measure", verbose_name="мероприятие", null=True, blank=True, on_delete=models.SET_NULL, related_name="effectiveness")
    decision = models.ForeignKey("cycle.Decision", verbose_name="решение", null=True, blank=True, on_delete=models.SET_NULL, related_name="effectiveness")
    indicator_codes = models.JSONField("показатели", default=list)
    target_organisations = models.ManyToManyField("registry.Organisation", verbose_name="целевые организации", related_name="+")
    comparison_organisations = models.ManyToManyField("registry.Organisation", verbose_name="группа сравнения", blank=True, related_name="+")
    before_year = models.PositiveSmallIntegerField("год «до» (начало уч. года)")
    after_year = models.PositiveSmallIntegerField("год «после» (начало уч. года)")
    results = models.JSONField("значения до/после и оценка эффекта", default=dict, blank=True)
    verdict = models.CharField("вывод", max_length=14, choices=Verdict.choices)
    problem_statement = models.TextField("выявленная проблема", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "анализ эффективности"
        verbose_name_plural = "анализы эффективности"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        subject = self.measure or self.decision or f"направление {self.direction_number}"
        return f"Анализ эффективности: {subject}"


class CycleGoalDraft(models.Model):
    """A goal proposed for the next cycle of a direction, from a problem named by an analysis."""

    municipality = models.ForeignKey("registry.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="goal_drafts")
    direction_number = models.PositiveSmallIntegerField("направление")
    year = models.PositiveSmallIntegerField("учебный год (начало)")
    text = models.TextField("цель")
    source = models.ForeignKey(EffectivenessAnalysis, verbose_name="основание", null=True, blank=True, on_delete=models.SET_NULL, related_name="goal_drafts")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "проект цели следующего цикла"
        verbose_name_plural = "проекты целей следующего цикла"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text[:100]

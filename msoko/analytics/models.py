"""Analysis runs and their stored results: every number keeps the settings and inputs it came from."""

from __future__ import annotations

from django.conf import settings as django_settings
from django.db import models


class AnalysisRun(models.Model):
    """One computation: ШНОР / ШНСУ identification, objectivity check or monitoring of indicators."""

    class Kind(models.TextChoices):
        SHNOR = "shnor", "ШНОР / ШНСУ"
        OBJECTIVITY = "objectivity", "объективность результатов"
        MONITORING = "monitoring", "мониторинг показателей"

    class Status(models.TextChoices):
        PENDING = "pending", "в очереди"
        RUNNING = "running", "выполняется"
        DONE = "done", "готово"
        FAILED = "failed", "ошибка"

    kind = models.CharField("вид анализа", max_length=12, choices=Kind.choices, db_index=True)
    municipality = models.ForeignKey(
        "registry.Municipality", verbose_name="муниципалитет", null=True, blank=True, on_delete=models.CASCADE,
        help_text="Пусто — все муниципалитеты.",
    )
    years = models.JSONField("учебные годы (год начала)", default=list)
    settings = models.JSONField("параметры расчёта", default=dict)
    inputs = models.JSONField("исходные данные", default=dict, help_text="загрузки с контрольными суммами, версия каталога")
    status = models.CharField("статус", max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    progress = models.PositiveSmallIntegerField("выполнено, %", default=0)
    stage = models.CharField("этап", max_length=200, blank=True)
    started_at = models.DateTimeField("начало", null=True, blank=True)
    finished_at = models.DateTimeField("окончание", null=True, blank=True)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    created_by = models.ForeignKey(django_settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    warnings = models.JSONField("предупреждения", default=list, blank=True)
    summary = models.JSONField("итоги", default=dict, blank=True)
    error = models.TextField("ошибка", blank=True)

    class Meta:
        verbose_name = "расчёт"
        verbose_name_plural = "расчёты"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["kind", "status", "-created_at"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} №{self.pk} ({self.get_status_display()})"


class ShnorResult(models.Model):
    """One school × year × block (results / social) of a ШНОР / ШНСУ run."""

    class Block(models.TextChoices):
        RESULTS = "results", "образовательные результаты"
        SOCIAL = "social", "социальные условия"

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="shnor_results")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("год начала учебного года")
    group = models.CharField("группа сравнения", max_length=200, blank=True)
    block = models.CharField("блок", max_length=8, choices=Block.choices)
    index = models.FloatField("индекс", null=True)
    rank = models.PositiveIntegerField("место (1 — худшее)", null=True)
    schools = models.PositiveIntegerField("школ в группе", null=True)
    flagged = models.BooleanField("в списке", default=False)
    ci_low = models.FloatField("интервал: нижняя граница", null=True)
    ci_high = models.FloatField("интервал: верхняя граница", null=True)
    confidence = models.CharField("надёжность", max_length=20, blank=True)
    indicators_used = models.PositiveSmallIntegerField("показателей в индексе", default=0)
    missing = models.BooleanField("нет части показателей", default=False)

    class Meta:
        verbose_name = "индекс школы"
        verbose_name_plural = "индексы школ"
        indexes = [
            models.Index(fields=["run", "block", "year", "flagged"]),
            models.Index(fields=["organisation", "run"]),
        ]


class SchoolStatus(models.Model):
    """A school's statuses over the window of a ШНОР / ШНСУ run and its types with reasons."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="school_statuses")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    cluster = models.CharField("кластер", max_length=200, blank=True)
    low_years = models.PositiveSmallIntegerField("лет с низкими результатами", default=0)
    unfavourable_years = models.PositiveSmallIntegerField("лет в неблагоприятных условиях", default=0)
    stable_low = models.BooleanField("устойчиво низкие результаты", default=False, db_index=True)
    social_status = models.CharField("социальные условия", max_length=30, blank=True)
    overlay = models.BooleanField("низкие результаты и неблагоприятные условия", default=False)
    resilient = models.BooleanField("резильентная", default=False)
    insufficient_data = models.BooleanField("недостаточно данных", default=False)
    types = models.JSONField("типы и причины", default=dict, blank=True)

    class Meta:
        verbose_name = "статус школы"
        verbose_name_plural = "статусы школ"
        indexes = [models.Index(fields=["organisation", "run"])]


class ObjectivityFlag(models.Model):
    """A criterion's finding for a school and year; criterion «summary» is the school-year verdict."""

    SUMMARY = "summary"

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="objectivity_flags")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("год начала учебного года")
    criterion = models.CharField("критерий", max_length=20)
    scope = models.CharField("что проверено", max_length=200, blank=True)
    flagged = models.BooleanField("признак", default=False)
    value = models.FloatField("значение", null=True)
    threshold = models.FloatField("порог", null=True)
    evidence = models.TextField("обоснование", blank=True)

    class Meta:
        verbose_name = "признак необъективности"
        verbose_name_plural = "признаки необъективности"
        indexes = [
            models.Index(fields=["run", "year", "criterion", "flagged"]),
            models.Index(fields=["organisation", "run"]),
        ]


class RiskZone(models.Model):
    """A significant deviation of an indicator from the norm or from comparable schools."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="risk_zones")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("год начала учебного года")
    indicator_code = models.CharField("показатель", max_length=60)
    rule = models.CharField("правило", max_length=10)  # norm | median
    value = models.FloatField("значение", null=True)
    reference = models.FloatField("норма или медиана", null=True)
    reason = models.TextField("причина")

    class Meta:
        verbose_name = "зона риска"
        verbose_name_plural = "зоны риска"
        indexes = [
            models.Index(fields=["run", "year", "indicator_code"]),
            models.Index(fields=["organisation", "run"]),
        ]


class StatusChange(models.Model):
    """Status level × change level of an indicator for a school and year (the 5 × 5 grid)."""

    run = models.ForeignKey(AnalysisRun, on_delete=models.CASCADE, related_name="status_changes")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("год начала учебного года")
    indicator_code = models.CharField("показатель", max_length=60)
    direction_number = models.PositiveSmallIntegerField("направление", null=True)
    value = models.FloatField("значение", null=True)
    previous = models.FloatField("значение за прошлый год", null=True)
    rank = models.PositiveIntegerField("место (1 — лучшее)", null=True)
    status_level = models.PositiveSmallIntegerField("уровень", null=True)
    change_level = models.PositiveSmallIntegerField("изменение", null=True)
    colour = models.CharField("цвет", max_length=10, blank=True)

    class Meta:
        verbose_name = "уровень и изменение"
        verbose_name_plural = "уровни и изменения"
        indexes = [
            models.Index(fields=["run", "year", "direction_number"]),
            models.Index(fields=["organisation", "run"]),
            # the monitoring page: one indicator's places, a page at a time
            models.Index(fields=["run", "direction_number", "indicator_code", "rank"], name="statuschange_places"),
        ]


class IndicatorStore(models.Model):
    """The state of the stored indicator values: the data they were computed from (one row).

    `stamp` fingerprints the imports in force and the last change of a data value; pages compare it
    with the current fingerprint and recompute only after an import, a restore or a form accepted.
    """

    stamp = models.CharField("отпечаток данных", max_length=200, blank=True)
    indicator_ids = models.JSONField("рассчитанные показатели", default=list, blank=True)
    refreshed_at = models.DateTimeField("пересчитано", null=True, blank=True)
    seconds = models.FloatField("время пересчёта, с", null=True, blank=True)
    rows = models.PositiveIntegerField("значений", default=0)

    class Meta:
        verbose_name = "хранимые значения показателей"
        verbose_name_plural = "хранимые значения показателей"


class IndicatorValue(models.Model):
    """An indicator of one organisation and year, computed once from the data values and stored."""

    indicator = models.ForeignKey("catalog.Indicator", on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="+")
    year = models.PositiveSmallIntegerField("год начала учебного года")
    numerator = models.FloatField("числитель", null=True)
    denominator = models.FloatField("знаменатель", null=True)
    value = models.FloatField("значение", null=True)

    class Meta:
        verbose_name = "значение показателя"
        verbose_name_plural = "значения показателей"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "organisation", "year"], name="indicator_value_unique"),
        ]
        indexes = [models.Index(fields=["organisation", "year"]), models.Index(fields=["year", "indicator"])]


class IndicatorAggregate(models.Model):
    """An indicator of a municipality's organisations of one kind in a year, by the indicator's rule."""

    indicator = models.ForeignKey("catalog.Indicator", on_delete=models.CASCADE, related_name="+")
    municipality = models.ForeignKey("registry.Municipality", on_delete=models.CASCADE, related_name="+")
    org_kind = models.CharField("тип организаций", max_length=20)
    year = models.PositiveSmallIntegerField("год начала учебного года")
    numerator = models.FloatField("числитель", null=True)
    denominator = models.FloatField("знаменатель", null=True)
    value = models.FloatField("значение", null=True)
    organisations = models.PositiveIntegerField("организаций со значением", default=0)

    class Meta:
        verbose_name = "значение показателя по муниципалитету"
        verbose_name_plural = "значения показателей по муниципалитетам"
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "municipality", "org_kind", "year"], name="indicator_aggregate_unique"
            ),
        ]

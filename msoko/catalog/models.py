"""The indicator catalog: mechanisms, directions, goals, data elements and indicators.

Methodology is versioned: each `CatalogVersion` is a full copy of directions, goals and
indicators, and an academic year points to the version its figures were computed with. Data
elements (raw quantities) are not versioned: their codes identify stored values across years.
"""

from __future__ import annotations

from django.db import models

from msoko.core.text import search_key


class CatalogVersion(models.Model):
    label = models.CharField("версия", max_length=50, unique=True)
    source = models.CharField("источник", max_length=300, blank=True)
    checksum = models.CharField("контрольная сумма", max_length=64, blank=True)
    loaded_at = models.DateTimeField("загружена", auto_now_add=True)
    is_current = models.BooleanField("действующая", default=False)
    data_elements = models.ManyToManyField(
        "DataElement", verbose_name="элементы данных", blank=True, related_name="versions",
        help_text="Элементы данных, объявленные в этой версии каталога.",
    )

    class Meta:
        verbose_name = "версия каталога"
        verbose_name_plural = "версии каталога"
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return self.label


class Mechanism(models.Model):
    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="mechanisms")
    number = models.PositiveSmallIntegerField("номер")
    name = models.CharField("название", max_length=300)

    class Meta:
        verbose_name = "механизм"
        verbose_name_plural = "механизмы"
        unique_together = [("version", "number")]
        ordering = ["number"]

    def __str__(self) -> str:
        return self.name


class Direction(models.Model):
    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="directions")
    mechanism = models.ForeignKey(Mechanism, verbose_name="механизм", on_delete=models.CASCADE, related_name="directions")
    number = models.PositiveSmallIntegerField("номер")
    code = models.CharField("код", max_length=40)
    name = models.CharField("название", max_length=300)
    short_name = models.CharField("краткое название", max_length=100)
    is_variant = models.BooleanField("вариативное", default=False)
    tasks = models.JSONField("задачи направления", default=list, blank=True)
    seed_ref = models.CharField("источник в документах", max_length=200, blank=True)

    class Meta:
        verbose_name = "направление"
        verbose_name_plural = "направления"
        unique_together = [("version", "number"), ("version", "code")]
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_name}"


class Goal(models.Model):
    direction = models.ForeignKey(Direction, verbose_name="направление", on_delete=models.CASCADE, related_name="goals")
    code = models.CharField("код", max_length=40)
    text = models.TextField("цель")
    tasks = models.JSONField("задачи", default=list, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    seed_ref = models.CharField("источник в документах", max_length=200, blank=True)

    class Meta:
        verbose_name = "цель"
        verbose_name_plural = "цели"
        ordering = ["direction", "order"]

    def __str__(self) -> str:
        return self.text[:80]


class DataElement(models.Model):
    """A raw quantity collected or derived from a source, e.g. «число участников ВПР с отметкой 2»."""

    class ValueType(models.TextChoices):
        COUNT = "count", "количество"
        NUMBER = "number", "число"
        PERCENT = "percent", "процент"
        SCORE = "score", "балл"
        BOOL = "bool", "да/нет"

    code = models.CharField("код", max_length=60, unique=True)
    name = models.CharField("название", max_length=400)
    value_type = models.CharField("тип значения", max_length=10, choices=ValueType.choices, default=ValueType.COUNT)
    unit = models.CharField("единица", max_length=40, blank=True)
    source = models.CharField("источник", max_length=200, blank=True)
    org_kinds = models.JSONField("типы организаций", default=list, blank=True)
    description = models.TextField("описание", blank=True)
    seed_ref = models.CharField("источник в документах", max_length=200, blank=True)

    class Meta:
        verbose_name = "элемент данных"
        verbose_name_plural = "элементы данных"
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class Indicator(models.Model):
    """An indicator = numerator / denominator × multiplier over data elements (DHIS2 sense)."""

    class Kind(models.TextChoices):
        SHARE = "share", "доля, %"
        COUNT = "count", "количество"
        YES_NO = "yes_no", "да/нет"
        SCORE = "score", "балл"
        RATIO = "ratio", "отношение"
        EXPRESSION = "expression", "выражение"

    class Aggregation(models.TextChoices):
        SUM_RATIO = "sum_ratio", "сумма числителей / сумма знаменателей"
        SUM = "sum", "сумма"
        MEAN = "mean", "среднее по организациям"
        SHARE_OF_ORGS = "share_of_orgs", "доля организаций со значением «да»"
        NONE = "none", "не агрегируется"

    version = models.ForeignKey(CatalogVersion, on_delete=models.CASCADE, related_name="indicators")
    direction = models.ForeignKey(Direction, verbose_name="направление", on_delete=models.CASCADE, related_name="indicators")
    code = models.CharField("код", max_length=60)
    order = models.PositiveSmallIntegerField("порядок", default=0)
    name = models.CharField("название", max_length=500)
    criterion = models.CharField("критерий", max_length=400, blank=True)
    kind = models.CharField("вид", max_length=12, choices=Kind.choices)
    numerator = models.CharField("числитель", max_length=500)
    denominator = models.CharField("знаменатель", max_length=500, blank=True)
    multiplier = models.FloatField("множитель", default=1)
    unit = models.CharField("единица", max_length=40, blank=True)
    higher_is_better = models.BooleanField("чем больше, тем лучше", default=True)
    aggregation = models.CharField("агрегирование", max_length=16, choices=Aggregation.choices, default=Aggregation.SUM_RATIO)
    periodicity = models.CharField("периодичность", max_length=60, blank=True)
    source = models.CharField("источник данных", max_length=300, blank=True)
    collection_method = models.CharField("метод сбора", max_length=300, blank=True)
    responsible_role = models.CharField("ответственный", max_length=200, blank=True)
    org_kinds = models.JSONField("типы организаций", default=list, blank=True)
    block = models.CharField(
        "блок для идентификации ШНОР/ШНСУ", max_length=10, blank=True,
        help_text="results — показатель результатов, social — показатель социальных условий",
    )
    not_for_rating = models.BooleanField("не использовать для рейтингов", default=False)
    defined_in_msoko = models.BooleanField("формула определена в msoko", default=False)
    seed_ref = models.CharField("источник в документах", max_length=300)
    description = models.TextField("пояснение", blank=True)
    name_key = models.CharField(max_length=500, editable=False, db_index=True, default="")

    class Meta:
        verbose_name = "показатель"
        verbose_name_plural = "показатели"
        unique_together = [("version", "code")]
        ordering = ["direction__number", "order", "code"]

    def save(self, *args, **kwargs):
        self.name_key = search_key(f"{self.code} {self.name}")
        super().save(*args, **kwargs)

    @property
    def formula(self) -> str:
        from msoko.catalog.formula import describe

        return describe(self.numerator, self.denominator, self.multiplier)

    def __str__(self) -> str:
        return f"{self.code} — {self.name}"


class IndicatorTarget(models.Model):
    """Norm and target value of an indicator for one academic year."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField("год начала учебного года")
    norm = models.FloatField("норма", null=True, blank=True)
    target = models.FloatField("целевое значение", null=True, blank=True)

    class Meta:
        verbose_name = "норма и целевое значение"
        verbose_name_plural = "нормы и целевые значения"
        unique_together = [("indicator", "year")]

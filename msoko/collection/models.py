"""Stored values (DHIS2 data values) and the imports they came from."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ImportBatch(models.Model):
    """One uploaded file and what became of it: the lineage of every value it brought."""

    class Status(models.TextChoices):
        PENDING = "pending", "ожидает"
        RUNNING = "running", "выполняется"
        DONE = "done", "загружено"
        FAILED = "failed", "ошибки"
        REPLACED = "replaced", "заменено"
        UNCHANGED = "unchanged", "без изменений"

    kind = models.CharField("вид данных", max_length=20, db_index=True)
    file_name = models.CharField("файл", max_length=300)
    stored_file = models.CharField("сохранённый файл", max_length=500, blank=True)
    checksum = models.CharField("SHA-256", max_length=64, db_index=True)
    academic_year = models.ForeignKey("registry.AcademicYear", verbose_name="учебный год", null=True, blank=True, on_delete=models.PROTECT)
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.PENDING)
    rows_total = models.PositiveIntegerField("строк", default=0)
    rows_loaded = models.PositiveIntegerField("загружено строк", default=0)
    values_written = models.PositiveIntegerField("значений", default=0)
    errors = models.JSONField("ошибки", default=list, blank=True)
    warnings = models.JSONField("предупреждения", default=list, blank=True)
    profile = models.JSONField("сопоставление столбцов", default=dict, blank=True)
    scope = models.JSONField("организации и процедура", default=dict, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("создано", auto_now_add=True)
    finished_at = models.DateTimeField("завершено", null=True, blank=True)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by")

    class Meta:
        verbose_name = "загрузка"
        verbose_name_plural = "загрузки"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"


class DataValue(models.Model):
    """One value of a data element for an organisation and period, with where it came from."""

    data_element = models.ForeignKey("catalog.DataElement", on_delete=models.PROTECT, related_name="values")
    organisation = models.ForeignKey("registry.Organisation", on_delete=models.CASCADE, related_name="data_values")
    period = models.ForeignKey("registry.Period", on_delete=models.PROTECT, related_name="data_values")
    category = models.CharField(
        "разрез", max_length=60, blank=True, default="",
        help_text="Дезагрегация (предмет-класс и т. п.); пусто — итог по организации.",
    )
    value = models.FloatField("значение", null=True, blank=True)
    source_import = models.ForeignKey(ImportBatch, null=True, blank=True, on_delete=models.SET_NULL, related_name="values")
    source_row = models.PositiveIntegerField("строка источника", null=True, blank=True)
    source_note = models.CharField("источник", max_length=200, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    entered_at = models.DateTimeField("внесено", auto_now=True)

    class Meta:
        verbose_name = "значение"
        verbose_name_plural = "значения"
        constraints = [
            models.UniqueConstraint(
                fields=["data_element", "organisation", "period", "category"], name="datavalue_unique_cell"
            )
        ]
        indexes = [models.Index(fields=["period", "data_element"])]

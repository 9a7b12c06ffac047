"""Report jobs: a report requested from the UI, generated in the background, downloaded when done."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ReportJob(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "в очереди"
        RUNNING = "running", "формируется"
        DONE = "done", "готов"
        FAILED = "failed", "ошибка"

    kind = models.CharField("вид отчёта", max_length=20)
    params = models.JSONField("параметры", default=dict, blank=True)
    fmt = models.CharField("формат", max_length=5)
    municipality = models.ForeignKey("registry.Municipality", verbose_name="муниципалитет", null=True, blank=True,
                                     on_delete=models.CASCADE)
    organisation = models.ForeignKey("registry.Organisation", verbose_name="организация", null=True, blank=True,
                                     on_delete=models.CASCADE, related_name="+",
                                     help_text="Для карты организации: её администратор может скачать отчёт.")
    status = models.CharField("статус", max_length=8, choices=Status.choices, default=Status.PENDING, db_index=True)
    progress = models.PositiveSmallIntegerField("выполнено, %", default=0)
    stage = models.CharField("этап", max_length=200, blank=True)
    title = models.CharField("название", max_length=300, blank=True)
    file = models.CharField("файл", max_length=500, blank=True)
    error = models.TextField("ошибка", blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField("создан", auto_now_add=True)
    finished_at = models.DateTimeField("готов", null=True, blank=True)

    class Meta:
        verbose_name = "отчёт"
        verbose_name_plural = "отчёты"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.title or self.kind} ({self.get_status_display()})"

    @property
    def file_name(self) -> str:
        """The name the download gets (the stored file may carry a suffix the storage added)."""
        from msoko.reports.services import file_name

        return file_name(self.kind, self.params, self.fmt) if self.file else ""

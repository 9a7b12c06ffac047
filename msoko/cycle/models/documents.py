"""Documents of the direction × cycle matrix and the public section «Механизмы управления качеством образования»."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from msoko.cycle.models.roadmap import CYCLE_POSITION_CHOICES


class CycleDocument(models.Model):
    """A document (file or link) of one cycle position of a direction in an academic year.

    The municipal operator (or the department) publishes it; only published documents reach the
    public section, and files are served only through permission-checked views.
    """

    class Kind(models.TextChoices):
        CONCEPT = "concept", "концептуальный документ (положение, концепция, модель)"
        ANALYTICAL_NOTE = "analytical_note", "аналитическая справка"
        REPORT = "report", "аналитический отчёт"
        ORDER = "order", "приказ"
        PROTOCOL = "protocol", "протокол"
        PLAN = "plan", "план, дорожная карта"
        RECOMMENDATIONS = "recommendations", "методические (адресные) рекомендации"
        LETTER = "letter", "информационное письмо"
        OTHER = "other", "иной документ"

    municipality = models.ForeignKey("registry.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="cycle_documents")
    direction_number = models.PositiveSmallIntegerField("направление")
    academic_year = models.ForeignKey("registry.AcademicYear", verbose_name="учебный год", on_delete=models.PROTECT, related_name="cycle_documents")
    position = models.CharField("позиция цикла", max_length=20, choices=CYCLE_POSITION_CHOICES)
    kind = models.CharField("вид документа", max_length=20, choices=Kind.choices, default=Kind.OTHER)
    title = models.CharField("название", max_length=500)
    file = models.FileField("файл", upload_to="cycle/documents/", blank=True)
    url = models.URLField("ссылка", max_length=500, blank=True)
    is_published = models.BooleanField("опубликован", default=False)
    published_at = models.DateTimeField("опубликован", null=True, blank=True)
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name="опубликовал", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        verbose_name = "документ управленческого цикла"
        verbose_name_plural = "документы управленческого цикла"
        ordering = ["direction_number", "position", "title", "pk"]

    def __str__(self) -> str:
        return self.title

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""

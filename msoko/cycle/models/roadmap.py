"""Measures (мероприятия) and roadmaps («дорожные карты»)."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from msoko.catalog.cycle import CYCLE_POSITIONS
from msoko.core.text import search_key

CYCLE_POSITION_CHOICES = [(p.code, p.name) for p in CYCLE_POSITIONS]


class Roadmap(models.Model):
    municipality = models.ForeignKey("registry.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="roadmaps")
    title = models.CharField("название", max_length=500)
    academic_year = models.ForeignKey("registry.AcademicYear", verbose_name="учебный год", null=True, blank=True, on_delete=models.PROTECT)
    source_name = models.CharField("исходный файл", max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "дорожная карта"
        verbose_name_plural = "дорожные карты"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


class Deadline(models.TextChoices):
    NONE = "none", "не указан"
    DATE = "date", "дата"
    PERIOD = "period", "период"
    RECURRING = "recurring", "повторяющийся"


class Recurrence(models.TextChoices):
    ANNUALLY = "annually", "ежегодно"
    CONSTANTLY = "constantly", "постоянно"
    SCHEDULE = "schedule", "по графику"
    DURING_YEAR = "during_year", "в течение года"
    AS_NEEDED = "as_needed", "по мере необходимости"


class Measure(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "запланировано"
        IN_PROGRESS = "in_progress", "выполняется"
        DONE = "done", "выполнено"
        OVERDUE = "overdue", "просрочено"
        CANCELLED = "cancelled", "отменено"

    roadmap = models.ForeignKey(Roadmap, verbose_name="дорожная карта", null=True, blank=True, on_delete=models.CASCADE, related_name="measures")
    municipality = models.ForeignKey("registry.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="measures")
    order = models.PositiveIntegerField(default=0)
    number = models.CharField("№", max_length=30, blank=True)
    section = models.CharField("раздел", max_length=500, blank=True)
    content = models.TextField("мероприятие")
    direction_number = models.PositiveSmallIntegerField("направление", null=True, blank=True)
    cycle_position = models.CharField("позиция цикла", max_length=20, choices=CYCLE_POSITION_CHOICES, blank=True)
    deadline_text = models.CharField("срок (как записан)", max_length=300, blank=True)
    deadline_kind = models.CharField("вид срока", max_length=10, choices=Deadline.choices, default=Deadline.NONE)
    due_date = models.DateField("срок (дата)", null=True, blank=True)
    period_start = models.DateField("период с", null=True, blank=True)
    period_end = models.DateField("период по", null=True, blank=True)
    recurrence = models.CharField("повторяется", max_length=12, choices=Recurrence.choices, blank=True)
    responsible_text = models.CharField("ответственный (как записан)", max_length=500, blank=True)
    responsible = models.ManyToManyField("registry.Person", verbose_name="ответственные", blank=True, related_name="measures_responsible")
    participants = models.ManyToManyField("registry.Person", verbose_name="участники", blank=True, related_name="measures_participating")
    organisations = models.ManyToManyField("registry.Organisation", verbose_name="организации", blank=True, related_name="measures")
    expected_result = models.TextField("ожидаемый результат", blank=True)
    result_document_kind = models.CharField("вид документа-результата", max_length=200, blank=True)
    status = models.CharField("статус", max_length=12, choices=Status.choices, default=Status.PLANNED)
    result_document = models.FileField("документ-результат", upload_to="cycle/measures/", blank=True)
    result_url = models.URLField("документ-результат (ссылка)", blank=True)
    content_key = models.TextField(editable=False, default="")

    class Meta:
        verbose_name = "мероприятие"
        verbose_name_plural = "мероприятия"
        ordering = ["roadmap", "order", "pk"]

    def save(self, *args, **kwargs):
        self.content_key = search_key(f"{self.number} {self.content} {self.responsible_text}")
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return f"{self.number} {self.content[:80]}".strip()

    @property
    def control_date(self):
        """The date by which the measure must be done: a due date or the end of its period."""
        return self.due_date if self.deadline_kind == Deadline.DATE else (
            self.period_end if self.deadline_kind == Deadline.PERIOD else None
        )

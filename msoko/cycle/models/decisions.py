"""Management decisions (управленческие решения) and their execution control."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Decision(models.Model):
    class Kind(models.TextChoices):
        ORDER = "order", "приказ"
        BOARD = "board", "решение коллегии"
        COUNCIL = "council", "решение совета"
        WORKING_GROUP = "working_group", "решение рабочей группы"
        LETTER = "letter", "письмо"
        PROTOCOL = "protocol", "протокол совещания"
        OTHER = "other", "иное"

    class Status(models.TextChoices):
        IN_EXECUTION = "in_execution", "на исполнении"
        EXECUTED = "executed", "исполнено"
        CANCELLED = "cancelled", "отменено"

    municipality = models.ForeignKey("registry.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="decisions")
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    number = models.CharField("номер", max_length=50, blank=True)
    date = models.DateField("дата")
    content = models.TextField("содержание")
    direction_number = models.PositiveSmallIntegerField("направление", null=True, blank=True)
    deadline = models.DateField("срок исполнения", null=True, blank=True)
    status = models.CharField("статус", max_length=14, choices=Status.choices, default=Status.IN_EXECUTION)
    executed_on = models.DateField("исполнено", null=True, blank=True)
    execution_report = models.TextField("отчёт об исполнении", blank=True)
    recommendations = models.ManyToManyField("cycle.Recommendation", verbose_name="рекомендации", blank=True, related_name="decisions")
    measures = models.ManyToManyField("cycle.Measure", verbose_name="мероприятия", blank=True, related_name="decisions")
    organisations = models.ManyToManyField("registry.Organisation", verbose_name="организации", blank=True, related_name="decisions")
    responsible = models.ManyToManyField("registry.Person", verbose_name="ответственные", blank=True, related_name="decisions_responsible")
    participants = models.ManyToManyField("registry.Person", verbose_name="участники", blank=True, related_name="decisions_participating")
    agenda_item = models.ForeignKey("cycle.AgendaItem", verbose_name="вопрос заседания", null=True, blank=True, on_delete=models.SET_NULL, related_name="decisions")
    document = models.FileField("документ", upload_to="cycle/decisions/", blank=True)
    document_url = models.URLField("документ (ссылка)", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "управленческое решение"
        verbose_name_plural = "управленческие решения"
        ordering = ["-date", "-pk"]

    def __str__(self) -> str:
        number = f" № {self.number}" if self.number else ""
        return f"{self.get_kind_display().capitalize()}{number} от {self.date:%d.%m.%Y}"

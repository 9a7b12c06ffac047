"""Coordination council and working groups: membership, meetings, agenda, attendance, votes."""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models

from msoko.cycle.voting import BodyKind, Choice


class Body(models.Model):
    class Kind(models.TextChoices):
        COUNCIL = BodyKind.COUNCIL.value, "координационный совет"
        WORKING_GROUP = BodyKind.WORKING_GROUP.value, "рабочая группа"

    municipality = models.ForeignKey("registry.Municipality", verbose_name="муниципалитет", on_delete=models.CASCADE, related_name="bodies")
    kind = models.CharField("вид", max_length=20, choices=Kind.choices)
    name = models.CharField("название", max_length=300)
    established = models.DateField("дата создания", default=datetime.date.today)
    basis = models.CharField("основание (документ о создании)", max_length=300, blank=True)

    class Meta:
        verbose_name = "коллегиальный орган"
        verbose_name_plural = "коллегиальные органы"
        ordering = ["municipality", "kind", "name"]

    def __str__(self) -> str:
        return self.name

    def members_on(self, day: datetime.date) -> models.QuerySet[Membership]:
        """Memberships in force on the given day."""
        return self.memberships.filter(date_from__lte=day).filter(
            models.Q(date_to__isnull=True) | models.Q(date_to__gte=day)
        ).select_related("person")


class Membership(models.Model):
    class Role(models.TextChoices):
        CHAIR = "chair", "председатель"
        DEPUTY = "deputy", "заместитель председателя"
        SECRETARY = "secretary", "секретарь"
        MEMBER = "member", "член"

    body = models.ForeignKey(Body, verbose_name="орган", on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey("registry.Person", verbose_name="человек", on_delete=models.PROTECT, related_name="body_memberships")
    role = models.CharField("роль", max_length=10, choices=Role.choices, default=Role.MEMBER)
    date_from = models.DateField("с")
    date_to = models.DateField("по", null=True, blank=True)

    class Meta:
        verbose_name = "членство"
        verbose_name_plural = "состав"
        ordering = ["body", "role", "person__name_key"]

    def __str__(self) -> str:
        return f"{self.person} — {self.get_role_display()}"


class Meeting(models.Model):
    class Status(models.TextChoices):
        PLANNED = "planned", "запланировано"
        HELD = "held", "проведено"
        CANCELLED = "cancelled", "отменено"

    body = models.ForeignKey(Body, verbose_name="орган", on_delete=models.CASCADE, related_name="meetings")
    number = models.CharField("номер протокола", max_length=30)
    date = models.DateField("дата")
    place = models.CharField("место", max_length=300, blank=True)
    status = models.CharField("статус", max_length=10, choices=Status.choices, default=Status.PLANNED)
    protocol = models.FileField("протокол (проект)", upload_to="cycle/protocols/", blank=True)
    signed_protocol = models.FileField("подписанный протокол", upload_to="cycle/protocols/signed/", blank=True)
    signed_at = models.DateTimeField("подписанный протокол загружен", null=True, blank=True)

    class Meta:
        verbose_name = "заседание"
        verbose_name_plural = "заседания"
        ordering = ["-date", "body"]
        unique_together = [("body", "number")]

    def __str__(self) -> str:
        return f"{self.body}: заседание № {self.number} от {self.date:%d.%m.%Y}"


class AgendaItem(models.Model):
    class DecisionKind(models.TextChoices):
        RECOMMENDATION = "recommendation", "рекомендация"
        DECISION = "decision", "решение"
        INFORMATION = "information", "к сведению (без голосования)"

    meeting = models.ForeignKey(Meeting, verbose_name="заседание", on_delete=models.CASCADE, related_name="agenda")
    number = models.PositiveSmallIntegerField("№ вопроса")
    title = models.TextField("вопрос")
    speaker = models.CharField("докладчик", max_length=300, blank=True)
    document_url = models.URLField("документ (ссылка)", blank=True)
    document_file = models.FileField("документ (файл)", upload_to="cycle/agenda/", blank=True)
    decision_kind = models.CharField("вид решения", max_length=20, choices=DecisionKind.choices, default=DecisionKind.RECOMMENDATION)
    decision_text = models.TextField("проект решения", blank=True)
    direction_number = models.PositiveSmallIntegerField("направление", null=True, blank=True)

    class Meta:
        verbose_name = "вопрос повестки"
        verbose_name_plural = "повестка"
        ordering = ["meeting", "number"]
        unique_together = [("meeting", "number")]

    def __str__(self) -> str:
        return f"{self.number}. {self.title[:80]}"


class Attendance(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="attendance")
    present = models.BooleanField("присутствовал", default=True)

    class Meta:
        verbose_name = "явка"
        verbose_name_plural = "явка"
        unique_together = [("meeting", "membership")]


class Vote(models.Model):
    """The result of voting on one agenda item, with the outcome computed by `voting.outcome`."""

    item = models.OneToOneField(AgendaItem, verbose_name="вопрос", on_delete=models.CASCADE, related_name="vote")
    members = models.PositiveSmallIntegerField("членов")
    present = models.PositiveSmallIntegerField("присутствовали")
    votes_for = models.PositiveSmallIntegerField("за")
    votes_against = models.PositiveSmallIntegerField("против")
    abstained = models.PositiveSmallIntegerField("воздержались")
    presiding = models.CharField("председательствующий", max_length=10)
    presiding_vote = models.CharField("голос председательствующего", max_length=10, blank=True)
    has_quorum = models.BooleanField("кворум")
    adopted = models.BooleanField("принято")
    casting_vote = models.BooleanField("решающий голос", default=False)
    reason = models.CharField("итог", max_length=400)
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        verbose_name = "голосование"
        verbose_name_plural = "голосования"


class MemberVote(models.Model):
    vote = models.ForeignKey(Vote, on_delete=models.CASCADE, related_name="ballots")
    membership = models.ForeignKey(Membership, on_delete=models.CASCADE)
    choice = models.CharField(
        max_length=10,
        choices=[(Choice.FOR.value, "за"), (Choice.AGAINST.value, "против"), (Choice.ABSTAINED.value, "воздержался")],
    )

    class Meta:
        unique_together = [("vote", "membership")]

"""Council and working group: composition, meetings, attendance, votes and their decisions."""

from __future__ import annotations

import datetime

from django.db import transaction

from msoko.core.audit import record
from msoko.cycle import voting
from msoko.cycle.errors import CycleError
from msoko.cycle.models import (
    AgendaItem,
    Attendance,
    Body,
    Decision,
    Meeting,
    Membership,
    MemberVote,
    Recommendation,
    Vote,
)
from msoko.cycle.models.recommendations import AddresseeLevel
from msoko.cycle.permissions import require_body_officer, require_department
from msoko.registry.models import Municipality, Person

SINGLE_ROLES = {Membership.Role.CHAIR, Membership.Role.DEPUTY, Membership.Role.SECRETARY}


@transaction.atomic
def create_body(actor, municipality: Municipality, kind: str, name: str, established: datetime.date) -> Body:
    require_department(actor)
    body = Body.objects.create(municipality=municipality, kind=Body.Kind(kind), name=name, established=established)
    record(actor, "cycle.body.create", body, after={"kind": body.kind, "name": name})
    return body


@transaction.atomic
def add_member(
    actor, body: Body, person: Person, role: str, date_from: datetime.date, date_to: datetime.date | None = None
) -> Membership:
    require_department(actor)
    role = Membership.Role(role)
    if date_to is not None and date_to < date_from:
        raise CycleError("Дата окончания членства раньше даты начала.")
    overlapping = body.memberships.filter(date_from__lte=date_to or datetime.date.max).exclude(
        date_to__lt=date_from
    )
    if overlapping.filter(person=person).exists():
        raise CycleError(f"{person} уже входит в состав органа «{body}» в эти даты.")
    if role in SINGLE_ROLES and overlapping.filter(role=role).exists():
        raise CycleError(f"В органе «{body}» в эти даты уже есть {role.label}.")
    membership = Membership.objects.create(body=body, person=person, role=role, date_from=date_from, date_to=date_to)
    record(actor, "cycle.body.member_add", membership, after={"person": person.pk, "role": role})
    return membership


@transaction.atomic
def schedule_meeting(actor, body: Body, number: str, date: datetime.date, place: str = "") -> Meeting:
    require_body_officer(actor, body, date)
    if body.meetings.filter(number=number).exists():
        raise CycleError(f"Заседание с протоколом № {number} уже есть.")
    meeting = Meeting.objects.create(body=body, number=number, date=date, place=place)
    record(actor, "cycle.meeting.schedule", meeting, after={"date": date.isoformat(), "place": place})
    return meeting


@transaction.atomic
def add_agenda_item(
    actor,
    meeting: Meeting,
    title: str,
    *,
    decision_kind: str | None = None,
    decision_text: str = "",
    speaker: str = "",
    document_url: str = "",
    direction_number: int | None = None,
) -> AgendaItem:
    """Add a question; the council decides recommendations and a working group decisions by default."""
    require_body_officer(actor, meeting.body, meeting.date)
    if not title.strip():
        raise CycleError("Укажите формулировку вопроса повестки.")
    if decision_kind is None:
        decision_kind = (
            AgendaItem.DecisionKind.RECOMMENDATION
            if meeting.body.kind == Body.Kind.COUNCIL
            else AgendaItem.DecisionKind.DECISION
        )
    number = (meeting.agenda.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    item = AgendaItem.objects.create(
        meeting=meeting,
        number=number,
        title=title.strip(),
        decision_kind=AgendaItem.DecisionKind(decision_kind),
        decision_text=decision_text.strip(),
        speaker=speaker,
        document_url=document_url,
        direction_number=direction_number,
    )
    record(actor, "cycle.agenda.add", item, after={"meeting": meeting.pk, "number": number, "kind": item.decision_kind})
    return item


@transaction.atomic
def record_attendance(actor, meeting: Meeting, present: set[int] | list[int]) -> list[Attendance]:
    """Mark which members (by person id) attended; every member on the meeting date gets a row."""
    require_body_officer(actor, meeting.body, meeting.date)
    if meeting.status == Meeting.Status.CANCELLED:
        raise CycleError("Заседание отменено: явку отметить нельзя.")
    if Vote.objects.filter(item__meeting=meeting).exists():
        raise CycleError("По вопросам заседания уже голосовали: явку изменить нельзя.")
    members = list(meeting.body.members_on(meeting.date))
    member_ids = {m.person_id for m in members}
    strangers = set(present) - member_ids
    if strangers:
        names = ", ".join(str(p) for p in Person.objects.filter(pk__in=strangers))
        raise CycleError(f"Не входят в состав органа на дату заседания: {names}.")
    rows = []
    for membership in members:
        row, _ = Attendance.objects.update_or_create(
            meeting=meeting, membership=membership, defaults={"present": membership.person_id in set(present)}
        )
        rows.append(row)
    meeting.status = Meeting.Status.HELD
    meeting.save(update_fields=["status"])
    record(
        actor, "cycle.meeting.attendance", meeting,
        after={"present": sorted(set(present)), "members": len(members)},
    )
    return rows


def _attendance_facts(meeting: Meeting) -> tuple[list[Membership], dict[int, bool]]:
    members = list(meeting.body.members_on(meeting.date))
    marks = dict(meeting.attendance.values_list("membership_id", "present"))
    if len(marks) == 0 and members:
        raise CycleError("Сначала отметьте явку членов на заседании.")
    return members, {m.pk: marks.get(m.pk, False) for m in members}


@transaction.atomic
def record_vote(
    actor,
    item: AgendaItem,
    *,
    ballots: dict[int, str] | None = None,
    votes_for: int | None = None,
    votes_against: int = 0,
    abstained: int = 0,
    presiding_vote: str | None = None,
) -> Vote:
    """Record the vote on a question: per-member `ballots` (person id → for/against/abstained) or counts.

    The outcome follows the body's rules (`msoko.cycle.voting`); an adopted question becomes a
    Recommendation (status «утверждена») or a Decision according to its decision kind.
    """
    meeting = item.meeting
    body = meeting.body
    require_body_officer(actor, body, meeting.date)
    if item.decision_kind == AgendaItem.DecisionKind.INFORMATION:
        raise CycleError("Вопрос принят к сведению: голосование по нему не проводится.")
    if hasattr(item, "vote"):
        raise CycleError(f"По вопросу {item.number} голосование уже записано.")
    members, attended = _attendance_facts(meeting)
    by_person = {m.person_id: m for m in members}
    chair = next((m for m in members if m.role == Membership.Role.CHAIR), None)
    deputy = next((m for m in members if m.role == Membership.Role.DEPUTY), None)
    chair_present = bool(chair and attended[chair.pk])
    deputy_present = bool(deputy and attended[deputy.pk])
    presiding_member = chair if chair_present else (deputy if deputy_present else None)

    choices: dict[int, voting.Choice] = {}
    if ballots is not None:
        for person_id, choice in ballots.items():
            membership = by_person.get(person_id)
            if membership is None or not attended[membership.pk]:
                raise CycleError(f"Голосует не присутствующий на заседании член органа (id {person_id}).")
            try:
                choices[membership.pk] = voting.Choice(choice)
            except ValueError:
                raise CycleError(f"Неизвестный вариант голоса «{choice}».") from None
        counts = {c: sum(1 for v in choices.values() if v is c) for c in voting.Choice}
        votes_for, votes_against, abstained = counts[voting.Choice.FOR], counts[voting.Choice.AGAINST], counts[voting.Choice.ABSTAINED]
        presiding_vote = choices.get(presiding_member.pk) if presiding_member else None
    elif votes_for is None:
        raise CycleError("Укажите голоса: поимённо или числом «за», «против», «воздержались».")
    elif presiding_member and presiding_vote is None and 2 * votes_for == sum(attended.values()):
        raise CycleError("При равенстве голосов укажите голос председательствующего.")

    try:
        result = voting.outcome(
            body.kind, len(members), sum(attended.values()), votes_for, votes_against, abstained,
            chair_present, deputy_present, presiding_vote,
        )
    except ValueError as exc:
        raise CycleError(str(exc)) from None

    vote = Vote.objects.create(
        item=item,
        members=len(members),
        present=sum(attended.values()),
        votes_for=votes_for,
        votes_against=votes_against,
        abstained=abstained,
        presiding=result.presiding.value,
        presiding_vote=voting.Choice(presiding_vote).value if presiding_vote else "",
        has_quorum=result.has_quorum,
        adopted=result.adopted,
        casting_vote=result.casting_vote,
        reason=result.reason,
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    MemberVote.objects.bulk_create(
        MemberVote(vote=vote, membership_id=membership_id, choice=choice.value) for membership_id, choice in choices.items()
    )
    record(
        actor, "cycle.agenda.vote", item,
        after={"for": votes_for, "against": votes_against, "abstained": abstained, "adopted": result.adopted, "reason": result.reason},
    )
    if result.adopted:
        _materialise(actor, item)
    return vote


def _materialise(actor, item: AgendaItem) -> Decision | Recommendation:
    meeting = item.meeting
    body = meeting.body
    text = item.decision_text or item.title
    if item.decision_kind == AgendaItem.DecisionKind.RECOMMENDATION:
        rec = Recommendation.objects.create(
            municipality=body.municipality,
            direction_number=item.direction_number,
            addressee_level=AddresseeLevel.MUNICIPALITY,
            title=item.title[:300],
            text=text,
            evidence={"protocol": meeting.number, "date": meeting.date.isoformat(), "item": item.number},
            status=Recommendation.Status.APPROVED,
            agenda_item=item,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        record(actor, "cycle.recommendation.from_vote", rec, after={"agenda_item": item.pk, "status": rec.status})
        return rec
    decision = Decision.objects.create(
        municipality=body.municipality,
        kind=Decision.Kind.COUNCIL if body.kind == Body.Kind.COUNCIL else Decision.Kind.WORKING_GROUP,
        number=f"{meeting.number}/{item.number}",
        date=meeting.date,
        content=text,
        direction_number=item.direction_number,
        agenda_item=item,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    record(actor, "cycle.decision.from_vote", decision, after={"agenda_item": item.pk})
    return decision


@transaction.atomic
def cancel_meeting(actor, meeting: Meeting) -> Meeting:
    require_body_officer(actor, meeting.body, meeting.date)
    if meeting.status == Meeting.Status.HELD:
        raise CycleError("Проведённое заседание отменить нельзя.")
    meeting.status = Meeting.Status.CANCELLED
    meeting.save(update_fields=["status"])
    record(actor, "cycle.meeting.cancel", meeting)
    return meeting


SIGNED_EXTENSIONS = {".pdf", ".docx", ".jpg", ".jpeg", ".png"}


@transaction.atomic
def generate_protocol(actor, meeting: Meeting) -> Meeting:
    """Build the DOCX protocol for signing and store it (replacing an earlier unsigned draft)."""
    from django.core.files.base import ContentFile

    from msoko.cycle.protocol import build_protocol

    require_body_officer(actor, meeting.body, meeting.date)
    if meeting.status != Meeting.Status.HELD:
        raise CycleError("Протокол формируется после того, как отмечена явка на заседании.")
    if meeting.signed_protocol:
        raise CycleError("Подписанный протокол уже загружен: проект не формируется заново.")
    if meeting.protocol:
        meeting.protocol.delete(save=False)
    meeting.protocol.save(f"protocol-{meeting.body_id}-{meeting.number}.docx", ContentFile(build_protocol(meeting)), save=False)
    meeting.save(update_fields=["protocol"])
    record(actor, "cycle.meeting.protocol", meeting, after={"file": meeting.protocol.name})
    return meeting


@transaction.atomic
def upload_signed_protocol(actor, meeting: Meeting, uploaded) -> Meeting:
    """Store the protocol signed by the chair and the secretary (scan or signed file)."""
    import os

    from django.utils import timezone

    require_body_officer(actor, meeting.body, meeting.date)
    extension = os.path.splitext(uploaded.name)[1].lower()
    if extension not in SIGNED_EXTENSIONS:
        raise CycleError(
            f"Файл «{uploaded.name}»: подписанный протокол принимается в форматах "
            f"{', '.join(sorted(SIGNED_EXTENSIONS))}."
        )
    if meeting.status != Meeting.Status.HELD:
        raise CycleError("Заседание ещё не проведено: подписанный протокол загрузить нельзя.")
    meeting.signed_protocol.save(f"protocol-{meeting.body_id}-{meeting.number}-signed{extension}", uploaded, save=False)
    meeting.signed_at = timezone.now()
    meeting.save(update_fields=["signed_protocol", "signed_at"])
    record(actor, "cycle.meeting.signed_protocol", meeting, after={"file": meeting.signed_protocol.name})
    return meeting

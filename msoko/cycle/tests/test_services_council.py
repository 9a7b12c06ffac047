"""Council and working group services: composition, attendance, votes, decisions, protocol."""

from __future__ import annotations

import datetime
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document

from msoko.core.models import AuditEntry
from msoko.cycle.errors import CycleError
from msoko.cycle.models import AgendaItem, Body, Decision, Meeting, Recommendation
from msoko.cycle.selectors import council_warnings, quarters_without_meeting
from msoko.cycle.services import council
from msoko.registry.models import Person

DAY = datetime.date(2025, 3, 14)


def _people(n: int) -> list[Person]:
    return [Person.objects.create(full_name=f"Членов Член{i:02d} Членович") for i in range(n)]


def _body(world, kind="council", size=6, secretary=True):
    """A body of `size`: person 0 chairs, 1 deputises, 2 is secretary, the rest are members."""
    body = council.create_body(world.department, world.municipality, kind, "Координационный совет", datetime.date(2024, 9, 1))
    people = _people(size)
    roles = ["chair", "deputy", "secretary" if secretary else "member"] + ["member"] * (size - 3)
    for person, role in zip(people, roles, strict=True):
        council.add_member(world.department, body, person, role, datetime.date(2024, 9, 1))
    return body, people


def _meeting_with_item(world, body, present, **item):
    meeting = council.schedule_meeting(world.department, body, "1", DAY, "каб. 12")
    agenda = council.add_agenda_item(world.department, meeting, "О результатах ВПР 2024/25", **item)
    council.record_attendance(world.department, meeting, [p.pk for p in present])
    return meeting, agenda


def test_adopted_council_question_becomes_an_approved_recommendation(world):
    body, people = _body(world)
    _, item = _meeting_with_item(world, body, people[:4], decision_text="Рекомендовать ОО провести анализ", direction_number=1)
    vote = council.record_vote(
        world.department, item,
        ballots={people[0].pk: "for", people[1].pk: "for", people[2].pk: "for", people[3].pk: "against"},
    )
    assert (vote.members, vote.present, vote.votes_for, vote.votes_against) == (6, 4, 3, 1)
    assert vote.adopted and vote.has_quorum
    rec = Recommendation.objects.get(agenda_item=item)
    assert rec.status == Recommendation.Status.APPROVED
    assert rec.text == "Рекомендовать ОО провести анализ" and rec.direction_number == 1
    assert not Decision.objects.exists()
    assert AuditEntry.objects.filter(action="cycle.agenda.vote", object_id=str(item.pk)).exists()
    assert AuditEntry.objects.filter(action="cycle.recommendation.from_vote").count() == 1


def test_tie_with_chair_absent_is_decided_by_the_deputy_ballot(world):
    body, people = _body(world)
    # Chair (0) absent; deputy (1), secretary (2), member (3) present → 4 of 6, tie 2:2.
    _, item = _meeting_with_item(world, body, people[1:5])
    vote = council.record_vote(
        world.department, item,
        ballots={people[1].pk: "for", people[2].pk: "against", people[3].pk: "for", people[4].pk: "against"},
    )
    assert vote.adopted and vote.casting_vote and vote.presiding == "deputy"
    assert vote.presiding_vote == "for"


def test_tie_with_chair_and_deputy_absent_is_rejected_and_creates_nothing(world):
    body, people = _body(world, size=6)
    _, item = _meeting_with_item(world, body, people[2:6])
    vote = council.record_vote(world.department, item, votes_for=2, votes_against=2)
    assert not vote.adopted
    assert "решающего голоса нет" in vote.reason
    assert not Recommendation.objects.exists() and not Decision.objects.exists()


def test_counts_with_a_tie_need_the_presiding_vote(world):
    body, people = _body(world)
    _, item = _meeting_with_item(world, body, people[:4])
    with pytest.raises(CycleError, match="укажите голос председательствующего"):
        council.record_vote(world.department, item, votes_for=2, votes_against=2)
    vote = council.record_vote(world.department, item, votes_for=2, votes_against=2, presiding_vote="for")
    assert vote.adopted and vote.casting_vote and vote.presiding == "chair"


def test_without_quorum_nothing_is_adopted(world):
    body, people = _body(world)
    _, item = _meeting_with_item(world, body, people[:2])
    vote = council.record_vote(world.department, item, votes_for=2, presiding_vote="for")
    assert not vote.adopted and not vote.has_quorum
    assert vote.reason == "Нет кворума: присутствуют 2 из 6, требуется не менее 3."


def test_working_group_question_becomes_a_decision_only_with_a_majority_of_the_membership(world):
    body, people = _body(world, kind="working_group", size=7)
    meeting, item = _meeting_with_item(world, body, people[:5])
    assert item.decision_kind == AgendaItem.DecisionKind.DECISION
    rejected = council.record_vote(world.department, item, votes_for=3, votes_against=2, presiding_vote="for")
    assert not rejected.adopted  # 3 of 5 present, but not more than half of 7 members
    second = council.add_agenda_item(world.department, meeting, "Об утверждении плана-графика")
    adopted = council.record_vote(world.department, second, votes_for=4, votes_against=1, presiding_vote="for")
    assert adopted.adopted
    decision = Decision.objects.get(agenda_item=second)
    assert decision.kind == Decision.Kind.WORKING_GROUP and decision.number == "1/2" and decision.date == DAY


def test_ballot_of_an_absent_member_is_refused(world):
    body, people = _body(world)
    _, item = _meeting_with_item(world, body, people[:4])
    with pytest.raises(CycleError, match="не присутствующий"):
        council.record_vote(world.department, item, ballots={people[5].pk: "for"})
    assert not hasattr(AgendaItem.objects.get(pk=item.pk), "vote")


def test_vote_cannot_be_recorded_twice_nor_attendance_changed_after_it(world):
    body, people = _body(world)
    meeting, item = _meeting_with_item(world, body, people[:4])
    council.record_vote(world.department, item, votes_for=4, presiding_vote="for")
    with pytest.raises(CycleError, match="уже записано"):
        council.record_vote(world.department, item, votes_for=4, presiding_vote="for")
    with pytest.raises(CycleError, match="явку изменить нельзя"):
        council.record_attendance(world.department, meeting, [people[0].pk])


def test_attendance_of_a_non_member_is_refused(world):
    body, people = _body(world)
    meeting = council.schedule_meeting(world.department, body, "1", DAY)
    outsider = Person.objects.create(full_name="Посторонний Гость")
    with pytest.raises(CycleError, match="Посторонний Гость"):
        council.record_attendance(world.department, meeting, [people[0].pk, outsider.pk])


def test_only_one_chair_at_a_time(world):
    body, _ = _body(world)
    with pytest.raises(CycleError, match="уже есть председатель"):
        council.add_member(world.department, body, Person.objects.create(full_name="Второй Председатель"), "chair", DAY)


def test_secretary_may_run_the_meeting_but_an_ordinary_member_or_a_school_may_not(world):
    from django.contrib.auth import get_user_model

    body, _ = _body(world, secretary=False)
    secretary_user = get_user_model().objects.create(username="secretary")
    secretary = Person.objects.create(full_name="Секретарёва Софья Павловна", user=secretary_user)
    council.add_member(world.department, body, secretary, "secretary", datetime.date(2024, 9, 1))
    council.add_member(world.department, body, world.council.person, "member", datetime.date(2024, 9, 1))
    with pytest.raises(PermissionDenied):
        council.schedule_meeting(world.school_a_admin, body, "2", DAY)
    with pytest.raises(PermissionDenied):
        council.schedule_meeting(world.council, body, "2", DAY)
    meeting = council.schedule_meeting(secretary_user, body, "7", DAY)
    assert meeting.number == "7"
    assert AuditEntry.objects.filter(action="cycle.meeting.schedule", actor=secretary_user).count() == 1


def test_protocol_docx_has_word_styles_votes_and_signatures(world):
    body, people = _body(world)
    meeting, item = _meeting_with_item(world, body, people[1:5], decision_text="Рекомендовать провести семинар")
    council.record_vote(
        world.department, item,
        ballots={people[1].pk: "for", people[2].pk: "for", people[3].pk: "against", people[4].pk: "abstained"},
    )
    council.generate_protocol(world.department, meeting)
    meeting.refresh_from_db()
    with meeting.protocol.open("rb") as handle:
        doc = Document(io.BytesIO(handle.read()))
    styles = {p.style.name for p in doc.paragraphs}
    assert {"Title", "Heading 1", "Heading 2"} <= styles
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "ПРОТОКОЛ № 1" in text and "Присутствуют 4 из 6 членов." in text and "Кворум имеется." in text
    assert "решающий голос заместителя председателя" in text
    assert doc.tables[0].style.name == "Table Grid"
    signatures = doc.tables[-1]
    assert signatures.rows[0].cells[0].text == "Председательствующий (заместитель председателя)"
    assert signatures.rows[0].cells[2].text == people[1].full_name
    assert signatures.rows[1].cells[0].text == "Секретарь" and signatures.rows[1].cells[2].text == people[2].full_name


def test_signed_protocol_is_stored_and_wrong_format_refused(world):
    body, people = _body(world)
    meeting, _ = _meeting_with_item(world, body, people[:4])
    with pytest.raises(CycleError, match="«протокол.exe»"):
        council.upload_signed_protocol(world.department, meeting, SimpleUploadedFile("протокол.exe", b"MZ"))
    council.upload_signed_protocol(world.department, meeting, SimpleUploadedFile("скан.pdf", b"%PDF-1.4 test"))
    meeting.refresh_from_db()
    # The storage adds a random suffix when another test already stored a file of the same name.
    assert re.search(r"-signed(_\w+)?\.pdf$", meeting.signed_protocol.name) and meeting.signed_at is not None
    with meeting.signed_protocol.open("rb") as handle:
        assert handle.read() == b"%PDF-1.4 test"
    with pytest.raises(CycleError, match="уже загружен"):
        council.generate_protocol(world.department, meeting)


def test_quarters_without_a_held_meeting_are_warned(world):
    body, _ = _body(world)  # established 1 September 2024 (III quarter 2024)
    Meeting.objects.create(body=body, number="1", date=datetime.date(2024, 11, 20), status=Meeting.Status.HELD)
    Meeting.objects.create(body=body, number="2", date=datetime.date(2025, 2, 20), status=Meeting.Status.CANCELLED)
    Meeting.objects.create(body=body, number="3", date=datetime.date(2025, 5, 20), status=Meeting.Status.HELD)
    # On 10 October 2025 the ended quarters are III/2024 … III/2025.
    assert quarters_without_meeting(body, datetime.date(2025, 10, 10)) == [(2024, 3), (2025, 1), (2025, 3)]
    assert council_warnings(world.municipality, datetime.date(2025, 1, 1)) == [
        "Координационный совет: в III квартале 2024 г. не было заседаний (требуется не реже раза в квартал).",
    ]
    assert council_warnings(world.municipality, datetime.date(2025, 4, 1)) == [
        "Координационный совет: кварталов без заседаний — 2, это: III квартал 2024 г., I квартал 2025 г. "
        "(требуется не реже раза в квартал).",
    ]


def test_a_council_that_has_not_met_for_years_gets_one_line_with_the_latest_quarters(world):
    body, _ = _body(world)  # established 1 September 2024
    # On 1 January 2027 ten quarters have ended: III/2024 … IV/2026.
    assert council_warnings(world.municipality, datetime.date(2027, 1, 1)) == [
        "Координационный совет: кварталов без заседаний — 10, последние: I квартал 2026 г., II квартал 2026 г., "
        "III квартал 2026 г., IV квартал 2026 г. (первый — III квартал 2024 г.; требуется не реже раза в квартал).",
    ]


def test_working_groups_are_not_warned_about_quarters(world):
    _body(world, kind="working_group")
    assert council_warnings(world.municipality, datetime.date(2025, 10, 10)) == []
    assert Body.objects.count() == 1

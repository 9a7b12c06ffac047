"""Cycle pages: who sees what, who changes what, and the public section without login."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import Workbook

from msoko.core.models import AuditEntry
from msoko.cycle.models import Body, CycleDocument, Decision, Measure, Meeting, Recommendation, Roadmap
from msoko.cycle.services import council, documents
from msoko.cycle.services import recommendations as recs

STAFF_PAGES = [
    "/cycle/matrix/", "/cycle/roadmap/", "/cycle/decisions/", "/cycle/effectiveness/", "/cycle/council/",
]
SHARED_PAGES = ["/cycle/recommendations/", "/cycle/practices/"]


def text(response) -> str:
    return response.content.decode()


@pytest.fixture
def sent_to_a(world):
    """A recommendation of direction 1 sent to school A, and a draft for school B."""
    m = world.municipality
    to_a = recs.create_recommendation(world.department, m, title="Повысить объективность ВПР в школе А",
                                      text="Провести перепроверку работ.", addressee_level="organisation",
                                      organisation=world.school_a, direction_number=1)
    recs.move(world.department, to_a, "approved")
    recs.move(world.department, to_a, "sent")
    to_b = recs.create_recommendation(world.department, m, title="Рекомендация школе Б", text="…",
                                      addressee_level="organisation", organisation=world.school_b, direction_number=1)
    recs.move(world.department, to_b, "approved")
    recs.move(world.department, to_b, "sent")
    return to_a, to_b


@pytest.mark.parametrize("persona", ["department", "coordinator", "executor", "operator", "methodist"])
def test_every_page_renders_for_staff(client_for, cycle_catalog, persona):
    client = client_for(persona)
    for url in STAFF_PAGES + SHARED_PAGES:
        response = client.get(url)
        assert response.status_code == 200, url


def test_a_school_gets_only_its_recommendations_and_the_practice_bank(client_for, cycle_catalog):
    client = client_for("school_a")
    for url in STAFF_PAGES:
        assert client.get(url).status_code == 403, url
    for url in SHARED_PAGES:
        assert client.get(url).status_code == 200, url


def test_anonymous_users_are_sent_to_the_login_page(world):
    response = Client().get("/cycle/matrix/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_matrix_page_shows_scores_gaps_documents_and_responsible(client_for, cycle_catalog, world):
    documents.add_document(world.department, world.municipality, direction_number=1, academic_year=world.years[2024],
                           position="analysis", title="Справка о результатах ВПР", url="https://example.test/vpr.pdf")
    page = text(client_for("department").get("/cycle/matrix/?year=2024"))
    assert "Качество подготовки" in page and "Воспитание" in page
    assert "Справка о результатах ВПР" in page
    assert "Воспитание: нет анализа эффективности мер за 2024/25" in page
    assert "Соколов Дмитрий Андреевич" in page  # coordinator of direction 1
    assert "Опубликовать" in page


def test_a_school_sees_only_recommendations_sent_to_it_and_404_for_another(client_for, sent_to_a):
    to_a, to_b = sent_to_a
    client = client_for("school_a")
    page = text(client.get("/cycle/recommendations/"))
    assert "Повысить объективность ВПР в школе А" in page and "Рекомендация школе Б" not in page
    assert client.get(f"/cycle/recommendations/{to_a.pk}/").status_code == 200
    assert client.get(f"/cycle/recommendations/{to_b.pk}/").status_code == 404
    assert client.post(f"/cycle/recommendations/{to_b.pk}/move/", {"status": "accepted"}).status_code == 404
    to_b.refresh_from_db()
    assert to_b.status == "sent"


def test_the_school_accepts_and_reports_through_the_page(client_for, sent_to_a):
    to_a, _ = sent_to_a
    client = client_for("school_a")
    client.post(f"/cycle/recommendations/{to_a.pk}/move/", {"status": "accepted"})
    empty = client.post(f"/cycle/recommendations/{to_a.pk}/move/", {"status": "reported", "report": ""}, follow=True)
    assert "Что сделано по рекомендации" in text(empty)
    to_a.refresh_from_db()
    assert to_a.status == "accepted"
    client.post(f"/cycle/recommendations/{to_a.pk}/move/", {
        "status": "reported", "report": "Работы перепроверены комиссией.",
        "report_file": SimpleUploadedFile("otchet.pdf", b"%PDF report"),
    })
    to_a.refresh_from_db()
    assert to_a.status == "reported" and to_a.report == "Работы перепроверены комиссией."
    download = client.get(f"/cycle/recommendations/{to_a.pk}/report/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == b"%PDF report"


def test_a_school_cannot_approve_and_a_foreign_executor_cannot_send(client_for, world):
    draft = recs.create_recommendation(world.department, world.municipality, title="Черновик", text="…",
                                       addressee_level="municipality", direction_number=1)
    assert client_for("executor").post(f"/cycle/recommendations/{draft.pk}/move/", {"status": "approved"}).status_code == 403
    assert client_for("coordinator").post(f"/cycle/recommendations/{draft.pk}/move/", {"status": "approved"}).status_code == 302
    draft.refresh_from_db()
    assert draft.status == "approved"


def test_only_the_directions_managers_change_its_measures(client_for, world):
    measure = Measure.objects.create(municipality=world.municipality, number="1.1", content="Семинар", direction_number=1)
    assert client_for("executor").post(f"/cycle/measures/{measure.pk}/status/", {"status": "in_progress"}).status_code == 403
    assert client_for("methodist").post(f"/cycle/measures/{measure.pk}/status/", {"status": "in_progress"}).status_code == 403
    measure.refresh_from_db()
    assert measure.status == "planned"
    client_for("coordinator").post(f"/cycle/measures/{measure.pk}/status/", {"status": "in_progress"})
    measure.refresh_from_db()
    assert measure.status == "in_progress"
    page = text(client_for("coordinator").get("/cycle/roadmap/?direction=1"))
    assert "Семинар" in page and "выполняется" in page


def test_a_wrong_roadmap_file_is_reported_in_russian_and_changes_nothing(client_for, world):
    book = Workbook()
    sheet = book.active
    sheet.title = "Карта"
    sheet.append(["№", "Мероприятие", "Срок", "Ответственный"])
    sheet.append(["1", "Мониторинг", "когда-нибудь потом", "УО"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("karta.xlsx", buffer.getvalue())
    response = client_for("department").post("/cycle/roadmap/import/", {"title": "Карта", "file": upload}, follow=True)
    page = text(response)
    assert "Ничего не изменено" in page
    assert "karta.xlsx" in page and "Карта" in page and "строка 2" in page
    assert not Roadmap.objects.exists() and not Measure.objects.exists()


def test_a_good_roadmap_file_is_imported(client_for, world):
    book = Workbook()
    sheet = book.active
    sheet.append(["№", "Мероприятие", "Срок", "Ответственный"])
    sheet.append(["1", "Мониторинг участия в олимпиадах", "до 01.06.2025", "УО"])
    buffer = io.BytesIO()
    book.save(buffer)
    upload = SimpleUploadedFile("karta.xlsx", buffer.getvalue())
    response = client_for("department").post(
        "/cycle/roadmap/import/", {"title": "Карта 2024/25", "file": upload, "direction_number": "3"}, follow=True
    )
    assert "мероприятий 1" in text(response)
    assert Measure.objects.get().due_date == dt.date(2025, 6, 1)


def test_decisions_page_lists_overdue_and_my_tasks(client_for, world):
    client = client_for("coordinator")
    client.post("/cycle/decisions/new/", {
        "kind": "order", "number": "7", "date": "2024-09-10", "direction_number": "1",
        "content": "Провести муниципальную диагностику", "deadline": "2024-10-01",
        "responsible": [world.coordinator.person.pk],
    })
    decision = Decision.objects.get()
    assert decision.deadline == dt.date(2024, 10, 1)
    page = text(client.get("/cycle/decisions/"))
    assert page.count("Провести муниципальную диагностику") >= 3  # overdue, my tasks, list
    assert client_for("executor").post(f"/cycle/decisions/{decision.pk}/execute/", {"on": "2024-10-02"}).status_code == 403
    client.post(f"/cycle/decisions/{decision.pk}/execute/", {"on": "2024-10-02", "text": "Проведена"})
    decision.refresh_from_db()
    assert decision.status == "executed" and decision.executed_on == dt.date(2024, 10, 2)


def test_documents_are_published_by_the_operator_and_served_by_permission(client_for, world):
    doc = documents.add_document(world.coordinator, world.municipality, direction_number=1, academic_year=world.years[2024],
                                 position="analysis", title="Аналитическая справка",
                                 uploaded=SimpleUploadedFile("spravka.pdf", b"%PDF content"))
    assert client_for("coordinator").post(f"/cycle/documents/{doc.pk}/publish/", {"published": "1"}).status_code == 403
    assert client_for("school_a").get(f"/cycle/documents/{doc.pk}/").status_code == 403
    staff = client_for("methodist").get(f"/cycle/documents/{doc.pk}/")
    assert staff.status_code == 200 and b"".join(staff.streaming_content) == b"%PDF content"
    assert Client().get(f"/public/documents/{doc.pk}/").status_code == 404  # not yet published
    client_for("operator").post(f"/cycle/documents/{doc.pk}/publish/", {"published": "1"})
    doc.refresh_from_db()
    assert doc.is_published and doc.published_by == world.operator
    assert AuditEntry.objects.filter(action="cycle.document.publish").count() == 1
    public = Client().get(f"/public/documents/{doc.pk}/")
    assert public.status_code == 200 and b"".join(public.streaming_content) == b"%PDF content"


def test_the_public_section_works_without_login_and_shows_only_published_documents(world, cycle_catalog):
    year = world.years[2025]
    shown = documents.add_document(world.department, world.municipality, direction_number=7, academic_year=year,
                                   position="goals", title="Положение о системе воспитания", kind="concept",
                                   url="https://example.test/polozhenie.pdf")
    documents.set_published(world.operator, shown, True)
    documents.add_document(world.department, world.municipality, direction_number=7, academic_year=year,
                           position="analysis", title="Черновик справки", url="https://example.test/draft.pdf")
    Recommendation.objects.create(municipality=world.municipality, direction_number=7, academic_year=year,
                                  addressee_level="organisation", organisation=world.school_a,
                                  title="Адресная рекомендация школе", text="…", status="sent")
    response = Client().get("/public/")
    page = text(response)
    assert response.status_code == 200
    assert "Механизмы управления качеством образования" in page
    assert "Положение о системе воспитания" in page
    assert "Черновик справки" not in page
    assert "Адресная рекомендация школе" not in page
    assert "Соколов" not in page and "Козлов" not in page  # no personal data
    assert 'name="viewport"' in page
    draft = CycleDocument.objects.get(title="Черновик справки")
    assert Client().get(f"/public/documents/{draft.pk}/").status_code == 404
    assert Client().get(f"/public/documents/{shown.pk}/")["Location"] == "https://example.test/polozhenie.pdf"


def test_council_meeting_page_shows_quorum_records_votes_and_serves_the_protocol(client_for, world):
    body = council.create_body(world.department, world.municipality, "council", "Координационный совет", dt.date(2024, 9, 1))
    people = [world.users[p].person for p in ("department", "coordinator", "executor", "methodist")]
    for person, role in zip(people, ["chair", "secretary", "member", "member"], strict=True):
        council.add_member(world.department, body, person, role, dt.date(2024, 9, 1))
    client = client_for("department")
    client.post(f"/cycle/council/{body.pk}/meetings/", {"number": "1", "date": "2024-10-15", "place": "УО"})
    meeting = Meeting.objects.get()
    client.post(f"/cycle/meetings/{meeting.pk}/agenda/", {"title": "Об итогах ВПР", "direction_number": "1",
                                                          "decision_text": "Рекомендовать школам перепроверку"})
    client.post(f"/cycle/meetings/{meeting.pk}/attendance/", {"present": [people[0].pk, people[1].pk, people[2].pk]})
    page = text(client.get(f"/cycle/meetings/{meeting.pk}/"))
    assert "кворум есть" in page and "присутствуют 3 из 4, для кворума нужно не менее 2" in page
    item = meeting.agenda.get()
    client.post(f"/cycle/meetings/{meeting.pk}/items/{item.pk}/vote/", {"votes_for": "2", "votes_against": "1", "abstained": "0"})
    page = text(client.get(f"/cycle/meetings/{meeting.pk}/"))
    assert "принято" in page and "Об итогах ВПР" in page
    assert Recommendation.objects.get().agenda_item == item
    client.post(f"/cycle/meetings/{meeting.pk}/protocol/")
    docx = client.get(f"/cycle/meetings/{meeting.pk}/protocol/download/")
    assert docx.status_code == 200 and b"".join(docx.streaming_content)[:2] == b"PK"
    assert client_for("school_a").get(f"/cycle/meetings/{meeting.pk}/protocol/download/").status_code == 403
    client.post(f"/cycle/meetings/{meeting.pk}/signed/", {"file": SimpleUploadedFile("signed.pdf", b"%PDF signed")})
    meeting.refresh_from_db()
    assert meeting.signed_protocol and meeting.signed_at is not None
    bad = client.post(f"/cycle/meetings/{meeting.pk}/signed/", {"file": SimpleUploadedFile("signed.exe", b"MZ")}, follow=True)
    assert "подписанный протокол принимается в форматах" in text(bad)


def test_the_council_page_warns_about_a_quarter_without_a_meeting(client_for, world):
    council.create_body(world.department, world.municipality, "council", "Координационный совет", dt.date(2024, 1, 10))
    page = text(client_for("department").get("/cycle/council/"))
    assert "Координационный совет: кварталов без заседаний" in page and "первый — I квартал 2024 г." in page
    assert Body.objects.count() == 1


def test_a_published_document_must_be_withdrawn_before_it_is_deleted(client_for, world):
    doc = documents.add_document(world.operator, world.municipality, direction_number=2, academic_year=world.years[2024],
                                 position="goals", title="Положение о работе со ШНОР", url="https://example.test/p.pdf")
    documents.set_published(world.operator, doc, True)
    response = client_for("operator").post(f"/cycle/documents/{doc.pk}/delete/", follow=True)
    assert "сначала снимите его с публикации" in text(response)
    assert client_for("coordinator").post(f"/cycle/documents/{doc.pk}/delete/").status_code == 403  # direction 2
    documents.set_published(world.operator, doc, False)
    client_for("executor").post(f"/cycle/documents/{doc.pk}/delete/")  # executor of direction 2
    assert not CycleDocument.objects.exists()


def test_a_council_member_reads_the_meeting_and_protocol_but_only_its_secretary_runs_it(client_for, world):
    body = council.create_body(world.department, world.municipality, "council", "Координационный совет", dt.date(2024, 9, 1))
    member, secretary = world.users["council"].person, world.users["school_b"].person
    council.add_member(world.department, body, member, "member", dt.date(2024, 9, 1))
    council.add_member(world.department, body, secretary, "secretary", dt.date(2024, 9, 1))
    meeting = council.schedule_meeting(world.department, body, "1", dt.date(2024, 10, 15))
    council.add_agenda_item(world.department, meeting, "Об итогах ВПР", decision_text="Рекомендовать перепроверку")
    council.record_attendance(world.department, meeting, [member.pk, secretary.pk])
    council.generate_protocol(world.department, meeting)

    reader = client_for("council")
    page = text(reader.get(f"/cycle/meetings/{meeting.pk}/"))
    assert "Об итогах ВПР" in page and "присутствует" in page
    assert "Отметить явку" not in page and "Добавить вопрос" not in page
    assert reader.get(f"/cycle/meetings/{meeting.pk}/protocol/download/").status_code == 200
    assert reader.get(f"/cycle/council/{body.pk}/").status_code == 200
    before = AuditEntry.objects.count()
    assert reader.post(f"/cycle/meetings/{meeting.pk}/attendance/", {"present": [member.pk]}).status_code == 403
    assert AuditEntry.objects.count() == before

    # the secretary is a school's administrator, not staff, yet runs the body's meetings
    runner = client_for("school_b")
    assert "Отметить явку" in text(runner.get(f"/cycle/meetings/{meeting.pk}/"))
    runner.post(f"/cycle/meetings/{meeting.pk}/attendance/", {"present": [member.pk]})
    assert list(meeting.attendance.filter(present=True).values_list("membership__person", flat=True)) == [member.pk]
    assert client_for("public").get(f"/cycle/meetings/{meeting.pk}/").status_code == 403

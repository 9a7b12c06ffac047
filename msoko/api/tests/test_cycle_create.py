"""Creating recommendations, measures and management decisions through the API.

The same services and rights as the cycle pages: the coordinator of direction 1 and the executor
of direction 2 create in their direction, the department everywhere; organisations, council and
public get 403; a broken rule is a 422 with the service's Russian message; each creation writes
one audit row.
"""

import datetime

import pytest

from msoko.core.models import AuditEntry
from msoko.cycle.models import Decision, Measure, Recommendation

MEASURE = {"content": "Методический семинар для учителей математики", "direction_number": 1, "number": "1.4",
           "due_date": "2025-03-01", "responsible_text": "Соколов Д. А."}


@pytest.fixture
def linked(world, other):
    measure = Measure.objects.create(municipality=world.municipality, number="1.1", content="Семинар", direction_number=1)
    rec = Recommendation.objects.create(
        municipality=world.municipality, addressee_level="organisation", organisation=world.school_a,
        title="Методический день", text="…", status=Recommendation.Status.SENT, direction_number=1,
    )
    return {"measure": measure, "recommendation": rec}


def test_coordinator_creates_a_measure_of_their_direction_with_an_audit_row(world, other, tokens, api_post):
    response = api_post(tokens["coordinator"], "measures/", MEASURE)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["municipality"], body["number"], body["direction_number"], body["status"]) == ("TSK", "1.4", 1, "planned")
    assert (body["due_date"], body["deadline_text"]) == ("2025-03-01", "до 01.03.2025")
    measure = Measure.objects.get(pk=body["id"])
    assert AuditEntry.objects.filter(action="cycle.measure.create", object_id=str(measure.pk)).count() == 1


@pytest.mark.parametrize("persona", ["executor", "school_a", "council", "public", "operator"])
def test_others_may_not_create_a_measure_of_direction_1(world, other, tokens, api_post, persona):
    assert api_post(tokens[persona], "measures/", MEASURE).status_code == 403
    assert not Measure.objects.exists()


def test_a_general_measure_is_for_the_department_only(world, other, tokens, api_post):
    general = {**MEASURE, "direction_number": None}
    assert api_post(tokens["coordinator"], "measures/", general).status_code == 403
    assert api_post(tokens["department"], "measures/", general).status_code == 201


def test_invalid_creations_are_422_in_russian(world, other, tokens, api_post):
    blank = api_post(tokens["department"], "measures/", {**MEASURE, "content": "   "})
    assert blank.status_code == 422 and blank.json()["detail"] == "Опишите мероприятие."
    missing = api_post(tokens["department"], "measures/", {"direction_number": 1})
    assert missing.status_code == 422
    assert missing.json()["errors"][0] == {"field": "body.payload.content", "message": "обязательное поле", "type": "missing"}
    direction = api_post(tokens["department"], "measures/", {**MEASURE, "direction_number": 9})
    assert direction.json()["errors"][0]["message"] == "значение должно быть не больше 8"
    late = api_post(tokens["department"], "decisions/", {
        "kind": "order", "date": "2025-02-01", "deadline": "2025-01-15", "content": "Приказ о семинарах"})
    assert late.status_code == 422 and late.json()["detail"] == "Срок исполнения раньше даты решения."
    kind = api_post(tokens["department"], "decisions/", {"kind": "указ", "date": "2025-02-01", "content": "…"})
    assert kind.status_code == 422 and kind.json()["errors"][0]["message"].startswith("допустимые значения: 'order'")
    assert not Measure.objects.exists() and not Decision.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="cycle.").exists()


def test_department_records_a_decision_linked_to_a_recommendation_a_measure_and_a_school(linked, tokens, api_post):
    measure, rec = linked["measure"], linked["recommendation"]
    response = api_post(tokens["department"], "decisions/", {
        "kind": "order", "number": "112", "date": "2025-02-01", "deadline": "2025-05-31", "direction_number": 1,
        "content": "О проведении методических дней", "recommendations": [rec.pk], "measures": [measure.pk],
        "organisations": ["OO-A"], "document_url": "https://tsk.example/prikaz-112.pdf",
    })
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["recommendations"], body["measures"], body["organisations"]) == ([rec.pk], [measure.pk], ["OO-A"])
    assert (body["status"], body["date"], body["deadline"]) == ("in_execution", "2025-02-01", "2025-05-31")
    entry = AuditEntry.objects.get(action="cycle.decision.create")
    assert entry.object_id == str(body["id"])


def test_links_and_municipality_stay_inside_the_users_territory(linked, tokens, api_post):
    measure = linked["measure"]
    foreign = api_post(tokens["other_department"], "decisions/", {
        "kind": "order", "date": "2025-02-01", "content": "Чужое мероприятие", "measures": [measure.pk, 999999]})
    assert foreign.status_code == 422
    assert foreign.json()["detail"] == f"Мероприятия не найдены в этом муниципалитете: {measure.pk}, 999999."
    assert api_post(tokens["department"], "measures/", {**MEASURE, "municipality": "OTH"}).status_code == 404
    ambiguous = api_post(tokens["region"], "measures/", MEASURE)
    assert ambiguous.status_code == 422 and "municipality" in ambiguous.json()["detail"]
    placed = api_post(tokens["region"], "measures/", {**MEASURE, "municipality": "OTH"})
    assert placed.status_code == 201 and placed.json()["municipality"] == "OTH"
    assert Decision.objects.count() == 0 and Measure.objects.filter(municipality__code="TSK").count() == 1


def test_department_drafts_a_recommendation_to_a_school_of_its_municipality(world, other, tokens, api_post):
    payload = {"title": "Провести анализ результатов ВПР", "text": "Разобрать типичные ошибки на МО учителей.",
               "organisation": "OO-B", "direction_number": 1, "academic_year": "2024/25",
               "deadline": str(datetime.date(2025, 4, 1))}
    created = api_post(tokens["coordinator"], "recommendations/", payload)
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["status"], body["organisation"], body["academic_year"]) == ("draft", "OO-B", "2024/25")
    assert AuditEntry.objects.filter(action="cycle.recommendation.create", object_id=str(body["id"])).exists()
    elsewhere = api_post(tokens["department"], "recommendations/", {**payload, "organisation": "OO-C"})
    assert elsewhere.status_code == 422 and "OO-C" in elsewhere.json()["detail"]
    without = api_post(tokens["department"], "recommendations/", {**payload, "organisation": None})
    assert without.status_code == 422 and without.json()["detail"] == "Укажите организацию-адресата рекомендации."
    assert api_post(tokens["school_b"], "recommendations/", payload).status_code == 403

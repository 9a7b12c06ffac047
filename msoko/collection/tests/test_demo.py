"""The demo campaigns: every status present, accepted values stored, the audit filled by staff."""

from __future__ import annotations

from msoko.catalog.models import DataElement
from msoko.collection.demo import AUDIT_ITEMS, STAFF_ELEMENTS, seed_campaigns
from msoko.collection.models import Campaign, DataValue, Submission
from msoko.core.testing import PERSONAS
from msoko.registry.models import Organisation

S = Submission.Status


def people():
    return [{"username": name, "role": role, "organisation": where if where.startswith(("OO", "DOO")) else None}
            for name, (_, role, where, _) in PERSONAS.items()]


def test_seed_campaigns_creates_forms_in_every_status(world):
    for code in [*STAFF_ELEMENTS, *(i.element for i in AUDIT_ITEMS if i.element)]:
        DataElement.objects.create(code=code, name=code, value_type="bool" if code in {"mentoring_system", "upbringing_program"} else "count")
    for n in range(1, 9):  # ten schools in all: 0–4 accepted, 5 returned, 6 submitted, 7 draft, 8–9 not started
        Organisation.objects.create(municipality=world.municipality, code=f"OO-X{n}", short_name=f"Школа {n}",
                                    full_name=f"Школа {n}", kind=Organisation.Kind.SCHOOL)
    summary = seed_campaigns(world.municipality, world.current_year, people())
    staff = Campaign.objects.get(kind=Campaign.Kind.SELF_REPORT)
    statuses = list(staff.submissions.order_by("organisation__code").values_list("status", flat=True))
    assert sorted(statuses) == sorted([S.ACCEPTED] * 5 + [S.RETURNED, S.SUBMITTED, S.DRAFT] + [S.NOT_STARTED] * 2)
    assert summary[0]["statuses"] == {"не начато": 2, "черновик": 1, "отправлено": 1,
                                      "возвращено на доработку": 1, "принято": 5}
    accepted = staff.submissions.filter(status=S.ACCEPTED)
    assert DataValue.objects.filter(data_element__code="teachers_total", source_note__startswith="кампания").count() == 5
    first = accepted.get(organisation__code="OO-A")  # the first school: 24 teachers, 20 % highest, 25 % first
    assert {v.field.code: v.value for v in first.values.select_related("field")} == {
        "teachers_total": 24, "teachers_highest_category": 4, "teachers_first_category": 6, "teachers_under35": 2,
        "teacher_vacancies": 0}
    returned = staff.submissions.get(status=S.RETURNED)
    assert "вакансий" in returned.events.get(action="return").comment

    audit = Campaign.objects.get(kind=Campaign.Kind.EXPERT_AUDIT)
    assert audit.submissions.count() == 6
    assert audit.submissions.filter(status=S.NOT_STARTED).count() == 1
    filled = audit.submissions.exclude(status=S.NOT_STARTED)
    assert {e.actor.username for s in filled for e in s.events.all() if e.action == "submit"} == {"methodist"}
    links = [v.link for s in filled for v in s.values.all() if v.value == 1 and v.field.with_link]
    assert links and all(link.startswith("https://") for link in links)


def test_seed_campaigns_uses_elements_of_the_packaged_catalog(world):
    from msoko.catalog.services import load_default_catalog

    load_default_catalog()
    seed_campaigns(world.municipality, world.current_year, people())
    staff = Campaign.objects.get(kind=Campaign.Kind.SELF_REPORT)
    assert [f.code for f in staff.fields.all()] == STAFF_ELEMENTS
    assert staff.rules.count() == 2
    audit = Campaign.objects.get(kind=Campaign.Kind.EXPERT_AUDIT)
    assert [f.data_element.code if f.data_element else None for f in audit.fields.all()] == [
        "upbringing_program", "mentoring_system", None]

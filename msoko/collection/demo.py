"""Demo campaigns, created through the same services the pages use.

`seed_campaigns` builds, for the current year of the demo municipality:

* a self-report «Кадровый состав (на 1 сентября)» sent to every school, with forms in every status:
  the first schools accepted (their values become data values), one returned with a comment, one
  submitted and waiting, one a draft, the rest not started;
* an expert website audit «Мониторинг сайтов ОО» of the first schools, filled by a methodist
  (present / absent with a link, and a score), part of it accepted.

Values are derived deterministically from each school's position, so the demo is reproducible.
"""

from __future__ import annotations

import datetime

from django.contrib.auth import get_user_model

from msoko.catalog import formula
from msoko.catalog.models import DataElement
from msoko.collection import campaign_services as services
from msoko.collection.models import Campaign, CampaignField, Submission
from msoko.registry.models import AcademicYear, Municipality, Organisation

STAFF_ELEMENTS = ["teachers_total", "teachers_highest_category", "teachers_first_category", "teachers_under35",
                  "teacher_vacancies"]
STAFF_RULES = [
    services.RuleInput("Категорийные педагоги не больше всех педагогов",
                       "teachers_highest_category + teachers_first_category", "<=", "teachers_total",
                       "Проверьте: педагог учитывается только в одной категории."),
    services.RuleInput("Молодые педагоги не больше всех педагогов", "teachers_under35", "<=", "teachers_total"),
]
AUDIT_ITEMS = [
    services.ChecklistItem("Программа воспитания размещена на сайте", element="upbringing_program"),
    services.ChecklistItem("Положение о наставничестве размещено на сайте", element="mentoring_system"),
    services.ChecklistItem("Раздел «Сведения об образовательной организации» заполнен полностью",
                           type=CampaignField.Type.SCORE, max_score=3, with_link=False),
]


def _user(people: list[dict], role: str, organisation: str | None = None):
    users = get_user_model().objects
    for person in people:
        if person.get("role") == role and (organisation is None or person.get("organisation") == organisation):
            return users.filter(username=person["username"]).first()
    return None


def _staff_answers(index: int) -> dict[str, str]:
    total = 24 + (index * 7) % 31
    highest = total * (20 + (index * 3) % 15) // 100
    first = total * (25 + (index * 5) % 20) // 100
    return {"teachers_total": str(total), "teachers_highest_category": str(highest),
            "teachers_first_category": str(first), "teachers_under35": str(total * (10 + index % 12) // 100),
            "teacher_vacancies": str(index % 3)}


def seed_campaigns(municipality: Municipality, year: AcademicYear, manifest_people: list[dict]) -> list[dict]:
    """Create the demo campaigns; returns one summary line per campaign (title and status counts)."""
    department = _user(manifest_people, "department")
    methodist = _user(manifest_people, "methodist")
    known = set(DataElement.objects.values_list("code", flat=True))
    schools = list(Organisation.objects.filter(municipality=municipality, kind=Organisation.Kind.SCHOOL).order_by("code"))
    if not schools:
        return []
    today = datetime.date.today()
    staff = services.compose_campaign(
        title="Кадровый состав (на 1 сентября)", year=year, deadline=today + datetime.timedelta(days=14),
        organisations=schools, elements=[c for c in STAFF_ELEMENTS if c in known],
        rules=[r for r in STAFF_RULES if set(formula.names(r.left)) | set(formula.names(r.right)) <= known],
        instructions="Заполните по данным отчёта ОО-1 на 1 сентября. Совместителей не учитывайте.", actor=department,
    )
    services.open_campaign(staff, actor=department)
    forms = {s.organisation_id: s for s in staff.submissions.all()}
    for index, school in enumerate(schools):
        form = forms[school.pk]
        admin = _user(manifest_people, "org_admin", school.code)
        answers = {k: v for k, v in _staff_answers(index).items() if k in {f.code for f in staff.fields.all()}}
        share = index / len(schools)
        if share >= 0.8:
            continue  # не начато
        if share >= 0.7:
            services.save_answers(form, dict(list(answers.items())[:2]), version=form.version, actor=admin)
            continue
        form = services.save_answers(form, answers, version=form.version, actor=admin, submit=True).submission
        if share >= 0.6:
            continue  # отправлено, ждёт проверки
        if share >= 0.5:
            services.return_submission(form, "Число вакансий не совпадает с отчётом ОО-1: уточните.", actor=department)
            continue
        services.accept_submission(form, actor=department)

    audited = schools[: max(1, min(6, len(schools)))]
    items = [i for i in AUDIT_ITEMS if not i.element or i.element in known]
    audit = services.compose_campaign(
        title="Мониторинг сайтов ОО", kind=Campaign.Kind.EXPERT_AUDIT, year=year,
        deadline=today + datetime.timedelta(days=30), organisations=audited, checklist=items,
        instructions="Проверьте раздел «Сведения об образовательной организации» и приложите ссылки на документы.",
        actor=department,
    )
    services.open_campaign(audit, actor=department)
    fields = list(audit.fields.all())
    for index, form in enumerate(audit.submissions.select_related("organisation").order_by("organisation__code")):
        if index >= len(audited) - 1:
            break  # the last school is still to be audited
        answers, links = {}, {}
        for number, field in enumerate(fields):
            if field.type == CampaignField.Type.SCORE:
                answers[field.code] = str((index + 2) % 4)
            else:
                present = (index + number) % 3 != 0
                answers[field.code] = "есть" if present else "нет"
                if present:
                    links[field.code] = f"https://{form.organisation.code.lower()}.example.ru/svedeniya/{field.code}"
        form = services.save_answers(form, answers, links=links, version=form.version, actor=methodist,
                                     submit=True).submission
        if index % 2 == 0:
            services.accept_submission(form, actor=department)
    summary = []
    for campaign in (staff, audit):
        counts = {label: campaign.submissions.filter(status=value).count() for value, label in Submission.Status.choices}
        summary.append({"title": campaign.title, "statuses": {k: v for k, v in counts.items() if v}})
    return summary

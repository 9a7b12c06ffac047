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
from msoko.collection.models import Campaign, CampaignField, DataValue, Submission
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


def _staff_answers(index: int, known: dict[str, float] | None = None) -> dict[str, str]:
    """A school's self-report: the staff counts its statistics already hold for the year (ОО-1), one
    or two teachers more or fewer; made up from its position where there are none. Every other share
    of teachers (in networks, trained, …) is counted against this total, so it must stay in step."""
    known = known or {}
    total = max(1, round(known["teachers_total"]) + index % 3 - 1) if known.get("teachers_total") else 24 + (index * 7) % 31

    def part(code: str, percent: int) -> int:
        if known.get(code) is not None and known.get("teachers_total"):
            return min(total, round(known[code] * total / known["teachers_total"]))
        return total * percent // 100

    return {"teachers_total": str(total),
            "teachers_highest_category": str(part("teachers_highest_category", 20 + (index * 3) % 15)),
            "teachers_first_category": str(part("teachers_first_category", 25 + (index * 5) % 20)),
            "teachers_under35": str(part("teachers_under35", 10 + index % 12)),
            "teacher_vacancies": str(round(known["teacher_vacancies"]) if known.get("teacher_vacancies") is not None
                                     else index % 3)}


def _known_staff(schools: list[Organisation], year: AcademicYear) -> dict[int, dict[str, float]]:
    """The staff counts stored for each school: this year's, or else the year before's."""
    labels = [y.label for y in AcademicYear.objects.filter(start_year__in=[year.start_year - 1, year.start_year])]
    rows = DataValue.objects.filter(
        organisation__in=schools, period__code__in=labels, category="", data_element__code__in=STAFF_ELEMENTS,
        value__isnull=False,
    ).values_list("organisation_id", "data_element__code", "value").order_by("period__start")
    known: dict[int, dict[str, float]] = {}
    for org, code, value in rows:  # the year before first, this year's after it: this year's wins
        known.setdefault(org, {})[code] = value
    return known


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
    known_staff = _known_staff(schools, year)
    for index, school in enumerate(schools):
        form = forms[school.pk]
        admin = _user(manifest_people, "org_admin", school.code)
        answers = {k: v for k, v in _staff_answers(index, known_staff.get(school.pk)).items()
                   if k in {f.code for f in staff.fields.all()}}
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

"""A complete management cycle of a past academic year for the demo municipality.

`seed_cycle` runs, for every main direction of the year's catalog, the cycle's positions 5–9
through the cycle's own services (so every step has its audit entry), starting from what the
stored analysis runs found:

* direction 2 — the latest ШНОР / ШНСУ run's stably low schools (and the overlay with unfavourable
  conditions), direction 1 — the schools the objectivity run flagged in the year, the other
  directions — the risk zones of the year's monitoring run (by the indicator's direction);
* an analytical note (position 5) listing those findings; recommendations drafted by the rule base
  from the findings, approved, sent, accepted and reported on by the addressed schools;
* two roadmap measures of the year per direction, done; a приказ with number, date, deadline,
  responsible persons, linked to the recommendations and measures, executed;
* an effectiveness analysis with the analytics core's estimate on stored indicator values (for
  direction 2 the demo's planted improving schools against the rest of their clusters), the
  suggested verdict, a problem statement and the goal of the next cycle drawn from it;
* one published DOCX document on each of the nine positions.

Besides, a coordination council of the demo's council persons with two held meetings of the year
(agenda, attendance, votes, a generated protocol), and one overdue measure of the following year
for the dashboard. The cycle year's matrix then has every position of every direction filled.
"""

from __future__ import annotations

import datetime
import io
import json
from dataclasses import dataclass, field

import polars as pl
from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction

from msoko.analytics.core.effect import comparison_group
from msoko.analytics.models import AnalysisRun, RiskZone, SchoolStatus
from msoko.analytics.selectors import indicator_values
from msoko.catalog import selectors as catalog
from msoko.catalog.cycle import CYCLE_POSITIONS
from msoko.cycle import findings as found
from msoko.cycle.effect_adapter import indicator_effects, suggest_verdict
from msoko.cycle.models import (
    Body,
    CycleDocument,
    Decision,
    EffectivenessAnalysis,
    Measure,
    Membership,
    Recommendation,
)
from msoko.cycle.models.recommendations import FindingKind
from msoko.cycle.services import council, decisions, documents, effectiveness, roadmap
from msoko.cycle.services import recommendations as recs
from msoko.cycle.services.recommendations import Finding
from msoko.registry.models import (
    AcademicYear,
    ClusterMembership,
    Municipality,
    Organisation,
    Person,
    Role,
    RoleAssignment,
)

MAX_FINDINGS = 3  # organisations per direction that get recommendations
R = Recommendation.Status

# Indicators whose change shows the effect of the work of directions 1 and 2 (catalog codes).
EFFECT_INDICATORS = {1: ["1.13", "1.15"], 2: ["1.01", "1.02"]}

DOCUMENT_KINDS = {
    "goals": (CycleDocument.Kind.CONCEPT, "Положение о муниципальной системе оценки качества образования: цели направления"),
    "indicators": (CycleDocument.Kind.CONCEPT, "Перечень показателей направления"),
    "methods": (CycleDocument.Kind.CONCEPT, "Методы сбора и обработки информации по направлению"),
    "monitoring": (CycleDocument.Kind.ORDER, "Приказ о проведении мониторинга"),
    "analysis": (CycleDocument.Kind.ANALYTICAL_NOTE, "Аналитическая справка по результатам мониторинга"),
    "recommendations": (CycleDocument.Kind.RECOMMENDATIONS, "Адресные рекомендации по итогам анализа"),
    "measures": (CycleDocument.Kind.PLAN, "Дорожная карта (план мероприятий)"),
    "decisions": (CycleDocument.Kind.ORDER, "Приказ об управленческих решениях"),
    "effectiveness": (CycleDocument.Kind.REPORT, "Аналитический отчёт об эффективности принятых мер"),
}


@dataclass
class Cast:
    """Who acts: the department, the operator, each direction's managers, the schools, the council."""

    department: Person
    operator: Person
    coordinators: dict[int, Person] = field(default_factory=dict)
    executors: dict[int, list[Person]] = field(default_factory=dict)
    org_admins: dict[int, Person] = field(default_factory=dict)
    council: list[Person] = field(default_factory=list)

    def manager(self, direction: int):
        """The user who runs a direction's cycle: its coordinator, else the department."""
        person = self.coordinators.get(direction) or self.department
        return person.user

    def responsible(self, direction: int) -> list[Person]:
        return [p for p in [self.coordinators.get(direction), *self.executors.get(direction, [])] if p]


def _cast(municipality: Municipality, people: dict[str, Person] | None) -> Cast:
    assignments = RoleAssignment.objects.select_related("person__user", "organisation").filter(
        person__user__isnull=False
    ).order_by("pk")
    local = [a for a in assignments if a.municipality_id == municipality.pk
             or (a.organisation_id and a.organisation.municipality_id == municipality.pk)]

    def first(role: str) -> Person | None:
        return next((a.person for a in local if a.role == role), None)

    people = people or {}
    department = people.get("department") or first(Role.DEPARTMENT)
    if department is None:
        raise ValueError(f"В муниципалитете «{municipality.name}» нет специалиста управления образования с учётной записью.")
    cast = Cast(department=department, operator=people.get("operator") or first(Role.OPERATOR) or department)
    for a in local:
        if a.role == Role.COORDINATOR and a.direction_number:
            cast.coordinators.setdefault(a.direction_number, a.person)
        elif a.role == Role.EXECUTOR and a.direction_number:
            cast.executors.setdefault(a.direction_number, []).append(a.person)
        elif a.role == Role.ORG_ADMIN and a.organisation_id:
            cast.org_admins.setdefault(a.organisation_id, a.person)
        elif a.role == Role.COUNCIL and a.person not in cast.council:
            cast.council.append(a.person)
    return cast


def _docx(title: str, lines: list[str]) -> ContentFile:
    from docx import Document

    doc = Document()
    doc.add_heading(title, level=0)
    for line in lines:
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return ContentFile(buffer.getvalue())


def _label(year: int) -> str:
    return f"{year}/{(year + 1) % 100:02d}"


def _read_planted() -> dict:
    path = settings.DATA_DIR / "demo-files" / "manifest.json"
    if not path.exists():
        return {}
    return json.loads(path.read_text(encoding="utf-8")).get("planted", {})


# ------------------------------------------------------------------------------------------------
# findings and the effectiveness set-up of each direction


def _findings(municipality: Municipality, number: int, year: int, plan: EffectPlan | None = None) -> list[Finding]:
    """The findings that lead to recommendations: ШНОР (2), objectivity (1), else the risk zones of the
    indicator and organisations chosen for the effectiveness check (`plan`)."""
    if number == found.SHNOR_DIRECTION:
        run = found.latest_run(municipality, AnalysisRun.Kind.SHNOR)
        items = found.shnor_findings(run) if run else []
    elif number == found.OBJECTIVITY_DIRECTION:
        run = found.latest_run(municipality, AnalysisRun.Kind.OBJECTIVITY)
        items = found.objectivity_findings(run, year) if run else []
    else:
        run = found.latest_run(municipality, AnalysisRun.Kind.MONITORING, year)
        if run is None or plan is None:
            return []
        items = [f for f in found.risk_zone_findings(run, number, plan.target)
                 if f.evidence.get("indicator_code") in plan.codes]
    keep: list[int] = []
    for f in items:
        if f.organisation.pk not in keep:
            keep.append(f.organisation.pk)
    return [f for f in items if f.organisation.pk in keep[:MAX_FINDINGS]]


@dataclass
class EffectPlan:
    codes: list[str]
    target: list[Organisation]
    comparison: list[Organisation]
    before: int
    after: int
    basis: str


def _years_with_values(past_year: int) -> tuple[int, int]:
    if AcademicYear.objects.filter(start_year=past_year + 1).exists():
        return past_year, past_year + 1
    return past_year - 1, past_year


def _comparison(municipality: Municipality, target: list[Organisation], year: int) -> list[Organisation]:
    """The other organisations of the targets' clusters (the core's rule), else of the same kind."""
    memberships = pl.DataFrame(
        list(ClusterMembership.objects.filter(academic_year__start_year=year, organisation__municipality=municipality)
             .values_list("organisation__code", "cluster__code")),
        schema={"org_code": pl.Utf8, "cluster": pl.Utf8}, orient="row",
    )
    codes = comparison_group(memberships, [o.code for o in target])
    if not codes:
        kinds = {o.kind for o in target}
        return list(Organisation.objects.filter(municipality=municipality, kind__in=kinds)
                    .exclude(pk__in=[o.pk for o in target]).order_by("code"))
    return list(Organisation.objects.filter(municipality=municipality, code__in=codes).order_by("code"))


def _with_both_years(codes: list[str], orgs: list[Organisation], before: int, after: int) -> list[Organisation]:
    from msoko.catalog.models import Indicator

    indicators = list(Indicator.objects.filter(code__in=codes, version__is_current=True))
    values = indicator_values(indicators, organisation_ids=[o.pk for o in orgs], years=[before, after])
    both = (values.filter(pl.col("value").is_not_null()).group_by("org_code", "indicator")
            .agg(pl.col("year").n_unique().alias("n")).filter(pl.col("n") == 2))
    ok = set(both.get_column("org_code").to_list())
    return [o for o in orgs if o.code in ok]


def _effect_plan(municipality: Municipality, number: int, past_year: int, items: list[Finding],
                 planted: dict, direction) -> EffectPlan:
    before, after = _years_with_values(past_year)
    indicator_codes = [i.code for i in direction.indicators.all()]
    if number == found.SHNOR_DIRECTION and planted.get("improving"):
        improving = planted["improving"]
        measure_year = int(improving[0].get("measure_year", before))
        if AcademicYear.objects.filter(start_year=measure_year + 1).exists():
            before, after = measure_year, measure_year + 1
        target = list(Organisation.objects.filter(municipality=municipality, code__in=[p["code"] for p in improving]))
        basis = f"школы, в которых с {_label(before)} учебного года реализуется программа помощи"
        codes = EFFECT_INDICATORS[number]
    elif number in EFFECT_INDICATORS:
        target = list({f.organisation.pk: f.organisation for f in items}.values())
        codes = EFFECT_INDICATORS[number]
        basis = "организации, которым направлены адресные рекомендации"
    else:
        zones = (RiskZone.objects.filter(run=found.latest_run(municipality, AnalysisRun.Kind.MONITORING, past_year),
                                         indicator_code__in=indicator_codes)
                 .values_list("indicator_code", "organisation_id"))
        by_indicator: dict[str, list[int]] = {}
        for code, org in zones:
            by_indicator.setdefault(code, []).append(org)
        ranked = sorted(by_indicator, key=lambda c: (-len(set(by_indicator[c])), indicator_codes.index(c)))
        codes, target = [], []
        for code in ranked:
            zone_orgs = sorted(set(by_indicator[code]))
            if len(zone_orgs) > MAX_FINDINGS:  # a zone nearly everyone is in says little about a measure
                continue
            orgs = _with_both_years([code], list(Organisation.objects.filter(pk__in=zone_orgs)), before, after)
            if orgs:
                codes, target = [code], orgs
                break
        basis = "организации в зоне риска по показателю"
        if not codes:  # no risk zone: the first indicator with data, the three organisations of its kind
            codes = indicator_codes[:1]
            target = list(Organisation.objects.filter(municipality=municipality).order_by("code"))
            target = _with_both_years(codes, target, before, after)[:MAX_FINDINGS]
            basis = "организации, выбранные для проверки"
    codes = [c for c in codes if c in indicator_codes or number in EFFECT_INDICATORS]
    target = _with_both_years(codes, target, before, after) or target
    comparison = _comparison(municipality, target, before)
    return EffectPlan(codes, target, comparison, before, after, basis)


# ------------------------------------------------------------------------------------------------
# the cycle of one direction


def _walk_recommendations(cast: Cast, rows: list[Recommendation], number: int, year: AcademicYear) -> None:
    manager = cast.manager(number)
    deadline = datetime.date(year.start_year + 1, 5, 31)
    for rec in rows:
        recs.edit(manager, rec, deadline=deadline)
        recs.move(manager, rec, R.APPROVED)
        recs.move(manager, rec, R.SENT)
        org = rec.addressed_organisation
        answering = cast.org_admins.get(org.pk).user if org is not None and org.pk in cast.org_admins else (
            manager if org is None else None)
        if answering is None:
            continue
        recs.move(answering, rec, R.ACCEPTED)
        who = org.short_name if org is not None else "Управление образования"
        recs.move(answering, rec, R.REPORTED, report=(
            f"{who}: рекомендация «{rec.title}» выполнена — меры включены в план работы на {year.label} учебный год, "
            "проведены заседания методических объединений, отчёт рассмотрен на педагогическом совете."))


def _direction_cycle(cast: Cast, municipality: Municipality, direction, year: AcademicYear, past_roadmap,
                     planted: dict) -> dict:
    number = direction.number
    name = direction.short_name or direction.name
    manager = cast.manager(number)
    start = year.start_year
    items = _findings(municipality, number, start)
    plan = _effect_plan(municipality, number, start, items, planted, direction)
    if number not in (found.SHNOR_DIRECTION, found.OBJECTIVITY_DIRECTION):
        items = _findings(municipality, number, start, plan)
    if not items:  # nothing stood out: the organisations chosen for the effect check get a deficit note
        items = [Finding(FindingKind.DEFICIT, o, number, plan.codes[0], {"basis": plan.basis})
                 for o in plan.target[:MAX_FINDINGS]]
    drafted = recs.draft_from_findings(manager, municipality, items, year)
    _walk_recommendations(cast, drafted, number, year)
    targets = list({f.organisation.pk: f.organisation for f in items}.values())

    measures = []
    for k, (content, due) in enumerate([
        (f"{name}: методический семинар по итогам анализа для организаций, получивших адресные рекомендации",
         datetime.date(start, 11, 20 + number)),
        (f"{name}: выездные консультации и наставническое сопровождение организаций, получивших рекомендации",
         datetime.date(start + 1, 3, 10 + number)),
    ], start=1):
        m = roadmap.create_measure(
            manager, municipality, content=content, direction_number=number, roadmap=past_roadmap,
            number=f"{number}.{k}", due_date=due, responsible_text=cast.responsible(number)[0].full_name
            if cast.responsible(number) else "", expected_result="проведено, материалы размещены на сайте",
        )
        roadmap.assign(manager, m, responsible=cast.responsible(number), organisations=targets)
        roadmap.change_status(manager, m, Measure.Status.IN_PROGRESS)
        roadmap.change_status(manager, m, Measure.Status.DONE)
        measures.append(m)

    date = datetime.date(start, 10, 1 + number)
    decision = decisions.create_decision(
        manager, municipality, kind=Decision.Kind.ORDER, number=f"{120 + number}-од", date=date,
        content=(f"Об утверждении комплекса мер по направлению «{name}» на {year.label} учебный год и о "
                 "направлении адресных рекомендаций образовательным организациям"),
        direction_number=number, deadline=datetime.date(start + 1, 5, 31), responsible=cast.responsible(number),
        participants=[cast.department], organisations=targets, recommendations=drafted, measures=measures,
    )
    decisions.mark_executed(manager, decision, on=datetime.date(start + 1, 5, 20),
                            report="Меры комплекса выполнены, отчёты организаций приняты.")

    analysis = _analyse(cast, municipality, number, name, year, plan, measures[0], decision)
    goal = effectiveness.next_cycle_goal(manager, analysis)

    docs = _documents(cast, municipality, direction, year, items, drafted, measures, decision, analysis)
    return {"recommendations": [r.pk for r in drafted], "measures": [m.pk for m in measures], "decision": decision.pk,
            "analysis": analysis.pk, "verdict": analysis.verdict, "goal": goal.pk, "documents": [d.pk for d in docs],
            "targets": [o.code for o in plan.target]}


def _analyse(cast: Cast, municipality, number: int, name: str, year: AcademicYear, plan: EffectPlan,
             measure: Measure, decision: Decision) -> EffectivenessAnalysis:
    """The analysis with the core's estimate; the verdict is the suggested one, the problem follows it."""
    indicators = effectiveness.catalog_indicators(plan.codes)
    values = effectiveness.read_values(indicators, [*plan.target, *plan.comparison], [plan.before, plan.after])
    rows = indicator_effects(values, [o.code for o in plan.target], [o.code for o in plan.comparison], plan.before,
                             plan.after, {i.code: i.higher_is_better for i in indicators}, {i.code: i.name for i in indicators})
    verdict = suggest_verdict(rows)
    weak = [f"«{i.name}»" for i, r in zip(indicators, rows, strict=True) if r.get("estimate") != "улучшение"]
    if verdict == EffectivenessAnalysis.Verdict.EFFECTIVE:
        problem = (f"{name}: результаты целевых организаций ({plan.basis}) улучшились значимо больше, чем в группе "
                   "сравнения; нужно закрепить результат и распространить практику на другие организации.")
    else:
        problem = (f"{name}: по показателям {', '.join(weak)} у целевых организаций ({plan.basis}) нет значимого "
                   "улучшения по сравнению с группой сравнения; меры требуют корректировки.")
    return effectiveness.analyse(
        cast.manager(number), municipality, direction_number=number, academic_year=year, indicator_codes=plan.codes,
        target=plan.target, comparison=plan.comparison, before_year=plan.before, after_year=plan.after,
        verdict=verdict, problem_statement=problem, measure=measure, decision=decision, values=values,
    )


def _documents(cast: Cast, municipality, direction, year: AcademicYear, items: list[Finding],
               drafted: list[Recommendation], measures: list[Measure], decision: Decision,
               analysis: EffectivenessAnalysis) -> list[CycleDocument]:
    """One published DOCX per position of the cycle, with the content of that position."""
    number = direction.number
    name = direction.name
    goals = [f"{g.code}. {g.text}" for g in direction.goals.all()]
    indicators = list(direction.indicators.all())
    finding_lines = [
        f"{f.organisation.short_name}: {FindingKind(f.kind).label}" + (f" ({f.indicator})" if f.indicator else "")
        for f in items
    ]
    content = {
        "goals": goals or ["Цели направления заданы концепцией управления качеством образования."],
        "indicators": [f"{i.code}. {i.name}" for i in indicators],
        "methods": [f"{i.code}. {i.name}: {i.collection_method or 'метод сбора не указан'}" for i in indicators],
        "monitoring": [f"Провести мониторинг по направлению «{name}» за {year.label} учебный год по показателям "
                       f"каталога ({len(indicators)}); срок представления данных — 15 июня {year.start_year + 1} г."],
        "analysis": ["По результатам анализа данных мониторинга выявлено:", *finding_lines]
        if finding_lines else ["Значимых отклонений не выявлено."],
        "recommendations": [f"{r.title} — {r.organisation.short_name if r.organisation else 'муниципалитет'}: {r.text}"
                            for r in drafted],
        "measures": [f"{m.number}. {m.content} — срок {m.deadline_text}, ответственный: {m.responsible_text}"
                     for m in measures],
        "decisions": [f"{decision}: {decision.content}. Срок исполнения — {decision.deadline:%d.%m.%Y}."],
        "effectiveness": [f"Вывод: {analysis.get_verdict_display()}.",
                          *[r.get("explanation") or f"{r['indicator']}: {r.get('error', '')}"
                            for r in analysis.results.get("rows", [])],
                          f"Выявленная проблема: {analysis.problem_statement}"],
    }
    out = []
    for position in CYCLE_POSITIONS:
        kind, title = DOCUMENT_KINDS[position.code]
        full_title = f"{title}: {name} ({year.label})"
        upload = _docx(full_title, content[position.code])
        upload.name = f"d{number}-{position.number}-{position.code}-{year.start_year}.docx"
        doc = documents.add_document(
            cast.operator.user, municipality, direction_number=number, academic_year=year, position=position.code,
            title=full_title[:500], kind=kind, uploaded=upload,
        )
        out.append(documents.set_published(cast.operator.user, doc, True))
    return out


COUNCIL_ROLES = [Membership.Role.CHAIR, Membership.Role.DEPUTY, Membership.Role.SECRETARY]


def _council(cast: Cast, municipality: Municipality, year: AcademicYear) -> dict:
    """The coordination council with the demo's council persons and two held meetings of the year."""
    department = cast.department.user
    start = year.start_year
    body = council.create_body(department, municipality, Body.Kind.COUNCIL,
                               "Координационный совет по управлению качеством образования",
                               datetime.date(start, 9, 1))
    members = cast.council or [cast.department]
    for k, person in enumerate(members):
        role = COUNCIL_ROLES[k] if k < len(COUNCIL_ROLES) else Membership.Role.MEMBER
        council.add_member(department, body, person, role, datetime.date(start, 9, 1))
    agenda = [
        (datetime.date(start, 10, 24), [
            ("Об итогах мониторинга и выявлении школ с низкими образовательными результатами", 2,
             "Одобрить перечень школ с низкими результатами и адресную программу помощи."),
            ("Об обеспечении объективности оценочных процедур", 1,
             "Рекомендовать организовать перепроверку работ ВПР в школах с признаками необъективности."),
        ]),
        (datetime.date(start + 1, 3, 19), [
            ("О ходе исполнения дорожной карты по направлениям", None, ""),
            ("О результатах мониторинга профессионального развития педагогов", 6,
             "Рекомендовать включить диагностику профессиональных дефицитов в планы школ."),
        ]),
    ]
    meetings = []
    present = [p.pk for p in members[:-1]] if len(members) > 2 else [p.pk for p in members]
    for number, (day, items) in enumerate(agenda, start=1):
        meeting = council.schedule_meeting(department, body, str(number), day, "Управление образования, актовый зал")
        added = []
        for title, direction, text in items:
            kind = None if direction else "information"
            added.append(council.add_agenda_item(department, meeting, title, decision_kind=kind, decision_text=text,
                                                 speaker=cast.department.full_name, direction_number=direction))
        council.record_attendance(department, meeting, present)
        for item in added:
            if item.decision_kind != "information":
                council.record_vote(department, item, votes_for=len(present) - 1, votes_against=0, abstained=1)
        council.generate_protocol(department, meeting)
        meetings.append(meeting.pk)
    return {"body": body.pk, "meetings": meetings}


def _overdue_measure(cast: Cast, municipality: Municipality, past_year: int) -> Measure:
    """A measure of the following year left undone after its date, for the dashboard's control list."""
    following = AcademicYear.objects.filter(start_year=past_year + 1).first()
    plan = roadmap.create_roadmap(
        cast.department.user, municipality, academic_year=following,
        title=f"Дорожная карта реализации механизмов управления качеством образования на {_label(past_year + 1)} учебный год",
    )
    today = datetime.date.today()
    due = max(datetime.date(past_year + 1, 9, 15), min(datetime.date(past_year + 2, 3, 31), today - datetime.timedelta(days=14)))
    measure = roadmap.create_measure(
        cast.manager(2), municipality, roadmap=plan, direction_number=2, number="2.1", due_date=due,
        content="Сетевой семинар школ-наставников и школ с низкими результатами по итогам первого полугодия",
        responsible_text=cast.responsible(2)[0].full_name if cast.responsible(2) else "",
    )
    roadmap.assign(cast.manager(2), measure, responsible=cast.responsible(2))
    return roadmap.change_status(cast.manager(2), measure, Measure.Status.OVERDUE)


def _practices(cast: Cast, municipality: Municipality, year: AcademicYear) -> list[int]:
    """The resilient schools of the latest ШНОР run enter the bank of practices (direction 2)."""
    run = found.latest_run(municipality, AnalysisRun.Kind.SHNOR)
    if run is None:
        return []
    out = []
    for status in SchoolStatus.objects.filter(run=run, resilient=True).select_related("organisation").order_by(
        "organisation__code"
    )[:2]:
        practice = recs.add_practice(
            cast.department.user, municipality, organisation=status.organisation, direction_numbers=[2],
            source="resilient", year=year,
            title=f"Высокие результаты в неблагоприятных условиях: опыт {status.organisation.short_name}",
            description="Индивидуальные образовательные маршруты, наставничество «учитель — учитель», "
                        "работа с родителями через родительский клуб.",
        )
        out.append(practice.pk)
    return out


@transaction.atomic
def seed_cycle(municipality: Municipality, *, past_year: int, people: dict[str, Person] | None = None,
               planted: dict | None = None) -> dict:
    """Run a complete management cycle of the academic year starting in `past_year` for every main direction.

    `people` may name the acting «department» and «operator» persons (by default the first with those
    roles); coordinators, executors, school administrators and council members come from the role
    assignments. `planted` is the demo manifest's planted truth (read from the data directory's
    `demo-files/manifest.json` when not given): its improving schools are the targets of direction 2's
    effectiveness analysis. Returns what was created, per direction.
    """
    year = AcademicYear.objects.get(start_year=past_year)
    version = catalog.version_for_year(year)
    if version is None:
        raise ValueError("Каталог показателей не загружен.")
    cast = _cast(municipality, people)
    planted = _read_planted() if planted is None else planted
    recs.load_default_rules(cast.department.user)
    practices = _practices(cast, municipality, year)
    past_roadmap = roadmap.create_roadmap(
        cast.department.user, municipality, academic_year=year,
        title=f"Дорожная карта реализации механизмов управления качеством образования на {year.label} учебный год",
    )
    result: dict = {"year": past_year, "practices": practices, "roadmap": past_roadmap.pk, "directions": {}}
    for direction in catalog.directions_with_content(version).filter(is_variant=False):
        result["directions"][direction.number] = _direction_cycle(
            cast, municipality, direction, year, past_roadmap, planted
        )
    result["council"] = _council(cast, municipality, year)
    result["overdue_measure"] = _overdue_measure(cast, municipality, past_year).pk
    return result

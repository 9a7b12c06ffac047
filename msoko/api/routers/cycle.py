"""Recommendations, measures and management decisions: reads, creation and status transitions.

Writes call the services the cycle pages use (`msoko.cycle.services`): they check who may change
what (`msoko.cycle.permissions`) and write the audit row. A rule a creation breaks is a 422 with
the service's Russian message; a forbidden status transition stays a 400.
"""

from collections.abc import Callable

from django.db.models import Model, QuerySet
from django.http import Http404
from ninja import Router, Status
from ninja.pagination import LimitOffsetPagination, paginate

from msoko.api.errors import InvalidInput
from msoko.api.periods import start_year_of
from msoko.api.routers.common import READ_ERRORS, STAFF_ERRORS, WRITE_ERRORS, staff_scope
from msoko.api.schemas import (
    DecisionCancelIn,
    DecisionExecutedIn,
    DecisionIn,
    DecisionOut,
    MeasureIn,
    MeasureOut,
    MeasureStatusIn,
    RecommendationIn,
    RecommendationOut,
    RecommendationStatusIn,
)
from msoko.cycle import selectors as cycle
from msoko.cycle.errors import CycleError
from msoko.cycle.models import Decision, Measure, Recommendation, Roadmap
from msoko.cycle.services import decisions as decision_services
from msoko.cycle.services import recommendations as recommendation_services
from msoko.cycle.services import roadmap as roadmap_services
from msoko.registry.models import AcademicYear, Municipality

router = Router(tags=["Управленческий цикл"])


def _filtered(qs: QuerySet, status: str, direction: int | None) -> QuerySet:
    """The list filters shared by recommendations, measures and decisions."""
    if status:
        qs = qs.filter(status=status)
    if direction is not None:
        qs = qs.filter(direction_number=direction)
    return qs


def _one(qs: QuerySet, pk: int, missing: str):
    found = qs.filter(pk=pk).first()
    if found is None:
        raise Http404(missing)
    return found


def _municipal(request, model: type[Model]) -> QuerySet:
    """Objects of the municipalities a staff member sees (403 for organisations, council, public)."""
    return model.objects.filter(municipality__in=staff_scope(request).visible_municipalities()).select_related(
        "municipality"
    )


def _municipality(request, code: str | None) -> Municipality:
    """Where a new object goes: the named municipality (404 outside the scope), or the only one the user has."""
    municipalities = staff_scope(request).visible_municipalities().order_by("code")
    if code:
        found = municipalities.filter(code=code).first()
        if found is None:
            raise Http404("Муниципалитет не найден")
        return found
    found = list(municipalities[:2])
    if len(found) != 1:
        raise InvalidInput("Укажите муниципалитет (поле municipality): вам доступно несколько муниципалитетов.")
    return found[0]


def _all_found(kind: str, asked: list, found: dict) -> list:
    missing = [str(key) for key in dict.fromkeys(asked) if key not in found]
    if missing:
        raise InvalidInput(f"{kind} не найдены в этом муниципалитете: {', '.join(missing[:20])}.")
    return list(found.values())


def _created(action: Callable[[], Model], out: Callable[[Model], dict]) -> Status:
    """Run a creating service: 201 with the new object, or 422 with the rule it broke."""
    try:
        created = action()
    except CycleError as exc:
        raise InvalidInput(str(exc)) from exc
    return Status(201, out(created))


def _recommendation_out(r: Recommendation) -> dict:
    return {
        "id": r.pk, "municipality": r.municipality.code, "direction_number": r.direction_number,
        "academic_year": r.academic_year.label if r.academic_year else None, "addressee_level": r.addressee_level,
        "organisation": r.organisation.code if r.organisation else None, "addressee_note": r.addressee_note,
        "finding_kind": r.finding_kind, "title": r.title, "text": r.text, "deadline": r.deadline, "status": r.status,
        "report": r.report, "created_at": r.created_at,
    }


def _recommendations(request) -> QuerySet[Recommendation]:
    return cycle.recommendations_for(request.user).select_related("municipality", "academic_year", "organisation")


def _recommendation_or_404(request, pk: int) -> Recommendation:
    return _one(_recommendations(request), pk, "Рекомендация не найдена")


@router.get("/recommendations/", response={200: list[RecommendationOut], **READ_ERRORS}, summary="Рекомендации")
@paginate(LimitOffsetPagination)
def recommendations(request, status: str = "", direction: int | None = None):
    """Специалистам — все рекомендации территории; организации — направленные ей."""
    return [_recommendation_out(r) for r in _filtered(_recommendations(request), status, direction)]


@router.post("/recommendations/", response={201: RecommendationOut, **WRITE_ERRORS}, summary="Создать рекомендацию")
def recommendation_create(request, payload: RecommendationIn):
    """Черновик рекомендации (как «Новая рекомендация» в интерфейсе): координатор или исполнитель направления,
    управление; адресат — организация того же муниципалитета."""
    municipality = _municipality(request, payload.municipality)
    organisation = None
    if payload.organisation:
        organisation = staff_scope(request).visible_organisations().filter(
            municipality=municipality, code=payload.organisation).first()
        if organisation is None:
            raise InvalidInput(f"Организация «{payload.organisation}» не найдена в этом муниципалитете.")
    year = None
    if payload.academic_year:
        start = start_year_of(payload.academic_year)
        year = AcademicYear.objects.filter(start_year=start).first() if start is not None else None
        if year is None:
            raise InvalidInput(f"Учебный год «{payload.academic_year}» не найден (ожидается, например, 2024/25).")
    return _created(lambda: recommendation_services.create_recommendation(
        request.user, municipality, title=payload.title, text=payload.text, addressee_level=payload.addressee_level,
        organisation=organisation, direction_number=payload.direction_number, academic_year=year,
        deadline=payload.deadline, addressee_note=payload.addressee_note,
    ), _recommendation_out)


@router.get("/recommendations/{pk}/", response={200: RecommendationOut, **READ_ERRORS}, summary="Рекомендация")
def recommendation(request, pk: int):
    return _recommendation_out(_recommendation_or_404(request, pk))


@router.post(
    "/recommendations/{pk}/status/", response={200: RecommendationOut, **WRITE_ERRORS},
    summary="Сменить статус рекомендации",
)
def recommendation_status(request, pk: int, payload: RecommendationStatusIn):
    """Утвердить и направить (координатор, исполнитель направления, управление), принять и отчитаться (адресат)."""
    found = _recommendation_or_404(request, pk)
    return _recommendation_out(recommendation_services.move(request.user, found, payload.status, report=payload.report))


def _measure_out(m: Measure) -> dict:
    return {
        "id": m.pk, "municipality": m.municipality.code, "roadmap": m.roadmap_id, "number": m.number,
        "section": m.section, "content": m.content, "direction_number": m.direction_number,
        "cycle_position": m.cycle_position, "deadline_text": m.deadline_text, "due_date": m.due_date,
        "period_start": m.period_start, "period_end": m.period_end, "status": m.status,
        "responsible_text": m.responsible_text, "expected_result": m.expected_result, "result_url": m.result_url,
    }


def _measure_or_404(request, pk: int) -> Measure:
    return _one(_municipal(request, Measure), pk, "Мероприятие не найдено")


@router.get("/measures/", response={200: list[MeasureOut], **STAFF_ERRORS}, summary="Мероприятия")
@paginate(LimitOffsetPagination)
def measures(request, status: str = "", direction: int | None = None):
    return [_measure_out(m) for m in _filtered(_municipal(request, Measure), status, direction)]


@router.post("/measures/", response={201: MeasureOut, **WRITE_ERRORS}, summary="Создать мероприятие")
def measure_create(request, payload: MeasureIn):
    """Мероприятие, введённое вручную (как на странице дорожной карты): координатор или исполнитель
    направления, управление; без направления — только управление."""
    municipality = _municipality(request, payload.municipality)
    roadmap = None
    if payload.roadmap is not None:
        roadmap = Roadmap.objects.filter(municipality=municipality, pk=payload.roadmap).first()
        if roadmap is None:
            raise InvalidInput(f"Дорожная карта №{payload.roadmap} не найдена в этом муниципалитете.")
    return _created(lambda: roadmap_services.create_measure(
        request.user, municipality, content=payload.content, direction_number=payload.direction_number,
        roadmap=roadmap, number=payload.number, due_date=payload.due_date, responsible_text=payload.responsible_text,
        expected_result=payload.expected_result,
    ), _measure_out)


@router.get("/measures/{pk}/", response={200: MeasureOut, **STAFF_ERRORS}, summary="Мероприятие")
def measure(request, pk: int):
    return _measure_out(_measure_or_404(request, pk))


@router.post("/measures/{pk}/status/", response={200: MeasureOut, **WRITE_ERRORS}, summary="Сменить статус мероприятия")
def measure_status(request, pk: int, payload: MeasureStatusIn):
    found = _measure_or_404(request, pk)
    return _measure_out(roadmap_services.change_status(request.user, found, payload.status, result_url=payload.result_url))


def _decision_out(d: Decision) -> dict:
    return {
        "id": d.pk, "municipality": d.municipality.code, "kind": d.kind, "number": d.number, "date": d.date,
        "content": d.content, "direction_number": d.direction_number, "deadline": d.deadline, "status": d.status,
        "executed_on": d.executed_on, "execution_report": d.execution_report, "document_url": d.document_url,
        "recommendations": sorted(d.recommendations.values_list("pk", flat=True)),
        "measures": sorted(d.measures.values_list("pk", flat=True)),
        "organisations": sorted(d.organisations.values_list("code", flat=True)),
    }


def _decision_or_404(request, pk: int) -> Decision:
    return _one(_municipal(request, Decision), pk, "Решение не найдено")


@router.get("/decisions/", response={200: list[DecisionOut], **STAFF_ERRORS}, summary="Управленческие решения")
@paginate(LimitOffsetPagination)
def decisions(request, status: str = "", direction: int | None = None):
    return [_decision_out(d) for d in _filtered(_municipal(request, Decision), status, direction)]


@router.post("/decisions/", response={201: DecisionOut, **WRITE_ERRORS}, summary="Создать управленческое решение")
def decision_create(request, payload: DecisionIn):
    """Решение со связями: рекомендации, которые оно исполняет, мероприятия и организации — того же
    муниципалитета. Создают координатор или исполнитель направления, управление."""
    municipality = _municipality(request, payload.municipality)
    recommendations = _all_found("Рекомендации", payload.recommendations, {
        r.pk: r for r in _recommendations(request).filter(municipality=municipality, pk__in=payload.recommendations)})
    measures = _all_found("Мероприятия", payload.measures, {
        m.pk: m for m in Measure.objects.filter(municipality=municipality, pk__in=payload.measures)})
    organisations = _all_found("Организации", payload.organisations, {
        o.code: o for o in staff_scope(request).visible_organisations().filter(
            municipality=municipality, code__in=payload.organisations)})
    return _created(lambda: decision_services.create_decision(
        request.user, municipality, kind=payload.kind, date=payload.date, content=payload.content,
        number=payload.number, direction_number=payload.direction_number, deadline=payload.deadline,
        organisations=organisations, recommendations=recommendations, measures=measures,
        document_url=payload.document_url,
    ), _decision_out)


@router.get("/decisions/{pk}/", response={200: DecisionOut, **STAFF_ERRORS}, summary="Управленческое решение")
def decision(request, pk: int):
    return _decision_out(_decision_or_404(request, pk))


@router.post("/decisions/{pk}/executed/", response={200: DecisionOut, **WRITE_ERRORS}, summary="Отметить исполнение")
def decision_executed(request, pk: int, payload: DecisionExecutedIn):
    found = _decision_or_404(request, pk)
    return _decision_out(decision_services.mark_executed(request.user, found, on=payload.on, report=payload.report))


@router.post("/decisions/{pk}/cancel/", response={200: DecisionOut, **WRITE_ERRORS}, summary="Отменить решение")
def decision_cancel(request, pk: int, payload: DecisionCancelIn):
    found = _decision_or_404(request, pk)
    return _decision_out(decision_services.cancel_decision(request.user, found, reason=payload.reason))

"""Recommendations, measures and management decisions, with their status transitions."""

from django.http import Http404
from ninja import Router
from ninja.pagination import LimitOffsetPagination, paginate

from msoko.api.routers.common import READ_ERRORS, STAFF_ERRORS, WRITE_ERRORS, staff_scope
from msoko.api.schemas import (
    DecisionCancelIn,
    DecisionExecutedIn,
    DecisionOut,
    MeasureOut,
    MeasureStatusIn,
    RecommendationOut,
    RecommendationStatusIn,
)
from msoko.cycle import selectors as cycle
from msoko.cycle.models import Decision, Measure, Recommendation
from msoko.cycle.services import decisions as decision_services
from msoko.cycle.services import recommendations as recommendation_services
from msoko.cycle.services import roadmap as roadmap_services

router = Router(tags=["Управленческий цикл"])


def _recommendation_out(r: Recommendation) -> dict:
    return {
        "id": r.pk, "municipality": r.municipality.code, "direction_number": r.direction_number,
        "academic_year": r.academic_year.label if r.academic_year else None, "addressee_level": r.addressee_level,
        "organisation": r.organisation.code if r.organisation else None, "addressee_note": r.addressee_note,
        "finding_kind": r.finding_kind, "title": r.title, "text": r.text, "deadline": r.deadline, "status": r.status,
        "report": r.report, "created_at": r.created_at,
    }


def _recommendation_or_404(request, pk: int) -> Recommendation:
    found = cycle.recommendations_for(request.user).select_related("municipality", "academic_year").filter(pk=pk).first()
    if found is None:
        raise Http404("Рекомендация не найдена")
    return found


@router.get("/recommendations/", response={200: list[RecommendationOut], **READ_ERRORS}, summary="Рекомендации")
@paginate(LimitOffsetPagination)
def recommendations(request, status: str = "", direction: int | None = None):
    """Специалистам — все рекомендации территории; организации — направленные ей."""
    qs = cycle.recommendations_for(request.user).select_related("municipality", "academic_year")
    if status:
        qs = qs.filter(status=status)
    if direction is not None:
        qs = qs.filter(direction_number=direction)
    return [_recommendation_out(r) for r in qs]


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


def _measures(request):
    return Measure.objects.filter(municipality__in=staff_scope(request).visible_municipalities()).select_related("municipality")


@router.get("/measures/", response={200: list[MeasureOut], **STAFF_ERRORS}, summary="Мероприятия")
@paginate(LimitOffsetPagination)
def measures(request, status: str = "", direction: int | None = None):
    qs = _measures(request)
    if status:
        qs = qs.filter(status=status)
    if direction is not None:
        qs = qs.filter(direction_number=direction)
    return [_measure_out(m) for m in qs]


@router.get("/measures/{pk}/", response={200: MeasureOut, **STAFF_ERRORS}, summary="Мероприятие")
def measure(request, pk: int):
    found = _measures(request).filter(pk=pk).first()
    if found is None:
        raise Http404("Мероприятие не найдено")
    return _measure_out(found)


@router.post("/measures/{pk}/status/", response={200: MeasureOut, **WRITE_ERRORS}, summary="Сменить статус мероприятия")
def measure_status(request, pk: int, payload: MeasureStatusIn):
    found = _measures(request).filter(pk=pk).first()
    if found is None:
        raise Http404("Мероприятие не найдено")
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


def _decisions(request):
    return Decision.objects.filter(municipality__in=staff_scope(request).visible_municipalities()).select_related("municipality")


def _decision_or_404(request, pk: int) -> Decision:
    found = _decisions(request).filter(pk=pk).first()
    if found is None:
        raise Http404("Решение не найдено")
    return found


@router.get("/decisions/", response={200: list[DecisionOut], **STAFF_ERRORS}, summary="Управленческие решения")
@paginate(LimitOffsetPagination)
def decisions(request, status: str = "", direction: int | None = None):
    qs = _decisions(request)
    if status:
        qs = qs.filter(status=status)
    if direction is not None:
        qs = qs.filter(direction_number=direction)
    return [_decision_out(d) for d in qs]


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

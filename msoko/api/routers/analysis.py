"""Analysis runs (ШНОР / ШНСУ, objectivity, monitoring) and their stored results."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.forms.models import model_to_dict
from django.http import Http404
from ninja import Router, Schema, Status
from ninja.pagination import LimitOffsetPagination, paginate

from msoko.analytics import selectors as analytics
from msoko.analytics.core.errors import AnalyticsError
from msoko.analytics.models import (
    AnalysisRun,
    ObjectivityFlag,
    RiskZone,
    SchoolStatus,
    ShnorResult,
    StatusChange,
)
from msoko.api.routers.common import STAFF_ERRORS, WRITE_ERRORS, staff_scope
from msoko.api.schemas import AnalysisResultsOut, AnalysisRunOut

router = Router(tags=["Расчёты"])


def _run_out(run: AnalysisRun) -> dict:
    return {
        "id": run.pk, "kind": run.kind, "municipality": run.municipality.code if run.municipality else None,
        "years": run.years or [], "settings": run.settings or {}, "inputs": run.inputs or {}, "status": run.status,
        "progress": run.progress, "stage": run.stage, "warnings": run.warnings or [], "summary": run.summary or {},
        "error": run.error, "created_at": run.created_at, "started_at": run.started_at, "finished_at": run.finished_at,
    }


def _run_or_404(request, pk: int) -> AnalysisRun:
    run = analytics.visible_runs(staff_scope(request)).filter(pk=pk).first()
    if run is None:
        raise Http404("Расчёт не найден")
    return run


@router.get("/analysis/runs/", response={200: list[AnalysisRunOut], **STAFF_ERRORS}, summary="Расчёты")
@paginate(LimitOffsetPagination)
def runs(request, kind: str = ""):
    return [_run_out(r) for r in analytics.visible_runs(staff_scope(request), kind or None)]


class RunIn(Schema):
    kind: Literal["shnor", "objectivity", "monitoring"]
    year: int | None = None
    settings: dict[str, str] = {}


@router.post("/analysis/runs/", response={202: AnalysisRunOut, **WRITE_ERRORS}, summary="Запустить расчёт")
def start_run(request, payload: RunIn):
    """Запустить расчёт (управление образования или региональный специалист).

    Параметры — как поля формы на странице «Анализ» (имена полей настроек, пусто — по умолчанию);
    для мониторинга обязателен `year`. Ход расчёта — `GET /analysis/runs/{id}/` (`progress`, `stage`).
    """
    from msoko.analytics import services, tasks

    user_scope = staff_scope(request)
    if not user_scope.can_manage:
        raise PermissionDenied("Запускать расчёты могут управление образования и региональный специалист.")
    municipalities = list(user_scope.visible_municipalities()[:2])
    municipality = municipalities[0] if len(municipalities) == 1 else None
    years = [payload.year] if payload.kind == AnalysisRun.Kind.MONITORING and payload.year else None
    try:
        settings = services.parse_settings(payload.kind, payload.settings)
        created = services.create_run(payload.kind, municipality=municipality, years=years, settings=settings,
                                      actor=request.user)
    except (AnalyticsError, ValueError, TypeError) as exc:
        return Status(400, {"detail": f"Расчёт не запущен: {exc}"})
    tasks.start(created)
    created.refresh_from_db()
    return Status(202, _run_out(created))


@router.get("/analysis/runs/{pk}/", response={200: AnalysisRunOut, **STAFF_ERRORS}, summary="Расчёт")
def run(request, pk: int):
    return _run_out(_run_or_404(request, pk))


def _rows(model, run: AnalysisRun, org_ids: set[int], codes: dict[int, str]) -> list[dict]:
    out = []
    for row in model.objects.filter(run=run, organisation_id__in=org_ids).order_by("pk"):
        data = model_to_dict(row, exclude=["id", "run", "organisation"])
        data["organisation"] = codes[row.organisation_id]
        out.append(data)
    return out


@router.get("/analysis/runs/{pk}/results/", response={200: AnalysisResultsOut, **STAFF_ERRORS}, summary="Результаты расчёта")
def results(request, pk: int, organisation: str = ""):
    """Результаты по организациям территории пользователя (индексы, статусы, признаки, зоны риска)."""
    found = _run_or_404(request, pk)
    visible = staff_scope(request).visible_organisations()
    if organisation:
        visible = visible.filter(code=organisation)
    codes = dict(visible.values_list("pk", "code"))
    ids = set(codes)
    return {
        "run": found.pk,
        "shnor": _rows(ShnorResult, found, ids, codes),
        "statuses": _rows(SchoolStatus, found, ids, codes),
        "objectivity": _rows(ObjectivityFlag, found, ids, codes),
        "risks": _rows(RiskZone, found, ids, codes),
        "status_changes": _rows(StatusChange, found, ids, codes),
    }

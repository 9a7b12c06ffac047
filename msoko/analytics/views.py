"""Анализ: ШНОР / ШНСУ, объективность, мониторинг показателей — pages for municipal staff."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from msoko.analytics import selectors, services, tasks
from msoko.analytics.core.errors import AnalyticsError
from msoko.analytics.core.objectivity import ObjectivitySettings
from msoko.analytics.core.risk import RiskSettings
from msoko.analytics.core.settings import ShnorSettings
from msoko.analytics.core.typology import TypologySettings
from msoko.analytics.models import AnalysisRun
from msoko.registry.access import require_staff
from msoko.reports.page_tables import xlsx_export
from msoko.web.paging import paginate, with_query
from msoko.web.shell import selected_year

SECTION = "analysis"


def _run(scope, kind: str, pk: int | None) -> AnalysisRun | None:
    if pk is None:
        return selectors.latest_done(scope, kind)
    run = selectors.visible_runs(scope, kind).filter(pk=pk).first()
    if run is None:
        raise Http404("Расчёт не найден")
    return run


def _year(request, run: AnalysisRun) -> int:
    years = run.years or []
    raw = request.GET.get("year")
    if raw and raw.isdigit() and int(raw) in years:
        return int(raw)
    chosen = selected_year(request)
    if chosen and chosen.start_year in years:
        return chosen.start_year
    return years[-1] if years else 0


@login_required
@xlsx_export("analysis-runs")
def index(request):
    scope = require_staff(request.user)
    year = selected_year(request)
    return render(request, "analytics/index.html", {
        "section": SECTION, "runs": selectors.visible_runs(scope)[:30], "can_run": scope.can_manage,
        "monitoring_year": year.start_year if year else None,
    })


@login_required
@require_POST
def start(request, kind: str):
    scope = require_staff(request.user)
    if kind not in AnalysisRun.Kind.values:
        raise Http404("Неизвестный вид анализа")
    municipalities = list(scope.visible_municipalities()[:2])
    municipality = municipalities[0] if len(municipalities) == 1 else None
    years = None
    if kind == AnalysisRun.Kind.MONITORING:
        raw = request.POST.get("year", "")
        years = [int(raw)] if raw.isdigit() else None
    try:
        settings = services.parse_settings(kind, request.POST)
        run = services.create_run(kind, municipality=municipality, years=years, settings=settings, actor=request.user)
    except AnalyticsError as exc:
        messages.error(request, f"Расчёт не запущен: {exc}")
        return redirect("analytics:index")
    tasks.start(run)
    return redirect("analytics:run", pk=run.pk)


@login_required
def run_detail(request, pk: int):
    scope = require_staff(request.user)
    run = get_object_or_404(selectors.visible_runs(scope), pk=pk)
    if run.status == AnalysisRun.Status.DONE:
        return redirect(f"analytics:{run.kind}_run", pk=run.pk)
    return render(request, "analytics/run.html", {"section": SECTION, "run": run})


@login_required
@xlsx_export("shnor")
def shnor(request, pk: int | None = None):
    scope = require_staff(request.user)
    run = _run(scope, AnalysisRun.Kind.SHNOR, pk)
    context = {"section": SECTION, "run": run, "form": _shnor_form(run)}
    if run is not None:
        year = _year(request, run)
        from msoko.catalog.selectors import current_version

        version = current_version()
        indicators = list(version.indicators.filter(block__in=["results", "social"])) if version else []
        context.update(
            year=year,
            tables=selectors.shnor_tables(run, year, scope.visible_organisations(), page=request.GET.get("page", 1)),
            indicators=indicators,
            warnings_rating=selectors.rating_warnings(i for i in indicators if i.block == "results"),
            others=selectors.visible_runs(scope, AnalysisRun.Kind.SHNOR).filter(status=AnalysisRun.Status.DONE)
            .exclude(pk=run.pk)[:20],
        )
    if context.get("tables"):
        context["page"] = with_query(request, context["tables"]["page"])
    return render(request, "analytics/shnor.html", context)


def _shnor_form(run: AnalysisRun | None) -> list[dict]:
    current = {**ShnorSettings().to_dict(), **TypologySettings().to_dict()}
    if run is not None:
        current.update(run.settings.get("shnor", {}))
        current.update(run.settings.get("typology", {}))
    choices = {
        "normalisation": ["minmax", "mean_ratio", "zscore"], "rounding": ["ceil", "round", "floor"],
        "ties": ["include", "exclude"], "group_by": ["cluster", "none"],
        "missing_years": ["insufficient_data", "present_years"], "constant_indicator": ["neutral", "drop"],
        "missing_indicator": ["average_available", "no_index"], "resilient_basis": ["latest_year", "status"],
    }
    return [{"name": k, "value": v, "choices": choices.get(k)} for k, v in current.items()]


@login_required
@xlsx_export("shnor-compare")
def compare(request):
    scope = require_staff(request.user)
    runs = selectors.visible_runs(scope, AnalysisRun.Kind.SHNOR).filter(status=AnalysisRun.Status.DONE)
    a = runs.filter(pk=request.GET.get("a") or 0).first()
    b = runs.filter(pk=request.GET.get("b") or 0).first()
    rows = selectors.compare_runs(a, b, scope.visible_organisations()) if a and b else []
    keys = sorted(set(a.settings.get("shnor", {})) | set(b.settings.get("shnor", {}))) if a and b else []
    settings_rows = [
        {"name": k, "a": a.settings["shnor"].get(k), "b": b.settings["shnor"].get(k)} for k in keys
    ]
    return render(request, "analytics/compare.html", {
        "section": SECTION, "runs": runs[:30], "a": a, "b": b, "rows": rows, "settings_rows": settings_rows,
        "changed": sum(1 for r in rows if r["differs"]),
    })


@login_required
@xlsx_export("objectivity")
def objectivity(request, pk: int | None = None):
    scope = require_staff(request.user)
    run = _run(scope, AnalysisRun.Kind.OBJECTIVITY, pk)
    context = {"section": SECTION, "run": run, "defaults": ObjectivitySettings().to_dict()}
    if run is not None:
        year = _year(request, run)
        visible = scope.visible_organisations()
        page = paginate(request, selectors.objectivity_school_order(run, year, visible), per_page=20)
        context.update(year=year, page=page,
                       schools=selectors.objectivity_tables(run, year, visible, only=list(page.object_list)))
    return render(request, "analytics/objectivity.html", context)


@login_required
@xlsx_export("monitoring")
def monitoring(request, pk: int | None = None):
    scope = require_staff(request.user)
    run = _run(scope, AnalysisRun.Kind.MONITORING, pk)
    context = {"section": SECTION, "run": run, "defaults": RiskSettings().to_dict()}
    chosen = selected_year(request)
    context["monitoring_year"] = chosen.start_year if chosen else None
    if run is not None:
        raw = request.GET.get("direction", "")
        context["tables"] = selectors.monitoring_tables(run, int(raw) if raw.isdigit() else None,
                                                        scope.visible_organisations(), page=request.GET.get("page", 1))
        context["page"] = with_query(request, context["tables"]["page"])
    return render(request, "analytics/monitoring.html", context)

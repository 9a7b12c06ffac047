"""Дорожные карты: measures per direction with filters, status changes, manual entry and import."""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from msoko.core.text import search_key
from msoko.cycle.forms import MeasureForm, MeasureStatusForm, RoadmapImportForm
from msoko.cycle.models import Measure, Roadmap
from msoko.cycle.roadmap_import import RoadmapFileError
from msoko.cycle.services import roadmap as service
from msoko.cycle.views.common import form_errors, municipality_for, run
from msoko.registry.access import require_staff
from msoko.reports.page_tables import xlsx_export
from msoko.web.paging import paginate
from msoko.web.shell import selected_year


@login_required
@xlsx_export("roadmap")
def roadmap_page(request):
    scope = require_staff(request.user)
    municipality = municipality_for(request.user)
    measures = Measure.objects.filter(municipality=municipality).select_related("roadmap").prefetch_related("responsible")
    direction = request.GET.get("direction", "")
    status = request.GET.get("status", "")
    roadmap = request.GET.get("roadmap", "")
    query = request.GET.get("q", "").strip()
    if direction.isdigit():
        measures = measures.filter(direction_number=int(direction))
    if status in Measure.Status.values:
        measures = measures.filter(status=status)
    if roadmap.isdigit():
        measures = measures.filter(roadmap_id=int(roadmap))
    for word in search_key(query).split():
        measures = measures.filter(content_key__contains=word)
    page = paginate(request, measures)
    rows = [
        {"measure": m, "can_edit": scope.manages_direction(m.direction_number) if m.direction_number else scope.can_manage,
         "next": sorted(service.TRANSITIONS[m.status])}
        for m in page.object_list
    ]
    labels = dict(Measure.Status.choices)
    return render(request, "cycle/roadmap.html", {
        "section": "cycle", "tab": "roadmap", "rows": rows, "page": page, "labels": labels,
        "roadmaps": Roadmap.objects.filter(municipality=municipality), "statuses": Measure.Status.choices,
        "directions": range(1, 9), "direction": direction, "status": status, "roadmap": roadmap, "q": query,
        "import_form": RoadmapImportForm(auto_id="import_%s"), "measure_form": MeasureForm(auto_id="measure_%s"),
        "import_errors": request.session.pop("roadmap_errors", None),
    })


@login_required
@require_POST
def import_roadmap(request):
    require_staff(request.user)
    form = RoadmapImportForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("cycle:roadmap")
    uploaded = form.cleaned_data["file"]
    suffix = Path(uploaded.name).suffix.lower()
    with tempfile.TemporaryDirectory(prefix="msoko-roadmap-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        with path.open("wb") as out:
            for chunk in uploaded.chunks():
                out.write(chunk)
        try:
            roadmap = service.import_roadmap(
                request.user, municipality_for(request.user), path, title=form.cleaned_data["title"],
                display_name=uploaded.name, academic_year=selected_year(request),
                direction_number=form.cleaned_data["direction_number"],
            )
        except RoadmapFileError as exc:
            request.session["roadmap_errors"] = exc.errors
            messages.error(request, f"Дорожная карта не загружена: ошибок {len(exc.errors)}. Ничего не изменено.")
            return redirect("cycle:roadmap")
    messages.success(request, f"Дорожная карта «{roadmap.title}» загружена: мероприятий {roadmap.measures.count()}.")
    return redirect(f"{_url('cycle:roadmap')}?roadmap={roadmap.pk}")


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)


@login_required
@require_POST
def create_measure(request):
    require_staff(request.user)
    form = MeasureForm(request.POST)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("cycle:roadmap")
    data = form.cleaned_data
    return run(request, lambda: service.create_measure(
        request.user, municipality_for(request.user), content=data["content"], direction_number=data["direction_number"],
        number=data["number"], due_date=data["due_date"], responsible_text=data["responsible_text"],
        expected_result=data["expected_result"],
    ), "Мероприятие добавлено.", "cycle:roadmap")


@login_required
@require_POST
def measure_status(request, pk: int):
    require_staff(request.user)
    measure = get_object_or_404(Measure, pk=pk, municipality=municipality_for(request.user))
    form = MeasureStatusForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("cycle:roadmap")
    data = form.cleaned_data
    label = Measure.Status(data["status"]).label
    return run(request, lambda: service.change_status(
        request.user, measure, data["status"], result_url=data["result_url"] or "", result_file=data["result_file"],
    ), f"Мероприятие {measure.number}: статус «{label}».", "cycle:roadmap")

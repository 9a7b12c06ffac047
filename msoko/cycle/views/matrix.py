"""The direction × cycle matrix page and the documents of its cells."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from msoko.catalog.cycle import CYCLE_POSITIONS
from msoko.cycle.forms import DocumentForm
from msoko.cycle.matrix import all_gaps, build_matrix
from msoko.cycle.models import CycleDocument, Decision, Measure
from msoko.cycle.permissions import can_publish
from msoko.cycle.services import documents as service
from msoko.cycle.views.common import form_errors, municipality_for, run, serve
from msoko.registry.access import require_staff
from msoko.reports.page_tables import xlsx_export
from msoko.web.shell import selected_year


@login_required
@xlsx_export("cycle-matrix")
def matrix_page(request):
    scope = require_staff(request.user)
    municipality = municipality_for(request.user)
    year = selected_year(request)
    rows = build_matrix(year, municipality) if year else []
    return render(request, "cycle/matrix.html", {
        "section": "cycle", "tab": "matrix", "municipality": municipality, "rows": rows, "gaps": all_gaps(rows),
        "positions": CYCLE_POSITIONS, "form": DocumentForm(), "can_publish": can_publish(request.user),
        "can_add": can_publish(request.user) or bool(scope.direction_numbers) or scope.can_manage,
    })


@login_required
@require_POST
def add_document(request):
    require_staff(request.user)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("cycle:matrix")
    data = form.cleaned_data
    return run(request, lambda: service.add_document(
        request.user, municipality_for(request.user), direction_number=data["direction_number"],
        academic_year=selected_year(request), position=data["position"], title=data["title"], kind=data["kind"],
        uploaded=data["file"], url=data["url"] or "",
    ), f"Документ «{data['title']}» добавлен.", "cycle:matrix")


def _document(request, pk: int) -> CycleDocument:
    require_staff(request.user)
    return get_object_or_404(CycleDocument, pk=pk, municipality=municipality_for(request.user))


@login_required
@require_POST
def publish_document(request, pk: int):
    document = _document(request, pk)
    published = request.POST.get("published") == "1"
    text = "опубликован" if published else "снят с публикации"
    return run(request, lambda: service.set_published(request.user, document, published),
               f"Документ «{document.title}» {text}.", "cycle:matrix")


@login_required
@require_POST
def delete_document(request, pk: int):
    document = _document(request, pk)
    return run(request, lambda: service.delete_document(request.user, document),
               f"Документ «{document.title}» удалён.", "cycle:matrix")


@login_required
def download_document(request, pk: int):
    document = _document(request, pk)
    if document.url and not document.file:
        return redirect(document.url)
    return serve(document.file)


@login_required
def decision_document(request, pk: int):
    require_staff(request.user)
    decision = get_object_or_404(Decision, pk=pk, municipality=municipality_for(request.user))
    if decision.document_url and not decision.document:
        return redirect(decision.document_url)
    return serve(decision.document)


@login_required
def measure_document(request, pk: int):
    require_staff(request.user)
    measure = get_object_or_404(Measure, pk=pk, municipality=municipality_for(request.user))
    if measure.result_url and not measure.result_document:
        return redirect(measure.result_url)
    return serve(measure.result_document)

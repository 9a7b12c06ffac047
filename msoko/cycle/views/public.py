"""«Механизмы управления качеством образования»: the public section, readable without login.

Only published documents are shown or served; no names of people, no drafts.
"""

from __future__ import annotations

from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from msoko.catalog.cycle import CYCLE_POSITIONS
from msoko.cycle.matrix import build_matrix
from msoko.cycle.models import CycleDocument
from msoko.cycle.views.common import serve
from msoko.registry import selectors as registry
from msoko.registry.models import Municipality


def _year(request):
    years = {y.start_year: y for y in registry.academic_years()}
    raw = request.GET.get("year", "")
    if raw.isdigit() and int(raw) in years:
        return years[int(raw)]
    return registry.current_year()


def index(request):
    municipalities = list(Municipality.objects.order_by("name"))
    if len(municipalities) == 1:
        return municipality_page(request, municipalities[0].code)
    return render(request, "cycle/public_index.html", {"municipalities": municipalities})


def municipality_page(request, code: str):
    municipality = get_object_or_404(Municipality, code=code)
    year = _year(request)
    rows = build_matrix(year, municipality, published_only=True) if year else []
    return render(request, "cycle/public.html", {
        "municipality": municipality, "year": year, "years": registry.academic_years(), "rows": rows,
        "positions": CYCLE_POSITIONS,
    })


def download(request, pk: int):
    document = get_object_or_404(CycleDocument, pk=pk, is_published=True)
    if document.url and not document.file:
        return redirect(document.url)
    if not document.file:
        raise Http404("Файл не найден")
    return serve(document.file)

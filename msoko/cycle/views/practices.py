"""Банк лучших практик: search (case and ё insensitive) and adding a practice."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from msoko.cycle import selectors
from msoko.cycle.forms import PracticeForm
from msoko.cycle.services import recommendations as service
from msoko.cycle.views.common import form_errors, municipality_for, run
from msoko.registry.access import require_staff, scope_for
from msoko.reports.page_tables import xlsx_export
from msoko.web.paging import paginate


def _municipality(user):
    scope = scope_for(user)
    if scope.is_staff:
        return municipality_for(user)
    org = scope.visible_organisations().select_related("municipality").first()
    if org is None:
        raise Http404("Организация не найдена")
    return org.municipality


@login_required
@xlsx_export("practices")
def practice_bank(request):
    scope = scope_for(request.user)
    query = request.GET.get("q", "").strip()
    direction = request.GET.get("direction", "")
    practices = selectors.search_practices(
        _municipality(request.user), query, int(direction) if direction.isdigit() else None
    )
    page = paginate(request, practices)
    return render(request, "cycle/practices.html", {
        "section": "cycle", "tab": "practices", "practices": page.object_list, "page": page, "q": query, "direction": direction,
        "directions": range(1, 9),
        "form": PracticeForm(organisations=scope.visible_organisations().order_by("name_key")) if scope.is_staff else None,
    })


@login_required
@require_POST
def add_practice(request):
    scope = require_staff(request.user)
    form = PracticeForm(request.POST, organisations=scope.visible_organisations())
    if not form.is_valid():
        messages.error(request, form_errors(form))
        return redirect("cycle:practices")
    d = form.cleaned_data
    return run(request, lambda: service.add_practice(
        request.user, municipality_for(request.user), title=d["title"], description=d["description"],
        organisation=d["organisation"], direction_numbers=d["direction_numbers"], source=d["source"],
        document_url=d["document_url"] or "",
    ), f"Практика «{d['title']}» добавлена в банк.", "cycle:practices")

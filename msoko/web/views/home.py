"""Рабочий стол: the year's matrix and what needs attention (department); own card (school)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils import timezone

from msoko.catalog import selectors as catalog
from msoko.catalog.cycle import CYCLE_POSITIONS
from msoko.collection.models import ImportBatch
from msoko.registry.access import scope_for
from msoko.web.matrix import direction_cells
from msoko.web.shell import selected_year

# an import's error list and scope run to thousands of entries at region scale; lists show none of them
HEAVY_BATCH_FIELDS = ("errors", "warnings", "scope", "profile")


@login_required
def home(request):
    scope = scope_for(request.user)
    if not scope.is_staff:
        orgs = list(scope.visible_organisations()[:2])
        if len(orgs) == 1:
            return redirect("web:organisation", code=orgs[0].code)
        return redirect("web:organisations")
    year = selected_year(request)
    version = catalog.version_for_year(year)
    rows = []
    if version:
        in_use = catalog.directions_in_use(version, scope.variant_direction_codes()).values_list("pk", flat=True)
        for direction in catalog.directions_with_content(version).filter(pk__in=list(in_use)):
            rows.append({"direction": direction, "cells": direction_cells(direction, year)})
    imports = ImportBatch.objects.select_related("academic_year").defer(*HEAVY_BATCH_FIELDS).order_by("-created_at")[:8]
    return render(
        request,
        "web/home.html",
        {"section": "home", "rows": rows, "positions": CYCLE_POSITIONS, "imports": imports,
         "organisations": scope.visible_organisations().count(), **attention(scope)},
    )


def attention(scope) -> dict:
    """What needs the department's attention now: overdue and due-soon items, failed imports, council."""
    from msoko.cycle import control
    from msoko.cycle.selectors import council_warnings

    today = timezone.localdate()
    overdue, due_soon, warnings = [], [], []
    for municipality in scope.visible_municipalities():
        overdue += control.overdue(municipality, today)
        due_soon += control.due_soon(municipality, today, days=14)
        warnings += council_warnings(municipality, today)
    failed = ImportBatch.objects.filter(status=ImportBatch.Status.FAILED).defer(*HEAVY_BATCH_FIELDS).order_by("-created_at")[:5]
    return {"overdue": overdue[:10], "due_soon": due_soon[:10], "council_warnings": warnings, "failed_imports": failed}

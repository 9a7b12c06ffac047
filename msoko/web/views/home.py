"""Рабочий стол: the year's matrix and what needs attention (department); own card (school)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from msoko.catalog import selectors as catalog
from msoko.catalog.cycle import CYCLE_POSITIONS
from msoko.collection.models import ImportBatch
from msoko.registry.access import scope_for
from msoko.web.matrix import direction_cells
from msoko.web.shell import selected_year


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
    imports = ImportBatch.objects.order_by("-created_at")[:8]
    return render(
        request,
        "web/home.html",
        {"section": "home", "rows": rows, "positions": CYCLE_POSITIONS, "imports": imports,
         "organisations": scope.visible_organisations().count()},
    )

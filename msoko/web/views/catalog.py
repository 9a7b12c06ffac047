"""Справочники: the catalog browser (mechanism → direction → goals → indicators)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from msoko.catalog import selectors as catalog
from msoko.catalog.formula import names
from msoko.catalog.models import DataElement
from msoko.core.text import search_key
from msoko.web.shell import selected_year


@login_required
def catalog_browser(request):
    version = catalog.version_for_year(selected_year(request))
    query = search_key(request.GET.get("q", ""))
    directions = []
    if version:
        for d in catalog.directions_with_content(version):
            indicators = [i for i in d.indicators.all() if not query or query in i.name_key]
            if query and not indicators:
                continue
            directions.append({"direction": d, "indicators": indicators})
    return render(
        request,
        "web/catalog.html",
        {"section": "catalog", "version": version, "directions": directions, "q": request.GET.get("q", "")},
    )


@login_required
def indicator_detail(request, code: str):
    version = catalog.version_for_year(selected_year(request))
    indicator = catalog.indicator(version, code) if version else None
    if indicator is None:
        raise Http404("Показатель не найден")
    codes = names(indicator.numerator) + (names(indicator.denominator) if indicator.denominator else [])
    elements = DataElement.objects.filter(code__in=codes).order_by("code")
    return render(
        request,
        "web/indicator.html",
        {"section": "catalog", "indicator": indicator, "elements": elements, "targets": indicator.targets.order_by("year")},
    )

"""Организации: the list with filters and the organisation card."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from msoko.analytics import selectors as analytics
from msoko.analytics.selectors import analysis_for_organisation
from msoko.catalog import selectors as catalog
from msoko.registry import selectors as registry
from msoko.registry.access import organisation_or_404, scope_for
from msoko.registry.models import Organisation
from msoko.reports.page_tables import xlsx_export
from msoko.web.paging import paginate
from msoko.web.shell import selected_year


@login_required
@xlsx_export("organisations")
def organisation_list(request):
    scope = scope_for(request.user)
    year = selected_year(request)
    qs = registry.filter_organisations(
        scope.visible_organisations(),
        query=request.GET.get("q", "").strip(),
        kind=request.GET.get("kind", ""),
        cluster=request.GET.get("cluster", ""),
        year=year,
    ).select_related("municipality")
    page = paginate(request, qs)
    clusters = registry.clusters_by_org(year, [o.pk for o in page.object_list])
    return render(
        request,
        "web/organisations.html",
        {
            "section": "organisations",
            "page": page,
            "clusters_by_org": clusters,
            "cluster_choices": registry.clusters(scope.municipality_ids or None) if scope.is_staff else [],
            "kinds": Organisation.Kind.choices,
            "q": request.GET.get("q", ""),
            "kind": request.GET.get("kind", ""),
            "cluster": request.GET.get("cluster", ""),
        },
    )


def _dynamics(org: Organisation, indicators: list, years: list[int]) -> dict[str, dict[int, float | None]]:
    per_org = analytics.stored_indicator_values(indicators, organisation_ids=[org.pk], years=years)
    table: dict[str, dict[int, float | None]] = {}
    for row in per_org.iter_rows(named=True):
        table.setdefault(row["indicator"], {})[row["year"]] = row["value"]
    return table


def _municipal(org: Organisation, indicators: list, year: int) -> dict[str, float | None]:
    """The municipality's value over organisations of the same kind (stored once per data change)."""
    return analytics.municipal_values(indicators, org.municipality_id, org.kind, year)


@login_required
@xlsx_export("organisation")
def organisation_card(request, code: str):
    org = organisation_or_404(request.user, code)
    year = selected_year(request)
    version = catalog.version_for_year(year)
    years = [y.start_year for y in registry.academic_years() if year is None or y.start_year <= year.start_year][-4:]
    sections = []
    if version:
        indicators = [
            i for i in version.indicators.select_related("direction").order_by("direction__number", "code")
            if not i.org_kinds or org.kind in i.org_kinds
        ]
        dynamics = _dynamics(org, indicators, years)
        municipal = _municipal(org, indicators, year.start_year) if year else {}
        by_direction: dict = {}
        for ind in indicators:
            series = dynamics.get(ind.code, {})
            if not series:
                continue
            current = series.get(year.start_year) if year else None
            previous = series.get(year.start_year - 1) if year else None
            change = current - previous if current is not None and previous is not None else None
            by_direction.setdefault(ind.direction, []).append(
                {"indicator": ind, "series": [series.get(y) for y in years], "current": current,
                 "change": change, "municipal": municipal.get(ind.code)}
            )
        sections = [{"direction": d, "rows": rows} for d, rows in sorted(by_direction.items(), key=lambda kv: kv[0].number)]
    cluster = registry.clusters_by_org(year, [org.pk]).get(org.pk)
    analysis = analysis_for_organisation(org, year.start_year if year else None) if org.kind == org.Kind.SCHOOL else None
    return render(
        request,
        "web/organisation.html",
        {"section": "organisations", "org": org, "cluster": cluster, "series_years": years, "sections": sections,
         "analysis": analysis},
    )



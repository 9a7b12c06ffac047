"""Направление N: the nine positions of the management cycle as tabs."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render

from msoko.analytics import selectors as analytics
from msoko.catalog import selectors as catalog
from msoko.catalog.cycle import BY_CODE, CYCLE_POSITIONS
from msoko.registry import selectors as registry
from msoko.registry.access import require_staff
from msoko.web.paging import paginate
from msoko.web.shell import selected_year

EMPTY_POSITIONS = {
    "analysis": "Анализ результатов за этот год ещё не проведён. Он появится после загрузки данных и запуска анализа.",
    "recommendations": "Адресные рекомендации по итогам анализа ещё не сформированы.",
    "measures": "Меры и мероприятия («дорожная карта») по направлению ещё не внесены.",
    "decisions": "Управленческие решения по направлению за этот год ещё не приняты.",
    "effectiveness": "Анализ эффективности принятых мер ещё не проведён.",
}


def _monitoring(request, direction, indicators, year, scope, chosen_code):
    if year is None or not indicators:
        return {}
    orgs = scope.visible_organisations()
    kinds = {k for i in indicators for k in (i.org_kinds or [])}
    if kinds:
        orgs = orgs.filter(kind__in=kinds)
    org_list = list(orgs.order_by("name_key"))
    years = [year.start_year - 1, year.start_year]
    per_org = analytics.stored_indicator_values(indicators, organisation_ids=[o.pk for o in org_list], years=years)
    summary = []
    if not per_org.is_empty():
        agg = analytics.aggregate_values(indicators, per_org)
        municipal = {(r["indicator"], r["year"]): r for r in agg.iter_rows(named=True)}
    else:
        municipal = {}
    for ind in indicators:
        now = municipal.get((ind.code, year.start_year))
        before = municipal.get((ind.code, year.start_year - 1))
        now_v = now["value"] if now else None
        before_v = before["value"] if before else None
        summary.append({
            "indicator": ind, "value": now_v, "previous": before_v,
            "change": now_v - before_v if now_v is not None and before_v is not None else None,
            "organisations": now["organisations"] if now else 0,
        })
    chosen = next((i for i in indicators if i.code == chosen_code), indicators[0])
    values = {
        (r["org_code"], r["year"]): r["value"]
        for r in per_org.filter(per_org["indicator"] == chosen.code).iter_rows(named=True)
    } if not per_org.is_empty() else {}
    with_values = [
        o for o in org_list
        if values.get((o.code, year.start_year)) is not None or values.get((o.code, year.start_year - 1)) is not None
    ]
    page = paginate(request, with_values)
    clusters = registry.clusters_by_org(year, [o.pk for o in page.object_list])
    rows = []
    for org in page.object_list:
        now_v, before_v = values.get((org.code, year.start_year)), values.get((org.code, year.start_year - 1))
        rows.append({"org": org, "cluster": clusters.get(org.pk), "value": now_v, "previous": before_v,
                     "change": now_v - before_v if now_v is not None and before_v is not None else None})
    return {"summary": summary, "chosen": chosen, "rows": rows, "page": page}


@login_required
def direction_page(request, number: int):
    scope = require_staff(request.user)
    year = selected_year(request)
    version = catalog.version_for_year(year)
    direction = catalog.direction(version, number) if version else None
    if direction is not None and direction.is_variant and direction.code not in scope.variant_direction_codes():
        direction = None
    if direction is None:
        raise Http404("Направление не найдено")
    tab = request.GET.get("tab", "goals")
    if tab not in BY_CODE:
        tab = "goals"
    indicators = list(catalog.indicators_of(direction))
    context = {
        "section": "directions",
        "direction": direction,
        "directions": catalog.directions_in_use(version, scope.variant_direction_codes()),
        "positions": CYCLE_POSITIONS,
        "tab": tab,
        "position": BY_CODE[tab],
        "goals": direction.goals.order_by("order"),
        "indicators": indicators,
        "empty_text": EMPTY_POSITIONS.get(tab, ""),
        "can_edit": scope.manages_direction(number),
    }
    if tab == "monitoring":
        context.update(_monitoring(request, direction, indicators, year, scope, request.GET.get("indicator", "")))
    return render(request, "web/direction.html", context)

"""Reads that turn stored data values into indicator tables for pages and reports."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable

import polars as pl

from msoko.analytics.core.indicator_values import IndicatorDef, aggregate, compute
from msoko.analytics.core.uncertainty import NOT_FOR_RATING_WARNING as NOT_FOR_RATING
from msoko.collection.models import DataValue


def indicator_defs(indicators: Iterable) -> list[IndicatorDef]:
    return [
        IndicatorDef(
            code=i.code,
            numerator=i.numerator,
            denominator=i.denominator,
            multiplier=i.multiplier,
            aggregation=i.aggregation,
            higher_is_better=i.higher_is_better,
        )
        for i in indicators
    ]


def data_values_frame(*, organisation_ids=None, years=None, elements=None) -> pl.DataFrame:
    """Whole-year organisation totals (no disaggregation) as a long frame org_code, year, element, value."""
    qs = DataValue.objects.filter(category="", value__isnull=False, period__kind="year")
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=list(organisation_ids))
    if years is not None:
        qs = qs.filter(period__academic_year__start_year__in=list(years))
    if elements is not None:
        qs = qs.filter(data_element__code__in=list(elements))
    rows = qs.values_list("organisation__code", "period__academic_year__start_year", "data_element__code", "value")
    return pl.DataFrame(
        list(rows), schema={"org_code": pl.Utf8, "year": pl.Int64, "element": pl.Utf8, "value": pl.Float64}, orient="row"
    )


def indicator_values(indicators: list, *, organisation_ids=None, years=None) -> pl.DataFrame:
    """Per organisation and year: numerator, denominator and value of each indicator."""
    defs = indicator_defs(indicators)
    elements = sorted({e for d in defs for e in d.elements()})
    frame = data_values_frame(organisation_ids=organisation_ids, years=years, elements=elements)
    return compute(frame, defs)


def aggregate_values(indicators: list, per_org: pl.DataFrame, by: tuple[str, ...] = ("year",)) -> pl.DataFrame:
    return aggregate(per_org, indicator_defs(indicators), by=by)


# ------------------------------------------------------------------------------------------------
# stored analysis runs, for pages and the organisation card


def visible_runs(scope, kind: str | None = None):
    """Runs of the user's municipalities (and runs over all municipalities), newest first."""
    from msoko.analytics.models import AnalysisRun

    qs = AnalysisRun.objects.select_related("municipality", "created_by")
    if kind:
        qs = qs.filter(kind=kind)
    if not scope.is_superuser:
        qs = qs.filter(municipality__in=scope.visible_municipalities()) | qs.filter(municipality__isnull=True)
    return qs.order_by("-created_at", "-id")


def latest_done(scope, kind: str):
    from msoko.analytics.models import AnalysisRun

    return visible_runs(scope, kind).filter(status=AnalysisRun.Status.DONE).first()


def _indicator_names(codes) -> dict[str, object]:
    from msoko.catalog.selectors import current_version

    version = current_version()
    if version is None:
        return {}
    return {i.code: i for i in version.indicators.filter(code__in=list(codes)).select_related("direction")}


def rating_warnings(indicators) -> list[dict]:
    """The not-for-rating warning of every indicator so marked: [{code, name, warning}]."""
    from msoko.analytics.core.uncertainty import rating_warning

    return [
        {"code": i.code, "name": i.name, "warning": rating_warning(True)}
        for i in indicators if i.not_for_rating
    ]


def shnor_tables(run, year: int, organisations, page=None, per_page: int = 50) -> dict:
    """Everything the ШНОР / ШНСУ page shows for one run and year (rows limited to `organisations`).

    With `page` (the ?page= value) the two index tables show one slice of `per_page` rows each, in
    their order (group, place), and "page" is the `Page` for the pager; the lists of schools by
    status stay whole (they are what the page is read for). Without `page` — every row.
    """
    from django.core.paginator import Paginator
    from django.db.models import Count

    from msoko.analytics.models import SchoolStatus, ShnorResult

    rows = ShnorResult.objects.filter(run=run, year=year, organisation__in=organisations).select_related("organisation")
    statuses = list(
        SchoolStatus.objects.filter(run=run, organisation__in=organisations).select_related("organisation")
        .order_by("organisation__code")
    )
    by_org = {s.organisation_id: s for s in statuses}

    pager = None
    start, stop = 0, None
    if page is not None:
        sizes = dict(rows.values_list("block").annotate(n=Count("id")).order_by())
        pager = Paginator(range(max([*sizes.values(), 1])), per_page).get_page(page)
        start, stop = pager.start_index() - 1, pager.end_index()

    def block(name: str) -> list[dict]:
        out = []
        for r in rows.filter(block=name).order_by("group", "rank", "organisation__code")[start:stop]:
            out.append({"row": r, "status": by_org.get(r.organisation_id)})
        return out

    return {
        "page": pager,
        "results": block("results"),
        "social": block("social"),
        "statuses": statuses,
        "stable_low": [s for s in statuses if s.stable_low],
        "overlay": [s for s in statuses if s.overlay],
        "resilient": [s for s in statuses if s.resilient],
        "typology": _typology(statuses),
        "insufficient": [s for s in statuses if s.insufficient_data],
        "by_social_status": _group_by_status(statuses),
    }


def _typology(statuses) -> dict:
    """Schools with low results by the main factor the typology found (a school may have several):
    ``by_type`` as (type, schools), the most frequent first; ``unidentified`` — typed schools where no
    factor stood out. The reasons of each school are on its own card, not repeated here."""
    by_type: dict[str, list] = {}
    unidentified = []
    for status in statuses:
        if not status.types:
            continue
        names = status.types.get("types") or []
        if not names:
            unidentified.append(status)
        for name in names:
            by_type.setdefault(name, []).append(status)
    return {
        "by_type": sorted(by_type.items(), key=lambda item: (-len(item[1]), item[0])),
        "unidentified": unidentified,
        "schools": sum(1 for status in statuses if status.types),
    }


def _group_by_status(statuses) -> list[tuple[str, list]]:
    order = ["неблагоприятные", "нейтральные", "благополучные", "недостаточно данных"]
    groups: dict[str, list] = {name: [] for name in order}
    for s in statuses:
        groups.setdefault(s.social_status or "недостаточно данных", []).append(s)
    return [(name, items) for name, items in groups.items()]


def compare_runs(a, b, organisations) -> list[dict]:
    """Per school: statuses in run A and run B and whether anything differs."""
    from msoko.analytics.models import SchoolStatus

    def table(run) -> dict[int, SchoolStatus]:
        qs = SchoolStatus.objects.filter(run=run, organisation__in=organisations).select_related("organisation")
        return {s.organisation_id: s for s in qs}

    left, right = table(a), table(b)
    out = []
    for org_id in sorted(set(left) | set(right), key=lambda i: (left.get(i) or right.get(i)).organisation.code):
        x, y = left.get(org_id), right.get(org_id)
        fields = ("stable_low", "social_status", "overlay", "resilient")
        differs = x is None or y is None or any(getattr(x, f) != getattr(y, f) for f in fields)
        out.append({"organisation": (x or y).organisation, "a": x, "b": y, "differs": differs})
    return out


def objectivity_school_order(run, year: int, organisations) -> list[int]:
    """Ids of the schools with any signal in the year, in the page's order: flagged by the summary
    first, then by the number of criterion signals, then by code. One grouped query, so a page of
    schools can be shown without reading the evidence of all of them."""
    from django.db.models import Count, Q

    from msoko.analytics.models import ObjectivityFlag

    summary = Q(criterion=ObjectivityFlag.SUMMARY)
    rows = (
        ObjectivityFlag.objects.filter(run=run, year=year, organisation__in=organisations)
        .values("organisation_id", "organisation__code")
        .annotate(flagged=Count("id", filter=summary & Q(flagged=True)), signals=Count("id", filter=~summary))
        .order_by()
    )
    ordered = sorted(rows, key=lambda r: (not r["flagged"], -r["signals"], r["organisation__code"]))
    return [r["organisation_id"] for r in ordered]


def objectivity_tables(run, year: int, organisations, only: list[int] | None = None) -> list[dict]:
    """Per school with any signal in the year: the summary verdict and the evidence of each criterion.

    `only` (organisation ids, e.g. one page of `objectivity_school_order`) limits the schools read.
    """
    from msoko.analytics.core.objectivity import CRITERIA
    from msoko.analytics.models import ObjectivityFlag

    if only is not None:
        organisations = organisations.filter(pk__in=list(only))
    flags = ObjectivityFlag.objects.filter(run=run, year=year, organisation__in=organisations).select_related(
        "organisation"
    ).order_by("organisation__code", "criterion", "scope")
    schools: dict[int, dict] = {}
    for f in flags:
        item = schools.setdefault(f.organisation_id, {"organisation": f.organisation, "summary": None, "signals": []})
        if f.criterion == ObjectivityFlag.SUMMARY:
            item["summary"] = f
        else:
            item["signals"].append({"criterion": CRITERIA.get(f.criterion, f.criterion), "flag": f})
    return sorted(
        schools.values(),
        key=lambda s: (not (s["summary"] and s["summary"].flagged), -len(s["signals"]), s["organisation"].code),
    )


def monitoring_tables(run, direction: int | None, organisations, page=None, per_page: int = 50) -> dict:
    """The status × change rows of a direction, grouped by indicator, the grid counts and risk zones.

    With `page` (the ?page= value; junk gives the first page, too large the last) each indicator
    shows only places (n−1)·per_page+1 … n·per_page and the risk zones the same slice, and "page" is
    the `Page` for the pager; the grid always counts every row (one grouped query). Without `page`
    everything is returned (documents).
    """
    from django.core.paginator import Paginator
    from django.db.models import Count

    from msoko.analytics.core.status_change import CHANGE_LEVELS, COLOURS, STATUS_LEVELS
    from msoko.analytics.models import RiskZone, StatusChange

    year = run.years[-1]
    directions = sorted({
        d for d in StatusChange.objects.filter(run=run).values_list("direction_number", flat=True).distinct() if d
    })
    if direction is None and directions:
        direction = directions[0]
    base = StatusChange.objects.filter(run=run, organisation__in=organisations, direction_number=direction)
    sizes = dict(base.values_list("indicator_code").annotate(n=Count("id")).order_by())
    counts = [[0] * 5 for _ in range(5)]
    for status, change, n in (
        base.filter(status_level__isnull=False, change_level__isnull=False)
        .values_list("status_level", "change_level").annotate(n=Count("id")).order_by()
    ):
        if status and change:
            counts[5 - status][change - 1] += n
    names = _indicator_names(set(sizes))
    risk_qs = RiskZone.objects.filter(run=run, indicator_code__in=list(sizes), organisation__in=organisations)
    risk_qs = risk_qs.select_related("organisation").order_by("indicator_code", "organisation__code")
    pager = None
    start, stop = 0, None
    if page is not None:
        longest = max([*sizes.values(), risk_qs.count(), 1])
        pager = Paginator(range(longest), per_page).get_page(page)
        start, stop = pager.start_index() - 1, pager.end_index()
    by_indicator: dict[str, dict] = {}
    for code in sorted(sizes):
        rows = base.filter(indicator_code=code).select_related("organisation").order_by("rank", "organisation__code")
        ind = by_indicator.setdefault(code, {"code": code, "indicator": names.get(code), "rows": []})
        for r in rows[start:stop]:
            ind["rows"].append(
                {"row": r, "status": STATUS_LEVELS[r.status_level - 1] if r.status_level else None,
                 "change": CHANGE_LEVELS[r.change_level - 1] if r.change_level else None,
                 "colour_label": COLOURS.get(r.colour)}
            )
    risks = list(risk_qs[start:stop])
    grid_colours = run.settings.get("status_change", {}).get("grid", [])
    grid = [
        {"status": STATUS_LEVELS[4 - i],
         "cells": [{"count": counts[i][j], "colour": grid_colours[4 - i][j] if grid_colours else "",
                    "label": COLOURS.get(grid_colours[4 - i][j]) if grid_colours else ""} for j in range(5)]}
        for i in range(5)
    ]
    return {
        "year": year, "direction": direction, "directions": directions, "indicators": list(by_indicator.values()),
        "grid": grid, "change_levels": CHANGE_LEVELS, "risks": risks,
        "warnings": rating_warnings([i for i in names.values()]),
        "page": pager,
    }


def analysis_for_organisation(org, year: int | None = None) -> dict:
    """One organisation's analysis for its card, as plain dicts: the ШНОР / ШНСУ statuses and
    indices, objectivity signals and risk zones from the latest finished runs covering it.

    `year` (start year) picks the rows of that year where a run has several; None — the latest.
    """
    from msoko.analytics.core.objectivity import CRITERIA
    from msoko.analytics.models import AnalysisRun, ObjectivityFlag, RiskZone, SchoolStatus, ShnorResult

    def latest(kind: str):
        return (
            AnalysisRun.objects.filter(kind=kind, status=AnalysisRun.Status.DONE)
            .filter(models_q_municipality(org.municipality_id)).order_by("-finished_at", "-id").first()
        )

    out: dict = {"organisation": org.code, "year": year, "shnor": None, "objectivity": None, "risks": []}
    shnor = latest(AnalysisRun.Kind.SHNOR)
    if shnor is not None:
        status = SchoolStatus.objects.filter(run=shnor, organisation=org).first()
        results = ShnorResult.objects.filter(run=shnor, organisation=org).order_by("year", "block")
        if status is not None or results.exists():
            out["shnor"] = {
                "run": shnor.pk,
                "finished": shnor.finished_at,
                "window": shnor.summary.get("window_years", shnor.years),
                "stable_low": bool(status and status.stable_low),
                "social_status": status.social_status if status else "",
                "overlay": bool(status and status.overlay),
                "resilient": bool(status and status.resilient),
                "insufficient_data": bool(status and status.insufficient_data),
                "types": (status.types or {}).get("types", []) if status else [],
                "reasons": (status.types or {}).get("reasons", []) if status else [],
                "indices": [
                    {"year": r.year, "block": r.block, "index": r.index, "rank": r.rank, "schools": r.schools,
                     "flagged": r.flagged, "ci_low": r.ci_low, "ci_high": r.ci_high, "confidence": r.confidence}
                    for r in results
                ],
            }
    objectivity = latest(AnalysisRun.Kind.OBJECTIVITY)
    if objectivity is not None:
        flags = ObjectivityFlag.objects.filter(run=objectivity, organisation=org)
        if year is not None:
            flags = flags.filter(year=year)
        out["objectivity"] = {
            "run": objectivity.pk,
            "flagged_years": sorted(
                {f.year for f in flags if f.criterion == ObjectivityFlag.SUMMARY and f.flagged}
            ),
            "signals": [
                {"year": f.year, "criterion": CRITERIA.get(f.criterion, f.criterion), "scope": f.scope,
                 "evidence": f.evidence, "value": f.value, "threshold": f.threshold}
                for f in flags.order_by("year", "criterion", "scope") if f.criterion != ObjectivityFlag.SUMMARY
            ],
        }
    monitoring = (
        AnalysisRun.objects.filter(kind=AnalysisRun.Kind.MONITORING, status=AnalysisRun.Status.DONE)
        .filter(models_q_municipality(org.municipality_id))
    )
    if year is not None:
        monitoring = [r for r in monitoring.order_by("-finished_at", "-id") if r.years and r.years[-1] == year][:1]
    else:
        monitoring = list(monitoring.order_by("-finished_at", "-id")[:1])
    if monitoring:
        zones = RiskZone.objects.filter(run=monitoring[0], organisation=org).order_by("indicator_code", "rule")
        names = _indicator_names({z.indicator_code for z in zones})
        out["risks"] = [
            {"year": z.year, "indicator": z.indicator_code,
             "name": names[z.indicator_code].name if z.indicator_code in names else z.indicator_code,
             "rule": z.rule, "value": z.value, "reference": z.reference, "reason": z.reason,
             "warning": NOT_FOR_RATING if (z.indicator_code in names and names[z.indicator_code].not_for_rating) else None}
            for z in zones
        ]
    return out


def models_q_municipality(municipality_id: int):
    from django.db.models import Q

    return Q(municipality_id=municipality_id) | Q(municipality__isnull=True)


# ------------------------------------------------------------------------------------------------
# stored indicator values (computed once per import / analysis run, see services.refresh_indicator_store)


def data_stamp() -> str:
    """A fingerprint of the data the indicators are computed from; it changes with every import,
    replacement or restore (the set of imports in force), a value entered through a form, a new
    catalog version or organisation. Three indexed aggregate queries, cheap at region scale."""
    from django.db.models import Count, Max, Q, Sum

    from msoko.catalog.models import Indicator
    from msoko.collection.models import ImportBatch
    from msoko.registry.models import AcademicYear, Organisation

    batches = ImportBatch.objects.aggregate(
        n=Count("id"), done=Sum("id", filter=Q(status=ImportBatch.Status.DONE)), last=Max("finished_at")
    )
    last_value = DataValue.objects.aggregate(last=Max("entered_at"))["last"]
    indicators = Indicator.objects.aggregate(n=Count("id"), last=Max("id"))
    orgs = Organisation.objects.aggregate(n=Count("id"), last=Max("id"))
    versions = sorted(AcademicYear.objects.values_list("start_year", "catalog_version_id"))
    parts = [batches["n"], batches["done"], batches["last"], last_value, indicators["n"], indicators["last"],
             orgs["n"], orgs["last"], versions]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _fresh_store():
    from msoko.analytics.services import refresh_indicator_store

    return refresh_indicator_store()


def stored_indicator_values(indicators: list, *, organisation_ids=None, years=None) -> pl.DataFrame:
    """The same frame as `indicator_values`, read from the stored values (refreshed first if the data
    changed since they were computed); indicators the store does not hold are computed live."""
    state = _fresh_store()
    held = set(state.indicator_ids)
    if any(i.pk not in held for i in indicators):
        return indicator_values(indicators, organisation_ids=organisation_ids, years=years)
    from msoko.analytics.models import IndicatorValue

    qs = IndicatorValue.objects.filter(indicator_id__in=[i.pk for i in indicators])
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=list(organisation_ids))
    if years is not None:
        qs = qs.filter(year__in=list(years))
    rows = qs.values_list("organisation__code", "year", "indicator__code", "numerator", "denominator", "value")
    return pl.DataFrame(
        list(rows),
        schema={"org_code": pl.Utf8, "year": pl.Int64, "indicator": pl.Utf8, "numerator": pl.Float64,
                "denominator": pl.Float64, "value": pl.Float64},
        orient="row",
    )


def municipal_values(indicators: list, municipality_id: int, org_kind: str, year: int) -> dict[str, float | None]:
    """Indicator code → the municipality's value over its organisations of `org_kind` in `year`
    (each indicator aggregated by its own rule), read from the stored aggregates."""
    state = _fresh_store()
    held = set(state.indicator_ids)
    if any(i.pk not in held for i in indicators):
        from msoko.registry.models import Organisation

        ids = Organisation.objects.filter(municipality_id=municipality_id, kind=org_kind).values_list("pk", flat=True)
        per_org = indicator_values(indicators, organisation_ids=list(ids), years=[year])
        if per_org.is_empty():
            return {}
        agg = aggregate_values(indicators, per_org)
        return dict(zip(agg["indicator"].to_list(), agg["value"].to_list(), strict=True))
    from msoko.analytics.models import IndicatorAggregate

    rows = IndicatorAggregate.objects.filter(
        indicator_id__in=[i.pk for i in indicators], municipality_id=municipality_id, org_kind=org_kind, year=year
    ).values_list("indicator__code", "value")
    return dict(rows)

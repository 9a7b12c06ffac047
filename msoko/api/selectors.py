"""Scoped reads for the API: every query starts from what the user may see."""

from __future__ import annotations

import polars as pl
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from msoko.api.periods import academic_label, start_year_of
from msoko.collection.models import DataValue, ImportBatch
from msoko.registry.access import Scope
from msoko.registry.models import AcademicYear, ClusterMembership, Organisation, Period


def data_values(
    scope: Scope, *, organisation: str = "", period: str = "", element: str = "", category: str | None = None,
) -> QuerySet[DataValue]:
    """Stored values of visible organisations; `period` as «2024/25», ``2024Sep`` or a period code."""
    qs = DataValue.objects.filter(organisation__in=scope.visible_organisations()).select_related(
        "data_element", "organisation", "period", "period__academic_year", "source_import", "entered_by"
    )
    if organisation:
        qs = qs.filter(organisation__code=organisation)
    if period:
        start = start_year_of(period)
        code = academic_label(start) if start is not None else period
        qs = qs.filter(period__code=code)
    if element:
        qs = qs.filter(data_element__code=element)
    if category is not None:
        qs = qs.filter(category=category)
    return qs.order_by("period__start", "organisation__code", "data_element__code", "category")


def period_or_none(text: str) -> Period | None:
    start = start_year_of(text)
    return Period.objects.filter(code=academic_label(start) if start is not None else text).first()


def visible_batches(scope: Scope, user) -> list[ImportBatch]:
    """Imports the user may see: those touching their organisations, and their own uploads.

    An import's organisations are in its `scope["orgs"]` (JSON), so the filter runs in Python.
    """
    require_import_reader(scope)
    batches = ImportBatch.objects.select_related("academic_year", "created_by").order_by("-created_at", "-pk")
    if scope.is_superuser:
        return list(batches)
    codes = set(scope.visible_organisations().values_list("code", flat=True))
    return [b for b in batches if b.created_by_id == user.pk or set((b.scope or {}).get("orgs", [])) & codes]


def require_import_reader(scope: Scope) -> None:
    """Imports carry row-level errors (participant codes): staff and organisations only, as on the pages."""
    if not (scope.is_staff or scope.is_org_user):
        raise PermissionDenied("Загрузки доступны специалистам и образовательным организациям.")


def batch_or_404(scope: Scope, pk: int, user) -> ImportBatch:
    require_import_reader(scope)
    batch = ImportBatch.objects.select_related("academic_year", "created_by").filter(pk=pk).first()
    if batch is None:
        raise Http404("Загрузка не найдена")
    if scope.is_superuser or (batch.created_by_id is not None and batch.created_by_id == user.pk):
        return batch
    codes = set(scope.visible_organisations().values_list("code", flat=True))
    if not set((batch.scope or {}).get("orgs", [])) & codes:
        raise Http404("Загрузка не найдена")
    return batch


def group_labels(organisations: QuerySet[Organisation], year: AcademicYear | None, by: str) -> pl.DataFrame:
    """org_code → the group it is aggregated into: its cluster code, municipality code or region code.

    Clusters are grouped by code across municipalities (every «urban» cluster of the region
    together), which is what a region compares.
    """
    rows = list(organisations.values_list("code", "municipality__code", "municipality__region__code"))
    if by == "cluster":
        clusters = {}
        if year is not None:
            clusters = dict(
                ClusterMembership.objects.filter(academic_year=year, organisation__in=organisations)
                .values_list("organisation__code", "cluster__code")
            )
        pairs = [(code, clusters.get(code)) for code, _m, _r in rows]
    elif by == "municipality":
        pairs = [(code, municipality) for code, municipality, _r in rows]
    elif by == "region":
        pairs = [(code, region) for code, _m, region in rows]
    else:
        pairs = [(code, code) for code, _m, _r in rows]
    return pl.DataFrame(pairs, schema={"org_code": pl.Utf8, "group": pl.Utf8}, orient="row")

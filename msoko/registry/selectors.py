"""Reads of the registry for pages and services."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import QuerySet

from msoko.core.text import search_key
from msoko.registry.models import AcademicYear, Cluster, ClusterMembership, Organisation


def academic_years() -> list[AcademicYear]:
    return list(AcademicYear.objects.order_by("start_year"))


def current_year() -> AcademicYear | None:
    return AcademicYear.objects.filter(is_current=True).first() or AcademicYear.objects.order_by("-start_year").first()


def filter_organisations(
    qs: QuerySet[Organisation], *, query: str = "", kind: str = "", cluster: str = "", year: AcademicYear | None = None
) -> QuerySet[Organisation]:
    """Search (case- and ё-insensitive, same on SQLite and PostgreSQL) and filter organisations."""
    if query:
        for word in search_key(query).split():
            qs = qs.filter(name_key__contains=word)
    if kind:
        qs = qs.filter(kind=kind)
    if cluster and year is not None:
        qs = qs.filter(cluster_memberships__cluster__code=cluster, cluster_memberships__academic_year=year)
    return qs.order_by("name_key")


def clusters_by_org(year: AcademicYear | None, organisation_ids: Iterable[int] | None = None) -> dict[int, Cluster]:
    """Map organisation id → its cluster in the given year (only `organisation_ids` when given)."""
    if year is None:
        return {}
    memberships = ClusterMembership.objects.filter(academic_year=year).select_related("cluster")
    if organisation_ids is not None:
        memberships = memberships.filter(organisation_id__in=list(organisation_ids))
    return {m.organisation_id: m.cluster for m in memberships}


def clusters(municipality_ids=None) -> QuerySet[Cluster]:
    qs = Cluster.objects.all()
    if municipality_ids is not None:
        qs = qs.filter(municipality_id__in=municipality_ids)
    return qs.order_by("code")

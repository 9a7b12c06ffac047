"""Reads of the catalog for pages, analysis and reports."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from msoko.catalog.models import CatalogVersion, DataElement, Direction, Goal, Indicator


def current_version() -> CatalogVersion | None:
    return CatalogVersion.objects.filter(is_current=True).first() or CatalogVersion.objects.order_by("-loaded_at").first()


def version_for_year(year) -> CatalogVersion | None:
    """The methodology a year's figures are computed with (falls back to the current version)."""
    if year is not None and getattr(year, "catalog_version_id", None):
        return year.catalog_version
    return current_version()


def main_directions(version: CatalogVersion) -> QuerySet[Direction]:
    return version.directions.filter(is_variant=False).select_related("mechanism").order_by("number")


def directions_with_content(version: CatalogVersion) -> QuerySet[Direction]:
    """Directions with goals and indicators prefetched, in order."""
    return (
        version.directions.select_related("mechanism")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("order")),
            Prefetch("indicators", queryset=Indicator.objects.order_by("code")),
        )
        .order_by("number")
    )


def direction(version: CatalogVersion, number: int) -> Direction | None:
    return version.directions.select_related("mechanism").filter(number=number).first()


def indicators_of(direction: Direction) -> QuerySet[Indicator]:
    return direction.indicators.order_by("code")


def indicator(version: CatalogVersion, code: str) -> Indicator | None:
    return version.indicators.select_related("direction").filter(code=code).first()


def data_elements() -> QuerySet[DataElement]:
    return DataElement.objects.order_by("code")

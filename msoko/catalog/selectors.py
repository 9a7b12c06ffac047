"""Reads of the catalog for pages, analysis and reports."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, QuerySet

from msoko.catalog.models import CatalogVersion, DataElement, Direction, Goal, Indicator, IndicatorTarget
from msoko.core.text import search_key


def current_version() -> CatalogVersion | None:
    return CatalogVersion.objects.filter(is_current=True).first() or CatalogVersion.objects.order_by("-loaded_at").first()


def version_by_label(label: str) -> CatalogVersion | None:
    return CatalogVersion.objects.filter(label=label).first()


def version_for_year(year) -> CatalogVersion | None:
    """The methodology a year's figures are computed with (falls back to the current version)."""
    if year is not None and getattr(year, "catalog_version_id", None):
        return year.catalog_version
    return current_version()


def main_directions(version: CatalogVersion) -> QuerySet[Direction]:
    return version.directions.filter(is_variant=False).select_related("mechanism").order_by("number")


def variant_directions(version: CatalogVersion) -> QuerySet[Direction]:
    return version.directions.filter(is_variant=True).select_related("mechanism").order_by("number")


def directions_with_content(version: CatalogVersion) -> QuerySet[Direction]:
    """Directions with goals and indicators (with targets) prefetched, in catalog order."""
    return (
        version.directions.select_related("mechanism")
        .prefetch_related(
            Prefetch("goals", queryset=Goal.objects.order_by("order")),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("order", "code").prefetch_related(
                    Prefetch("targets", queryset=IndicatorTarget.objects.order_by("year"))
                ),
            ),
        )
        .order_by("number")
    )


def direction(version: CatalogVersion, number: int) -> Direction | None:
    return version.directions.select_related("mechanism").filter(number=number).first()


def indicators_of(direction: Direction) -> QuerySet[Indicator]:
    return direction.indicators.order_by("order", "code")


def indicator(version: CatalogVersion, code: str) -> Indicator | None:
    return version.indicators.select_related("direction", "direction__mechanism").filter(code=code).first()


def indicators(
    version: CatalogVersion, *, direction_number: int | None = None, block: str | None = None,
    include_variants: bool = True,
) -> QuerySet[Indicator]:
    """Indicators of a version, optionally of one direction or one ШНОР/ШНСУ block («results», «social»)."""
    qs = version.indicators.select_related("direction")
    if direction_number is not None:
        qs = qs.filter(direction__number=direction_number)
    if block is not None:
        qs = qs.filter(block=block)
    if not include_variants:
        qs = qs.filter(direction__is_variant=False)
    return qs.order_by("direction__number", "order", "code")


def search_indicators(version: CatalogVersion, query: str) -> QuerySet[Indicator]:
    """Case- and ё-insensitive search by code or name, the same on SQLite and PostgreSQL."""
    qs = version.indicators.select_related("direction")
    for word in search_key(query).split():
        qs = qs.filter(name_key__contains=word)
    return qs.order_by("direction__number", "order", "code")


def data_elements(codes: Iterable[str] | None = None) -> QuerySet[DataElement]:
    qs = DataElement.objects.all()
    if codes is not None:
        qs = qs.filter(code__in=list(codes))
    return qs.order_by("code")


def data_elements_of(version: CatalogVersion) -> QuerySet[DataElement]:
    return version.data_elements.order_by("code")


def directions_in_use(version: CatalogVersion, variant_codes: Iterable[str] = ()) -> QuerySet[Direction]:
    """The eight main directions plus the variant ones a municipality has switched on."""
    from django.db.models import Q

    return (
        version.directions.filter(Q(is_variant=False) | Q(code__in=list(variant_codes)))
        .select_related("mechanism")
        .order_by("number")
    )

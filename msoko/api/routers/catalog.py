"""The indicator catalog (current version): directions, indicators, data elements; indicator values."""

from typing import Literal

from django.http import Http404
from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from msoko.analytics import selectors as analytics
from msoko.api import selectors
from msoko.api.routers.common import READ_ERRORS, scope
from msoko.api.schemas import DataElementOut, DirectionOut, IndicatorOut, IndicatorValueOut
from msoko.catalog import selectors as catalog
from msoko.catalog.models import CatalogVersion, DataElement, Indicator
from msoko.registry.models import AcademicYear

router = Router(tags=["Каталог показателей"])


def _version() -> CatalogVersion:
    version = catalog.current_version()
    if version is None:
        raise Http404("Каталог показателей не загружен")
    return version


def _indicator_out(i: Indicator) -> dict:
    return {
        "code": i.code, "name": i.name, "direction_number": i.direction.number, "criterion": i.criterion,
        "kind": i.kind, "numerator": i.numerator, "denominator": i.denominator, "multiplier": i.multiplier,
        "unit": i.unit, "higher_is_better": i.higher_is_better, "aggregation": i.aggregation, "block": i.block,
        "not_for_rating": i.not_for_rating, "source": i.source, "periodicity": i.periodicity,
        "targets": [{"year": t.year, "norm": t.norm, "target": t.target} for t in i.targets.all()],
    }


def _element_out(e: DataElement) -> dict:
    return {"code": e.code, "name": e.name, "value_type": e.value_type, "unit": e.unit, "source": e.source,
            "description": e.description}


@router.get("/directions/", response={200: list[DirectionOut], **READ_ERRORS}, summary="Направления")
def directions(request):
    """Восемь основных направлений и включённые в муниципалитетах пользователя вариативные."""
    version = _version()
    qs = catalog.directions_in_use(version, scope(request).variant_direction_codes()).prefetch_related("goals")
    return [
        {"number": d.number, "code": d.code, "name": d.name, "short_name": d.short_name,
         "mechanism_number": d.mechanism.number, "mechanism": d.mechanism.name, "is_variant": d.is_variant,
         "goals": [{"code": g.code, "text": g.text} for g in d.goals.all()]}
        for d in qs
    ]


class IndicatorFilter(Schema):
    direction: int | None = None
    q: str = ""
    block: str | None = None


@router.get("/indicators/", response={200: list[IndicatorOut], **READ_ERRORS}, summary="Показатели")
@paginate(LimitOffsetPagination)
def indicators(request, filters: Query[IndicatorFilter]):
    version = _version()
    qs = catalog.search_indicators(version, filters.q) if filters.q else catalog.indicators(version)
    if filters.direction is not None:
        qs = qs.filter(direction__number=filters.direction)
    if filters.block:
        qs = qs.filter(block=filters.block)
    return [_indicator_out(i) for i in qs.prefetch_related("targets")]


@router.get("/indicators/{code}/", response={200: IndicatorOut, **READ_ERRORS}, summary="Показатель")
def indicator(request, code: str):
    found = catalog.indicator(_version(), code)
    if found is None:
        raise Http404("Показатель не найден")
    return _indicator_out(found)


@router.get(
    "/indicators/{code}/values/", response={200: list[IndicatorValueOut], **READ_ERRORS},
    summary="Значения показателя по организациям, кластерам, муниципалитетам или региону",
)
def indicator_values(
    request, code: str, year: int, by: Literal["organisation", "cluster", "municipality", "region"] = "organisation",
):
    """Числитель, знаменатель и значение по доступным организациям.

    Итоги кластера, муниципалитета и региона — по правилу агрегирования показателя (для долей —
    сумма числителей, делённая на сумму знаменателей, а не среднее процентов). Кластеры с одним кодом
    в разных муниципалитетах объединяются.
    """
    found = catalog.indicator(_version(), code)
    if found is None:
        raise Http404("Показатель не найден")
    organisations = scope(request).visible_organisations()
    per_org = analytics.indicator_values(
        [found], organisation_ids=list(organisations.values_list("pk", flat=True)), years=[year]
    )
    if per_org.is_empty():
        return []
    if by == "organisation":
        rows = per_org.rename({"org_code": "group"}).with_columns(organisations_=per_org["value"].is_not_null().cast(int))
        return [
            {"group": r["group"], "year": r["year"], "numerator": r["numerator"], "denominator": r["denominator"],
             "value": r["value"], "organisations": r["organisations_"]}
            for r in rows.sort("group").iter_rows(named=True)
        ]
    labels = selectors.group_labels(organisations, AcademicYear.objects.filter(start_year=year).first(), by)
    grouped = analytics.aggregate_values([found], per_org.join(labels, on="org_code", how="left"), by=("group", "year"))
    return [
        {"group": r["group"], "year": r["year"], "numerator": r["numerator"], "denominator": r["denominator"],
         "value": r["value"], "organisations": r["organisations"]}
        for r in grouped.iter_rows(named=True)
    ]


@router.get("/data-elements/", response={200: list[DataElementOut], **READ_ERRORS}, summary="Элементы данных")
@paginate(LimitOffsetPagination)
def data_elements(request):
    return [_element_out(e) for e in catalog.data_elements()]


@router.get("/data-elements/{code}/", response={200: DataElementOut, **READ_ERRORS}, summary="Элемент данных")
def data_element(request, code: str):
    found = catalog.data_elements([code]).first()
    if found is None:
        raise Http404("Элемент данных не найден")
    return _element_out(found)

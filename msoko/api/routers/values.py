"""Data values: a filtered read with lineage, and DHIS2 dataValueSets read and bulk write."""

from typing import Literal

from ninja import Query, Router, Schema
from ninja.pagination import LimitOffsetPagination, paginate

from msoko.api import exchange, permissions, selectors
from msoko.api.routers.common import READ_ERRORS, WRITE_ERRORS, scope
from msoko.api.schemas import DataValueOut, DataValueSetIn, DataValueSetOut, ImportSummaryOut

router = Router(tags=["Значения"])


class ValueFilter(Schema):
    organisation: str = ""
    period: str = ""
    element: str = ""
    category: str | None = None


@router.get("/data-values/", response={200: list[DataValueOut], **READ_ERRORS}, summary="Значения с происхождением")
@paginate(LimitOffsetPagination)
def data_values(request, filters: Query[ValueFilter]):
    """Значения доступных организаций; период — «2024/25», «2024Sep» или код периода."""
    qs = selectors.data_values(
        scope(request), organisation=filters.organisation, period=filters.period, element=filters.element,
        category=filters.category,
    )
    return [
        {
            "data_element": v.data_element.code, "organisation": v.organisation.code, "period": v.period.code,
            "year": v.period.academic_year.label, "category": v.category, "value": v.value,
            "source": {"batch": v.source_import_id, "row": v.source_row, "note": v.source_note},
            "entered_by": v.entered_by.get_username() if v.entered_by else None, "entered_at": v.entered_at,
        }
        for v in qs
    ]


class SetFilter(Schema):
    orgUnit: str = ""
    period: str = ""
    dataElement: str = ""


@router.get("/dataValueSets/", response={200: DataValueSetOut, **READ_ERRORS}, summary="Значения в формате DHIS2")
def data_value_set(request, filters: Query[SetFilter]):
    """Выгрузка в формате DHIS2 dataValueSets с сопоставлением кодов (msoko → внешняя система).

    Фильтры принимают коды msoko; период годовой выгружается как «2024Sep» (учебный год 2024/25).
    """
    qs = selectors.data_values(
        scope(request), organisation=filters.orgUnit, period=filters.period, element=filters.dataElement,
    )
    return exchange.export_data_value_set(qs)


@router.post("/dataValueSets/", response={200: ImportSummaryOut, **WRITE_ERRORS}, summary="Загрузка значений (DHIS2)")
def import_data_value_set(
    request, payload: DataValueSetIn, dryRun: bool = False, atomicMode: Literal["ALL", "NONE"] = "ALL",
):
    """Массовая запись значений в формате DHIS2 dataValueSets.

    `dryRun=true` — только проверка: вернёт число новых, изменённых, пропущенных и удалённых значений
    и конфликты, ничего не сохраняя. `atomicMode=ALL` (по умолчанию) — при любом конфликте ничего не
    записывается; `NONE` — значения с конфликтами пропускаются, остальные записываются. Пустое значение
    удаляет сохранённое. Писать можно только в организации своей территории.
    """
    user_scope = permissions.require_value_writer(request.user)
    summary = exchange.import_data_value_set(
        payload.model_dump(exclude_unset=True), actor=request.user, dry_run=dryRun, atomic=atomicMode == "ALL",
        writable_org_ids=None if user_scope.is_superuser else permissions.writable_organisation_ids(user_scope),
        source="API",
    )
    return summary.as_dict()

"""Reads that turn stored data values into indicator tables for pages and reports."""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from msoko.analytics.core.indicator_values import IndicatorDef, aggregate, compute
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
    """Organisation totals (no disaggregation) as a long frame org_code, year, element, value."""
    qs = DataValue.objects.filter(category="", value__isnull=False)
    if organisation_ids is not None:
        qs = qs.filter(organisation_id__in=list(organisation_ids))
    if years is not None:
        qs = qs.filter(period__academic_year__start_year__in=list(years), period__kind="year")
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

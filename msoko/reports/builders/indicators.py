"""Indicator values of a municipality for reports: per organisation, per cluster and municipal, by year.

One `IndicatorData` is computed per report (or once for a batch of school report cards) so a
thousand cards do not query the data values a thousand times.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from msoko.analytics.selectors import aggregate_values, indicator_values
from msoko.catalog import selectors as catalog
from msoko.reports.builders.common import ReportContext

PER_ORG = {"org_code": pl.String, "year": pl.Int64, "indicator": pl.String, "numerator": pl.Float64,
           "denominator": pl.Float64, "value": pl.Float64}
MUNICIPAL = {"year": pl.Int64, "indicator": pl.String, "numerator": pl.Float64, "denominator": pl.Float64,
             "value": pl.Float64, "organisations": pl.UInt32}
BY_CLUSTER = {"year": pl.Int64, "cluster": pl.String, **{k: v for k, v in MUNICIPAL.items() if k != "year"}}


@dataclass
class IndicatorData:
    indicators: list  # catalog Indicator objects in catalog order
    per_org: pl.DataFrame  # org_code, year, indicator, numerator, denominator, value
    municipal: pl.DataFrame  # year, indicator, value, organisations
    by_cluster: pl.DataFrame  # year, cluster, indicator, value

    def by_code(self) -> dict:
        return {i.code: i for i in self.indicators}


def load(ctx: ReportContext, direction: int | None = None) -> IndicatorData:
    from msoko.registry.models import AcademicYear

    version = catalog.version_for_year(AcademicYear.objects.filter(start_year=ctx.year).first())
    if version is None:
        return IndicatorData([], pl.DataFrame(schema=PER_ORG), pl.DataFrame(schema=MUNICIPAL),
                             pl.DataFrame(schema=BY_CLUSTER))
    indicators = list(catalog.indicators(version, direction_number=direction, include_variants=direction is not None))
    per_org = indicator_values(indicators, organisation_ids=[o.pk for o in ctx.organisations.values()],
                               years=ctx.years)
    if per_org.is_empty():
        return IndicatorData([], pl.DataFrame(schema=PER_ORG), pl.DataFrame(schema=MUNICIPAL),
                             pl.DataFrame(schema=BY_CLUSTER))
    municipal = aggregate_values(indicators, per_org, by=("year",))
    clustered = per_org.join(ctx.cluster_frame(), on="org_code", how="left")
    by_cluster = aggregate_values(indicators, clustered, by=("year", "cluster"))
    present = set(per_org["indicator"].unique())
    return IndicatorData([i for i in indicators if i.code in present], per_org, municipal, by_cluster)


def municipal_table_rows(data: IndicatorData, years: list[int]) -> list[list]:
    """Per indicator: code, name, unit, value per year, change over the window, target of the last year."""
    lookup = {(r["year"], r["indicator"]): r["value"] for r in data.municipal.iter_rows(named=True)}
    rows = []
    for ind in data.indicators:
        values = [lookup.get((y, ind.code)) for y in years]
        known = [v for v in values if v is not None]
        change = known[-1] - known[0] if len(known) >= 2 else None
        target = next((t.target for t in ind.targets.all() if t.year == years[-1]), None) if years else None
        rows.append([ind.code, ind.name, ind.unit or "", *values, change, target])
    return rows

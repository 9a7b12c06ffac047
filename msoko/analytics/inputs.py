"""Django-side builders of the analytics core's input frames from stored data (read-only).

`shnor_long_frame` — the long frame of `msoko.analytics.core.validation.LONG_SCHEMA` from the
catalog indicators of the blocks results / social and stored values; `conditions_frame` — the
typology's ``org_code, indicator, value, norm`` from the social indicators and organisation flags;
`monitoring_frame` — every indicator's value per organisation with its group, direction and norm.
"""

from __future__ import annotations

from collections.abc import Iterable

import polars as pl

from msoko.analytics import selectors
from msoko.catalog.models import CatalogVersion, Indicator, IndicatorTarget
from msoko.registry.models import AcademicYear, ClusterMembership, Municipality, Organisation

NO_CLUSTER = "без кластера"
#: Typology condition indicator ← (catalog indicator, transformation). The catalog's yes/no social
#: indicators say "deficit = 1"; the typology's say "available = 1", so they are reversed.
CONDITION_SOURCES: dict[str, tuple[str, str]] = {
    "odn_kdn_share": ("2.01", "value"),
    "low_russian_share": ("2.02", "value"),
    "not_attested_share": ("2.03", "value"),
    "truancy_share": ("2.04", "value"),
    "ovz_zpr_share": ("2.05", "value"),
    "infrastructure": ("2.08", "reverse"),
    "specialists": ("2.09", "reverse"),
}


def schools(municipality: Municipality | None) -> list[Organisation]:
    qs = Organisation.objects.filter(kind=Organisation.Kind.SCHOOL)
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    return list(qs.order_by("code"))


def organisations(municipality: Municipality | None) -> list[Organisation]:
    qs = Organisation.objects.all()
    if municipality is not None:
        qs = qs.filter(municipality=municipality)
    return list(qs.order_by("code"))


def stored_years() -> list[int]:
    return list(AcademicYear.objects.order_by("start_year").values_list("start_year", flat=True))


def clusters(org_ids: Iterable[int], years: Iterable[int]) -> dict[tuple[int, int], str]:
    """(organisation id, start year) → cluster name."""
    rows = ClusterMembership.objects.filter(
        organisation_id__in=list(org_ids), academic_year__start_year__in=list(years)
    ).values_list("organisation_id", "academic_year__start_year", "cluster__name")
    return {(org, year): name for org, year, name in rows}


def _meta(indicators: list[Indicator]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "indicator": [i.code for i in indicators],
            "block": [i.block or "" for i in indicators],
            "higher_is_better": [bool(i.higher_is_better) for i in indicators],
            "multiplier": [float(i.multiplier) for i in indicators],
            "direction_number": [i.direction.number for i in indicators],
            "org_kinds": [list(i.org_kinds or []) for i in indicators],
        },
        schema={"indicator": pl.String, "block": pl.String, "higher_is_better": pl.Boolean,
                "multiplier": pl.Float64, "direction_number": pl.Int64, "org_kinds": pl.List(pl.String)},
    )


def _orgs_frame(orgs: list[Organisation], years: list[int]) -> pl.DataFrame:
    names = clusters([o.pk for o in orgs], years)
    return pl.DataFrame(
        [
            (o.code, o.short_name, o.kind, year, names.get((o.pk, year)) or (NO_CLUSTER if o.kind == "school" else o.get_kind_display()))
            for o in orgs
            for year in years
        ],
        schema={"org_code": pl.String, "org_name": pl.String, "org_kind": pl.String, "year": pl.Int64,
                "cluster": pl.String},
        orient="row",
    )


def shnor_long_frame(
    version: CatalogVersion, orgs: list[Organisation], years: list[int]
) -> tuple[pl.DataFrame, list[Indicator]]:
    """The long frame for `identify` plus ``numerator, denominator, multiplier`` for the interval."""
    indicators = list(version.indicators.filter(block__in=["results", "social"]).select_related("direction"))
    per_org = selectors.indicator_values(indicators, organisation_ids=[o.pk for o in orgs], years=years)
    frame = (
        per_org.join(_meta(indicators), on="indicator", how="inner")
        .join(_orgs_frame(orgs, years), on=["org_code", "year"], how="inner")
        .select(
            "org_code", "org_name", "cluster", pl.col("year").cast(pl.Int64), "block", "indicator",
            pl.col("value").cast(pl.Float64), "higher_is_better", "numerator", "denominator", "multiplier",
        )
        .sort("year", "block", "indicator", "org_code")
    )
    return frame, indicators


def norms(indicators: Iterable[Indicator], year: int) -> dict[str, float]:
    rows = IndicatorTarget.objects.filter(
        indicator__in=list(indicators), year=year, norm__isnull=False
    ).values_list("indicator__code", "norm")
    return dict(rows)


def conditions_frame(
    version: CatalogVersion, orgs: list[Organisation], year: int
) -> tuple[pl.DataFrame, dict[str, str]]:
    """Typology input for `year`: ``org_code, indicator, value, norm`` and how each norm was chosen.

    The norm of a share is the catalog norm for the year when set, otherwise the municipal value
    of the year (Σ numerators / Σ denominators of the schools) — a school meets it when it is not
    worse than the municipality. Remoteness and small size come from the organisation register
    (norm 0: not remote, not small); infrastructure and specialists must be available (norm 1).
    """
    codes = {source for source, _ in CONDITION_SOURCES.values()}
    indicators = list(version.indicators.filter(code__in=codes))
    per_org = selectors.indicator_values(indicators, organisation_ids=[o.pk for o in orgs], years=[year])
    catalog_norms = norms(indicators, year)
    municipal = (
        dict(selectors.aggregate_values(indicators, per_org).select("indicator", "value").iter_rows())
        if not per_org.is_empty() else {}
    )
    how: dict[str, str] = {}
    rows: list[tuple[str, str, float | None, float]] = []
    values = {(r["org_code"], r["indicator"]): r["value"] for r in per_org.iter_rows(named=True)}
    for name, (source, transform) in CONDITION_SOURCES.items():
        if transform == "reverse":
            norm, how[name] = 1.0, "наличие (1)"
        elif source in catalog_norms:
            norm, how[name] = float(catalog_norms[source]), f"норма каталога на {year} г."
        elif municipal.get(source) is not None:
            norm, how[name] = float(municipal[source]), "значение по муниципалитету"
        else:
            continue
        for org in orgs:
            value = values.get((org.code, source))
            if value is not None and transform == "reverse":
                value = 1.0 - value
            rows.append((org.code, name, value, norm))
    how["remote"] = how["small_school"] = "реестр организаций (0 — нет)"
    for org in orgs:
        rows.append((org.code, "remote", float(org.is_remote), 0.0))
        rows.append((org.code, "small_school", float(org.is_small), 0.0))
    frame = pl.DataFrame(
        rows, schema={"org_code": pl.String, "indicator": pl.String, "value": pl.Float64, "norm": pl.Float64},
        orient="row",
    )
    return frame, how


def monitoring_frame(
    version: CatalogVersion, orgs: list[Organisation], year: int
) -> tuple[pl.DataFrame, list[Indicator]]:
    """Values of every indicator of the version for `year` and `year − 1`, each organisation only
    for the indicators meant for its kind: ``year, org_code, group, indicator, value,
    higher_is_better, direction_number, norm`` (the year's norm, null when not set)."""
    indicators = list(version.indicators.select_related("direction"))
    years = [year - 1, year]
    per_org = selectors.indicator_values(indicators, organisation_ids=[o.pk for o in orgs], years=years)
    norm_table = norms(indicators, year)
    data = (
        per_org.join(_meta(indicators), on="indicator", how="inner")
        .join(_orgs_frame(orgs, years), on=["org_code", "year"], how="inner")
        .filter((pl.col("org_kinds").list.len() == 0) | pl.col("org_kinds").list.contains(pl.col("org_kind")))
        .with_columns(
            group=pl.col("cluster"),
            norm=pl.when(pl.col("year") == year).then(
                pl.col("indicator").replace_strict(norm_table, default=None, return_dtype=pl.Float64)
                if norm_table else pl.lit(None, dtype=pl.Float64)
            ),
        )
    )
    return data.select(
        pl.col("year").cast(pl.Int64), "org_code", "group", "indicator", pl.col("value").cast(pl.Float64),
        "higher_is_better", "direction_number", "norm",
    ), indicators

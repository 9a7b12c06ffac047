"""Indicator values from data element values: numerator / denominator × multiplier.

Input is a long frame of data values; output keeps numerator and denominator beside each value
so that clusters and the municipality aggregate by summing numerators and denominators
(never by averaging percentages), as the catalog prescribes.
"""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from msoko.catalog.formula import evaluate, names

VALUE_COLUMNS = ("org_code", "year", "element", "value")


@dataclass(frozen=True)
class IndicatorDef:
    code: str
    numerator: str
    denominator: str = ""
    multiplier: float = 1.0
    aggregation: str = "sum_ratio"
    higher_is_better: bool = True

    def elements(self) -> list[str]:
        found = names(self.numerator)
        if self.denominator:
            found += [n for n in names(self.denominator) if n not in found]
        return found


def _wide(values: pl.LazyFrame, elements: list[str], keys: list[str]) -> pl.LazyFrame:
    """One row per key and one column per element: the sum of its values (null when it has none)."""
    element = pl.col("element")
    return (
        values.filter(element.is_in(elements))
        .group_by([*keys, "element"])
        .agg(pl.col("value").sum())
        .group_by(keys)
        .agg([pl.col("value").filter(element == name).first().alias(name) for name in elements])
    )


def compute(values: pl.DataFrame, indicators: list[IndicatorDef], keys: tuple[str, ...] = ("org_code", "year")) -> pl.DataFrame:
    """Per key (organisation, year) and indicator: numerator, denominator and value.

    A value is null when a data element it needs is missing or the denominator is zero. One lazy
    plan: the wide table of elements is built once and every indicator is an expression over it.
    """
    keys = list(keys)
    schema = {**{k: values.schema.get(k, pl.Utf8) for k in keys}, "indicator": pl.Utf8,
              "numerator": pl.Float64, "denominator": pl.Float64, "value": pl.Float64}
    if values.is_empty() or not indicators:
        return pl.DataFrame(schema=schema)
    elements = sorted({e for ind in indicators for e in ind.elements()})
    wide = _wide(values.lazy().with_columns(pl.col("value").cast(pl.Float64)), elements, keys)
    frames = []
    for ind in indicators:
        num = evaluate(ind.numerator, pl.col).cast(pl.Float64)
        den = evaluate(ind.denominator, pl.col).cast(pl.Float64) if ind.denominator else pl.lit(None, dtype=pl.Float64)
        frame = wide.select(
            *keys,
            pl.lit(ind.code).alias("indicator"),
            num.alias("numerator"),
            den.alias("denominator"),
        ).with_columns(
            pl.when(pl.lit(not ind.denominator))
            .then(pl.col("numerator") * ind.multiplier)
            .when(pl.col("denominator") > 0)
            .then(pl.col("numerator") / pl.col("denominator") * ind.multiplier)
            .otherwise(None)
            .alias("value")
        )
        frames.append(frame.filter(pl.col("numerator").is_not_null()))
    return pl.concat(frames, how="vertical_relaxed").cast(schema).collect()


def aggregate(per_org: pl.DataFrame, indicators: list[IndicatorDef], by: tuple[str, ...] = ("year",)) -> pl.DataFrame:
    """Aggregate organisation values to a group (cluster, municipality) by each indicator's rule (one lazy plan)."""
    by = list(by)
    rule = pl.DataFrame(
        {"indicator": [i.code for i in indicators], "aggregation": [i.aggregation for i in indicators],
         "multiplier": [float(i.multiplier) for i in indicators], "has_den": [bool(i.denominator) for i in indicators]}
    )
    data = per_org.lazy().join(rule.lazy(), on="indicator", how="inner")
    both = pl.col("numerator").is_not_null() & (pl.col("denominator").is_not_null() | ~pl.col("has_den"))
    grouped = data.group_by([*by, "indicator"]).agg(
        pl.col("aggregation").first(),
        pl.col("multiplier").first(),
        pl.col("has_den").first(),
        pl.col("numerator").filter(both).sum().alias("numerator"),
        pl.col("denominator").filter(both).sum().alias("denominator"),
        pl.col("value").mean().alias("mean_value"),
        (pl.col("value") > 0).mean().alias("share_positive"),
        pl.col("value").is_not_null().sum().alias("organisations"),
    )
    value = (
        pl.when(pl.col("aggregation") == "sum_ratio")
        .then(
            pl.when(~pl.col("has_den")).then(pl.col("numerator") * pl.col("multiplier"))
            .when(pl.col("denominator") > 0)
            .then(pl.col("numerator") / pl.col("denominator") * pl.col("multiplier"))
        )
        .when(pl.col("aggregation") == "sum")
        .then(pl.col("numerator") * pl.col("multiplier"))
        .when(pl.col("aggregation") == "mean")
        .then(pl.col("mean_value"))
        .when(pl.col("aggregation") == "share_of_orgs")
        .then(pl.col("share_positive") * 100)
        .otherwise(None)
    )
    return grouped.with_columns(value.alias("value")).select(
        *by, "indicator", "numerator", "denominator", "value", "organisations"
    ).sort([*by, "indicator"]).collect()

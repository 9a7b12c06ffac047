"""Effect of a measure: the targeted organisations' change against a comparison group (pure Polars).

Difference in differences of group means: effect = (target after − target before) −
(comparison after − comparison before). Only organisations with a value in both years count, so
a school that joined or dropped out does not move a group mean. Without a comparison group the
effect is the target change alone (`comparison_change` is null) — say so in the verdict.
"""

from __future__ import annotations

import polars as pl

RESULT_SCHEMA = {
    "indicator": pl.Utf8, "n_target": pl.Int64, "n_comparison": pl.Int64,
    "target_before": pl.Float64, "target_after": pl.Float64,
    "comparison_before": pl.Float64, "comparison_after": pl.Float64,
    "target_change": pl.Float64, "comparison_change": pl.Float64, "effect": pl.Float64,
}


def _group(values: pl.DataFrame, orgs: list[str], before: int, after: int, name: str) -> pl.DataFrame:
    paired = (
        values.filter(pl.col("org_code").is_in(orgs) & pl.col("year").is_in([before, after]) & pl.col("value").is_not_null())
        .group_by("indicator", "org_code")
        .agg(
            pl.col("value").filter(pl.col("year") == before).first().alias("before"),
            pl.col("value").filter(pl.col("year") == after).first().alias("after"),
        )
        .drop_nulls(["before", "after"])
    )
    return paired.group_by("indicator").agg(
        pl.len().cast(pl.Int64).alias(f"n_{name}"),
        pl.col("before").mean().alias(f"{name}_before"),
        pl.col("after").mean().alias(f"{name}_after"),
    )


def difference_in_differences(
    values: pl.DataFrame, target: list[str], comparison: list[str], before: int, after: int
) -> pl.DataFrame:
    """`values`: org_code, year, indicator, value (as from the indicator engine); one row per indicator."""
    if values.is_empty():
        return pl.DataFrame(schema=RESULT_SCHEMA)
    t = _group(values, target, before, after, "target")
    c = _group(values, comparison, before, after, "comparison")
    out = t.join(c, on="indicator", how="left").with_columns(
        pl.col("n_comparison").fill_null(0),
        (pl.col("target_after") - pl.col("target_before")).alias("target_change"),
        (pl.col("comparison_after") - pl.col("comparison_before")).alias("comparison_change"),
    ).with_columns(
        (pl.col("target_change") - pl.col("comparison_change").fill_null(0.0)).alias("effect")
    )
    return out.select(list(RESULT_SCHEMA)).cast(RESULT_SCHEMA).sort("indicator")

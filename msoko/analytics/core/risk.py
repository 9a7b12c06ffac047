"""Risk zones: a significant deviation from the norm or from the median of comparable schools.

Seed 003 names the processing methods — comparison with a norm, ranking, the median — and the
monitoring must point at the schools whose value of an indicator is markedly worse than expected.
Two documented rules, each a setting with a default:

* ``norm`` — the value is worse than the norm of the indicator for the year (catalog
  `IndicatorTarget.norm`): below it when higher is better, above it otherwise;
* ``median`` — the value is worse than the median of the comparable schools (same year,
  indicator and group) by more than ``mad_k`` × MAD, where MAD is the median absolute deviation
  of the group's values (raw, unscaled). The rule needs at least ``min_group`` schools with a
  value and a MAD above zero (a group where most schools share one value has no spread to judge).

Input columns: ``year, group, org_code, indicator, value, higher_is_better, norm`` (``norm`` may be
null). Output: one row per school, year, indicator and rule that fired, with its reason in Russian.
Pure Polars, no Django.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import polars as pl

from msoko.analytics.core.errors import InputError, SettingsError

RULES = ("norm_or_median", "norm", "median")
GROUPINGS = ("cluster", "none")
INPUT_COLUMNS = ("year", "group", "org_code", "indicator", "value", "higher_is_better", "norm")
RISK_SCHEMA: dict[str, pl.DataType] = {
    "year": pl.Int64(),
    "org_code": pl.String(),
    "indicator": pl.String(),
    "rule": pl.String(),
    "value": pl.Float64(),
    "reference": pl.Float64(),
    "reason": pl.String(),
}


@dataclass(frozen=True)
class RiskSettings:
    """rule: ``norm_or_median`` (default — either rule), ``norm`` or ``median`` only;
    mad_k: how many MAD beyond the group median is significant (default 3, about two standard
        deviations for normally distributed values);
    group_by: ``cluster`` (default) — comparable schools are the school's cluster in that year;
        ``none`` — every school of the municipality;
    min_group: schools with a value needed for the median rule (default 5)."""

    rule: str = "norm_or_median"
    mad_k: float = 3.0
    group_by: str = "cluster"
    min_group: int = 5

    def __post_init__(self) -> None:
        if self.rule not in RULES:
            raise SettingsError(f"Параметр rule: недопустимое значение «{self.rule}»; допустимы: {', '.join(RULES)}.")
        if self.group_by not in GROUPINGS:
            raise SettingsError(f"Параметр group_by: недопустимое значение «{self.group_by}»; допустимы: cluster, none.")
        k = self.mad_k
        if isinstance(k, bool) or not isinstance(k, int | float) or not math.isfinite(k) or k <= 0:
            raise SettingsError(f"Параметр mad_k: ожидается положительное число, получено «{k}».")
        m = self.min_group
        if isinstance(m, bool) or not isinstance(m, int) or m < 2:
            raise SettingsError(f"Параметр min_group: ожидается целое число не меньше 2, получено «{m}».")

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def number_text(expr: pl.Expr, decimals: int = 1) -> pl.Expr:
    """Russian number text: «12,5», «3», true minus sign."""
    rounded = expr.round(decimals) + 0.0
    text = rounded.abs().cast(pl.String).str.replace(r"\.0+$", "").str.replace(".", ",", literal=True)
    return pl.concat_str([pl.when(rounded < 0).then(pl.lit("−")).otherwise(pl.lit("")), text])


def risk_zones(frame: pl.DataFrame, settings: RiskSettings | None = None) -> pl.DataFrame:
    """The rows of `RISK_SCHEMA` for every rule that fires (sorted by year, indicator, school)."""
    s = settings or RiskSettings()
    missing = [c for c in INPUT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError([f"Таблица значений показателей: нет столбцов {', '.join(missing)}."])
    data = frame.select(
        pl.col("year").cast(pl.Int64),
        pl.col("group").cast(pl.String) if s.group_by == "cluster" else pl.lit("все").alias("group"),
        pl.col("org_code").cast(pl.String),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64),
        pl.col("higher_is_better").cast(pl.Boolean),
        pl.col("norm").cast(pl.Float64),
    ).filter(pl.col("value").is_not_null() & pl.col("value").is_not_nan())
    hib = pl.col("higher_is_better")
    value = pl.col("value")
    parts: list[pl.DataFrame] = []
    if s.rule in ("norm_or_median", "norm"):
        norm = pl.col("norm")
        worse = pl.when(hib).then(value < norm).otherwise(value > norm)
        parts.append(
            data.filter(norm.is_not_null() & worse).select(
                "year", "org_code", "indicator", rule=pl.lit("norm"), value=value, reference=norm,
                reason=pl.format(
                    "Значение {} хуже нормы {} (норма: {} {}).",
                    number_text(value), number_text(norm),
                    pl.when(hib).then(pl.lit("не меньше")).otherwise(pl.lit("не больше")), number_text(norm),
                ),
            )
        )
    if s.rule in ("norm_or_median", "median"):
        over = ["year", "indicator", "group"]
        median = value.median().over(over)
        with_stats = data.with_columns(median=median, n=pl.len().over(over)).with_columns(
            mad=(value - pl.col("median")).abs().median().over(over)
        )
        gap = pl.when(hib).then(pl.col("median") - value).otherwise(value - pl.col("median"))
        limit = pl.col("mad") * s.mad_k
        parts.append(
            with_stats.filter((pl.col("n") >= s.min_group) & (pl.col("mad") > 0) & (gap > limit)).select(
                "year", "org_code", "indicator", rule=pl.lit("median"), value=value, reference=pl.col("median"),
                reason=pl.format(
                    "Значение {} хуже медианы сопоставимых школ ({}, {} шк.) на {} — больше {} × MAD = {}.",
                    number_text(value), number_text(pl.col("median")), pl.col("n"), number_text(gap),
                    number_text(pl.lit(float(s.mad_k))), number_text(limit),
                ),
            )
        )
    if not parts:
        return pl.DataFrame(schema=RISK_SCHEMA)
    out = pl.concat(parts, how="vertical").select([pl.col(n).cast(t) for n, t in RISK_SCHEMA.items()])
    return out.sort("year", "indicator", "org_code", "rule")

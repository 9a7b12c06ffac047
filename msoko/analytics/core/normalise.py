"""Direction-aware normalisation of indicator values within groups (seed 000 §33, «формулы нормирования»).

Input: a long frame with the group key columns, ``indicator``, ``value`` (Float64; null = the
school lacks the value, its ``norm`` stays null) and ``invert`` (Boolean: the scale is reversed
for this row's indicator). Every statistic (min, max, mean, standard deviation) is taken over
the rows sharing the group keys and the indicator.
"""

from __future__ import annotations

import polars as pl

from msoko.analytics.core.settings import NEUTRAL_VALUE, NORMALISATIONS

#: Why a value got the neutral contribution instead of a computed one.
NEUTRAL_CONSTANT = "constant"
NEUTRAL_ZERO_MEAN = "zero_mean"


def normalise(
    frame: pl.DataFrame,
    method: str,
    keys: list[str],
    *,
    constant: str = "neutral",
) -> pl.DataFrame:
    """Add ``norm`` (Float64) and ``neutral_reason`` (String or null) to `frame`.

    - ``minmax``: (x − min) / (max − min); inverted (max − x) / (max − min). Range 0…1.
    - ``mean_ratio``: x / mean; inverted 2 − x / mean. The mean of the group maps to 1.
    - ``zscore``: (x − mean) / σ with the population σ; inverted −(x − mean) / σ.

    An indicator with one value across the group (and, under ``mean_ratio``, one whose mean is 0)
    cannot be scaled: it gets the neutral value of the method (0.5, 1, 0) when `constant` is
    ``neutral`` and null (left out of the index) when it is ``drop``.
    """
    if method not in NORMALISATIONS:
        raise ValueError(f"unknown normalisation {method!r}")
    over = [*keys, "indicator"]
    value = pl.col("value")
    lo = value.min().over(over)
    hi = value.max().over(over)
    is_constant = hi == lo
    if method == "minmax":
        span = hi - lo
        up = (value - lo) / span
        down = (hi - value) / span
        undefined = pl.lit(False)
    elif method == "mean_ratio":
        mean = value.mean().over(over)
        up = value / mean
        down = 2.0 - value / mean
        undefined = mean == 0
    else:
        mean = value.mean().over(over)
        std = value.std(ddof=0).over(over)
        up = (value - mean) / std
        down = (mean - value) / std
        undefined = pl.lit(False)

    reason = (
        pl.when(value.is_null())
        .then(pl.lit(None, dtype=pl.String))
        .when(is_constant)
        .then(pl.lit(NEUTRAL_CONSTANT))
        .when(undefined)
        .then(pl.lit(NEUTRAL_ZERO_MEAN))
        .otherwise(pl.lit(None, dtype=pl.String))
    )
    neutral = pl.lit(NEUTRAL_VALUE[method] if constant == "neutral" else None, dtype=pl.Float64)
    scaled = pl.when(pl.col("invert")).then(down).otherwise(up)
    return frame.with_columns(neutral_reason=reason).with_columns(
        norm=pl.when(pl.col("neutral_reason").is_not_null()).then(neutral).otherwise(scaled).cast(pl.Float64)
    )

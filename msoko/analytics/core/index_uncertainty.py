"""Bootstrap interval of the ШНОР results index from stored counts (numerator / denominator).

The result indicators of the catalog (share of «2» in ВПР, share below the ОГЭ / ЕГЭ minimum,
share of ЕГЭ high scores) are shares of participants: numerator = participants with the property,
denominator = participants. Resampling a school's n participants with replacement and counting
those with the property gives exactly Binomial(n, numerator / n) — so drawing the numerator from
that binomial *is* the participant bootstrap, without reading the participant rows. Each
indicator is resampled independently (they count different participants: ВПР, ОГЭ, ЕГЭ).

In every replicate the value is normalised with the parameters of the point estimates of its
year, group and indicator (min and max, or mean and standard deviation — as `normalise` does for
the chosen method), so that only the school's own data varies; the index is the mean of the
school's normalised values; the interval is the percentile interval of the replicates. An
indicator without a denominator (not a share) does not vary. A constant indicator contributes the
neutral value (or nothing, with ``constant_indicator = "drop"``), as in `shnor.identify`.

Input: ``year, group, org_code, indicator, value, numerator, denominator, multiplier,
higher_is_better`` (block results only). Output: ``year, group, org_code, index, low, high``.
"""

from __future__ import annotations

import warnings

import numpy as np
import polars as pl

from msoko.analytics.core.errors import SettingsError
from msoko.analytics.core.settings import INDEX_DECIMALS, NEUTRAL_VALUE, ShnorSettings

KEYS = ["year", "group", "org_code"]


def results_index_ci(
    frame: pl.DataFrame,
    settings: ShnorSettings | None = None,
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> pl.DataFrame:
    s = settings or ShnorSettings()
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 1:
        raise SettingsError(f"Параметр n_boot: ожидается целое число повторений не меньше 1, получено «{n_boot}».")
    if not 0 < alpha < 1:
        raise SettingsError(f"Параметр alpha: ожидается число больше 0 и меньше 1, получено «{alpha}».")
    over = ["year", "group", "indicator"]
    data = frame.filter(pl.col("value").is_not_null()).select(
        pl.col("year").cast(pl.Int64),
        pl.col("group").cast(pl.String),
        pl.col("org_code").cast(pl.String),
        pl.col("indicator").cast(pl.String),
        pl.col("value").cast(pl.Float64),
        pl.col("numerator").cast(pl.Float64),
        pl.col("denominator").cast(pl.Float64),
        pl.col("multiplier").cast(pl.Float64),
        pl.col("higher_is_better").cast(pl.Boolean),
    )
    out_schema = {"year": pl.Int64, "group": pl.String, "org_code": pl.String,
                  "index": pl.Float64, "low": pl.Float64, "high": pl.Float64}
    if data.is_empty():
        return pl.DataFrame(schema=out_schema)
    value = pl.col("value")
    data = data.with_columns(
        lo=value.min().over(over), hi=value.max().over(over),
        mean=value.mean().over(over), sd=value.std(ddof=0).over(over),
    ).sort(KEYS + ["indicator"])
    rng = np.random.default_rng(seed)
    v = data["value"].to_numpy()
    num = data["numerator"].to_numpy()
    den = data["denominator"].to_numpy()
    mult = data["multiplier"].fill_null(1.0).to_numpy()
    sampled = np.isfinite(den) & (den > 0) & np.isfinite(num) & (num >= 0) & (num <= den)
    n = np.where(sampled, np.round(np.nan_to_num(den)), 0).astype(np.int64)
    p = np.where(sampled, np.nan_to_num(num) / np.where(sampled, den, 1.0), 0.0)
    reps = np.repeat(v[:, None], n_boot, axis=1)
    draws = rng.binomial(n[:, None], p[:, None], size=(len(v), n_boot))
    reps = np.where(sampled[:, None], draws / np.where(n > 0, n, 1)[:, None] * mult[:, None], reps)

    lo, hi = data["lo"].to_numpy(), data["hi"].to_numpy()
    mean, sd = data["mean"].to_numpy(), data["sd"].to_numpy()
    invert = ~data["higher_is_better"].to_numpy()  # results block: normalised "higher = better"
    neutral = NEUTRAL_VALUE[s.normalisation] if s.constant_indicator == "neutral" else np.nan
    constant = hi == lo

    def scale(x: np.ndarray) -> np.ndarray:
        with np.errstate(divide="ignore", invalid="ignore"):
            if s.normalisation == "minmax":
                up = (x - lo[:, None]) / (hi - lo)[:, None]
                down = (hi[:, None] - x) / (hi - lo)[:, None]
                undefined = constant
            elif s.normalisation == "mean_ratio":
                up = x / mean[:, None]
                down = 2.0 - x / mean[:, None]
                undefined = constant | (mean == 0)
            else:
                up = (x - mean[:, None]) / sd[:, None]
                down = (mean[:, None] - x) / sd[:, None]
                undefined = constant
        scaled = np.where(invert[:, None], down, up)
        return np.where(undefined[:, None], neutral, scaled)

    point = scale(v[:, None])[:, 0]
    normal = scale(reps)
    ids = data.select(KEYS).with_row_index("_i").group_by(KEYS, maintain_order=True).agg(pl.col("_i"))
    starts = np.array([ix[0] for ix in ids["_i"].to_list()], dtype=np.int64)
    ok = ~np.isnan(normal)
    sums = np.add.reduceat(np.where(ok, normal, 0.0), starts, axis=0)
    used = np.add.reduceat(ok.astype(np.int64), starts, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        index_reps = sums / used
    pok = ~np.isnan(point)
    psum = np.add.reduceat(np.where(pok, point, 0.0), starts)
    pused = np.add.reduceat(pok.astype(np.int64), starts)
    with np.errstate(divide="ignore", invalid="ignore"):
        index_point = psum / pused
    low = np.full(len(starts), np.nan)
    high = np.full(len(starts), np.nan)
    valid = ~np.all(np.isnan(index_reps), axis=1)
    if valid.any():
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", category=RuntimeWarning)
            q = np.nanquantile(index_reps[valid], [alpha / 2, 1 - alpha / 2], axis=1)
        low[valid], high[valid] = q[0], q[1]
    return ids.select(KEYS).with_columns(
        pl.Series("index", index_point).fill_nan(None).round(INDEX_DECIMALS),
        pl.Series("low", low).fill_nan(None),
        pl.Series("high", high).fill_nan(None),
    )

"""Uncertainty, not false precision: bootstrap intervals over participants and what they allow to say.

A small school's share of «2» swings from year to year by chance alone. `bootstrap_ci` gives each
group (a school, a school's test) a percentile bootstrap interval of a participant-level statistic:
a mean of a per-participant value (a share is the mean of 0/1) or a ratio of sums. `index_ci` does
the same for an index averaged over several normalised indicators, resampling each school's
participants once for all indicators. `classify_low` then says «с уверенностью» only when the
whole interval lies in the flagged zone and «пограничная» otherwise.

Vectorised: participants are sorted by group, each replicate resamples row positions inside every
group at once (numpy), and sums per group come from `np.add.reduceat`; memory is bounded by
working in blocks of groups and of replicates. Nothing here imports Django.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import polars as pl

from msoko.analytics.core.errors import SettingsError

CONFIDENT = "с уверенностью"
BORDERLINE = "пограничная"

#: Shown wherever an indicator marked «не использовать для рейтингов» compares organisations or leaders.
NOT_FOR_RATING_WARNING = (
    "Внимание: показатель не предназначен для рейтингования образовательных организаций и оценки "
    "руководителей. Средние баллы и результаты ВПР зависят от состава обучающихся и условий проведения "
    "процедуры; Рособрнадзор не рекомендует использовать результаты ВПР для оценки и сравнения школ. "
    "Используйте сравнение только для выявления школ, которым нужна поддержка."
)

#: Upper bound of resampled cells (rows × replicates) held in memory at once.
_CELL_BUDGET = 8_000_000


def rating_warning(not_for_rating: bool) -> str | None:
    """The warning for an indicator marked in the catalog as not for rating, else None."""
    return NOT_FOR_RATING_WARNING if not_for_rating else None


@dataclass(frozen=True)
class IndexComponent:
    """One indicator of an index computed from participant rows.

    value: per-participant value (e.g. ``(pl.col("mark") == 2).cast(pl.Float64)``); rows where it
        is null do not count for this indicator.
    denominator: optional per-participant weight; the indicator is Σ value / Σ denominator
        (without it, the mean of the value).
    higher_is_better: orientation; the normalised value is (x − lo) / (hi − lo), or
        (hi − x) / (hi − lo) when lower is better, so that the index is always "higher = better".
    lo, hi: the normalisation range; by default the minimum and maximum of the groups' point
        estimates (kept fixed in every replicate, so only the school's own data varies).
    """

    name: str
    value: pl.Expr
    denominator: pl.Expr | None = None
    higher_is_better: bool = True
    lo: float | None = None
    hi: float | None = None


@dataclass(frozen=True)
class BootstrapDraws:
    """Point estimates and replicates: ``groups`` (keys, ``n``, one column per statistic) and
    ``replicates`` of shape (groups, statistics, n_boot)."""

    groups: pl.DataFrame
    names: tuple[str, ...]
    replicates: np.ndarray


def _check(n_boot: int, alpha: float) -> None:
    if isinstance(n_boot, bool) or not isinstance(n_boot, int) or n_boot < 1:
        raise SettingsError(f"Параметр n_boot: ожидается целое число повторений не меньше 1, получено «{n_boot}».")
    if not (isinstance(alpha, int | float) and math.isfinite(alpha) and 0 < alpha < 1):
        raise SettingsError(f"Параметр alpha: ожидается число больше 0 и меньше 1, получено «{alpha}».")


def _as_expr(value: str | pl.Expr) -> pl.Expr:
    return pl.col(value) if isinstance(value, str) else value


def bootstrap_draws(
    frame: pl.DataFrame,
    group: str | Sequence[str],
    statistics: dict[str, tuple[pl.Expr, pl.Expr | None]],
    *,
    n_boot: int = 1000,
    seed: int | None = 0,
) -> BootstrapDraws:
    """Resample each group's rows with replacement (same size) `n_boot` times.

    `statistics` maps a name to (value, denominator or None); every statistic of a replicate uses
    the same resampled rows. A statistic is Σ value / Σ denominator over the rows where it is
    defined (denominator 1 when None, i.e. a mean); NaN when no row defines it.
    """
    _check(n_boot, 0.05)
    keys = [group] if isinstance(group, str) else list(group)
    names = tuple(statistics)
    columns = []
    for i, (value, denominator) in enumerate(statistics.values()):
        v = _as_expr(value).cast(pl.Float64)
        d = pl.lit(1.0) if denominator is None else _as_expr(denominator).cast(pl.Float64)
        defined = v.is_not_null() & d.is_not_null()
        columns += [
            pl.when(defined).then(v).otherwise(0.0).alias(f"_v{i}"),
            pl.when(defined).then(d).otherwise(0.0).alias(f"_d{i}"),
        ]
    data = frame.select(*keys, *columns).sort(keys, nulls_last=True, maintain_order=True)
    k = len(names)
    groups = data.group_by(keys, maintain_order=True).agg(
        pl.len().cast(pl.Int64).alias("n"),
        *[pl.col(f"_v{i}").sum().alias(f"_sv{i}") for i in range(k)],
        *[pl.col(f"_d{i}").sum().alias(f"_sd{i}") for i in range(k)],
    )
    groups = groups.with_columns(
        [
            pl.when(pl.col(f"_sd{i}") != 0).then(pl.col(f"_sv{i}") / pl.col(f"_sd{i}")).otherwise(None).alias(name)
            for i, name in enumerate(names)
        ]
    ).select(*keys, "n", *names)

    rng = np.random.default_rng(seed)
    vcols = [f"_v{i}" for i in range(k)] + [f"_d{i}" for i in range(k)]
    # sorted so that the same seed gives the same draws whatever order the input rows come in
    combos = data.group_by([*keys, *vcols]).agg(pl.len().alias("_count")).sort([*keys, *vcols], nulls_last=True)
    widest = int(combos.group_by(keys).len().get_column("len").max() or 0)
    if groups.height and groups.height * widest * 4 <= data.height:
        replicates = _by_counts(combos, groups, keys, k, n_boot, rng)
    else:
        replicates = _by_rows(data, groups, k, n_boot, rng)
    return BootstrapDraws(groups=groups, names=names, replicates=replicates)


def _by_counts(
    combos: pl.DataFrame, groups: pl.DataFrame, keys: list[str], k: int, n_boot: int, rng: np.random.Generator
) -> np.ndarray:
    """Few distinct rows per group (0/1 values, marks): draw how many times each distinct row is
    taken, Multinomial(n, count / n) per group and replicate — the same distribution as resampling
    rows, at a cost independent of the number of participants."""
    index = groups.select(keys).with_row_index("_g")
    placed = combos.join(index, on=keys, how="left", nulls_equal=True).with_columns(
        pl.int_range(pl.len()).over("_g").alias("_pos")
    )
    g_idx = placed.get_column("_g").to_numpy().astype(np.int64)
    pos = placed.get_column("_pos").to_numpy().astype(np.int64)
    n_groups = groups.height
    width = int(pos.max()) + 1
    counts = np.zeros((n_groups, width))
    counts[g_idx, pos] = placed.get_column("_count").to_numpy()
    values = np.zeros((n_groups, width, k))
    weights = np.zeros((n_groups, width, k))
    for j in range(k):
        values[g_idx, pos, j] = placed.get_column(f"_v{j}").to_numpy()
        weights[g_idx, pos, j] = placed.get_column(f"_d{j}").to_numpy()
    sizes = counts.sum(axis=1)
    probabilities = counts / sizes[:, None]
    replicates = np.full((n_groups, k, n_boot), np.nan)
    chunk = max(1, _CELL_BUDGET // (n_groups * width))
    for b0 in range(0, n_boot, chunk):
        bc = min(chunk, n_boot - b0)
        drawn = rng.multinomial(sizes.astype(np.int64), probabilities, size=(bc, n_groups)).astype(np.float64)
        for j in range(k):
            sv = np.einsum("bgw,gw->gb", drawn, values[:, :, j])
            sd = np.einsum("bgw,gw->gb", drawn, weights[:, :, j])
            with np.errstate(divide="ignore", invalid="ignore"):
                replicates[:, j, b0 : b0 + bc] = np.where(sd != 0, sv / sd, np.nan)
    return replicates


def _by_rows(data: pl.DataFrame, groups: pl.DataFrame, k: int, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Many distinct rows per group: resample row positions inside every group at once, in blocks
    of whole groups so that rows × replicates held in memory stays under `_CELL_BUDGET`."""
    values = np.stack([data.get_column(f"_v{i}").to_numpy() for i in range(k)], axis=1)
    weights = np.stack([data.get_column(f"_d{i}").to_numpy() for i in range(k)], axis=1)
    sizes = groups.get_column("n").to_numpy().astype(np.int64)
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]) if len(sizes) else np.empty(0, dtype=np.int64)
    replicates = np.full((len(sizes), k, n_boot), np.nan)
    rows_cap = max(1, _CELL_BUDGET // n_boot)
    g0 = 0
    while g0 < len(sizes):
        g1 = g0 + 1  # a block of whole groups with at most rows_cap rows (at least one group)
        while g1 < len(sizes) and starts[g1] + sizes[g1] - starts[g0] <= rows_cap:
            g1 += 1
        r0, r1 = int(starts[g0]), int(starts[g1 - 1] + sizes[g1 - 1])
        rows = r1 - r0
        local_starts = starts[g0:g1] - r0
        row_start = np.repeat(local_starts, sizes[g0:g1])
        row_size = np.repeat(sizes[g0:g1], sizes[g0:g1])
        v_block, d_block = values[r0:r1], weights[r0:r1]
        chunk = max(1, _CELL_BUDGET // rows)
        for b0 in range(0, n_boot, chunk):
            bc = min(chunk, n_boot - b0)
            picks = row_start[:, None] + (rng.random((rows, bc)) * row_size[:, None]).astype(np.int64)
            for j in range(k):
                sv = np.add.reduceat(v_block[picks, j], local_starts, axis=0)
                sd = np.add.reduceat(d_block[picks, j], local_starts, axis=0)
                with np.errstate(divide="ignore", invalid="ignore"):
                    replicates[g0:g1, j, b0 : b0 + bc] = np.where(sd != 0, sv / sd, np.nan)
        g0 = g1
    return replicates


def _interval(reps: np.ndarray, alpha: float) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval per row of `reps` (NaN replicates ignored; all-NaN rows give NaN)."""
    low = np.full(reps.shape[0], np.nan)
    high = np.full(reps.shape[0], np.nan)
    ok = ~np.all(np.isnan(reps), axis=1)
    if ok.any():
        q = np.nanquantile(reps[ok], [alpha / 2, 1 - alpha / 2], axis=1)
        low[ok], high[ok] = q[0], q[1]
    return low, high


def bootstrap_ci(
    frame: pl.DataFrame,
    group: str | Sequence[str],
    value: str | pl.Expr,
    *,
    denominator: str | pl.Expr | None = None,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> pl.DataFrame:
    """Percentile bootstrap interval of a participant-level statistic for every group.

    The statistic is the mean of `value` over the group's rows (a share when the value is 0/1), or
    Σ value / Σ denominator. Returns the group columns, ``n`` (rows), ``estimate``, ``low``,
    ``high`` (the (1 − alpha) interval). A group whose rows are all equal gets a zero-width interval.
    """
    _check(n_boot, alpha)
    draws = bootstrap_draws(
        frame, group, {"estimate": (_as_expr(value), None if denominator is None else _as_expr(denominator))},
        n_boot=n_boot, seed=seed,
    )
    low, high = _interval(draws.replicates[:, 0, :], alpha)
    return draws.groups.with_columns(
        pl.Series("low", low).fill_nan(None), pl.Series("high", high).fill_nan(None)
    )


def index_ci(
    frame: pl.DataFrame,
    group: str | Sequence[str],
    components: Sequence[IndexComponent],
    *,
    n_boot: int = 1000,
    alpha: float = 0.05,
    seed: int | None = 0,
) -> pl.DataFrame:
    """Bootstrap interval of an index = the mean of min–max normalised indicators per group.

    Each replicate resamples a group's participants once and recomputes every indicator from the
    same rows; the normalisation range stays that of the point estimates (or the component's
    ``lo``/``hi``), so the interval shows how much the school's own result could move. A group
    lacking an indicator averages the ones it has. A constant indicator (hi = lo) contributes 0.5.
    Returns the group columns, ``n``, ``index`` (point), ``low``, ``high``.
    """
    _check(n_boot, alpha)
    if not components:
        raise SettingsError("Индекс: не задан ни один показатель.")
    names = [c.name for c in components]
    if len(set(names)) != len(names):
        raise SettingsError("Индекс: названия показателей повторяются.")
    draws = bootstrap_draws(
        frame, group, {c.name: (c.value, c.denominator) for c in components}, n_boot=n_boot, seed=seed
    )
    point = draws.groups.select(names).to_numpy().astype(np.float64)
    normal_point = np.empty_like(point)
    normal_reps = np.empty_like(draws.replicates)
    for j, comp in enumerate(components):
        column = point[:, j]
        lo = comp.lo if comp.lo is not None else (np.nanmin(column) if np.isfinite(column).any() else 0.0)
        hi = comp.hi if comp.hi is not None else (np.nanmax(column) if np.isfinite(column).any() else 0.0)
        for target, source in ((normal_point[:, j], column), (normal_reps[:, j, :], draws.replicates[:, j, :])):
            if hi == lo:
                target[...] = np.where(np.isnan(source), np.nan, 0.5)
            elif comp.higher_is_better:
                target[...] = (source - lo) / (hi - lo)
            else:
                target[...] = (hi - source) / (hi - lo)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", category=RuntimeWarning)  # "mean of empty slice": no indicator
        index_point = np.nanmean(normal_point, axis=1)
        index_reps = np.nanmean(normal_reps, axis=1)
    low, high = _interval(index_reps, alpha)
    keys = [group] if isinstance(group, str) else list(group)
    return draws.groups.select(*keys, "n").with_columns(
        pl.Series("index", index_point).fill_nan(None),
        pl.Series("low", low).fill_nan(None),
        pl.Series("high", high).fill_nan(None),
    )


def classify_interval(low: float | None, high: float | None, cutoff: float, zone: str = "below") -> str | None:
    """«с уверенностью» when [low, high] lies wholly in the flagged zone, «пограничная» when it
    only reaches into it, None when it lies wholly outside (or is unknown).

    zone ``below``: the flagged zone is value ≤ cutoff (a low index); ``above``: value ≥ cutoff.
    """
    if zone not in ("below", "above"):
        raise SettingsError(f"Параметр zone: недопустимое значение «{zone}»; допустимы: below, above.")
    if low is None or high is None or (isinstance(low, float) and math.isnan(low)) or (isinstance(high, float) and math.isnan(high)):
        return None
    if zone == "below":
        return CONFIDENT if high <= cutoff else (BORDERLINE if low <= cutoff else None)
    return CONFIDENT if low >= cutoff else (BORDERLINE if high >= cutoff else None)


def classify_low(
    index_ci: pl.DataFrame,
    cutoff: float,
    *,
    zone: str = "below",
    low: str = "low",
    high: str = "high",
    estimate: str | None = None,
) -> pl.DataFrame:
    """Add ``certainty``: «с уверенностью» / «пограничная» / null by `classify_interval`.

    With `estimate` (a column of point values), a row whose point value is in the zone is at least
    «пограничная» even if its interval happens not to reach the cutoff.
    """
    if zone not in ("below", "above"):
        raise SettingsError(f"Параметр zone: недопустимое значение «{zone}»; допустимы: below, above.")
    lo, hi = pl.col(low), pl.col(high)
    cut = pl.lit(float(cutoff))
    whole = hi <= cut if zone == "below" else lo >= cut
    touches = lo <= cut if zone == "below" else hi >= cut
    if estimate is not None:
        touches = touches | (pl.col(estimate) <= cut if zone == "below" else pl.col(estimate) >= cut)
    certainty = (
        pl.when(lo.is_null() | hi.is_null()).then(None)
        .when(whole).then(pl.lit(CONFIDENT))
        .when(touches).then(pl.lit(BORDERLINE))
        .otherwise(None)
    )
    return index_ci.with_columns(certainty.cast(pl.String).alias("certainty"))

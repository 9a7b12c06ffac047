"""Partial indices (multidimensional average), ranking and the share cut-off with ties."""

from __future__ import annotations

import polars as pl

from msoko.analytics.core.settings import INDEX_DECIMALS


def partial_index(normalised: pl.DataFrame, keys: list[str]) -> pl.DataFrame:
    """One row per group keys × ``org_code``: the mean of the school's normalised values.

    Columns: the keys, ``org_code``, ``index`` (rounded to `INDEX_DECIMALS`, null when the school
    has no usable value), ``indicators_used`` (values that entered the mean) and
    ``indicators_present`` (values the school has, including ones a dropped constant indicator
    left out). `normalised` may contain rows with a null ``value`` (the school lacks it).
    """
    return (
        normalised.group_by([*keys, "org_code"])
        .agg(
            index=pl.col("norm").mean(),
            indicators_used=pl.col("norm").count().cast(pl.Int64),
            indicators_present=pl.col("value").count().cast(pl.Int64),
        )
        .with_columns(pl.col("index").round(INDEX_DECIMALS))
    )


def cutoff_size(n: pl.Expr, share: float, rounding: str) -> pl.Expr:
    """k = how many of `n` schools the share means: ceil/round/floor(share × n), at least 1, at most n.

    share × n is rounded to 9 decimals first so that 0.25 × 12 is exactly 3, not 3.0000000000000004.
    """
    raw = (pl.lit(float(share)) * n).round(9)
    if rounding == "ceil":
        k = raw.ceil()
    elif rounding == "floor":
        k = raw.floor()
    elif rounding == "round":
        k = (raw + 0.5).floor()
    else:
        raise ValueError(f"unknown rounding {rounding!r}")
    return pl.max_horizontal(pl.lit(1), pl.min_horizontal(k.cast(pl.Int64), n))


def rank_and_cut(
    frame: pl.DataFrame,
    keys: list[str],
    *,
    worst_is_high: bool,
    share: float,
    rounding: str,
    ties: str,
    score: str = "index",
    prefix: str = "",
) -> pl.DataFrame:
    """Rank the rows with a non-null `score` within each group, 1 = worst, and flag the worst share.

    Adds ``{prefix}rank`` (competition ranking: tied schools share the best rank of the tie),
    ``{prefix}flag``, ``{prefix}k`` (the share in schools) and ``{prefix}n`` (schools ranked in the
    group). With ``ties="include"`` every school tied with the k-th is flagged; with ``"exclude"``
    only schools whose whole tie lies within the first k are. Rows with a null score get null
    rank and flag False.
    """
    ranked = frame.filter(pl.col(score).is_not_null())
    rest = frame.filter(pl.col(score).is_null())
    s = pl.col(score)
    n = pl.len().over(keys).cast(pl.Int64)
    rank_min = s.rank("min", descending=worst_is_high).over(keys).cast(pl.Int64)
    rank_max = s.rank("max", descending=worst_is_high).over(keys).cast(pl.Int64)
    ranked = ranked.with_columns(
        **{f"{prefix}n": n, f"{prefix}rank": rank_min, "_rank_max": rank_max}
    ).with_columns(**{f"{prefix}k": cutoff_size(pl.col(f"{prefix}n"), share, rounding)})
    bound = pl.col(f"{prefix}rank") if ties == "include" else pl.col("_rank_max")
    ranked = ranked.with_columns(**{f"{prefix}flag": bound <= pl.col(f"{prefix}k")}).drop("_rank_max")
    rest = rest.with_columns(
        **{
            f"{prefix}n": pl.lit(None, dtype=pl.Int64),
            f"{prefix}rank": pl.lit(None, dtype=pl.Int64),
            f"{prefix}k": pl.lit(None, dtype=pl.Int64),
            f"{prefix}flag": pl.lit(False),
        }
    )
    return pl.concat([ranked, rest.select(ranked.columns)], how="vertical")


def boundary_ties(ranked: pl.DataFrame, keys: list[str], prefix: str = "") -> pl.DataFrame:
    """Groups whose cut-off fell inside a tie: the number flagged differs from k.

    Columns: the keys, ``n``, ``k``, ``flagged``.
    """
    return (
        ranked.filter(pl.col(f"{prefix}rank").is_not_null())
        .group_by(keys)
        .agg(
            n=pl.col(f"{prefix}n").first(),
            k=pl.col(f"{prefix}k").first(),
            flagged=pl.col(f"{prefix}flag").sum().cast(pl.Int64),
        )
        .filter(pl.col("flagged") != pl.col("k"))
        .sort(keys)
    )

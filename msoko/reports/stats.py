"""Pure computations behind the reports (Polars frames in, frames out; no Django).

Shares are percentages (0–100) of participants with a mark; a school's expected level is the
linear fit of its result on its social index (the residual says whether it beats its conditions).
"""

from __future__ import annotations

import polars as pl

MARKS = (2, 3, 4, 5)


def mark_summary(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """Per group: participants, counts and shares of the marks 2–5, quality (4+5), mean primary score."""
    marked = frame.filter(pl.col("mark").is_not_null())
    aggs = [pl.len().alias("participants")]
    aggs += [(pl.col("mark") == m).sum().alias(f"n{m}") for m in MARKS]
    aggs += [pl.col("primary").mean().alias("mean_primary"), pl.col("mark").mean().alias("mean_mark")]
    out = marked.group_by(by).agg(aggs) if by else marked.select(aggs)
    shares = [(pl.col(f"n{m}") / pl.col("participants") * 100).alias(f"p{m}") for m in MARKS]
    out = out.with_columns(shares).with_columns(
        quality=(pl.col("n4") + pl.col("n5")) / pl.col("participants") * 100,
        success=(pl.col("participants") - pl.col("n2")) / pl.col("participants") * 100,
    )
    return out.sort(by) if by else out


def score_distribution(frame: pl.DataFrame, column: str = "primary") -> pl.DataFrame:
    """Participants per score value (every value from the minimum to the maximum, zero-filled)."""
    scores = frame.filter(pl.col(column).is_not_null())
    if scores.is_empty():
        return pl.DataFrame(schema={"score": pl.Int64, "participants": pl.UInt32})
    low, high = int(scores[column].min()), int(scores[column].max())
    counts = scores.group_by(column).len().rename({column: "score", "len": "participants"})
    full = pl.DataFrame({"score": list(range(low, high + 1))}, schema={"score": pl.Int64})
    return full.join(counts.with_columns(pl.col("score").cast(pl.Int64)), on="score", how="left").with_columns(
        pl.col("participants").fill_null(0).cast(pl.UInt32)
    )


def task_success(task_scores: list[list[int]], task_max: tuple[int, ...]) -> pl.DataFrame:
    """Per task: mean score as a percentage of the task's maximum (the «решаемость» of the task)."""
    rows = []
    for i, maximum in enumerate(task_max):
        scores = [s[i] for s in task_scores if i < len(s) and s[i] is not None]
        if scores and maximum:
            rows.append((i + 1, maximum, len(scores), sum(scores) / (len(scores) * maximum) * 100))
    return pl.DataFrame(rows, schema={"task": pl.Int64, "max": pl.Int64, "participants": pl.Int64,
                                      "success": pl.Float64}, orient="row")


def gia_summary(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """ОГЭ / ЕГЭ per group: participants, mean test score, mean mark, share below the minimum, share
    with a high score (test score ≥ the high-score threshold)."""
    below = (pl.col("mark") == 2) | (pl.col("test_score").is_not_null() & pl.col("min_score").is_not_null()
                                      & (pl.col("test_score") < pl.col("min_score")))
    high = pl.col("test_score").is_not_null() & pl.col("high_score").is_not_null() & (
        pl.col("test_score") >= pl.col("high_score"))
    aggs = [
        pl.len().alias("participants"), below.sum().alias("n_below"), high.sum().alias("n_high"),
        pl.col("test_score").mean().alias("mean_score"), pl.col("mark").mean().alias("mean_mark"),
        pl.col("primary").mean().alias("mean_primary"),
    ]
    out = frame.group_by(by).agg(aggs) if by else frame.select(aggs)
    out = out.with_columns(
        p_below=pl.col("n_below") / pl.col("participants") * 100,
        p_high=pl.col("n_high") / pl.col("participants") * 100,
    )
    return out.sort(by) if by else out


def olympiad_summary(frame: pl.DataFrame, by: list[str]) -> pl.DataFrame:
    """ВсОШ per group: participants (distinct participant × subject), prize-winners and winners."""
    aggs = [
        pl.struct("participant", "subject").n_unique().alias("participants"),
        (pl.col("status") == "winner").sum().alias("winners"),
        (pl.col("status") == "prize").sum().alias("prizes"),
    ]
    out = frame.group_by(by).agg(aggs) if by else frame.select(aggs)
    return out.with_columns(
        awarded=pl.col("winners") + pl.col("prizes"),
        p_awarded=(pl.col("winners") + pl.col("prizes")) / pl.col("participants") * 100,
    ).sort(by) if by else out


def expected_level(results: pl.DataFrame, value: str = "value", factor: str = "factor") -> pl.DataFrame:
    """Fit value = a + b × factor over schools; add expected, residual and the residual in SDs.

    Rows with a missing value or factor are left out. Fewer than 3 schools: no fit (empty).
    """
    data = results.filter(pl.col(value).is_not_null() & pl.col(factor).is_not_null())
    if data.height < 3:
        return data.with_columns(expected=pl.lit(None, pl.Float64), residual=pl.lit(None, pl.Float64),
                                 z=pl.lit(None, pl.Float64)).head(0)
    x, y = data[factor].cast(pl.Float64), data[value].cast(pl.Float64)
    var = float(((x - x.mean()) ** 2).sum())
    slope = float(((x - x.mean()) * (y - y.mean())).sum()) / var if var > 0 else 0.0
    intercept = float(y.mean()) - slope * float(x.mean())
    out = data.with_columns(expected=intercept + slope * pl.col(factor).cast(pl.Float64))
    out = out.with_columns(residual=pl.col(value) - pl.col("expected"))
    sd = float(out["residual"].std() or 0.0)
    return out.with_columns(z=pl.col("residual") / sd if sd > 0 else pl.lit(0.0))


def correlation(frame: pl.DataFrame, a: str, b: str) -> tuple[float | None, int]:
    """Pearson correlation of two columns over rows where both are present, and that row count."""
    data = frame.filter(pl.col(a).is_not_null() & pl.col(b).is_not_null())
    if data.height < 3:
        return None, data.height
    r = data.select(pl.corr(pl.col(a).cast(pl.Float64), pl.col(b).cast(pl.Float64))).item()
    return (None if r is None or r != r else float(r)), data.height


def strength(r: float | None) -> str:
    if r is None:
        return "недостаточно данных"
    size = abs(r)
    word = "слабая" if size < 0.3 else "умеренная" if size < 0.5 else "заметная" if size < 0.7 else "сильная"
    return f"{word} {'прямая' if r > 0 else 'обратная'} связь"

"""ВсОШ (Всероссийская олимпиада школьников) stage results.

School stage: many participants (grades 4–11); municipal stage (grades 7–11): those who scored at
least the passing score at the school stage; regional stage (grades 9–11): few; final: the very
best. Inflated schools mark their own school stage generously, so their school-stage winners
score low at the municipal stage. Participant codes are the pupils' stable codes.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from msoko.collection.vpr_spec import SUBJECTS
from msoko.demo.pupils import Pupils
from msoko.demo.world import STREAM_OLYMPIAD, World, rng_for, year_label

COLUMNS = ["Учебный год", "Код участника", "Код ОО", "Класс", "Предмет", "Этап", "Статус", "Балл", "Максимальный балл"]
OLYMPIAD_SUBJECTS = tuple(code for code in SUBJECTS if code != "ok")
MAX_SCORE = 100
STAGES = ("школьный", "муниципальный", "региональный", "заключительный")
# (passing share of the maximum to be invited, minimum grade, difficulty of the stage)
NEXT_STAGE = {1: (0.6, 7, 1.4), 2: (0.7, 9, 2.2), 3: (0.85, 9, 2.9)}
SCHOOL_STAGE_INFLATION = 22


def _scores(rng, ability: np.ndarray, difficulty: float) -> np.ndarray:
    raw = MAX_SCORE / (1 + np.exp(-0.9 * (ability - difficulty))) + rng.normal(0, 7, len(ability))
    return np.rint(raw).clip(0, MAX_SCORE).astype(np.int64)


def _statuses(frame: pl.DataFrame, group: list[str]) -> pl.DataFrame:
    """Winner = best score of the group if ≥ 50 % of the maximum; prize-winners = next up to 25 %."""
    ranked = frame.with_columns(
        pl.col("Балл").rank(method="min", descending=True).over(group).alias("_rank"),
        pl.len().over(group).alias("_n"),
    )
    half = MAX_SCORE * 0.5
    status = (
        pl.when((pl.col("_rank") == 1) & (pl.col("Балл") >= half)).then(pl.lit("победитель"))
        .when((pl.col("_rank") <= (pl.col("_n") * 0.25).ceil() + 1) & (pl.col("Балл") >= half)).then(pl.lit("призёр"))
        .otherwise(pl.lit("участник"))
    )
    return ranked.with_columns(status.alias("Статус")).drop("_rank", "_n")


def olympiad_frame(world: World, pupils: Pupils, year: int) -> pl.DataFrame:
    rng = rng_for(world.seed, STREAM_OLYMPIAD, year)
    y = world.year_index(year)
    label = year_label(year)
    roster = pupils.roster(year, tuple(range(4, 12)))
    n = len(roster)
    theta = 0.8 * world.q_year[roster.school, y] + 0.9 * roster.latent
    # each pupil considers three subjects and enters each with a probability rising with ability
    n_subj = len(OLYMPIAD_SUBJECTS)
    choice = np.argsort(rng.random((n, n_subj)), axis=1)[:, :3]
    enter = rng.random((n, 3)) < 1 / (1 + np.exp(-(0.9 * theta[:, None] - 0.9)))
    young = roster.grade < 5
    pupil_idx, slot = np.nonzero(enter)
    subject_idx = choice[pupil_idx, slot]
    keep = ~young[pupil_idx] | np.isin(subject_idx, [OLYMPIAD_SUBJECTS.index("ru"), OLYMPIAD_SUBJECTS.index("ma")])
    pupil_idx, subject_idx = pupil_idx[keep], subject_idx[keep]
    aptitude = theta[pupil_idx] + rng.normal(0, 0.5, len(pupil_idx))
    school_score = _scores(rng, aptitude, 0.3)
    school_score = np.where(
        world.inflated[roster.school[pupil_idx]], np.minimum(MAX_SCORE, school_score + SCHOOL_STAGE_INFLATION), school_score
    )
    base = {
        "Учебный год": [label] * len(pupil_idx),
        "Код участника": roster.code[pupil_idx].tolist(),
        "Код ОО": [world.schools[i].code for i in roster.school[pupil_idx].tolist()],
        "Класс": roster.grade[pupil_idx].astype(np.int64),
        "Предмет": [SUBJECTS[OLYMPIAD_SUBJECTS[k]] for k in subject_idx.tolist()],
    }
    frames = []
    stage = pl.DataFrame(base).with_columns(
        pl.lit(STAGES[0]).alias("Этап"), pl.Series("Балл", school_score), pl.lit(MAX_SCORE).cast(pl.Int64).alias("Максимальный балл"),
        pl.Series("_aptitude", aptitude),
    )
    stage = _statuses(stage, ["Код ОО", "Предмет", "Класс"])
    frames.append(stage)
    for level in (1, 2, 3):
        passing, min_grade, difficulty = NEXT_STAGE[level]
        invited = stage.filter((pl.col("Балл") >= passing * MAX_SCORE) & (pl.col("Класс") >= min_grade))
        if level == 3:
            invited = invited.filter(pl.col("Статус") != "участник")
        if invited.is_empty():
            break
        scores = _scores(rng, invited["_aptitude"].to_numpy(), difficulty)
        stage = invited.with_columns(pl.lit(STAGES[level]).alias("Этап"), pl.Series("Балл", scores))
        stage = _statuses(stage, ["Предмет", "Класс"]) if level < 3 else stage.with_columns(pl.lit("участник").alias("Статус"))
        frames.append(stage)
    out = pl.concat(frames, how="vertical").drop("_aptitude").select(COLUMNS)
    stage_order = pl.col("Этап").replace_strict({s: i for i, s in enumerate(STAGES)}, return_dtype=pl.Int8)
    return out.sort([stage_order, "Код ОО", "Предмет", "Класс", "Код участника"])

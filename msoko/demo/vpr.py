"""ВПР results per participant (the ФИС ОКО export), drawn from the latent model.

Task scores follow a simple item-response model: a pupil of ability θ scores
Binomial(task max, sigmoid(a·(θ − difficulty))) on each task. Each test is calibrated so that
about 12 % of an average population get «2» and about 16 % get «5»; the mark comes from the
primary score by the boundaries of :mod:`msoko.collection.vpr_spec`.

Inflated schools: ВПР abilities are boosted (the school's ВПР looks much better than its ОГЭ) and
primary scores a few points below the «3» and «4» boundaries are pushed just above them; journal
marks follow the true ability, so ВПР marks exceed journal marks there.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import polars as pl

from msoko.collection import vpr_spec
from msoko.demo.pupils import Pupils, Roster
from msoko.demo.world import STREAM_VPR, World, rng_for, year_label

VPR_GRADES = (4, 5, 6, 7, 8, 10, 11)
MAX_TASKS = max(t.task_count for t in vpr_spec.TESTS.values())
TASK_COLUMNS = [f"Задание {k}" for k in range(1, MAX_TASKS + 1)]
COLUMNS = [
    "Учебный год", "Код ОО", "Класс", "Параллель", "Предмет", "Код участника", "Вариант",
    *TASK_COLUMNS, "Первичный балл", "Отметка", "Отметка по журналу",
]
POPULATION_SD = 1.15
SCHOOL_BLOCK = 50  # schools per random stream and per written chunk (a constant: keeps output stable)
INFLATION_BOOST = 0.7


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-x))


@dataclass(frozen=True)
class Calibration:
    slope: float
    difficulty: np.ndarray  # per task
    theta_cuts: tuple[float, float, float]  # abilities whose expected score hits the 3/4/5 boundaries


def _expected(test: vpr_spec.VprTest, slope: float, difficulty: np.ndarray, theta: np.ndarray) -> np.ndarray:
    maxima = np.array(test.task_max, dtype=float)
    return (maxima[None, :] * _sigmoid(slope * (theta[:, None] - difficulty[None, :]))).sum(axis=1)


def _theta_for(test, slope, difficulty, score: float) -> float:
    lo, hi = -8.0, 8.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if _expected(test, slope, difficulty, np.array([mid]))[0] < score:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


@cache
def calibrate(subject: str, grade: int) -> Calibration:
    """Deterministic (seed-free) calibration of a test's task difficulties and slope."""
    test = vpr_spec.TESTS[(subject, grade)]
    m = test.task_count
    pattern = np.array([((j * 7) % m) / max(m - 1, 1) * 2 - 1 for j in range(m)]) * 0.9
    b3, _, b5 = test.boundaries
    target3, target5 = -1.5 * POPULATION_SD, 1.1 * POPULATION_SD

    def offset_for(slope: float) -> float:
        lo, hi = -6.0, 6.0
        for _ in range(50):
            mid = (lo + hi) / 2
            if _expected(test, slope, pattern + mid, np.array([target3]))[0] > b3 - 0.5:
                lo = mid
            else:
                hi = mid
        return (lo + hi) / 2

    lo, hi = 0.2, 6.0
    for _ in range(40):
        slope = (lo + hi) / 2
        off = offset_for(slope)
        theta5 = _theta_for(test, slope, pattern + off, b5 - 0.5)
        if theta5 > target5:
            lo = slope
        else:
            hi = slope
    slope = (lo + hi) / 2
    difficulty = pattern + offset_for(slope)
    cuts = tuple(_theta_for(test, slope, difficulty, b - 0.5) for b in test.boundaries)
    return Calibration(slope, difficulty, cuts)  # type: ignore[arg-type]


def _marks(primary: np.ndarray, boundaries: tuple[int, int, int]) -> np.ndarray:
    b3, b4, b5 = boundaries
    return 2 + (primary >= b3).astype(np.int8) + (primary >= b4) + (primary >= b5)


def _push_scores(rng, scores: np.ndarray, maxima: np.ndarray, boundaries: tuple[int, int, int], mask: np.ndarray) -> None:
    """In rows of ``mask``, lift primary scores 1–3 points below the 3/4 boundaries to just above them."""
    primary = scores.sum(axis=1)
    for b in boundaries[:2]:
        near = mask & (primary >= b - 3) & (primary < b) & (rng.random(len(primary)) < 0.8)
        deficit = np.where(near, b + rng.integers(0, 2, len(primary)) - primary, 0)
        for t in range(scores.shape[1]):
            add = np.minimum(deficit, maxima[t] - scores[:, t])
            scores[:, t] += add
            deficit -= add
        primary = scores.sum(axis=1)


def _subjects_per_class(rng, grade: int) -> list[str]:
    options = vpr_spec.subjects_for_grade(grade)
    if grade == 4:
        return ["ru", "ma", "ok" if rng.random() < 0.6 else "en"]
    if grade in (5, 6, 7, 8):
        rest = [s for s in options if s not in ("ru", "ma")]
        return ["ru", "ma", *sorted(rng.choice(rest, size=2, replace=False).tolist())]
    return sorted(rng.choice(options, size=2, replace=False).tolist())


def vpr_frames(world: World, pupils: Pupils, year: int):
    """Yield the ВПР rows of one academic year as Polars frames, one per block of schools."""
    y = world.year_index(year)
    label = year_label(year)
    n_schools = len(world.schools)
    for start in range(0, n_schools, SCHOOL_BLOCK):
        stop = min(n_schools, start + SCHOOL_BLOCK)
        rng = rng_for(world.seed, STREAM_VPR, year, start)
        roster = pupils.roster(year, VPR_GRADES, range(start, stop))
        roster = roster.select(rng.random(len(roster)) < 0.93)  # absent on the day
        if not len(roster):
            continue
        parts = []
        keys = np.stack([roster.school, roster.grade, roster.class_no], axis=1).astype(np.int64)
        unique_classes, inverse = np.unique(keys, axis=0, return_inverse=True)
        inverse = inverse.reshape(-1)
        assignment = [_subjects_per_class(rng, int(g)) for _, g, _ in unique_classes]
        class_grade = unique_classes[:, 1]
        for subject, grade in sorted(vpr_spec.TESTS, key=lambda k: (k[1], list(vpr_spec.SUBJECTS).index(k[0]))):
            if grade not in VPR_GRADES:
                continue
            class_takes = np.array([subject in subjects for subjects in assignment], dtype=bool) & (class_grade == grade)
            takes = class_takes[inverse]
            if not takes.any():
                continue
            parts.append(_test_rows(world, rng, roster.select(takes), subject, grade, y, label))
        if parts:
            frame = pl.concat(parts, how="vertical").sort(["Код ОО", "Параллель", "Класс", "Предмет", "Код участника"])
            yield frame


def _test_rows(world: World, rng, r: Roster, subject: str, grade: int, y: int, label: str) -> pl.DataFrame:
    test = vpr_spec.TESTS[(subject, grade)]
    cal = calibrate(subject, grade)
    n = len(r)
    theta_true = 0.8 * world.q_year[r.school, y] + 0.9 * r.latent + rng.normal(0, 0.3, n)
    inflated = world.inflated[r.school]
    theta = theta_true + np.where(inflated, INFLATION_BOOST, 0.0)
    maxima = np.array(test.task_max, dtype=np.int16)
    p = _sigmoid(cal.slope * (theta[:, None] - cal.difficulty[None, :]))
    scores = rng.binomial(np.broadcast_to(maxima, p.shape), p).astype(np.int16)
    _push_scores(rng, scores, maxima, test.boundaries, inflated)
    primary = scores.sum(axis=1)
    mark = _marks(primary, test.boundaries)
    # journal mark: the teacher's view of the true ability, a little generous, rarely «2»
    t3, t4, t5 = cal.theta_cuts
    j_theta = theta_true + rng.normal(0, 0.45, n) + 0.25
    journal = 2 + (j_theta >= t3).astype(np.int8) + (j_theta >= t4) + (j_theta >= t5)
    journal = np.where((journal == 2) & (rng.random(n) < 0.6), 3, journal)
    journal_blank = rng.random(n) < 0.03
    columns: dict[str, object] = {
        "Учебный год": [label] * n,
        "Код ОО": [world.schools[i].code for i in r.school.tolist()],
        "Класс": r.class_names().tolist(),
        "Параллель": np.full(n, grade, dtype=np.int64),
        "Предмет": [test.subject_name] * n,
        "Код участника": r.code.tolist(),
        "Вариант": rng.integers(1, 3, n).astype(np.int64),
    }
    for k, name in enumerate(TASK_COLUMNS):
        if k < test.task_count:
            columns[name] = scores[:, k].astype(np.int64)
        else:
            columns[name] = pl.Series(name, [None] * n, dtype=pl.Int64)
    columns["Первичный балл"] = primary.astype(np.int64)
    columns["Отметка"] = mark.astype(np.int64)
    columns["Отметка по журналу"] = pl.Series(
        "Отметка по журналу", [None if b else int(v) for v, b in zip(journal.tolist(), journal_blank.tolist(), strict=True)], dtype=pl.Int64
    )
    return pl.DataFrame(columns)

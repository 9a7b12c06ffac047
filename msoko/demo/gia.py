"""ОГЭ / ГВЭ (grade 9) and ЕГЭ (grade 11) results per participant, as from РИС ГИА.

Scores follow the true ability (no inflation), so a school with inflated ВПР marks shows a much
weaker ОГЭ than its ВПР. Each subject is calibrated so that about 8 % of an average population
score below the ОГЭ minimum and about 5 % below the ЕГЭ minimum.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from msoko.collection.vpr_spec import SUBJECTS
from msoko.demo.pupils import Pupils
from msoko.demo.world import STREAM_GIA, World, rng_for, year_label

COLUMNS = [
    "Учебный год", "Код ОО", "Код участника", "Экзамен", "Предмет", "Первичный балл", "Тестовый балл",
    "Отметка", "Минимальный балл", "Высокий балл",
]
# ОГЭ: primary maximum and the minimum primary scores of the marks 3, 4, 5
OGE = {
    "ru": (33, (15, 23, 29)), "ma": (31, (8, 15, 22)), "ob": (37, (14, 24, 32)), "bi": (48, (13, 25, 37)),
    "ge": (31, (12, 19, 26)), "fi": (45, (11, 23, 35)), "ch": (40, (10, 21, 31)), "hi": (37, (11, 21, 30)),
    "en": (68, (29, 46, 58)),
}
OGE_ELECTIVES = ("ob", "ge", "bi", "fi", "ch", "hi", "en")
OGE_ELECTIVE_WEIGHTS = np.array([0.34, 0.24, 0.16, 0.07, 0.07, 0.04, 0.08])
# ГВЭ (for pupils with special needs): primary maximum and mark boundaries
GVE = {"ru": (20, (7, 12, 17)), "ma": (14, (4, 8, 11))}
# ЕГЭ: primary maximum, minimum primary score and the minimum test score it converts to
EGE = {
    "ru": (50, 10, 24), "ma": (31, 6, 27), "ob": (58, 19, 42), "hi": (42, 10, 32), "bi": (59, 16, 36),
    "ch": (56, 13, 36), "fi": (45, 11, 36), "ge": (37, 12, 37), "en": (82, 17, 22),
}
EGE_ELECTIVES = ("ob", "bi", "hi", "ch", "fi", "ge", "en")
EGE_ELECTIVE_WEIGHTS = np.array([0.36, 0.17, 0.12, 0.11, 0.12, 0.03, 0.09])
EGE_HIGH = 81
POP_SD = 1.15


def _logit(p: float) -> float:
    return float(np.log(p / (1 - p)))


def _offset(maximum: int, minimum: int, share_below: float) -> float:
    """Offset c so that an ability at the population quantile ``share_below`` expects the minimum."""
    from statistics import NormalDist

    theta_min = NormalDist().inv_cdf(share_below) * POP_SD
    return _logit((minimum - 0.5) / maximum) - 0.9 * theta_min


def ege_test_score(primary: np.ndarray, maximum: int, min_primary: int, min_test: int) -> np.ndarray:
    """Monotone primary → test score conversion: the minimum maps to the minimum, the maximum to 100."""
    primary = primary.astype(float)
    low = min_test * primary / min_primary
    high = min_test + (100 - min_test) * np.clip((primary - min_primary) / (maximum - min_primary), 0, None) ** 1.3
    return np.rint(np.where(primary < min_primary, low, high)).clip(0, 100).astype(np.int64)


def _weighted_ranks(rng: np.random.Generator, n: int, weights: np.ndarray) -> np.ndarray:
    """Per row a random order of the options without replacement, weighted (Gumbel top-k)."""
    keys = np.log(weights)[None, :] + rng.gumbel(size=(n, len(weights)))
    return np.argsort(-keys, axis=1, kind="stable")


def _marks(primary: np.ndarray, bounds: tuple[int, int, int]) -> np.ndarray:
    return 2 + (primary >= bounds[0]).astype(np.int64) + (primary >= bounds[1]) + (primary >= bounds[2])


def gia_frame(world: World, pupils: Pupils, year: int) -> pl.DataFrame:
    rng = rng_for(world.seed, STREAM_GIA, year)
    y = world.year_index(year)
    label = year_label(year)
    roster = pupils.roster(year, (9, 11))
    roster = roster.select(rng.random(len(roster)) < 0.97)
    theta = 0.8 * world.q_year[roster.school, y] + 0.9 * roster.latent + rng.normal(0, 0.35, len(roster))
    rows: dict[str, list] = {c: [] for c in COLUMNS}

    def add(idx: np.ndarray, exam: str, subject: str, primary, test, mark, minimum, high) -> None:
        n = len(idx)
        rows["Учебный год"].extend([label] * n)
        rows["Код ОО"].extend(world.schools[i].code for i in roster.school[idx].tolist())
        rows["Код участника"].extend(roster.code[idx].tolist())
        rows["Экзамен"].extend([exam] * n)
        rows["Предмет"].extend([SUBJECTS[subject]] * n)
        rows["Первичный балл"].extend(primary.tolist())
        rows["Тестовый балл"].extend(test.tolist() if test is not None else [None] * n)
        rows["Отметка"].extend(mark.tolist() if mark is not None else [None] * n)
        rows["Минимальный балл"].extend([minimum] * n)
        rows["Высокий балл"].extend([high] * n)

    nine = np.flatnonzero(roster.grade == 9)
    gve = nine[roster.ovz[nine]]
    oge = nine[~roster.ovz[nine]]
    for subject, (maximum, bounds) in GVE.items():
        c = _offset(maximum, bounds[0], 0.15)
        primary = rng.binomial(maximum, 1 / (1 + np.exp(-(0.9 * theta[gve] + c))))
        add(gve, "ГВЭ", subject, primary, None, _marks(primary, bounds), bounds[0], None)
    electives = _weighted_ranks(rng, len(oge), OGE_ELECTIVE_WEIGHTS)[:, :2]
    for subject, (maximum, bounds) in OGE.items():
        if subject in ("ru", "ma"):
            idx = oge
        else:
            k = OGE_ELECTIVES.index(subject)
            idx = oge[(electives == k).any(axis=1)]
        if not len(idx):
            continue
        c = _offset(maximum, bounds[0], 0.08)
        primary = rng.binomial(maximum, 1 / (1 + np.exp(-(0.9 * theta[idx] + c))))
        add(idx, "ОГЭ", subject, primary, None, _marks(primary, bounds), bounds[0], None)

    eleven = np.flatnonzero(roster.grade == 11)
    n_el = rng.integers(1, 4, len(eleven))
    ege_ranks = _weighted_ranks(rng, len(eleven), EGE_ELECTIVE_WEIGHTS)
    for subject, (maximum, min_primary, min_test) in EGE.items():
        if subject in ("ru", "ma"):
            idx = eleven
        else:
            k = EGE_ELECTIVES.index(subject)
            idx = eleven[((ege_ranks == k) & (np.arange(len(EGE_ELECTIVES))[None, :] < n_el[:, None])).any(axis=1)]
        if not len(idx):
            continue
        c = _offset(maximum, min_primary, 0.05)
        primary = rng.binomial(maximum, 1 / (1 + np.exp(-(0.9 * theta[idx] + c))))
        test = ege_test_score(primary, maximum, min_primary, min_test)
        add(idx, "ЕГЭ", subject, primary, test, None, min_test, EGE_HIGH)

    schema = {
        "Учебный год": pl.String, "Код ОО": pl.String, "Код участника": pl.String, "Экзамен": pl.String,
        "Предмет": pl.String, "Первичный балл": pl.Int64, "Тестовый балл": pl.Int64, "Отметка": pl.Int64,
        "Минимальный балл": pl.Int64, "Высокий балл": pl.Int64,
    }
    return pl.DataFrame(rows, schema=schema).sort(["Код ОО", "Экзамен", "Предмет", "Код участника"])

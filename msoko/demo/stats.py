"""Organisation statistics (ОО-1-like, preschool monitoring) and survey answers per academic year.

Contingent and staff figures follow school size; social figures follow the social disadvantage
``s`` (higher = worse), conditions (remote, small, deficits) are 1/0.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl

from msoko.demo.pupils import Pupils
from msoko.demo.world import STREAM_STATS, STREAM_SURVEY, World, rng_for, year_label

OO1_CODES = [
    "students_total", "students_ovz", "students_disabled", "students_zpr", "students_non_native", "students_odn",
    "students_not_attested", "students_absent_unexcused", "students_additional_ed", "students_individual_plan",
    "students_profile_classes", "teachers_total", "teachers_highest_category", "teachers_first_category",
    "teachers_under35", "teachers_retirement_age", "teachers_trained", "teacher_vacancies",
    "grads9_total", "grads9_no_certificate", "grads11_total", "grads11_no_certificate", "grads11_medal",
    "org_remote", "org_small", "infra_deficit", "specialist_deficit",
]
PRESCHOOL_CODES = ["children_total", "children_waiting", "children_ovz", "teachers_total"]

SURVEY_SATISFIED = "Удовлетворены ли вы качеством образования в организации?"
SURVEY_QUESTIONS = [
    SURVEY_SATISFIED,
    "Оцените комфортность и безопасность условий обучения (1–5)",
    "Оцените профессионализм педагогов (1–5)",
    "Оцените информированность о результатах обучения (1–5)",
    "Порекомендуете ли вы организацию знакомым?",
]
SURVEY_COLUMNS = ["Отметка времени", "Код ОО", "Респондент", *SURVEY_QUESTIONS]


def _sig(x):
    return 1.0 / (1.0 + np.exp(-np.asarray(x, dtype=float)))


def org_quality(world: World) -> tuple[np.ndarray, np.ndarray]:
    """Latent quality of ДОО and of УДО (fixed for all years)."""
    rng = rng_for(world.seed, STREAM_STATS, 0)
    return rng.normal(0, 1, len(world.preschools)), rng.normal(0, 1, len(world.additional))


def oo1_frame(world: World, pupils: Pupils, year: int) -> pl.DataFrame:
    rng = rng_for(world.seed, STREAM_STATS, year, 1)
    y = world.year_index(year)
    n = len(world.schools)
    roster = pupils.roster(year)
    total = np.bincount(roster.school, minlength=n)
    ovz = np.bincount(roster.school, weights=roster.ovz, minlength=n).astype(np.int64)
    grade9 = np.bincount(roster.school[roster.grade == 9], minlength=n)
    grade11 = np.bincount(roster.school[roster.grade == 11], minlength=n)
    senior = np.bincount(roster.school[roster.grade >= 10], minlength=n)
    q, s = world.q_year[:, y], world.s_year[:, y]

    def share(p):
        return rng.binomial(total, _sig(p))

    teachers = np.maximum(8, np.rint(total / 13 + 4 + rng.normal(0, 1.5, n))).astype(np.int64)
    highest = rng.binomial(teachers, _sig(-1.0 + 0.4 * q))
    # persistent condition deficits: a fixed per-school draw, the yearly state follows s
    fixed = rng_for(world.seed, STREAM_STATS, 0, 2).normal(0, 0.5, (2, n))
    values = {
        "students_total": total,
        "students_ovz": ovz,
        "students_disabled": rng.binomial(total, 0.015),
        "students_zpr": share(-3.6 + 0.5 * s),
        "students_non_native": share(-3.2 + 0.6 * s),
        "students_odn": share(-4.5 + 0.6 * s),
        "students_not_attested": share(-4.6 + 0.5 * s - 0.5 * q),
        "students_absent_unexcused": share(-4.0 + 0.6 * s - 0.3 * q),
        "students_additional_ed": share(1.0 + 0.3 * q - 0.3 * s),
        "students_individual_plan": rng.binomial(total, 0.01),
        "students_profile_classes": rng.binomial(senior, 0.6),
        "teachers_total": teachers,
        "teachers_highest_category": highest,
        "teachers_first_category": rng.binomial(teachers - highest, 0.4),
        "teachers_under35": rng.binomial(teachers, _sig(-1.4 + 0.2 * q - 0.2 * s)),
        "teachers_retirement_age": rng.binomial(teachers, _sig(-1.2 + 0.3 * s)),
        "teachers_trained": rng.binomial(teachers, _sig(1.5 + 0.3 * q)),
        "teacher_vacancies": rng.poisson(0.3 + 0.6 * np.maximum(s, 0)),
        "grads9_total": grade9,
        "grads9_no_certificate": rng.binomial(grade9, _sig(-4.2 - 0.8 * q)),
        "grads11_total": grade11,
        "grads11_no_certificate": rng.binomial(grade11, _sig(-5.0 - q)),
        "grads11_medal": rng.binomial(grade11, _sig(-2.2 + 0.8 * q)),
        "org_remote": np.array([o.remote for o in world.schools], dtype=np.int64),
        "org_small": np.array([o.small for o in world.schools], dtype=np.int64),
        "infra_deficit": (s + fixed[0] > 1.0).astype(np.int64),
        "specialist_deficit": (s + fixed[1] > 0.9).astype(np.int64),
    }
    frame = pl.DataFrame(
        {"Учебный год": [year_label(year)] * n, "Код ОО": [o.code for o in world.schools]}
        | {code: np.asarray(v).astype(np.int64) for code, v in values.items()}
    )
    return frame


def preschool_frame(world: World, year: int) -> pl.DataFrame:
    rng = rng_for(world.seed, STREAM_STATS, year, 3)
    base = rng_for(world.seed, STREAM_STATS, 0, 4)
    n = len(world.preschools)
    size = base.normal(140, 45, n).clip(40, 320)
    children = np.rint(size * (1 + rng.normal(0, 0.04, n))).astype(np.int64)
    urban = np.array([o.settlement == "город" for o in world.preschools])
    return pl.DataFrame({
        "Учебный год": [year_label(year)] * n,
        "Код ОО": [o.code for o in world.preschools],
        "children_total": children,
        "children_waiting": rng.poisson(np.where(urban, 0.08, 0.02) * children).astype(np.int64),
        "children_ovz": rng.binomial(children, 0.05).astype(np.int64),
        "teachers_total": np.maximum(4, np.rint(children / 9 + rng.normal(0, 1, n))).astype(np.int64),
    })


def survey_frame(world: World, year: int, oo1: pl.DataFrame, preschool: pl.DataFrame) -> pl.DataFrame:
    """Answers of parents, pupils and teachers (a form tool's export)."""
    rng = rng_for(world.seed, STREAM_SURVEY, year)
    y = world.year_index(year)
    q_doo, q_udo = org_quality(world)
    counts: list[tuple[str, float, float, int, int, int]] = []  # code, q, s, parents, pupils, teachers
    students = dict(zip(oo1["Код ОО"].to_list(), oo1["students_total"].to_list(), strict=True))
    teachers = dict(zip(oo1["Код ОО"].to_list(), oo1["teachers_total"].to_list(), strict=True))
    for i, o in enumerate(world.schools):
        total = students[o.code]
        counts.append((o.code, world.q_year[i, y], world.s_year[i, y], int(np.clip(total * 0.15, 5, 120)),
                       int(np.clip(total * 0.1, 3, 80)), int(np.clip(teachers[o.code] * 0.6, 3, 60))))
    children = dict(zip(preschool["Код ОО"].to_list(), preschool["children_total"].to_list(), strict=True))
    for j, o in enumerate(world.preschools):
        counts.append((o.code, q_doo[j], 0.0, int(np.clip(children[o.code] * 0.2, 5, 60)), 0, 8))
    for j, o in enumerate(world.additional):
        counts.append((o.code, q_udo[j], 0.0, 30, 25, 10))
    start = dt.datetime(year + 1, 4, 1, 8, 0, 0)
    rows: dict[str, list] = {c: [] for c in SURVEY_COLUMNS}
    for code, q, s, *numbers in counts:
        for role, k in zip(("родитель", "обучающийся", "педагог"), numbers, strict=True):
            if k <= 0:
                continue
            satisfied = rng.random(k) < _sig(1.3 + 0.7 * q - 0.2 * s)
            scales = np.rint(3.6 + 0.5 * q - 0.1 * s + rng.normal(0, 0.9, (k, 3))).clip(1, 5).astype(int)
            recommend = rng.random(k) < _sig(0.9 + 0.8 * q)
            seconds = np.sort(rng.integers(0, 20 * 24 * 3600, k))
            rows["Отметка времени"].extend((start + dt.timedelta(seconds=int(t))).strftime("%d.%m.%Y %H:%M:%S") for t in seconds)
            rows["Код ОО"].extend([code] * k)
            rows["Респондент"].extend([role] * k)
            rows[SURVEY_QUESTIONS[0]].extend("да" if v else "нет" for v in satisfied)
            for c in range(3):
                rows[SURVEY_QUESTIONS[1 + c]].extend(scales[:, c].tolist())
            rows[SURVEY_QUESTIONS[4]].extend("да" if v else "нет" for v in recommend)
    schema = {c: pl.String for c in SURVEY_COLUMNS} | {q: pl.Int64 for q in SURVEY_QUESTIONS[1:4]}
    return pl.DataFrame(rows, schema=schema)

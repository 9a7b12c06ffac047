"""Pupils of the demo schools: stable codes and persistent abilities, a roster per academic year.

A pupil is identified by school, cohort (the start year of their first grade), class and seat, so
the same child keeps the same code in every year and every procedure. Grades 10–11 are formed
from the seats of the school's grade-9 classes (fewer places; only schools with a senior level).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from msoko.demo.world import STREAM_PUPILS, World, rng_for

MAX_CLASSES = 3
MAX_SEATS = 32
LETTERS = "АБВГ"


@dataclass
class Roster:
    """All pupils of one academic year (flat arrays of equal length)."""

    school: np.ndarray  # int32 index into world.schools
    grade: np.ndarray  # int8 1..11
    class_no: np.ndarray  # int8 0.. (letter index)
    code: np.ndarray  # object: participant code
    latent: np.ndarray  # float64 persistent pupil ability (standard normal)
    ovz: np.ndarray  # bool: pupil with special educational needs

    def __len__(self) -> int:
        return len(self.school)

    def select(self, mask: np.ndarray) -> Roster:
        return Roster(*(getattr(self, f)[mask] for f in ("school", "grade", "class_no", "code", "latent", "ovz")))

    def class_names(self) -> np.ndarray:
        return np.array([f"{g}{LETTERS[c]}" for g, c in zip(self.grade.tolist(), self.class_no.tolist(), strict=True)], dtype=object)


class Pupils:
    """Lazily drawn per-school pupil tables (sizes, latent abilities, needs) for all cohorts."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.first_cohort = world.years[0] - 10
        self.n_cohorts = world.years[-1] - self.first_cohort + 1
        self._cache: dict[int, tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = {}

    def _school(self, i: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        cached = self._cache.get(i)
        if cached is not None:
            return cached
        w = self.world
        rng = rng_for(w.seed, STREAM_PUPILS, i)
        shape = (self.n_cohorts, MAX_CLASSES)
        sizes = np.rint(rng.normal(w.class_size[i], 1.5, shape)).clip(2, MAX_SEATS).astype(np.int16)
        latent = rng.normal(0.0, 1.0, (*shape, MAX_SEATS))
        ovz = rng.random((*shape, MAX_SEATS)) < (0.035 + 0.015 * max(0.0, float(w.s_base[i])))
        big = int(w.cluster[i]) == 0
        senior_size = rng.normal(24 if big else 10, 2.0 if big else 3.0, self.n_cohorts)
        senior_classes = 2 if big and i < 2 else 1
        senior = np.rint(senior_size).clip(3, 28).astype(np.int16) * senior_classes
        self._cache[i] = (sizes, latent, ovz, senior)
        return self._cache[i]

    def roster(self, year: int, grades: tuple[int, ...] = tuple(range(1, 12)), schools: range | None = None) -> Roster:
        w = self.world
        school, grade, class_no, codes, latent, ovz = [], [], [], [], [], []
        for i in schools if schools is not None else range(len(w.schools)):
            sizes, lat, needs, senior = self._school(i)
            k = int(w.classes[i])
            for g in grades:
                if g >= 10 and not w.senior[i]:
                    continue
                cohort = year - g + 1
                c = cohort - self.first_cohort
                if g <= 9:
                    for j in range(k):
                        n = int(sizes[c, j])
                        school.append(np.full(n, i, dtype=np.int32))
                        grade.append(np.full(n, g, dtype=np.int8))
                        class_no.append(np.full(n, j, dtype=np.int8))
                        latent.append(lat[c, j, :n])
                        ovz.append(needs[c, j, :n])
                        codes.extend(f"{i + 1:04d}-{cohort}-{j + 1}{s + 1:02d}" for s in range(n))
                else:
                    # seats of the grade-9 classes, class by class, fill the senior places
                    total = int(sum(int(sizes[c, j]) for j in range(k)))
                    n = min(int(senior[c]), total)
                    pairs = [(j, s) for s in range(MAX_SEATS) for j in range(k) if s < sizes[c, j]][:n]
                    per_class = 2 if n > 26 else 1
                    school.append(np.full(n, i, dtype=np.int32))
                    grade.append(np.full(n, g, dtype=np.int8))
                    class_no.append((np.arange(n) * per_class // max(n, 1)).astype(np.int8))
                    latent.append(np.array([lat[c, j, s] for j, s in pairs]))
                    ovz.append(np.array([needs[c, j, s] for j, s in pairs], dtype=bool))
                    codes.extend(f"{i + 1:04d}-{cohort}-{j + 1}{s + 1:02d}" for j, s in pairs)
        if not school:
            empty = np.array([], dtype=np.int32)
            return Roster(empty, empty.astype(np.int8), empty.astype(np.int8), np.array([], dtype=object), empty.astype(float), empty.astype(bool))
        return Roster(
            np.concatenate(school), np.concatenate(grade), np.concatenate(class_no),
            np.array(codes, dtype=object), np.concatenate(latent).astype(float), np.concatenate(ovz).astype(bool),
        )

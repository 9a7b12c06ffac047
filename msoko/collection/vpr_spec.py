"""Specification of the ВПР tests (Всероссийские проверочные работы).

Shared contract between the ВПР importer, the derivation of ВПР data elements and the demo
generator: subject codes and Russian names, per (subject, grade) the maximum score of every task
and the primary-score boundaries of the marks 3, 4 and 5.

The figures are modelled on the published ФИС ОКО criteria (2023–2025 tests); a municipality whose
year uses different boundaries can still import marks as given in the export, the spec is used to
check primary scores and to recompute marks where the export has none.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

SUBJECTS: dict[str, str] = {
    "ru": "Русский язык",
    "ma": "Математика",
    "ok": "Окружающий мир",
    "hi": "История",
    "bi": "Биология",
    "ge": "География",
    "ob": "Обществознание",
    "fi": "Физика",
    "ch": "Химия",
    "en": "Английский язык",
}

GRADES: tuple[int, ...] = (4, 5, 6, 7, 8, 10, 11)


@dataclass(frozen=True)
class VprTest:
    """One ВПР test: the subject code, the grade, task maxima and the mark boundaries."""

    subject: str
    grade: int
    task_max: tuple[int, ...]
    boundaries: tuple[int, int, int]  # minimum primary score for the marks 3, 4 and 5

    def __post_init__(self) -> None:
        b3, b4, b5 = self.boundaries
        if not (0 < b3 < b4 < b5 <= self.max_score):
            raise ValueError(f"ВПР {self.subject}-{self.grade}: границы отметок {self.boundaries} некорректны")

    @property
    def max_score(self) -> int:
        return sum(self.task_max)

    @property
    def task_count(self) -> int:
        return len(self.task_max)

    @property
    def subject_name(self) -> str:
        return SUBJECTS[self.subject]

    @property
    def key(self) -> str:
        """Category code used for ВПР data elements, e.g. ``ru-4``."""
        return f"{self.subject}-{self.grade}"

    def mark_for(self, primary: int) -> int:
        """Mark 2–5 for a primary score; raises ValueError outside 0..max_score."""
        if primary < 0 or primary > self.max_score:
            raise ValueError(
                f"ВПР «{self.subject_name}», {self.grade} класс: первичный балл {primary} "
                f"вне диапазона 0–{self.max_score}"
            )
        b3, b4, b5 = self.boundaries
        if primary >= b5:
            return 5
        if primary >= b4:
            return 4
        if primary >= b3:
            return 3
        return 2


def _t(subject: str, grade: int, task_max: tuple[int, ...], boundaries: tuple[int, int, int]) -> VprTest:
    return VprTest(subject, grade, task_max, boundaries)


_TEST_LIST: tuple[VprTest, ...] = (
    # 4 класс
    _t("ru", 4, (4, 3, 3, 3, 2, 2, 2, 2, 3, 2, 2, 2, 2, 2, 4), (14, 24, 33)),  # max 38
    _t("ma", 4, (1, 1, 2, 1, 2, 1, 1, 2, 2, 2, 2, 3), (6, 10, 14)),  # max 20
    _t("ok", 4, (2, 3, 3, 3, 3, 3, 3, 3, 4, 4), (8, 16, 23)),  # max 31
    _t("en", 4, (2, 2, 4, 3, 3, 2, 4), (7, 12, 17)),  # max 20
    # 5 класс
    _t("ru", 5, (9, 3, 3, 4, 3, 2, 2, 3, 3, 2, 2, 2, 3, 4), (18, 29, 39)),  # max 45
    _t("ma", 5, (1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2), (5, 10, 15)),  # max 20
    _t("hi", 5, (2, 1, 2, 1, 2, 3, 1, 1, 2), (4, 8, 12)),  # max 15
    _t("bi", 5, (3, 3, 3, 2, 3, 3, 3, 3, 3, 3), (12, 18, 24)),  # max 29
    _t("ge", 5, (3, 3, 3, 2, 3, 2, 3, 3, 3, 3), (10, 16, 22)),  # max 28
    # 6 класс
    _t("ru", 6, (9, 3, 2, 3, 2, 2, 3, 3, 4, 4, 3, 2, 3, 4, 4), (25, 35, 45)),  # max 51
    _t("ma", 6, (1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 1, 3), (6, 10, 14)),  # max 20
    _t("hi", 6, (2, 1, 2, 2, 2, 2, 3, 3, 3), (6, 11, 16)),  # max 20
    _t("bi", 6, (3, 3, 3, 3, 3, 3, 3, 3, 4), (11, 17, 23)),  # max 28
    _t("ge", 6, (4, 4, 4, 4, 4, 4, 4, 4, 5), (10, 22, 30)),  # max 37
    _t("ob", 6, (2, 2, 3, 2, 3, 2, 3, 3, 3), (9, 15, 20)),  # max 23
    # 7 класс
    _t("ru", 7, (9, 3, 2, 3, 2, 2, 3, 3, 3, 3, 3, 3, 3, 5), (20, 29, 39)),  # max 47
    _t("ma", 7, (1, 1, 1, 1, 1, 1, 1, 2, 2, 1, 2, 2, 1, 2), (7, 12, 16)),  # max 19
    _t("hi", 7, (2, 2, 2, 2, 2, 2, 3, 3, 3, 2), (7, 13, 19)),  # max 23
    _t("bi", 7, (3, 3, 3, 3, 3, 3, 3, 3, 4), (11, 18, 24)),  # max 28
    _t("ge", 7, (4, 3, 3, 3, 3, 3, 3, 3, 3, 3), (10, 19, 26)),  # max 31
    _t("ob", 7, (2, 3, 3, 2, 3, 3, 3, 3), (9, 15, 19)),  # max 22
    _t("fi", 7, (1, 2, 1, 2, 2, 2, 2, 2, 2, 2), (5, 8, 11)),  # max 18
    _t("en", 7, (2, 2, 4, 6, 6, 6, 4), (13, 20, 26)),  # max 30
    # 8 класс
    _t("ru", 8, (9, 3, 3, 3, 2, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4), (25, 35, 44)),  # max 51
    _t("ma", 8, (1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2), (7, 13, 18)),  # max 25
    _t("hi", 8, (2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 2), (7, 14, 20)),  # max 25
    _t("bi", 8, (3, 3, 3, 3, 3, 3, 3, 3, 3, 4), (13, 20, 26)),  # max 31
    _t("ge", 8, (4, 3, 3, 3, 3, 3, 3, 3, 3, 3), (10, 19, 26)),  # max 31
    _t("ob", 8, (2, 3, 3, 2, 3, 3, 3, 3), (9, 15, 19)),  # max 22
    _t("fi", 8, (1, 2, 2, 2, 2, 2, 2, 2, 3), (5, 8, 12)),  # max 18
    _t("ch", 8, (4, 4, 4, 4, 4, 4, 4, 4, 4), (9, 18, 27)),  # max 36
    # 10 класс
    _t("ru", 10, (3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4), (15, 24, 32)),  # max 38
    _t("ma", 10, (1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2), (6, 10, 14)),  # max 18
    _t("hi", 10, (2, 2, 2, 2, 2, 2, 3, 3, 3), (6, 12, 17)),  # max 21
    _t("ge", 10, (2, 2, 2, 2, 2, 2, 2, 2, 2, 3), (7, 12, 17)),  # max 21
    _t("fi", 10, (1, 2, 2, 2, 2, 2, 2, 3, 3, 3), (7, 13, 18)),  # max 22
    _t("ob", 10, (2, 2, 3, 3, 3, 3, 3, 3), (8, 14, 19)),  # max 22
    # 11 класс
    _t("hi", 11, (2, 2, 2, 2, 2, 2, 3, 3, 3), (7, 13, 18)),  # max 21
    _t("bi", 11, (3, 3, 3, 3, 3, 3, 3, 3, 3, 3), (11, 18, 24)),  # max 30
    _t("ge", 11, (2, 2, 2, 2, 2, 2, 2, 2, 2, 3), (8, 14, 19)),  # max 21
    _t("fi", 11, (1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 2, 2), (8, 15, 21)),  # max 26
    _t("ch", 11, (3, 3, 3, 3, 3, 3, 3, 3, 3, 3, 3), (11, 20, 28)),  # max 33
    _t("en", 11, (3, 5, 6, 6, 6, 6), (11, 22, 29)),  # max 32
)

TESTS: dict[tuple[str, int], VprTest] = {(t.subject, t.grade): t for t in _TEST_LIST}


def get(subject: str, grade: int) -> VprTest:
    """The test for a subject (code or Russian name) and grade; KeyError with a Russian message."""
    code = subject if subject in SUBJECTS else subject_code(subject)
    test = TESTS.get((code, int(grade))) if code else None
    if test is None:
        raise KeyError(f"ВПР по предмету «{subject}» для {grade} класса не описана в спецификации")
    return test


def subjects_for_grade(grade: int) -> list[str]:
    """Subject codes that have a ВПР test in the grade, in SUBJECTS order."""
    return [code for code in SUBJECTS if (code, grade) in TESTS]


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("ё", "е").replace("Ё", "Е")).strip().casefold()


_ALIASES: dict[str, str] = {
    "английский": "en",
    "иностранный язык (английский)": "en",
    "иностранный язык (английский язык)": "en",
    "английский язык (иностранный язык)": "en",
    "русский": "ru",
    "окружающий": "ok",
}

_BY_NAME: dict[str, str] = {
    **{_normalise(name): code for code, name in SUBJECTS.items()},
    **{_normalise(code): code for code in SUBJECTS},
    **{_normalise(alias): code for alias, code in _ALIASES.items()},
}


def subject_code(name: str) -> str | None:
    """Subject code for a Russian name or a code, tolerant to case, ё/е and spaces; None if unknown."""
    if not isinstance(name, str):
        return None
    return _BY_NAME.get(_normalise(name))

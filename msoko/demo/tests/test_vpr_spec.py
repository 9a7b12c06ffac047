"""The ВПР specification shared by the importer, the derivation and the demo generator."""

from __future__ import annotations

import pytest

from msoko.collection import vpr_spec


def test_every_grade_from_4_to_11_except_9_has_at_least_four_subjects():
    for grade in (4, 5, 6, 7, 8, 10, 11):
        assert len(vpr_spec.subjects_for_grade(grade)) >= 4, grade
    assert vpr_spec.subjects_for_grade(9) == []


def test_max_score_is_the_sum_of_task_maxima_and_boundaries_are_inside():
    for test in vpr_spec.TESTS.values():
        assert test.max_score == sum(test.task_max)
        b3, b4, b5 = test.boundaries
        assert 0 < b3 < b4 < b5 <= test.max_score
        assert test.subject in vpr_spec.SUBJECTS


def test_russian_grade_4_marks_follow_the_boundaries():
    test = vpr_spec.get("ru", 4)  # max 38; «3» from 14, «4» from 24, «5» from 33
    assert test.max_score == 38
    assert [test.mark_for(p) for p in (0, 13, 14, 23, 24, 32, 33, 38)] == [2, 2, 3, 3, 4, 4, 5, 5]


def test_a_primary_score_out_of_range_is_refused_in_russian():
    test = vpr_spec.get("ma", 4)
    with pytest.raises(ValueError, match="вне диапазона 0–20"):
        test.mark_for(21)
    with pytest.raises(ValueError, match="первичный балл -1"):
        test.mark_for(-1)


def test_get_accepts_a_russian_name_and_names_the_missing_test():
    assert vpr_spec.get("Математика", 5) is vpr_spec.TESTS[("ma", 5)]
    with pytest.raises(KeyError, match="Химия.*4 класса"):
        vpr_spec.get("Химия", 4)


@pytest.mark.parametrize(
    ("name", "code"),
    [("Русский язык", "ru"), ("  русский   ЯЗЫК ", "ru"), ("Окружающий мир", "ok"), ("окружающий мир", "ok"),
     ("Английский язык", "en"), ("Иностранный язык (английский)", "en"), ("ХИМИЯ", "ch"), ("ma", "ma")],
)
def test_subject_code_is_tolerant_to_case_spaces_and_yo(name, code):
    assert vpr_spec.subject_code(name) == code


def test_subject_code_of_an_unknown_subject_is_none():
    assert vpr_spec.subject_code("Астрономия") is None
    assert vpr_spec.subject_code("") is None

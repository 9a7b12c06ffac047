"""The packaged catalog fixture (msoko/catalog/data/catalog.yaml) as built from the seeds."""

from __future__ import annotations

import pytest

from msoko.catalog import formula, schema
from msoko.catalog.models import CatalogVersion, DataElement, Direction, Indicator
from msoko.catalog.services import DEFAULT_CATALOG_PATH, load_default_catalog

REQUIRED_ELEMENTS = [
    "vpr_participants",
    "vpr_mark2",
    "vpr_mark3",
    "vpr_mark4",
    "vpr_mark5",
    "vpr_lowered",
    "vpr_confirmed",
    "vpr_raised",
    "oge_participants",
    "oge_below_min",
    "oge_mark4",
    "oge_mark5",
    "ege_participants",
    "ege_below_min",
    "ege_high_score",
    "ege_score_sum",
    "gve_participants",
    "gve_mark2",
    "grads9_total",
    "grads9_no_certificate",
    "grads11_total",
    "grads11_no_certificate",
    "grads11_medal",
    "olymp_school_participants",
    "olymp_school_winners",
    "olymp_municipal_participants",
    "olymp_municipal_winners",
    "olymp_regional_participants",
    "olymp_regional_winners",
    "olymp_final_participants",
    "students_total",
    "students_ovz",
    "students_disabled",
    "students_zpr",
    "students_non_native",
    "students_odn",
    "students_not_attested",
    "students_absent_unexcused",
    "students_additional_ed",
    "students_individual_plan",
    "students_profile_classes",
    "teachers_total",
    "teachers_highest_category",
    "teachers_first_category",
    "teachers_under35",
    "teachers_retirement_age",
    "teachers_trained",
    "teacher_vacancies",
    "org_remote",
    "org_small",
    "infra_deficit",
    "specialist_deficit",
    "children_total",
    "children_waiting",
    "children_ovz",
    "survey_respondents",
    "survey_satisfied",
]


@pytest.fixture(scope="module")
def document() -> dict:
    return schema.normalise(schema.read_file(DEFAULT_CATALOG_PATH))


def all_indicators(document: dict) -> list[dict]:
    return [i for d in document["directions"] + document["variant_directions"] for i in d["indicators"]]


def test_the_fixture_has_eight_main_directions_in_two_mechanisms(document):
    assert [d["number"] for d in document["directions"]] == [1, 2, 3, 4, 5, 6, 7, 8]
    assert [m["number"] for m in document["mechanisms"]] == [1, 2]
    assert {d["number"]: d["mechanism"] for d in document["directions"]} == {
        1: 1,
        2: 1,
        3: 1,
        4: 1,
        5: 2,
        6: 2,
        7: 2,
        8: 2,
    }


def test_variant_directions_of_seeds_001_and_003_are_numbered_from_nine(document):
    variants = document["variant_directions"]
    assert variants, "вариативные направления актов 001/003 должны быть в каталоге"
    assert all(d["is_variant"] and d["number"] >= 9 for d in variants)
    assert {d["code"] for d in variants} >= {"objectivity", "methodical", "dpo", "socialisation"}


def test_every_main_direction_has_goals_and_at_least_five_indicators(document):
    for direction in document["directions"]:
        assert direction["goals"], direction["code"]
        assert len(direction["indicators"]) >= 5, direction["code"]


def test_there_are_at_least_eighty_indicators(document):
    main = [i for d in document["directions"] for i in d["indicators"]]
    assert len(main) >= 80


def test_every_indicator_has_a_seed_reference_and_a_formula_over_declared_elements(document):
    known = {e["code"] for e in document["data_elements"]}
    for indicator in all_indicators(document):
        assert indicator["seed_ref"].strip(), indicator["code"]
        assert indicator["seed_ref"][:3] in {"000", "001", "002", "003", "004"}, indicator["code"]
        assert formula.check(indicator["numerator"], known)
        if indicator["denominator"]:
            assert formula.check(indicator["denominator"], known)
        assert indicator["formula"]


def test_the_same_indicator_is_not_listed_twice(document):
    names = [i["name"] for i in all_indicators(document)]
    assert len(names) == len(set(names))
    formulas = [
        (i["numerator"], i["denominator"], i["multiplier"], tuple(i["org_kinds"]))
        for i in all_indicators(document)
    ]
    assert len(formulas) == len(set(formulas))


def test_data_elements_that_other_modules_rely_on_exist(document):
    codes = {e["code"] for e in document["data_elements"]}
    missing = [c for c in REQUIRED_ELEMENTS if c not in codes]
    assert missing == []


def test_condition_flags_are_boolean_data_elements(document):
    types = {e["code"]: e["value_type"] for e in document["data_elements"]}
    assert [types[c] for c in ("org_remote", "org_small", "infra_deficit", "specialist_deficit")] == [
        "bool"
    ] * 4


def test_shnor_result_block_holds_the_seed_003_result_indicators(document):
    results = {
        (i["numerator"], i["denominator"], i["higher_is_better"])
        for i in all_indicators(document)
        if i["block"] == "results"
    }
    assert ("vpr_mark2", "vpr_participants", False) in results
    assert ("oge_below_min", "oge_participants", False) in results
    assert ("ege_below_min", "ege_participants", False) in results
    assert ("ege_high_score", "ege_participants", True) in results


def test_social_block_holds_the_seed_000_section_33_conditions_and_higher_is_worse(document):
    social = [i for i in all_indicators(document) if i["block"] == "social"]
    numerators = {i["numerator"] for i in social}
    assert numerators == {
        "students_odn",
        "students_non_native",
        "students_not_attested",
        "students_absent_unexcused",
        "students_zpr",
        "org_remote",
        "org_small",
        "infra_deficit",
        "specialist_deficit",
    }
    assert not any(i["higher_is_better"] for i in social)


def test_mean_scores_and_vpr_shares_are_not_for_rating(document):
    by_numerator = {i["numerator"]: i for i in all_indicators(document)}
    assert by_numerator["ege_score_sum"]["not_for_rating"] is True
    assert by_numerator["vpr_mark2"]["not_for_rating"] is True


def test_shares_are_numerator_over_denominator_times_one_hundred(document):
    vacancies = next(i for i in all_indicators(document) if i["numerator"] == "teacher_vacancies")
    # 9 vacancies beside 91 teachers: 9 / (91 + 9) × 100 = 9 %
    numerator = formula.evaluate_mapping(vacancies["numerator"], {"teacher_vacancies": 9})
    denominator = formula.evaluate_mapping(
        vacancies["denominator"], {"teachers_total": 91, "teacher_vacancies": 9}
    )
    assert numerator / denominator * vacancies["multiplier"] == pytest.approx(9.0)
    assert vacancies["formula"] == "teacher_vacancies / (teachers_total + teacher_vacancies) × 100"


def test_indicators_without_a_seed_formula_are_marked_as_defined_in_msoko(document):
    defined = [i for i in all_indicators(document) if i["defined_in_msoko"]]
    assert defined
    from_seed_003 = next(i for i in all_indicators(document) if i["numerator"] == "ege_high_score")
    assert from_seed_003["defined_in_msoko"] is False


@pytest.mark.django_db
def test_the_packaged_fixture_loads_into_the_database():
    result = load_default_catalog()
    assert result.created
    version = CatalogVersion.objects.get()
    assert version.is_current and version.label == "msoko-2026.1"
    assert Direction.objects.filter(version=version, is_variant=False).count() == 8
    assert Indicator.objects.filter(version=version, direction__is_variant=False).count() >= 80
    assert DataElement.objects.filter(code__in=REQUIRED_ELEMENTS).count() == len(REQUIRED_ELEMENTS)
    assert not Indicator.objects.filter(seed_ref="").exists()

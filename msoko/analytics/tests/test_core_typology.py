"""Typology of low-result schools: 0/1 scores against norms, area indices, groups, types with reasons."""

import polars as pl
import pytest

from msoko.analytics.core.errors import InputError, SettingsError
from msoko.analytics.core.typology import AREA_TYPES, TypologySettings, classify


def conditions(rows):
    return pl.DataFrame(rows, schema={"org_code": pl.String, "indicator": pl.String, "value": pl.Float64,
                                      "norm": pl.Float64}, orient="row")  # fmt: skip


SCHOOL_A = [
    # staff: 1 of 3 norms met → index 1/3 → недостаточный
    ("A", "vacancy_share", 12.0, 5.0),  # ≤ 5: missed
    ("A", "qualified_share", 20.0, 50.0),  # ≥ 50: missed
    ("A", "teachers_over_60_share", 10.0, 25.0),  # ≤ 25: met
    # deviation: 2 of 2 (one indicator has no data) → 1 → достаточный
    ("A", "odn_kdn_share", 1.0, 2.0),
    ("A", "truancy_share", 0.5, 1.0),
    ("A", "not_attested_share", None, 0.0),
    # parents: 2 of 3 → 0.67 → средний
    ("A", "low_income_share", 40.0, 30.0),
    ("A", "unemployed_parents_share", 10.0, 20.0),
    ("A", "single_parent_share", 15.0, 25.0),
    # territory: remote (norm 0 = not remote) and no culture access → 0 of 2 → недостаточный
    ("A", "remote", 1.0, 0.0),
    ("A", "culture_access", 0.0, 1.0),
]


def test_area_indices_and_groups_are_computed_from_zero_one_scores():
    result = classify(conditions(SCHOOL_A))
    areas = {row["area"]: row for row in result.areas.iter_rows(named=True)}
    assert areas["staff"]["index"] == pytest.approx(1 / 3)
    assert areas["staff"]["group"] == "недостаточный"
    assert areas["deviation"]["index"] == 1.0 and areas["deviation"]["scored"] == 2
    assert areas["deviation"]["group"] == "достаточный"
    assert areas["parents"]["index"] == pytest.approx(2 / 3)
    assert areas["parents"]["group"] == "средний"
    assert areas["territory"]["index"] == 0.0
    assert sorted(areas["staff"]["failed"]) == [
        "Доля вакантных ставок педагогов, %: 12 при нормативе ≤ 5",
        "Доля учителей с высшей и первой категорией, %: 20 при нормативе ≥ 50",
    ]


def test_types_come_from_insufficient_areas_with_reasons():
    school = classify(conditions(SCHOOL_A)).schools.row(0, named=True)
    assert school["types"] == [
        "школы, расположенные на территории с признаками депрессивности",
        "школы с низким уровнем кадрового потенциала",
    ]
    staff_reason = next(r for r in school["reasons"] if "кадрового потенциала" in r)
    assert "индекс 0,33 (недостаточный, выполнено 1 из 3)" in staff_reason
    assert "Доля вакантных ставок педагогов, %: 12 при нормативе ≤ 5" in staff_reason


def test_every_area_maps_to_one_of_the_six_types():
    assert len(set(AREA_TYPES.values())) == 6
    rows = [
        ("S", "ovz_zpr_share", 30.0, 10.0),
        ("S", "inspection_violations", 3.0, 0.0),
        ("S", "odn_kdn_share", 8.0, 2.0),
        ("S", "low_income_share", 60.0, 30.0),
        ("S", "remote", 1.0, 0.0),
        ("S", "vacancy_share", 20.0, 5.0),
    ]
    assert sorted(classify(conditions(rows)).schools.row(0, named=True)["types"]) == sorted(
        AREA_TYPES.values()
    )


def test_a_school_without_insufficient_areas_gets_no_type_and_says_why():
    school = classify(conditions([("B", "vacancy_share", 0.0, 5.0)])).schools.row(0, named=True)
    assert school["types"] == []
    assert "главный фактор не выявлен" in school["reasons"][0]


def test_objectivity_findings_are_added_per_school_and_counted_per_group():
    findings = pl.DataFrame(
        {"org_code": ["A"], "finding": ["ВПР: отметки ниже журнальных у 40 % участников"]}
    )
    result = classify(conditions([*SCHOOL_A, ("B", "vacancy_share", 0.0, 5.0)]), objectivity=findings)
    a, b = result.schools.sort("org_code").iter_rows(named=True)
    assert a["objectivity_doubts"] and not b["objectivity_doubts"]
    assert (
        "Признаки необъективности результатов: ВПР: отметки ниже журнальных у 40 % участников."
        in a["reasons"]
    )
    staff = result.objectivity_by_group.filter(pl.col("area") == "staff")
    assert staff.sort("group").rows() == [
        ("staff", "достаточный", 1, 0),
        ("staff", "недостаточный", 1, 1),
    ]


def test_thresholds_are_settings():
    strict = classify(
        conditions(SCHOOL_A), settings=TypologySettings(sufficient_from=1.0, insufficient_below=0.7)
    )
    areas = {row["area"]: row["group"] for row in strict.areas.iter_rows(named=True)}
    assert areas["parents"] == "недостаточный"  # 2/3 < 0.7
    with pytest.raises(SettingsError):
        TypologySettings(sufficient_from=0.4, insufficient_below=0.5)


def test_unknown_indicator_and_missing_norm_are_reported_with_rows():
    with pytest.raises(InputError) as caught:
        classify(conditions([("A", "vacancy_share", 1.0, None), ("A", "salary", 1.0, 2.0)]))
    message = str(caught.value)
    assert "Строка 2 таблицы условий, столбец «indicator»: показатель «salary»" in message
    assert "Строка 1 таблицы условий, столбец «norm»: не задан норматив." in message

"""Parts that exceed their whole in an uploaded table (teachers of the highest and first category
above all teachers) are named as warnings with row and column; the rest of the file still loads."""

from __future__ import annotations

import pytest

from msoko.collection.formats import Context, get_format
from msoko.collection.formats.parts import PartRule, rules_from_shares
from msoko.collection.readers import read_table
from msoko.collection.tests.files import write_csv, write_xlsx

ELEMENTS = {"teachers_total": "Число педагогических работников", "teachers_highest_category": "Высшая категория",
            "teachers_first_category": "Первая категория", "students_total": "Число обучающихся"}
CATEGORIES = PartRule(("teachers_highest_category", "teachers_first_category"), ("teachers_total",),
                      ("6.03 Доля педагогов с высшей и первой категорией",))


def parse(kind, path, rules=(CATEGORIES,)):
    context = Context(org_codes={"OO-A", "OO-B"}, elements=ELEMENTS, part_rules=list(rules))
    return get_format(kind).parse(read_table(path), context)


def warnings(parsed) -> list[str]:
    return [p.text() for p in parsed.problems if p.level == "warning"]


def test_rules_merge_shares_with_the_same_part_and_whole_and_skip_overlaps():
    rules = rules_from_shares([("6.03", "Категории", "h + f", "t"), ("8.05", "Категории ДОО", "h + f", "t"),
                               ("1.01", "Двойки", "m2", "n"), ("9.99", "Часть целого", "a", "a + b"),
                               ("9.98", "Отношение", "a * 100", "b")])
    assert rules == [PartRule(("h", "f"), ("t",), ("6.03 Категории", "8.05 Категории ДОО")),
                     PartRule(("m2",), ("n",), ("1.01 Двойки",))]


def test_a_wide_row_whose_parts_exceed_the_whole_is_warned_with_its_row_and_column(tmp_path):
    rows = [["Учебный год", "Код ОО", "teachers_total", "Высшая категория", "Первая категория"],
            ["2024/25", "OO-A", 40, 10, 12],  # 22 ≤ 40
            ["2024/25", "OO-B", 20, 15, 9]]   # 24 > 20
    parsed = parse("oo1", write_xlsx(tmp_path / "oo1.xlsx", rows))
    assert [p for p in parsed.problems if p.level == "error"] == []
    assert warnings(parsed) == [
        "Файл «oo1.xlsx», лист «Лист1», строка 3, столбец «Высшая категория» (D): у организации «OO-B» "
        "«Высшая категория» + «Первая категория» = 24 больше, чем «Число педагогических работников» = 20: "
        "доля превысит 100 % (6.03 Доля педагогов с высшей и первой категорией). Проверьте значения."
    ]


def test_a_long_table_is_checked_per_organisation_and_a_missing_whole_is_not_guessed(tmp_path):
    rows = [["Учебный год", "Код ОО", "Элемент данных", "Разрез", "Значение"],
            ["2024/25", "OO-A", "teachers_total", "", "10"],
            ["2024/25", "OO-A", "teachers_first_category", "", "7,5"],
            ["2024/25", "OO-A", "teachers_highest_category", "", "3"],   # 10,5 > 10
            ["2024/25", "OO-B", "teachers_highest_category", "", "30"]]  # no total for OO-B in this file
    parsed = parse("values", write_csv(tmp_path / "v.csv", rows))
    assert warnings(parsed) == [
        "Файл «v.csv», строка 3, столбец «Значение» (№ 5): у организации «OO-A» «Высшая категория» + "
        "«Первая категория» = 10,5 больше, чем «Число педагогических работников» = 10: доля превысит 100 % "
        "(6.03 Доля педагогов с высшей и первой категорией). Проверьте значения."
    ]


def test_an_equal_part_and_whole_and_a_file_without_the_rule_elements_pass(tmp_path):
    rows = [["Учебный год", "Код ОО", "teachers_total", "teachers_highest_category", "teachers_first_category"],
            ["2024/25", "OO-A", 20, 15, 5]]
    assert warnings(parse("oo1", write_csv(tmp_path / "eq.csv", rows))) == []
    rows = [["Учебный год", "Код ОО", "students_total"], ["2024/25", "OO-A", 500]]
    assert warnings(parse("oo1", write_csv(tmp_path / "other.csv", rows))) == []


@pytest.mark.django_db
def test_an_import_with_the_catalog_names_the_share_and_still_loads_the_file(world, tmp_path):
    from msoko.catalog.services import load_default_catalog
    from msoko.collection.services import import_file

    load_default_catalog()
    path = write_csv(tmp_path / "oo1.csv", [
        ["Учебный год", "Код ОО", "teachers_total", "teachers_highest_category", "teachers_first_category"],
        ["2024/25", "OO-A", 30, 20, 15],
    ])
    result = import_file("oo1", path)
    assert result.status == "done", result.errors
    texts = [w["text"] for w in result.warnings]
    assert any("строка 2" in t and "= 35 больше, чем" in t and "= 30: доля превысит 100 % (8.05 " in t for t in texts), texts
    assert result.batch.warnings == result.warnings  # kept with the import for its history page

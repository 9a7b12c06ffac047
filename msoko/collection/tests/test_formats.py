"""Validation and derivation of each format, on real files, without the database."""

from __future__ import annotations

import polars as pl
import pytest

from msoko.collection.formats import Context, detect_kind, get_format
from msoko.collection.readers import read_table
from msoko.collection.tests.files import VPR_HEADER, vpr_row, write_csv, write_xlsx

ORGS = {"OO-A", "OO-B", "DOO-1"}
FULL = [1, 1, 2, 1, 2, 1, 1, 2, 2, 2, 2, 3]  # 20 points, the maximum of «Математика», 4 класс


def parse(kind, path, **context):
    context.setdefault("org_codes", ORGS)
    table = read_table(path)
    return get_format(kind).parse(table, Context(**context))


def texts(parsed, level="error"):
    return [p.text() for p in parsed.problems if p.level == level]


def value(derived: pl.DataFrame, org: str, element: str, category: str) -> float:
    row = derived.filter((pl.col("org_code") == org) & (pl.col("element") == element) & (pl.col("category") == category))
    assert row.height == 1, (org, element, category)
    return row.get_column("value")[0]


# -- ВПР ---------------------------------------------------------------------------------------

def test_vpr_counts_marks_and_journal_comparison_per_subject_grade(tmp_path):
    rows = [
        VPR_HEADER,
        vpr_row("OO-A", "P1", FULL, 5, 4),  # 20 points → 5, journal 4: raised
        vpr_row("OO-A", "P2", [1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0], 3, 3),  # 7 points → 3, confirmed
        vpr_row("OO-A", "P3", [0] * 12, 2, 3),  # 0 → 2, lowered
        vpr_row("OO-A", "P4", [1, 1, 2, 1, 2, 1, 1, 2, 1, 0, 0, 0], 4, None),  # 12 → 4, no journal mark
    ]
    parsed = parse("vpr", write_xlsx(tmp_path / "vpr.xlsx", rows))
    assert texts(parsed) == []
    derived = get_format("vpr").derive(parsed.frame)
    assert value(derived, "OO-A", "vpr_participants", "ma-4") == 4
    assert [value(derived, "OO-A", f"vpr_mark{m}", "ma-4") for m in (2, 3, 4, 5)] == [1, 1, 1, 1]
    assert value(derived, "OO-A", "vpr_raised", "ma-4") == 1
    assert value(derived, "OO-A", "vpr_confirmed", "ma-4") == 1
    assert value(derived, "OO-A", "vpr_lowered", "ma-4") == 1
    assert value(derived, "OO-A", "vpr_noo_mark5", "ma-4") == 1
    assert parsed.keys == ["ma-4"]


def test_vpr_reports_each_bad_value_with_row_and_column(tmp_path):
    over = list(FULL)
    over[2] = 3  # task 3 allows at most 2 points
    rows = [
        VPR_HEADER,
        vpr_row("OO-A", "P1", over, 5, 4),  # row 2: task 3 over its maximum (sum 21 also above 20)
        vpr_row("OO-A", "P2", FULL, 7, 4),  # row 3: mark outside 2–5
        vpr_row("OO-A", "P3", FULL, 5, 4, primary=19),  # row 4: primary ≠ sum of tasks (20)
        vpr_row("OO-A", "P4", ["два", *FULL[1:]], 5, 4, primary=19),  # row 5: text in a numeric cell
        vpr_row("OO-A", "P1", FULL, 5, 4),  # row 6: duplicate participant
        vpr_row("OO-X", "P6", FULL, 5, 4),  # row 7: unknown organisation
        vpr_row("OO-A", "P7", [-1, *FULL[1:]], 5, 4, primary=19),  # row 8: negative score
    ]
    errors = texts(parse("vpr", write_xlsx(tmp_path / "vpr.xlsx", rows)))
    assert "Файл «vpr.xlsx», лист «Лист1», строка 2, столбец «Задание 3» (J): балл 3 за задание 3 больше максимального (2)." in errors
    assert "Файл «vpr.xlsx», лист «Лист1», строка 3, столбец «Отметка» (U): значение 7 вне допустимого диапазона (2–5)." in errors
    assert any("строка 4, столбец «Первичный балл» (T): первичный балл 19 не равен сумме баллов за задания (20)" in e for e in errors)
    assert any("строка 5, столбец «Задание 1» (H): «два» — не число." in e for e in errors)
    assert any("строка 6, столбец «Код участника» (F): участник с этим кодом по этому предмету повторяется (впервые — в строке 2)" in e for e in errors)
    assert any("строка 7, столбец «Код ОО» (B): код организации «OO-X» не найден в реестре" in e for e in errors)
    assert any("строка 8, столбец «Задание 1» (H): значение -1 вне допустимого диапазона" in e for e in errors)


@pytest.mark.parametrize("word", ["inf", "NaN", "-Infinity", "1e400"])
def test_vpr_non_finite_numbers_are_not_numbers(tmp_path, word):
    rows = [VPR_HEADER, vpr_row("OO-A", "P1", [word, *FULL[1:]], 5, 4, primary=word)]
    errors = texts(parse("vpr", write_csv(tmp_path / "vpr.csv", rows)))
    assert any(f"строка 2, столбец «Задание 1» (№ 8): «{word}» — не число." in e for e in errors), errors
    assert any(f"столбец «Первичный балл» (№ 20): «{word}» — не число." in e for e in errors), errors


def test_vpr_missing_required_column_is_named(tmp_path):
    header = [h for h in VPR_HEADER if h != "Код участника"]
    row = vpr_row("OO-A", "P1", FULL, 5, 4)
    del row[5]
    errors = texts(parse("vpr", write_csv(tmp_path / "vpr.csv", [header, row])))
    assert errors == ["Файл «vpr.csv», строка 1: нет обязательного столбца «Код участника»."]


def test_vpr_headers_are_matched_by_synonyms(tmp_path):
    header = ["Уч. год", "Логин ОО", "Литера класса", "Номер класса", "Учебный предмет", "Код обучающегося", "Номер варианта",
              *[str(i) for i in range(1, 13)], "Сумма баллов", "Отметка за работу", "Отметка за предыдущую четверть"]
    parsed = parse("vpr", write_csv(tmp_path / "vpr.csv", [header, vpr_row("OO-A", "P1", FULL, 5, 5)]))
    assert texts(parsed) == []
    assert parsed.mapping["Код обучающегося"] == "participant"
    assert parsed.mapping["12"] == "task_12"


def test_vpr_name_column_is_refused_by_default_and_dropped_when_configured(tmp_path):
    path = write_csv(tmp_path / "vpr.csv", [[*VPR_HEADER, "ФИО"], [*vpr_row("OO-A", "P1", FULL, 5, 5), "Иванов Иван"]])
    refused = texts(parse("vpr", path))
    assert refused == ["Файл «vpr.csv», строка 1, столбец «ФИО» (№ 23): столбец с персональными данными (ФИО) "
                       "не допускается: участники указываются только кодами. Удалите столбец из файла."]
    dropped = parse("vpr", path, name_columns="drop")
    assert texts(dropped) == []
    assert "персональными данными (ФИО) пропущен" in texts(dropped, "warning")[0]
    assert "Иванов Иван" not in str(dropped.frame.rows())


def test_vpr_file_for_another_year_is_refused(tmp_path):
    path = write_csv(tmp_path / "vpr.csv", [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 5, year="2023/24")])
    errors = texts(parse("vpr", path, year=2024))
    assert errors == ["Файл «vpr.csv», строка 2, столбец «Учебный год» (№ 1): файл за другой учебный год: 2023/24, а загрузка — за 2024/25."]


def test_vpr_blank_mark_is_computed_from_boundaries_with_a_warning(tmp_path):
    path = write_csv(tmp_path / "vpr.csv", [VPR_HEADER, vpr_row("OO-A", "P1", [1, 1, 2, 1, 2, 1, 1, 1, 0, 0, 0, 0], None, None)])
    parsed = parse("vpr", path)
    assert texts(parsed) == []
    assert parsed.frame.get_column("mark").to_list() == [4.0]  # 10 points; boundaries 6/10/14 → «4»
    assert "отметка не указана в 1 строках" in texts(parsed, "warning")[0]


def test_kind_is_detected_from_headers(tmp_path):
    path = write_csv(tmp_path / "x.csv", [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 5)])
    assert detect_kind(read_table(path).headers, Context()) == "vpr"


# -- ГИА ---------------------------------------------------------------------------------------

GIA_HEADER = ["Учебный год", "Код ОО", "Код участника", "Экзамен", "Предмет", "Первичный балл", "Тестовый балл",
              "Отметка", "Минимальный балл", "Высокий балл"]


def test_gia_derives_per_exam_and_subject(tmp_path):
    rows = [
        GIA_HEADER,
        ["2024/25", "OO-A", "G1", "ОГЭ", "Математика", 5, None, 2, 8, None],  # below the minimum 8
        ["2024/25", "OO-A", "G2", "ОГЭ", "Математика", 20, None, 4, 8, None],
        ["2024/25", "OO-A", "G3", "ОГЭ", "Математика", 28, None, 5, 8, None],
        ["2024/25", "OO-A", "G1", "ОГЭ", "Русский язык", 30, None, 5, 15, None],
        ["2024/25", "OO-A", "E1", "ЕГЭ", "Русский язык", 45, 85, None, 24, 81],  # high score
        ["2024/25", "OO-A", "E2", "ЕГЭ", "Русский язык", 8, 20, None, 24, 81],  # below min 24
        ["2024/25", "OO-B", "V1", "ГВЭ", "Математика", 3, None, 2, 4, None],
    ]
    parsed = parse("gia", write_xlsx(tmp_path / "gia.xlsx", rows))
    assert texts(parsed) == []
    derived = get_format("gia").derive(parsed.frame)
    assert value(derived, "OO-A", "oge_participants", "ma") == 3
    assert value(derived, "OO-A", "oge_below_min", "ma") == 1
    assert value(derived, "OO-A", "oge_mark4", "ma") == 1
    assert value(derived, "OO-A", "oge_mark5", "ru") == 1
    assert value(derived, "OO-A", "ege_participants", "ru") == 2
    assert value(derived, "OO-A", "ege_high_score", "ru") == 1
    assert value(derived, "OO-A", "ege_below_min", "ru") == 1
    assert value(derived, "OO-A", "ege_score_sum", "ru") == 105
    assert value(derived, "OO-B", "gve_mark2", "ma") == 1


def test_gia_errors(tmp_path):
    rows = [
        GIA_HEADER,
        ["2024/25", "OO-A", "E1", "ЕГЭ", "Русский язык", 45, 101, None, 24, 81],
        ["2024/25", "OO-A", "G1", "ОГЭ", "Математика", 5, None, None, 8, None],
        ["2024/25", "OO-A", "G2", "ЕНТ", "Математика", 5, None, 3, 8, None],
    ]
    errors = texts(parse("gia", write_csv(tmp_path / "gia.csv", rows)))
    assert any("строка 2, столбец «Тестовый балл» (№ 7): значение 101 вне допустимого диапазона (0–100)" in e for e in errors)
    assert any("строка 3, столбец «Отметка» (№ 8): для ОГЭ и ГВЭ нужна отметка" in e for e in errors)
    assert any("строка 4, столбец «Экзамен» (№ 4): «ЕНТ» — недопустимое значение" in e for e in errors)


# -- ВсОШ --------------------------------------------------------------------------------------

OLYMP_HEADER = ["Учебный год", "Код участника", "Код ОО", "Класс", "Предмет", "Этап", "Статус", "Балл", "Максимальный балл"]


def test_olympiad_counts_participations_per_subject_and_persons_in_total(tmp_path):
    rows = [
        OLYMP_HEADER,
        ["2024/25", "T1", "OO-A", 9, "Математика", "школьный", "победитель", 40, 50],
        ["2024/25", "T1", "OO-A", 9, "Физика", "школьный", "призёр", 30, 50],
        ["2024/25", "T2", "OO-A", 9, "Математика", "школьный", "участник", 10, 50],
        ["2024/25", "T1", "OO-A", 9, "Математика", "муниципальный", "призер", 20, 50],
    ]
    parsed = parse("olympiad", write_csv(tmp_path / "o.csv", rows))
    assert texts(parsed) == []
    derived = get_format("olympiad").derive(parsed.frame)
    assert value(derived, "OO-A", "olymp_school_participants", "ma") == 2
    assert value(derived, "OO-A", "olymp_school_participants", "") == 2  # T1 and T2 (physical persons)
    assert value(derived, "OO-A", "olymp_school_winners", "") == 1  # T1 once, though twice awarded
    assert value(derived, "OO-A", "olymp_municipal_winners", "ma") == 1
    assert parsed.keys == ["municipal", "school"]


def test_olympiad_score_above_maximum_and_unknown_status(tmp_path):
    rows = [OLYMP_HEADER, ["2024/25", "T1", "OO-A", 9, "Математика", "школьный", "лауреат", 60, 50]]
    errors = texts(parse("olympiad", write_csv(tmp_path / "o.csv", rows)))
    assert any("строка 2, столбец «Балл» (№ 8): балл 60 больше максимального (50)" in e for e in errors)
    assert any("строка 2, столбец «Статус» (№ 7): «лауреат» — недопустимое значение" in e for e in errors)


# -- ОО-1, ДОО, values -------------------------------------------------------------------------

ELEMENTS = {"students_total": "Число обучающихся", "teachers_total": "Число педагогических работников",
            "org_remote": "Удалённая организация"}


def test_wide_table_accepts_codes_and_catalog_names_and_keeps_source_rows(tmp_path):
    rows = [["Учебный год", "Код ОО", "students_total", "Число педагогических работников", "org_remote", "Примечание"],
            ["2024/25", "OO-A", 500, 40, "нет", "x"], ["2024/25", "OO-B", 60, None, "да", ""]]
    parsed = parse("oo1", write_xlsx(tmp_path / "oo1.xlsx", rows), elements=ELEMENTS)
    assert texts(parsed) == []
    assert texts(parsed, "warning") == ["Файл «oo1.xlsx», лист «Лист1», строка 1, столбец «Примечание» (F): столбец не распознан и пропущен."]
    derived = get_format("oo1").derive(parsed.frame)
    assert derived.height == 5  # OO-B has no teachers value
    assert value(derived, "OO-A", "teachers_total", "") == 40
    assert value(derived, "OO-B", "org_remote", "") == 1
    assert derived.filter(pl.col("org_code") == "OO-B").get_column("source_row").unique().to_list() == [3]


def test_wide_table_refuses_text_and_negative_values_and_duplicate_organisations(tmp_path):
    rows = [["Учебный год", "Код ОО", "students_total"], ["2024/25", "OO-A", "много"], ["2024/25", "OO-B", -5],
            ["2024/25", "OO-A", 5]]
    errors = texts(parse("oo1", write_csv(tmp_path / "oo1.csv", rows), elements=ELEMENTS))
    assert any("строка 2, столбец «students_total» (№ 3): «много» — не число" in e for e in errors)
    assert any("строка 3, столбец «students_total» (№ 3): отрицательное значение -5 недопустимо" in e for e in errors)
    assert any("строка 4, столбец «Код ОО» (№ 2): организация повторяется (впервые — в строке 2)" in e for e in errors)


def test_long_values_table(tmp_path):
    rows = [["Учебный год", "Код ОО", "Элемент данных", "Разрез", "Значение"],
            ["2024/25", "OO-A", "students_total", "", "500"], ["2024/25", "OO-A", "Число обучающихся", "girls", "251,5"],
            ["2024/25", "OO-A", "unknown_code", "", "1"]]
    parsed = parse("values", write_csv(tmp_path / "v.csv", rows), elements=ELEMENTS)
    assert texts(parsed) == ["Файл «v.csv», строка 4, столбец «Элемент данных» (№ 3): элемент данных «unknown_code» не найден в каталоге."]


# -- анкеты ------------------------------------------------------------------------------------

SURVEY_HEADER = ["Отметка времени", "Код ОО", "Респондент", "Удовлетворены ли вы качеством образования в организации?",
                 "Оцените комфортность условий (1–5)", "Ваши предложения"]


def test_survey_aggregates_per_organisation_and_respondent_group(tmp_path):
    rows = [SURVEY_HEADER,
            ["12.03.2025 10:00:00", "OO-A", "родитель", "Да", 5, "всё хорошо"],
            ["12.03.2025 10:05:00", "OO-A", "родитель", "Нет", 2, ""],
            ["13.03.2025 09:00:00", "OO-A", "обучающийся", "да", 4, "нет"]]
    parsed = parse("survey", write_csv(tmp_path / "s.csv", rows, delimiter=","))
    assert texts(parsed) == []
    assert parsed.years == [2024]  # March 2025 belongs to 2024/25
    derived = get_format("survey").derive(parsed.frame)
    assert value(derived, "OO-A", "survey_respondents", "parent") == 2
    assert value(derived, "OO-A", "survey_satisfied", "parent") == 1
    assert value(derived, "OO-A", "survey_satisfied", "student") == 1
    questions = get_format("survey").question_aggregates(parsed.frame)
    comfort = questions.filter((pl.col("respondent") == "parent") & pl.col("question").str.starts_with("Оцените"))
    assert comfort.get_column("mean").to_list() == [3.5]
    assert "свободными ответами" in " ".join(texts(parsed, "warning"))


def test_survey_answer_outside_scale(tmp_path):
    rows = [SURVEY_HEADER, ["12.03.2025 10:00:00", "OO-A", "педагог", "да", 7, ""]]
    errors = texts(parse("survey", write_csv(tmp_path / "s.csv", rows)))
    assert any("строка 2, столбец «Оцените комфортность условий (1–5)» (№ 5): ответ 7 вне шкалы 1–5" in e for e in errors)


@pytest.mark.parametrize("kind", ["vpr", "gia", "olympiad", "values", "survey"])
def test_every_kind_refuses_unknown_organisations(tmp_path, kind):
    headers = {"vpr": VPR_HEADER, "gia": GIA_HEADER, "olympiad": OLYMP_HEADER,
               "values": ["Учебный год", "Код ОО", "Элемент данных", "Значение"], "survey": SURVEY_HEADER}[kind]
    rows = {"vpr": vpr_row("ZZ-9", "P1", FULL, 5, 5),
            "gia": ["2024/25", "ZZ-9", "G1", "ОГЭ", "Математика", 20, None, 4, 8, None],
            "olympiad": ["2024/25", "T1", "ZZ-9", 9, "Математика", "школьный", "участник", 10, 50],
            "values": ["2024/25", "ZZ-9", "students_total", 5],
            "survey": ["12.03.2025 10:00:00", "ZZ-9", "родитель", "да", 5, ""]}[kind]
    errors = texts(parse(kind, write_csv(tmp_path / "f.csv", [headers, rows]), elements=ELEMENTS))
    assert any("строка 2" in e and "код организации «ZZ-9» не найден в реестре" in e for e in errors)

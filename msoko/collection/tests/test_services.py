"""The import pipeline end to end: commit with lineage, all-or-nothing, unchanged, replace, restore."""

from __future__ import annotations

import pytest

from msoko.collection.models import (
    DataValue,
    ImportBatch,
    ImportedValue,
    ImportProfile,
    SurveyAggregate,
    VprResult,
)
from msoko.collection.services import import_file, preview_file, restore_import, save_profile
from msoko.collection.tests.files import VPR_HEADER, vpr_row, write_csv, write_xlsx
from msoko.collection.tests.test_formats import FULL, SURVEY_HEADER
from msoko.core.models import AuditEntry

LOW = [1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0]  # 7 points → «3»


def cell(org, element, category=""):
    return DataValue.objects.get(organisation__code=org, data_element__code=element, category=category)


def snapshot():
    return (DataValue.objects.count(), VprResult.objects.count(), ImportedValue.objects.count(),
            AuditEntry.objects.count())


@pytest.fixture
def vpr_file(tmp_path):
    rows = [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 4), vpr_row("OO-A", "P2", LOW, 3, 3),
            vpr_row("OO-B", "P3", [0] * 12, 2, 3)]
    return write_xlsx(tmp_path / "vpr-2024.xlsx", rows)


def test_import_stores_rows_and_values_with_lineage(world, vpr_file):
    result = import_file("vpr", vpr_file, year="2024/25")
    assert result.status == "done", result.errors
    batch = result.batch
    assert batch.status == ImportBatch.Status.DONE
    assert len(batch.checksum) == 64
    assert batch.stored_file.startswith(f"imports/{batch.checksum}/")
    assert VprResult.active.filter(organisation__code="OO-A").count() == 2
    p1 = VprResult.objects.get(participant_code="P1")
    assert (p1.source_row, p1.primary_score, p1.mark, p1.journal_mark) == (2, 20, 5, 4)
    assert p1.task_scores == FULL
    assert cell("OO-A", "vpr_participants", "ma-4").value == 2
    assert cell("OO-A", "vpr_participants").value == 2
    assert cell("OO-B", "vpr_lowered", "ma-4").value == 1
    value = cell("OO-A", "vpr_mark5", "ma-4")
    assert value.source_import == batch and value.period == world.periods[2024]
    assert AuditEntry.objects.filter(action="import", object_id=str(batch.pk)).exists()


def test_row_level_values_point_to_their_source_row(world, tmp_path):
    from msoko.catalog.models import DataElement

    DataElement.objects.create(code="students_total", name="Число обучающихся")
    path = write_csv(tmp_path / "oo1.csv", [["Учебный год", "Код ОО", "Число обучающихся"], ["2024/25", "OO-A", 500],
                                            ["2024/25", "OO-B", 61]])
    result = import_file("oo1", path)
    assert result.status == "done", result.errors
    value = cell("OO-B", "students_total")
    assert (value.value, value.source_row, value.source_import) == (61, 3, result.batch)


def test_same_file_again_changes_nothing_and_says_so(world, vpr_file):
    first = import_file("vpr", vpr_file)
    before = snapshot()
    again = import_file("vpr", vpr_file)
    assert again.status == "unchanged"
    assert again.message.startswith("Файл «vpr-2024.xlsx» уже загружен (загрузка №")
    assert "изменений нет" in again.message
    assert snapshot() == before
    assert again.batch.replaces == first.batch


def test_bad_file_changes_nothing_but_keeps_its_error_report(world, tmp_path):
    rows = [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 4), vpr_row("OO-A", "P2", FULL, 9, 4)]
    before = snapshot()
    result = import_file("vpr", write_csv(tmp_path / "bad.csv", rows))
    assert result.status == "failed"
    assert snapshot() == before
    batch = ImportBatch.objects.get()
    assert batch.status == ImportBatch.Status.FAILED
    assert batch.errors[0]["row"] == 3 and "Отметка" in batch.errors[0]["column"]
    assert "Данные не изменены" in result.message


def test_unsafe_file_is_reported_and_nothing_stored(world, tmp_path):
    path = tmp_path / "fake.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    before = snapshot()
    result = import_file("vpr", path)
    assert result.status == "failed"
    assert "не является книгой Excel" in result.errors[0]["text"]
    assert snapshot() == before


def test_failure_halfway_rolls_everything_back(world, vpr_file):
    def crash(done, total, stage):
        if stage == "расчёт":
            raise RuntimeError("сбой питания")

    before = snapshot()
    result = import_file("vpr", vpr_file, progress=crash)
    assert result.status == "failed"
    assert "сбой питания" in result.message
    assert snapshot() == before
    assert list(ImportBatch.objects.values_list("status", flat=True)) == ["failed"]


def test_corrected_file_replaces_only_after_confirmation_and_the_old_one_can_be_restored(world, vpr_file, tmp_path):
    first = import_file("vpr", vpr_file).batch
    corrected = write_xlsx(tmp_path / "vpr-2024-fixed.xlsx", [
        VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 5), vpr_row("OO-A", "P2", FULL, 5, 3),
    ])
    asked = import_file("vpr", corrected)
    assert asked.status == "needs_confirmation"
    assert "Подтвердите замену" in asked.message
    assert cell("OO-A", "vpr_mark5", "ma-4").value == 1  # unchanged so far

    second = import_file("vpr", corrected, confirm_replace=True)
    assert second.status == "done"
    first.refresh_from_db()
    assert first.status == ImportBatch.Status.REPLACED
    assert cell("OO-A", "vpr_mark5", "ma-4").value == 2
    assert not DataValue.objects.filter(organisation__code="OO-B").exists()  # OO-B was only in the old file
    assert VprResult.active.count() == 2 and VprResult.objects.count() == 5

    restored = restore_import(first)
    assert restored.status == "restored"
    second.batch.refresh_from_db()
    assert second.batch.status == ImportBatch.Status.REPLACED
    assert cell("OO-A", "vpr_mark5", "ma-4").value == 1
    assert cell("OO-B", "vpr_mark2").value == 1
    assert set(VprResult.active.values_list("participant_code", flat=True)) == {"P1", "P2", "P3"}


def test_files_for_different_subjects_add_up_in_the_total(world, tmp_path):
    math = write_csv(tmp_path / "ma.csv", [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 5)])
    russian_header = ["Учебный год", "Код ОО", "Класс", "Параллель", "Предмет", "Код участника", "Первичный балл", "Отметка"]
    russian = write_csv(tmp_path / "ru.csv", [russian_header, ["2024/25", "OO-A", "4А", 4, "Русский язык", "P1", 30, 4],
                                              ["2024/25", "OO-A", "4А", 4, "Русский язык", "P2", 10, 2]])
    assert import_file("vpr", math).status == "done"
    assert import_file("vpr", russian).status == "done"  # other subject: no conflict
    assert cell("OO-A", "vpr_participants", "ru-4").value == 2
    assert cell("OO-A", "vpr_participants").value == 3


def test_file_for_wrong_year_is_refused(world, vpr_file):
    result = import_file("vpr", vpr_file, year=2023)
    assert result.status == "failed"
    assert "файл за другой учебный год: 2024/25, а загрузка — за 2023/24" in result.errors[0]["text"]
    assert DataValue.objects.count() == 0


def test_survey_import_stores_question_aggregates(world, tmp_path):
    rows = [SURVEY_HEADER, ["12.03.2025 10:00:00", "OO-A", "родитель", "да", 5, ""],
            ["12.03.2025 11:00:00", "OO-A", "родитель", "нет", 3, ""]]
    result = import_file("survey", write_csv(tmp_path / "survey.csv", rows, encoding="cp1251", delimiter=","))
    assert result.status == "done", result.errors
    assert cell("OO-A", "survey_respondents").value == 2
    assert cell("OO-A", "survey_satisfied", "parent").value == 1
    comfort = SurveyAggregate.active.get(question__startswith="Оцените")
    assert (comfort.answers, comfort.mean) == (2, 4.0)


def test_profile_maps_unusual_headers_and_is_reused(world, tmp_path):
    header = ["Учебный год", "ОО", "Класс", "Параллель", "Дисциплина", "Шифр", "Первичный балл", "Отметка"]
    path = write_csv(tmp_path / "odd.csv", [header, ["2024/25", "OO-A", "4А", 4, "Математика", "P1", 20, 5]])
    preview = preview_file(path, "vpr")
    assert any("нет обязательного столбца «Код ОО»" in e["text"] for e in preview.errors)
    mapping = dict(preview.mapping, **{"ОО": "org_code", "Дисциплина": "subject", "Шифр": "participant"})
    save_profile("vpr", "Район 2024", mapping)
    assert ImportProfile.objects.get(name="Район 2024").mapping["Шифр"] == "participant"
    result = import_file("vpr", path, profile="Район 2024")
    assert result.status == "done", result.errors
    assert VprResult.objects.get().participant_code == "P1"


def test_talent_path_follows_the_participant_code_across_stages_and_years(world, tmp_path):
    from msoko.collection.selectors import participant_path
    from msoko.collection.tests.test_formats import OLYMP_HEADER

    import_file("olympiad", write_csv(tmp_path / "o23.csv", [
        OLYMP_HEADER, ["2023/24", "T1", "OO-A", 8, "Математика", "школьный", "победитель", 40, 50]]))
    import_file("olympiad", write_csv(tmp_path / "o24.csv", [
        OLYMP_HEADER, ["2024/25", "T1", "OO-B", 9, "Математика", "муниципальный", "призёр", 30, 70],
        ["2024/25", "T1", "OO-B", 9, "Математика", "школьный", "победитель", 48, 50]]))
    path = participant_path("T1")
    assert [(p["year"], p["stage_name"], p["status_name"], p["organisation"]) for p in path] == [
        ("2023/24", "школьный", "победитель", "OO-A"),
        ("2024/25", "школьный", "победитель", "OO-B"),
        ("2024/25", "муниципальный", "призёр", "OO-B"),
    ]


def test_value_lineage_names_file_checksum_and_row(world, tmp_path):
    from msoko.catalog.models import DataElement
    from msoko.collection.selectors import value_lineage

    DataElement.objects.create(code="students_total", name="Число обучающихся")
    path = write_csv(tmp_path / "values.csv", [["Учебный год", "Код ОО", "Элемент данных", "Значение"],
                                               ["2024/25", "OO-A", "students_total", 500]])
    batch = import_file("values", path).batch
    lineage = value_lineage(cell("OO-A", "students_total"))
    assert (lineage["file"], lineage["checksum"], lineage["row"]) == ("values.csv", batch.checksum, 2)


def test_participant_rows_keep_blanks_texts_and_task_scores_exactly(world, tmp_path):
    """The bulk path (COPY on PostgreSQL, executemany on SQLite) stores what the file says:
    an empty class letter and variant as '', a blank journal mark as NULL, texts with the
    CSV delimiter and quotes intact, trailing unanswered tasks dropped from the score list."""
    partial = [1, 1, 2, 1, 2, 1, 1, 2, 2, 2, None, None]  # 15 points, the last two tasks blank
    rows = [
        VPR_HEADER,
        vpr_row("OO-A", 'P;1"x', FULL, 5, None, klass=None),
        vpr_row("OO-B", "P2", partial, 4, 4, primary=15),
    ]
    rows[1][6] = None  # no variant
    result = import_file("vpr", write_csv(tmp_path / "vpr.csv", rows))
    assert result.status == "done", result.errors
    first = VprResult.objects.get(organisation__code="OO-A")
    assert (first.participant_code, first.class_name, first.variant, first.journal_mark, first.grade) == (
        'P;1"x', "", "", None, 4)
    assert first.task_scores == FULL
    second = VprResult.objects.get(participant_code="P2")
    assert (second.class_name, second.variant, second.primary_score, second.mark, second.journal_mark) == (
        "4А", "1", 15, 4, 4)
    assert second.task_scores == [1, 1, 2, 1, 2, 1, 1, 2, 2, 2]

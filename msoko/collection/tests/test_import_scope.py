"""What an import may not touch: values that accepted campaign forms hold, and organisations
outside the uploader's scope. Either way the whole file is refused, each offending row named,
and the database is unchanged."""

from __future__ import annotations

import datetime

from msoko.collection.campaign_services import (
    accept_submission,
    compose_campaign,
    open_campaign,
    reopen_submission,
    save_answers,
)
from msoko.collection.models import DataValue, ImportBatch, Submission, VprResult
from msoko.collection.services import ensure_derived_elements, import_file
from msoko.collection.tests.campaign_data import staffing_campaign
from msoko.collection.tests.files import VPR_HEADER, vpr_row, write_csv, write_xlsx
from msoko.collection.tests.test_formats import FULL
from msoko.core.models import AuditEntry

GOOD = {"teachers_total": "40", "teachers_highest_category": "10", "teachers_first_category": "12",
        "mentoring_system": "да"}


def accepted_form(world):
    """The staffing campaign (period 2025/26): school A's form accepted with 40 teachers."""
    form = Submission.objects.get(campaign=staffing_campaign(world), organisation=world.school_a)
    save_answers(form, GOOD, version=0, actor=world.school_a_admin, submit=True)
    return accept_submission(form, actor=world.department)


def snapshot():
    return (
        list(DataValue.objects.order_by("pk").values_list("pk", "value", "source_note")),
        VprResult.objects.count(), AuditEntry.objects.count(),
    )


def value_of(org, code, year=2025):
    return DataValue.objects.get(organisation=org, data_element__code=code, category="", period__code=f"{year}/{(year + 1) % 100:02d}").value


def test_wide_table_cannot_overwrite_an_accepted_value(world, tmp_path):
    form = accepted_form(world)
    path = write_xlsx(tmp_path / "oo1.xlsx", [
        ["Учебный год", "Код ОО", "teachers_total"],
        ["2025/26", "OO-B", 30],
        ["2025/26", "OO-A", 45],
    ])
    before = snapshot()
    result = import_file("oo1", path)
    assert result.status == "failed"
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error["file"], error["sheet"], error["row"], error["column"]) == ("oo1.xlsx", "Лист1", 3, "«teachers_total» (C)")
    assert error["message"] == (
        f"значение «teachers_total» организации «OO-A» уже принято в кампании «Кадры 2025» (форма №{form.pk}) "
        "и заблокировано. Чтобы его изменить, управление должно вернуть форму на доработку."
    )
    assert "Данные не изменены" in result.message
    assert snapshot() == before  # neither OO-A's 40 changed nor OO-B's 30 written
    assert value_of(world.school_a, "teachers_total") == 40
    assert result.batch.status == ImportBatch.Status.FAILED


def test_long_table_names_the_value_column(world, tmp_path):
    accepted_form(world)
    path = write_csv(tmp_path / "values.csv", [
        ["Учебный год", "Код ОО", "Элемент данных", "Значение"],
        ["2025/26", "OO-A", "teachers_first_category", 12],
        ["2025/26", "OO-A", "Педагоги высшей категории", 11],
    ])
    result = import_file("values", path)
    assert result.status == "failed"
    # both rows are locked, even the one repeating the accepted value: the form is the source
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "«Значение» (№ 4)"), (3, "«Значение» (№ 4)")]
    assert "«teachers_highest_category» организации «OO-A» уже принято в кампании «Кадры 2025»" in result.errors[1]["text"]
    assert result.errors[1]["text"].startswith("Файл «values.csv», строка 3, столбец «Значение» (№ 4): значение")
    assert value_of(world.school_a, "teachers_highest_category") == 10


def test_lock_holds_only_while_the_form_is_accepted_and_only_for_its_period(world, tmp_path):
    form = accepted_form(world)
    rows = [["Учебный год", "Код ОО", "teachers_total"], ["2024/25", "OO-A", 38]]
    earlier_year = import_file("oo1", write_csv(tmp_path / "oo1-2024.csv", rows))
    assert earlier_year.status == "done", earlier_year.errors  # another period: nothing locked
    assert value_of(world.school_a, "teachers_total", 2024) == 38
    this_year = write_csv(tmp_path / "oo1-2025.csv", [rows[0], ["2025/26", "OO-A", 45]])
    assert import_file("oo1", this_year).status == "failed"
    reopen_submission(form, "Уточнить численность", actor=world.department)
    result = import_file("oo1", this_year)
    assert result.status == "done", result.errors
    assert value_of(world.school_a, "teachers_total") == 45


def test_derived_totals_are_locked_too(world, tmp_path):
    ensure_derived_elements(["vpr_participants"])
    campaign = compose_campaign(
        title="Сверка ВПР", year=world.current_year, deadline=datetime.date(2099, 12, 1),
        organisations=[world.school_a], elements=["vpr_participants"], actor=world.department,
    )
    open_campaign(campaign, actor=world.department)
    form = Submission.objects.get(campaign=campaign, organisation=world.school_a)
    save_answers(form, {"vpr_participants": "7"}, version=0, actor=world.school_a_admin, submit=True)
    accept_submission(form, actor=world.department)
    path = write_xlsx(tmp_path / "vpr.xlsx", [VPR_HEADER, vpr_row("OO-A", "P1", FULL, 5, 4, year="2025/26")])
    result = import_file("vpr", path)
    assert result.status == "failed"
    assert [(e["row"], e["column"]) for e in result.errors] == [(None, "")]
    assert result.errors[0]["message"].startswith(
        f"расчётное значение «vpr_participants» организации «OO-A» уже принято в кампании «Сверка ВПР» (форма №{form.pk})"
    )
    assert VprResult.objects.count() == 0
    assert value_of(world.school_a, "vpr_participants") == 7


def test_rows_of_other_organisations_fail_a_scoped_import(world, tmp_path):
    path = write_xlsx(tmp_path / "vpr.xlsx", [
        VPR_HEADER,
        vpr_row("OO-A", "P1", FULL, 5, 4),
        vpr_row("OO-B", "P2", FULL, 5, 4),
        vpr_row("OO-B", "P3", FULL, 5, 5),
    ])
    before = snapshot()
    result = import_file("vpr", path, allowed_organisations=[world.school_a.pk])
    assert result.status == "failed"
    assert [(e["row"], e["column"]) for e in result.errors] == [(3, "«Код ОО» (B)")]
    assert result.errors[0]["message"] == (
        "организация «OO-B» не входит в те, чьи данные вы можете загружать (строки 3, 4); уберите её строки из файла."
    )
    assert snapshot() == before
    allowed = import_file("vpr", path, allowed_organisations=(pk for pk in [world.school_a.pk, world.school_b.pk]))
    assert allowed.status == "done", allowed.errors
    assert VprResult.objects.count() == 3


def test_a_file_already_loaded_is_not_a_no_op_for_a_user_outside_its_organisations(world, tmp_path):
    path = write_xlsx(tmp_path / "vpr.xlsx", [VPR_HEADER, vpr_row("OO-B", "P2", FULL, 5, 4)])
    assert import_file("vpr", path).status == "done"
    before = snapshot()
    result = import_file("vpr", path, allowed_organisations=[world.school_a.pk])
    # refused for its foreign rows, not «уже загружен» with the earlier import's number and date
    assert result.status == "failed"
    assert "уже загружен" not in result.message
    assert "организация «OO-B» не входит" in result.errors[0]["message"]
    assert snapshot() == before
    assert import_file("vpr", path, allowed_organisations=[world.school_b.pk]).status == "unchanged"

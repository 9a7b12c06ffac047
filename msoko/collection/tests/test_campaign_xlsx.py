"""The campaign template round trip and the export of all answers."""

from __future__ import annotations

import io

import openpyxl
import pytest

from msoko.collection.campaign_services import CampaignError, save_answers
from msoko.collection.campaign_xlsx import build_template, export_answers, upload_template
from msoko.collection.models import Submission
from msoko.collection.tests.campaign_data import staffing_campaign

S = Submission.Status


def form_of(campaign, org):
    return Submission.objects.get(campaign=campaign, organisation=org)


def test_template_is_prefilled_locked_and_validated(world):
    form = form_of(staffing_campaign(world), world.school_a)
    save_answers(form, {"teachers_total": "40"}, version=0, actor=world.school_a_admin)
    book = openpyxl.load_workbook(io.BytesIO(build_template(form)))
    sheet = book.active
    assert sheet.title == "Форма" and len(book.worksheets) == 1
    assert [c.value for c in sheet[1]] == ["Код организации", "Код вопроса", "Вопрос", "Ответ", "Ссылка"]
    assert [sheet.cell(r, 1).value for r in range(2, 6)] == ["OO-A"] * 4
    assert [sheet.cell(r, 2).value for r in range(2, 6)] == [
        "teachers_total", "teachers_highest_category", "teachers_first_category", "mentoring_system"]
    assert sheet["D2"].value == 40
    assert sheet.protection.sheet is True
    assert sheet["A2"].protection.locked is True and sheet["D2"].protection.locked is False
    rules = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    assert rules["D5"].type == "list" and rules["D5"].formula1 == '"да,нет"'
    assert rules["D2"].type == "whole" and rules["D2"].prompt


def fill(path, form, answers: dict):
    book = openpyxl.load_workbook(io.BytesIO(build_template(form)))
    sheet = book.active
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row, 2).value
        if code in answers:
            sheet.cell(row, 4).value = answers[code]
    book.save(path)
    return path


def test_filled_template_uploads_back_into_the_form(world, tmp_path):
    form = form_of(staffing_campaign(world), world.school_a)
    path = fill(tmp_path / "filled.xlsx", form, {"teachers_total": 40, "teachers_highest_category": 10,
                                                 "teachers_first_category": 12, "mentoring_system": "да"})
    outcome = upload_template(form, path, name="filled.xlsx", version=0, actor=world.school_a_admin, submit=True)
    assert outcome.submission.status == S.SUBMITTED
    stored = {v.field.code: v.value for v in form.values.select_related("field")}
    assert stored == {"teachers_total": 40, "teachers_highest_category": 10, "teachers_first_category": 12,
                      "mentoring_system": 1}


def test_bad_cell_in_template_names_file_sheet_row_and_column(world, tmp_path):
    form = form_of(staffing_campaign(world), world.school_a)
    path = fill(tmp_path / "bad.xlsx", form, {"teachers_total": "сорок"})
    with pytest.raises(CampaignError) as caught:
        upload_template(form, path, name="bad.xlsx", version=0, actor=world.school_a_admin)
    assert caught.value.problems == [
        "Файл «bad.xlsx», лист «Форма», строка 2, столбец D: «Численность педагогических работников»: "
        "ожидается число, а указано «сорок»."
    ]
    assert not form.values.exists()


def test_template_of_another_organisation_is_refused(world, tmp_path):
    campaign = staffing_campaign(world)
    path = fill(tmp_path / "b.xlsx", form_of(campaign, world.school_b), {"teachers_total": 5})
    with pytest.raises(CampaignError) as caught:
        upload_template(form_of(campaign, world.school_a), path, name="b.xlsx", version=0, actor=world.school_a_admin)
    assert "строка 2, столбец A: код организации «OO-B» не совпадает с формой (OO-A)" in caught.value.problems[0]


def test_template_upload_breaking_a_rule_names_the_rule(world, tmp_path):
    form = form_of(staffing_campaign(world), world.school_a)
    path = fill(tmp_path / "rule.xlsx", form, {"teachers_total": 10, "teachers_highest_category": 8,
                                               "teachers_first_category": 5})
    with pytest.raises(CampaignError) as caught:
        upload_template(form, path, name="rule.xlsx", version=0, actor=world.school_a_admin)
    assert "Категорийные педагоги не больше всех педагогов" in caught.value.problems[0]


def test_export_has_every_answer_and_keeps_formula_like_text_as_text(world):
    campaign = staffing_campaign(world)
    save_answers(form_of(campaign, world.school_a), {"teachers_total": "40", "mentoring_system": "нет"}, version=0,
                 actor=world.school_a_admin)
    sheet = openpyxl.load_workbook(io.BytesIO(export_answers(campaign))).active
    rows = [tuple(c.value for c in row) for row in sheet.iter_rows(min_row=2)]
    assert ("OO-A", "Школа А", "черновик", "teachers_total", "Численность педагогических работников", "40", 40, None) in rows
    assert ("OO-A", "Школа А", "черновик", "mentoring_system", "Действует система наставничества", "нет", 0, None) in rows
    assert len(rows) == 4  # one form, four questions (blank answers included)

    world.school_a.short_name = "=HYPERLINK(\"http://x\")"
    world.school_a.save()
    name = openpyxl.load_workbook(io.BytesIO(export_answers(campaign))).active.cell(2, 2)
    assert name.value == "'=HYPERLINK(\"http://x\")" and name.data_type == "s"  # text, never a formula

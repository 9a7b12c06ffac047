"""Campaign spreadsheets: the pre-filled template an organisation downloads and uploads back,
and the export of all answers.

The template is one sheet «Форма» (so the safe reader accepts it back): row 1 headers, then one
row per question with the organisation code, the question code and text locked, the answer cell
open with a data validation (да/нет drop-down, whole or decimal number, score range) and an input
message, and the sheet protected. Text cells are always written as text, so a value starting
with = + - @ never becomes a formula.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import xlsxwriter

from msoko.collection.campaign_selectors import all_answers, display_value, form_rows
from msoko.collection.campaign_services import CampaignError, SaveOutcome, save_answers
from msoko.collection.models import Campaign, CampaignField, Submission
from msoko.collection.readers import ReadError, read_table
from msoko.collection.readers.table import ROW
from msoko.core.xlsx_safe import safe_cell

SHEET = "Форма"
HEADERS = ["Код организации", "Код вопроса", "Вопрос", "Ответ", "Ссылка"]
COL_ORG, COL_CODE, COL_LABEL, COL_VALUE, COL_LINK = range(5)
LETTERS = "ABCDE"


def template_name(submission: Submission) -> str:
    return f"форма-{submission.campaign_id}-{submission.organisation.code}.xlsx"


def _validation(field: CampaignField) -> dict:
    if field.type in {CampaignField.Type.BOOL, CampaignField.Type.PRESENCE}:
        choices = ["да", "нет"] if field.type == CampaignField.Type.BOOL else ["есть", "нет"]
        return {"validate": "list", "source": choices, "input_title": "Выберите ответ",
                "input_message": f"{choices[0]} или {choices[1]}", "error_message": f"Допустимо: {choices[0]} или {choices[1]}."}
    if field.type == CampaignField.Type.COUNT:
        return {"validate": "integer", "criteria": ">=", "value": 0, "input_title": "Целое число",
                "input_message": "Целое число не меньше 0", "error_message": "Введите целое число не меньше 0."}
    if field.type == CampaignField.Type.SCORE and field.max_score is not None:
        return {"validate": "decimal", "criteria": "between", "minimum": 0, "maximum": field.max_score,
                "input_title": "Балл", "input_message": f"От 0 до {field.max_score:g}",
                "error_message": f"Балл от 0 до {field.max_score:g}."}
    return {"validate": "decimal", "criteria": "between", "minimum": -1e12, "maximum": 1e12,
            "input_title": "Число", "input_message": "Число (дробная часть через запятую)", "error_message": "Введите число."}


def build_template(submission: Submission) -> bytes:
    """The pre-filled xlsx for one organisation's form."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = book.add_worksheet(SHEET)
    head = book.add_format({"bold": True, "bg_color": "#EEF2F6", "border": 1, "locked": True, "text_wrap": True})
    locked = book.add_format({"locked": True, "text_wrap": True, "valign": "top"})
    open_cell = book.add_format({"locked": False, "bg_color": "#FFF9E6", "border": 1})
    for col, title in enumerate(HEADERS):
        sheet.write_string(0, col, title, head)
    sheet.set_column(COL_ORG, COL_ORG, 16)
    sheet.set_column(COL_CODE, COL_CODE, 22)
    sheet.set_column(COL_LABEL, COL_LABEL, 70)
    sheet.set_column(COL_VALUE, COL_VALUE, 14)
    sheet.set_column(COL_LINK, COL_LINK, 40)
    code = submission.organisation.code
    for r, row in enumerate(form_rows(submission), start=1):
        field = row.field
        sheet.write_string(r, COL_ORG, code, locked)
        sheet.write_string(r, COL_CODE, field.code, locked)
        sheet.write_string(r, COL_LABEL, field.label, locked)
        if row.value is None:
            sheet.write_blank(r, COL_VALUE, None, open_cell)
        elif field.type in {CampaignField.Type.BOOL, CampaignField.Type.PRESENCE}:
            sheet.write_string(r, COL_VALUE, row.text, open_cell)
        else:
            sheet.write_number(r, COL_VALUE, row.value, open_cell)
        sheet.data_validation(r, COL_VALUE, r, COL_VALUE, _validation(field))
        if field.with_link:
            sheet.write_string(r, COL_LINK, row.link, open_cell) if row.link else sheet.write_blank(r, COL_LINK, None, open_cell)
        else:
            sheet.write_blank(r, COL_LINK, None, locked)
    sheet.freeze_panes(1, 0)
    sheet.protect("", {"select_locked_cells": True, "select_unlocked_cells": True, "format_columns": True})
    book.set_properties({"title": submission.campaign.title, "subject": code,
                         "comments": submission.campaign.instructions[:250]})
    book.close()
    return buffer.getvalue()


def upload_template(submission: Submission, path: str | Path, *, name: str, version: int | None, actor: Any = None,
                    submit: bool = False) -> SaveOutcome:
    """Read a filled template back through the safe reader and save it like the web form.

    Every problem names the file, sheet, row and column; nothing is saved when any is found.
    """
    try:
        table = read_table(Path(path), name)
    except ReadError as exc:
        raise CampaignError("Файл не принят.", [exc.message]) from None
    where = f"Файл «{name}»" + (f", лист «{table.sheet}»" if table.sheet else "")
    normal = [h.strip().casefold() for h in table.headers]
    positions = {}
    problems = []
    for index, title in enumerate(HEADERS):
        if title.casefold() in normal:
            positions[index] = normal.index(title.casefold())
        elif index != COL_LINK and index != COL_LABEL:
            problems.append(f"{where}, строка 1: нет столбца «{title}». Скачайте шаблон заново.")
    if problems:
        raise CampaignError("Файл не принят.", problems)
    fields = {f.code: f for f in submission.campaign.fields.all()}
    answers, links, rows = {}, {}, {}
    org_code = submission.organisation.code
    for row in table.frame.iter_rows(named=True):
        line = row[ROW]
        got_org = (row[str(positions[COL_ORG])] or "").strip()
        code = (row[str(positions[COL_CODE])] or "").strip()
        if got_org != org_code:
            problems.append(f"{where}, строка {line}, столбец {LETTERS[COL_ORG]}: код организации «{got_org}» не совпадает с формой ({org_code}).")
            continue
        if code not in fields:
            problems.append(f"{where}, строка {line}, столбец {LETTERS[COL_CODE]}: в форме нет вопроса с кодом «{code}».")
            continue
        raw = row[str(positions[COL_VALUE])]
        if raw is not None and fields[code].type in {CampaignField.Type.COUNT, CampaignField.Type.NUMBER, CampaignField.Type.SCORE}:
            raw = raw.replace(",", ".") if isinstance(raw, str) else raw
        answers[code] = raw
        rows[code] = line
        if COL_LINK in positions and fields[code].with_link:
            links[code] = (row[str(positions[COL_LINK])] or "").strip()
    if problems:
        raise CampaignError("Файл не принят.", problems)
    located = {code: f"{where}, строка {line}, столбец {LETTERS[COL_VALUE]}" for code, line in rows.items()}
    from msoko.collection.campaign_rules import parse_answers
    from msoko.collection.campaign_services import field_specs

    _, typed_problems = parse_answers([s for s in field_specs(submission.campaign) if s.code in answers], answers)
    field_problems = {code: f"{located[code]}: {text}" for code, text in typed_problems.items()}
    return save_answers(submission, answers, links=links, version=version, actor=actor, submit=submit,
                        field_problems=field_problems)


def _text(sheet, row: int, col: int, value: str, fmt=None) -> None:
    """Always text, never a formula: «=1+1», «+7…», «@x» get the leading apostrophe (`safe_cell`)."""
    if value:
        sheet.write_string(row, col, safe_cell(value), fmt)


def export_answers(campaign: Campaign) -> bytes:
    """All organisations' answers in one sheet (one row per organisation and question)."""
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("Ответы")
    head = book.add_format({"bold": True, "bg_color": "#EEF2F6"})
    titles = ["Код организации", "Организация", "Статус формы", "Код вопроса", "Вопрос", "Ответ", "Значение", "Ссылка"]
    for col, title in enumerate(titles):
        sheet.write_string(0, col, title, head)
    r = 0
    for r, answer in enumerate(all_answers(campaign), start=1):
        submission, field = answer.submission, answer.field
        _text(sheet, r, 0, submission.organisation.code)
        _text(sheet, r, 1, submission.organisation.short_name)
        _text(sheet, r, 2, submission.get_status_display())
        _text(sheet, r, 3, field.code)
        _text(sheet, r, 4, field.label)
        _text(sheet, r, 5, display_value(field, answer.value))
        if answer.value is not None:
            sheet.write_number(r, 6, answer.value)
        _text(sheet, r, 7, answer.link)
    sheet.autofilter(0, 0, max(r, 1), len(titles) - 1)
    sheet.freeze_panes(1, 0)
    sheet.set_column(1, 1, 30)
    sheet.set_column(4, 4, 60)
    book.close()
    return buffer.getvalue()

"""The error and warning report of an import as an xlsx the user can download and work through."""

from __future__ import annotations

import io

import xlsxwriter

from msoko.collection.models import ImportBatch
from msoko.core.xlsx_safe import safe_cell

TITLES = ["Уровень", "Файл", "Лист", "Строка", "Столбец", "Сообщение"]
LEVELS = {"error": "ошибка", "warning": "предупреждение"}


def problems_of(batch: ImportBatch) -> list[dict]:
    return [dict(p, level=p.get("level") or "error") for p in batch.errors or []] + [
        dict(p, level="warning") for p in batch.warnings or []
    ]


def errors_xlsx(batch: ImportBatch) -> bytes:
    buffer = io.BytesIO()
    book = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False})
    sheet = book.add_worksheet("Ошибки")
    head = book.add_format({"bold": True, "bg_color": "#EEF2F6"})
    for col, title in enumerate(TITLES):
        sheet.write_string(0, col, title, head)
    for r, problem in enumerate(problems_of(batch), start=1):
        sheet.write_string(r, 0, LEVELS.get(problem["level"], problem["level"]))
        sheet.write_string(r, 1, safe_cell(str(problem.get("file") or batch.file_name)))
        sheet.write_string(r, 2, safe_cell(str(problem.get("sheet") or "")))
        if problem.get("row") is not None:
            sheet.write_number(r, 3, problem["row"])
        sheet.write_string(r, 4, safe_cell(str(problem.get("column") or "")))
        sheet.write_string(r, 5, safe_cell(str(problem.get("message") or problem.get("text") or "")))
    sheet.set_column(1, 1, 28)
    sheet.set_column(4, 4, 24)
    sheet.set_column(5, 5, 90)
    sheet.freeze_panes(1, 0)
    book.close()
    return buffer.getvalue()

"""Writing real test files: xlsx through xlsxwriter, CSV in a chosen encoding and delimiter."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import xlsxwriter

VPR_TASKS_MA4 = (1, 1, 2, 1, 2, 1, 1, 2, 2, 2, 2, 3)  # task maxima of ВПР «Математика», 4 класс
VPR_HEADER = [
    "Учебный год", "Код ОО", "Класс", "Параллель", "Предмет", "Код участника", "Вариант",
    *[f"Задание {i}" for i in range(1, 13)], "Первичный балл", "Отметка", "Отметка по журналу",
]


def vpr_row(org: str, participant: str, tasks: list, mark, journal, *, year: str = "2024/25",
            subject: str = "Математика", klass: str = "4А", grade=4, primary=None) -> list:
    """A ВПР row for «Математика», 4 класс; the primary score is the sum of tasks unless given."""
    total = sum(int(t) for t in tasks if str(t).isdigit()) if primary is None else primary
    return [year, org, klass, grade, subject, participant, 1, *tasks, total, mark, journal]


def write_xlsx(path: Path, rows: list[list], *, sheet: str = "Лист1") -> Path:
    workbook = xlsxwriter.Workbook(str(path))
    worksheet = workbook.add_worksheet(sheet)
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None or value == "":
                continue
            worksheet.write(r, c, value)
    workbook.close()
    return path


def write_csv(path: Path, rows: list[list], *, encoding: str = "utf-8", delimiter: str = ";") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path

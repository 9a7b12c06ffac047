"""Write the sample files of docs/formats/samples/ (xlsx and UTF-8 `;` CSV for every kind).

Run: `.venv/bin/python docs/formats/make_samples.py`. The samples import cleanly after
`organisations` (they use its codes) and are checked by msoko/collection/tests/test_samples.py.
"""

from __future__ import annotations

import csv
from pathlib import Path

import xlsxwriter

OUT = Path(__file__).resolve().parent / "samples"
YEAR = "2024/25"

MA4 = [(1, 1, 2, 1, 2, 1, 1, 2, 2, 2, 2, 3), (1, 0, 1, 1, 1, 0, 1, 1, 0, 0, 0, 0), (1, 1, 2, 1, 2, 1, 1, 1, 1, 0, 1, 0),
       (0, 0, 1, 0, 1, 0, 0, 1, 0, 0, 0, 0)]
RU4 = [(4, 3, 3, 3, 2, 2, 2, 2, 3, 2, 2, 2, 2, 2, 4), (2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 2)]


def mark(primary: int, bounds: tuple[int, int, int]) -> int:
    return 5 if primary >= bounds[2] else 4 if primary >= bounds[1] else 3 if primary >= bounds[0] else 2


def vpr() -> list[list]:
    header = ["Учебный год", "Код ОО", "Класс", "Параллель", "Предмет", "Код участника", "Вариант",
              *[f"Задание {i}" for i in range(1, 16)], "Первичный балл", "Отметка", "Отметка по журналу"]
    rows = [header]
    journal = [4, 3, 4, 3]
    for n, tasks in enumerate(MA4):
        org = "OO-0001" if n < 2 else "OO-0002"
        primary = sum(tasks)
        rows.append([YEAR, org, "4А", 4, "Математика", f"P-{1001 + n}", 1 + n % 2, *tasks, *[None] * 3, primary,
                     mark(primary, (6, 10, 14)), journal[n]])
    for n, tasks in enumerate(RU4):
        primary = sum(tasks)
        rows.append([YEAR, "OO-0001", "4А", 4, "Русский язык", f"P-{1001 + n}", 2, *tasks, primary,
                     mark(primary, (14, 24, 33)), None])
    return rows


def gia() -> list[list]:
    return [
        ["Учебный год", "Код ОО", "Код участника", "Экзамен", "Предмет", "Первичный балл", "Тестовый балл", "Отметка",
         "Минимальный балл", "Высокий балл"],
        [YEAR, "OO-0001", "G-2001", "ОГЭ", "Математика", 17, None, 4, 8, None],
        [YEAR, "OO-0001", "G-2002", "ОГЭ", "Математика", 6, None, 2, 8, None],
        [YEAR, "OO-0001", "G-2001", "ОГЭ", "Русский язык", 30, None, 5, 15, None],
        [YEAR, "OO-0002", "G-2003", "ГВЭ", "Математика", 9, None, 4, 4, None],
        [YEAR, "OO-0001", "E-3001", "ЕГЭ", "Русский язык", 44, 86, None, 24, 81],
        [YEAR, "OO-0001", "E-3002", "ЕГЭ", "Русский язык", 30, 62, None, 24, 81],
        [YEAR, "OO-0002", "E-3003", "ЕГЭ", "Математика (профильная)", 5, 23, None, 27, 81],
    ]


def olympiad() -> list[list]:
    return [
        ["Учебный год", "Код участника", "Код ОО", "Класс", "Предмет", "Этап", "Статус", "Балл", "Максимальный балл"],
        [YEAR, "T-4001", "OO-0001", 9, "Математика", "школьный", "победитель", 45, 50],
        [YEAR, "T-4001", "OO-0001", 9, "Физика", "школьный", "призёр", 31, 50],
        [YEAR, "T-4002", "OO-0001", 9, "Математика", "школьный", "участник", 12, 50],
        [YEAR, "T-4003", "OO-0002", 10, "Экология", "школьный", "призёр", 28, 40],
        [YEAR, "T-4001", "OO-0001", 9, "Математика", "муниципальный", "призёр", 33, 70],
        [YEAR, "T-4003", "OO-0002", 10, "Экология", "муниципальный", "участник", 8, 60],
    ]


def oo1() -> list[list]:
    return [
        ["Учебный год", "Код ОО", "students_total", "teachers_total", "students_ovz"],
        [YEAR, "OO-0001", 812, 54, 23],
        [YEAR, "OO-0002", 96, 14, 5],
    ]


def preschool() -> list[list]:
    return [
        ["Учебный год", "Код ОО", "children_total", "children_waiting", "children_ovz"],
        [YEAR, "DOO-0001", 164, 12, 7],
    ]


def values() -> list[list]:
    return [
        ["Учебный год", "Код ОО", "Элемент данных", "Разрез", "Значение"],
        [YEAR, "OO-0001", "students_total", "", 812],
        [YEAR, "OO-0002", "students_total", "", 96],
        [YEAR, "OO-0001", "teachers_total", "", 54],
    ]


def survey() -> list[list]:
    return [
        ["Отметка времени", "Код ОО", "Респондент", "Удовлетворены ли вы качеством образования в организации?",
         "Оцените комфортность условий обучения (1–5)", "Оцените информационную открытость организации (1–5)"],
        ["14.03.2025 18:02:11", "OO-0001", "родитель", "Да", 5, 4],
        ["14.03.2025 18:40:52", "OO-0001", "родитель", "Нет", 2, 3],
        ["15.03.2025 09:12:03", "OO-0001", "обучающийся", "Да", 4, 4],
        ["15.03.2025 10:30:44", "OO-0002", "педагог", "Да", 4, 5],
    ]


def organisations() -> list[list]:
    return [
        ["Код", "Краткое наименование", "Полное наименование", "Тип", "Поселение", "Малокомплектная", "Удалённая",
         "Адрес", "Руководитель", "Телефон", "Эл. почта", "Действует с", "Действует по"],
        ["OO-0001", "МБОУ СОШ № 1", "Муниципальное бюджетное общеобразовательное учреждение «Средняя школа № 1»",
         "школа", "город", "нет", "нет", "ул. Центральная, 1", "Директор школы № 1", "+7 000 000-00-01",
         "school1@example.test", 2000, None],
        ["OO-0002", "МКОУ ООШ с. Берёзовка", "Муниципальное казённое общеобразовательное учреждение «Основная школа "
         "с. Берёзовка»", "школа", "село", "да", "да", "с. Берёзовка, ул. Школьная, 3", "Директор школы с. Берёзовка",
         "+7 000 000-00-02", "school2@example.test", None, None],
        ["DOO-0001", "МБДОУ д/с № 5", "Муниципальное бюджетное дошкольное образовательное учреждение «Детский сад № 5»",
         "ДОО", "город", "нет", "нет", "ул. Садовая, 5", "Заведующий д/с № 5", "+7 000 000-00-05",
         "ds5@example.test", None, None],
    ]


def clusters() -> list[list]:
    return [
        ["Код ОО", "Учебный год", "Кластер", "Название кластера"],
        ["OO-0001", YEAR, "urban", "Городские школы"],
        ["OO-0002", YEAR, "rural", "Сельские школы"],
    ]


KINDS = {"vpr": vpr, "gia": gia, "olympiad": olympiad, "oo1": oo1, "values": values, "preschool": preschool,
         "survey": survey, "organisations": organisations, "clusters": clusters}


def write(kind: str, rows: list[list]) -> None:
    book = xlsxwriter.Workbook(str(OUT / f"{kind}.xlsx"))
    sheet = book.add_worksheet("Данные")
    bold = book.add_format({"bold": True})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is not None and value != "":
                sheet.write(r, c, value, bold if r == 0 else None)
    sheet.set_column(0, len(rows[0]) - 1, 16)
    book.close()
    with open(OUT / f"{kind}.csv", "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";", lineterminator="\n")
        for row in rows:
            writer.writerow(["" if v is None else v for v in row])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for kind, build in KINDS.items():
        write(kind, build())


if __name__ == "__main__":
    main()

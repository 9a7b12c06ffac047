"""Benchmark of the ВПР import: rows per second and peak memory, xlsx and csv, any database.

    MSOKO_DATA_DIR=/tmp/bench-data [MSOKO_DATABASE_URL=postgres://…] \
        .venv/bin/python bench/bench_import.py --rows 1000000 [--format xlsx|csv|both] [--openpyxl-rows 50000]

Writes a synthetic ФИС ОКО export (4 класс, «Математика»; 200 schools OO-B0001…), creates the
schools, and reports: raw read speed of calamine (fastexcel) and of openpyxl (on a prefix, read-only
mode), the whole import (read, validate, store, derive) in rows/s, and the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from pathlib import Path

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msoko.settings")

TASKS = (1, 1, 2, 1, 2, 1, 1, 2, 2, 2, 2, 3)
HEADER = ["Учебный год", "Код ОО", "Класс", "Параллель", "Предмет", "Код участника", "Вариант",
          *[f"Задание {i}" for i in range(1, 13)], "Первичный балл", "Отметка", "Отметка по журналу"]
SCHOOLS = 200


def rows(n: int):
    rng = random.Random(1)
    for i in range(n):
        scores = [rng.randint(0, m) for m in TASKS]
        primary = sum(scores)
        mark = 5 if primary >= 14 else 4 if primary >= 10 else 3 if primary >= 6 else 2
        yield ["2024/25", f"OO-B{i % SCHOOLS + 1:04d}", "4А", 4, "Математика", f"B{i:07d}", 1 + i % 2, *scores,
               primary, mark, rng.randint(2, 5)]


def write_csv(path: Path, n: int) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(";".join(HEADER) + "\n")
        for row in rows(n):
            handle.write(";".join(map(str, row)) + "\n")


def write_xlsx(path: Path, n: int) -> None:
    import xlsxwriter

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = book.add_worksheet("ВПР")
    sheet.write_row(0, 0, HEADER)
    for r, row in enumerate(rows(n), start=1):
        sheet.write_row(r, 0, row)
    book.close()


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["xlsx", "csv", "both"], default="both")
    parser.add_argument("--openpyxl-rows", type=int, default=50_000)
    parser.add_argument("--dir", default="/tmp/msoko-bench")
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from msoko.collection.models import ImportBatch
    from msoko.collection.readers import read_table
    from msoko.collection.services import import_file
    from msoko.registry.models import Municipality, Organisation, Region
    from msoko.registry.services import ensure_academic_year

    call_command("migrate", verbosity=0)
    region, _ = Region.objects.get_or_create(code="BENCH", defaults={"name": "Тест"})
    municipality, _ = Municipality.objects.get_or_create(code="BENCH", defaults={"name": "Тест", "region": region})
    for i in range(1, SCHOOLS + 1):
        Organisation.objects.get_or_create(code=f"OO-B{i:04d}", defaults={
            "municipality": municipality, "short_name": f"Школа {i}", "full_name": f"Школа № {i}"})
    ensure_academic_year(2024)

    out = Path(args.dir)
    out.mkdir(parents=True, exist_ok=True)
    formats = ["xlsx", "csv"] if args.format == "both" else [args.format]
    print(f"База данных: {connection.vendor}; строк: {args.rows:,}".replace(",", " "))
    for fmt in formats:
        path = out / f"vpr-{args.rows}.{fmt}"
        if not path.exists():
            started = time.perf_counter()
            (write_xlsx if fmt == "xlsx" else write_csv)(path, args.rows)
            print(f"{fmt}: файл записан за {time.perf_counter() - started:.1f} с ({path.stat().st_size / 1e6:.0f} МБ)")
        started = time.perf_counter()
        table = read_table(path)
        read_s = time.perf_counter() - started
        print(f"{fmt}: чтение (проверка + calamine/polars) {read_s:.1f} с — {table.rows / read_s:,.0f} строк/с".replace(",", " "))
        del table
        if fmt == "xlsx":
            import openpyxl

            started = time.perf_counter()
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            count = 0
            for _ in book.active.iter_rows(values_only=True):
                count += 1
                if count > args.openpyxl_rows:
                    break
            book.close()
            op_rate = count / (time.perf_counter() - started)
            print(f"{fmt}: openpyxl (read-only, первые {count} строк) — {op_rate:,.0f} строк/с; "
                  f"calamine быстрее в {table_rate(read_s, args.rows) / op_rate:.1f} раза".replace(",", " "))
        ImportBatch.objects.filter(kind="vpr", file_name=path.name).delete()
        from msoko.collection.models import VprResult

        VprResult.objects.filter(organisation__municipality=municipality).delete()
        started = time.perf_counter()
        result = import_file("vpr", path, confirm_replace=True)
        total_s = time.perf_counter() - started
        print(f"{fmt}: импорт целиком {total_s:.1f} с — {args.rows / total_s:,.0f} строк/с "
              f"({100 * read_s / total_s:.0f} % скорости чтения); статус {result.status}".replace(",", " "))
        if result.status != "done":
            print(result.message, file=sys.stderr)
    print(f"Пиковая память процесса: {peak_mb():.0f} МБ")


def table_rate(seconds: float, rows: int) -> float:
    return rows / seconds


if __name__ == "__main__":
    main()

"""Benchmark of the ВПР import: rows per second and peak memory, xlsx and csv, any database.

    MSOKO_DATA_DIR=/tmp/bench-data [MSOKO_DATABASE_URL=postgres://…] \
        .venv/bin/python bench/bench_import.py --rows 1000000 [--format xlsx|csv|both] [--openpyxl-rows 50000]

Writes a synthetic ФИС ОКО export (4 класс, «Математика»; 200 schools OO-B0001…), creates the
schools, and reports, each format in its own process (so each has its own peak RSS):

* xlsx: the bare calamine read (fastexcel → Polars strings, no checks) against openpyxl read-only
  (`iter_rows(values_only=True)`) over a prefix of the same file, extrapolated linearly;
* the reader the import uses (`read_table`: file checks, calamine or Polars CSV, cleaning), and for
  xlsx the safety scan inside it (`check_xlsx`) timed on its own;
* the whole import (read, validate, store, derive, commit) in rows/s, with its stages;
* wall and CPU seconds of each step, the load average, the peak RSS of the process.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import subprocess
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


class Clock:
    """Wall and CPU time (all threads of the process) of one step."""

    def __enter__(self) -> Clock:
        self.wall, self.cpu = time.perf_counter(), time.process_time()
        return self

    def __exit__(self, *exc) -> None:
        self.wall, self.cpu = time.perf_counter() - self.wall, time.process_time() - self.cpu


def rate(rows: int, seconds: float) -> str:
    return f"{rows / seconds:,.0f}".replace(",", " ")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--format", choices=["xlsx", "csv", "both"], default="both")
    parser.add_argument("--openpyxl-rows", type=int, default=100_000,
                        help="openpyxl reads this prefix of the file; its time is extrapolated linearly")
    parser.add_argument("--dir", default="/tmp/msoko-bench")
    args = parser.parse_args()
    if args.format == "both":  # each format in its own process: its own peak memory
        for fmt in ("xlsx", "csv"):
            subprocess.run([sys.executable, __file__, "--rows", str(args.rows), "--format", fmt,
                            "--openpyxl-rows", str(args.openpyxl_rows), "--dir", args.dir], check=True)
        return

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from msoko.collection.models import ImportBatch, VprResult
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
    fmt, n = args.format, args.rows
    print(f"{fmt}: база данных {connection.vendor}; строк {n:,}; load average {os.getloadavg()[0]:.2f}".replace(",", " "))
    path = out / f"vpr-{n}.{fmt}"
    if not path.exists():
        with Clock() as clock:
            (write_xlsx if fmt == "xlsx" else write_csv)(path, n)
        print(f"{fmt}: файл записан за {clock.wall:.1f} с ({path.stat().st_size / 1e6:.0f} МБ)")

    if fmt == "xlsx":
        import fastexcel
        import openpyxl

        with Clock() as bare:
            frame = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string").to_polars()
        del frame
        print(f"{fmt}: calamine (fastexcel → Polars, без проверок) {bare.wall:.1f} с (ЦП {bare.cpu:.1f} с) — "
              f"{rate(n, bare.wall)} строк/с")
        with Clock() as op:
            book = openpyxl.load_workbook(path, read_only=True, data_only=True)
            count = 0
            for _ in book.active.iter_rows(values_only=True):
                count += 1
                if count > args.openpyxl_rows:
                    break
            book.close()
        whole = op.wall * (n + 1) / count
        print(f"{fmt}: openpyxl read-only, первые {rate(count, 1)} строк за {op.wall:.1f} с (ЦП {op.cpu:.1f} с) — "
              f"{rate(count, op.wall)} строк/с; на весь файл ≈ {whole:.0f} с")
        print(f"{fmt}: calamine быстрее openpyxl в {(n / bare.wall) / (count / op.wall):.1f} раза "
              f"(по ЦП — в {(n / bare.cpu) / (count / op.cpu):.1f} раза)")

    if fmt == "xlsx":
        from msoko.collection.readers.inspect import check_xlsx

        with Clock() as scan:
            check_xlsx(path)
        print(f"{fmt}: из них проверка безопасности (zip, XML листа; входит в чтение для импорта) "
              f"{scan.wall:.1f} с (ЦП {scan.cpu:.1f} с)")
    with Clock() as read:
        table = read_table(path)
    rows_read = table.rows
    del table
    what = "проверка файла + calamine + очистка" if fmt == "xlsx" else "проверка кодировки + Polars + очистка"
    print(f"{fmt}: чтение для импорта ({what}) {read.wall:.1f} с (ЦП {read.cpu:.1f} с) — {rate(rows_read, read.wall)} строк/с")
    if fmt == "xlsx":
        print(f"{fmt}: чтение для импорта быстрее openpyxl в {(n / read.wall) / (count / op.wall):.1f} раза "
              f"(по ЦП — в {(n / read.cpu) / (count / op.cpu):.1f} раза)")

    ImportBatch.objects.filter(kind="vpr", file_name=path.name).delete()
    VprResult.objects.filter(organisation__municipality=municipality).delete()
    stages = StageClock()
    with Clock() as whole_import:
        result = import_file("vpr", path, confirm_replace=True, progress=stages)
    stages.finish()
    print(f"{fmt}: этапы импорта — " + "; ".join(f"{name} {seconds:.1f} с" for name, seconds in stages.seconds.items()))
    share = (f"{100 * read.wall / whole_import.wall:.0f} % скорости чтения для импорта, "
             f"по ЦП {100 * read.cpu / whole_import.cpu:.0f} %")
    if fmt == "xlsx":
        share += (f"; {100 * bare.wall / whole_import.wall:.0f} % скорости calamine без проверок, "
                  f"по ЦП {100 * bare.cpu / whole_import.cpu:.0f} %")
    print(f"{fmt}: импорт целиком {whole_import.wall:.1f} с (ЦП {whole_import.cpu:.1f} с) — "
          f"{rate(n, whole_import.wall)} строк/с ({share}); статус {result.status}")
    if result.status != "done":
        print(result.message, file=sys.stderr)
    print(f"{fmt}: пиковая память процесса {peak_mb():.0f} МБ; load average {os.getloadavg()[0]:.2f}")


class StageClock:
    """A progress callback that adds up the wall time spent in each stage the import reports."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.stage = "подготовка"
        self.since = time.perf_counter()

    def __call__(self, done: int, total: int, stage: str) -> None:
        if stage != self.stage:
            self.finish()
            self.stage = stage

    def finish(self) -> None:
        now = time.perf_counter()
        self.seconds[self.stage] = self.seconds.get(self.stage, 0.0) + now - self.since
        self.since = now


if __name__ == "__main__":
    main()

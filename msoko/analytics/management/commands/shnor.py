"""`msoko shnor`: ШНОР / ШНСУ identification on a spreadsheet, without the database."""

from __future__ import annotations

import polars as pl
from django.core.management.base import BaseCommand, CommandParser

from msoko.analytics.core.errors import AnalyticsError
from msoko.analytics.core.io import read_long_table, write_outputs
from msoko.analytics.core.settings import GROUPINGS, NORMALISATIONS, ShnorSettings
from msoko.analytics.core.shnor import identify

EXIT_BAD_INPUT = 2


class Command(BaseCommand):
    help = (
        "Выявление школ с низкими результатами (ШНОР) и в неблагоприятных социальных условиях (ШНСУ) "
        "по таблице в длинном формате (csv или xlsx); пишет DIR/result.json и DIR/result.xlsx."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--input", required=True, help="Файл csv или xlsx в длинном формате.")
        parser.add_argument("--out", required=True, help="Папка для result.json и result.xlsx.")
        parser.add_argument("--normalisation", choices=NORMALISATIONS, default="minmax", help="Нормирование.")
        parser.add_argument("--share", type=float, default=0.25, help="Доля отбираемых школ (0.25).")
        parser.add_argument("--window", type=int, default=3, help="Окно анализа, лет (3).")
        parser.add_argument("--group-by", choices=GROUPINGS, default="cluster", help="Группировка (cluster).")

    def handle(self, *args: object, **options: object) -> None:
        try:
            settings = ShnorSettings(
                normalisation=options["normalisation"],
                share=options["share"],
                window=options["window"],
                group_by=options["group_by"],
            )
            data = read_long_table(options["input"])
            result = identify(data, settings)
            json_path, xlsx_path = write_outputs(result, options["out"])
        except AnalyticsError as error:
            self.stderr.write(f"Ошибка: {error}")
            raise SystemExit(EXIT_BAD_INPUT) from None
        except OSError as error:
            self.stderr.write(f"Ошибка записи или чтения файла: {error}")
            raise SystemExit(EXIT_BAD_INPUT) from None

        lines = [f"Окно анализа: {', '.join(str(y) for y in result.window_years)}."]
        per_year = (
            result.results.group_by("year")
            .agg(schools=pl.col("index").count(), low=pl.col("low").sum())
            .join(
                result.social.group_by("year").agg(unfavourable=pl.col("unfavourable").sum()),
                on="year",
                how="left",
            )
            .sort("year")
        )
        for item in per_year.iter_rows(named=True):
            lines.append(
                f"{item['year']}: школ с индексом — {item['schools']}, с низкими результатами — {item['low']}, "
                f"в неблагоприятных условиях — {item['unfavourable'] or 0}."
            )
        lines += [
            f"Устойчиво низкие результаты ({len(result.stable_low)}): {_listed(result.stable_low)}.",
            f"Наложение списков ШНОР × неблагоприятные условия ({len(result.overlay)}): {_listed(result.overlay)}.",
            f"Резильентные школы ({len(result.resilient)}): {_listed(result.resilient)}.",
            f"Недостаточно данных: {len(result.insufficient_data)} шк.",
            f"Предупреждений: {len(result.warnings)} (см. result.json, лист «Предупреждения»).",
            f"Записано: {json_path}, {xlsx_path}.",
        ]
        self.stdout.write("\n".join(lines))


def _listed(codes: list[str]) -> str:
    return ", ".join(codes) if codes else "нет"

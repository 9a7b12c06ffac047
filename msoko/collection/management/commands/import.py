"""`msoko import KIND FILE [--profile P] [--year Y] [--yes]`: import one file from the shell."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from msoko.collection.formats import KINDS


class Command(BaseCommand):
    help = "Загрузить файл данных (ВПР, ГИА, ВсОШ, ОО-1, значения, ДОО, анкеты) с индикатором хода."

    def add_arguments(self, parser) -> None:
        parser.add_argument("kind", choices=[*KINDS, "auto"], help="вид данных: " + ", ".join(KINDS) + " или auto")
        parser.add_argument("file", help="путь к файлу .xlsx или .csv")
        parser.add_argument("--profile", default=None, help="название сохранённого профиля сопоставления столбцов")
        parser.add_argument("--year", default=None, help="учебный год, например 2024/25 (проверяется по файлу)")
        parser.add_argument("--yes", action="store_true", help="подтвердить замену ранее загруженных данных")
        parser.add_argument("--save-profile", default=None, help="сохранить сопоставление столбцов под этим названием")
        parser.add_argument("--no-progress", action="store_true", help="не показывать индикатор хода")

    def handle(self, *args, **options) -> None:
        from msoko.collection import services

        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Файл «{path}» не найден.")
        kind = None if options["kind"] == "auto" else options["kind"]
        progress, close = self._progress(options["no_progress"])
        try:
            result = services.import_file(
                kind, path, profile=options["profile"], year=options["year"],
                confirm_replace=options["yes"], progress=progress,
            )
            if result.status == "needs_confirmation" and not options["yes"] and sys.stdin.isatty():
                close()
                self.stdout.write(result.message)
                answer = input("Заменить? [да/нет]: ").strip().lower()
                if answer in {"да", "д", "y", "yes"}:
                    progress, close = self._progress(options["no_progress"])
                    result = services.import_file(
                        kind, path, profile=options["profile"], year=options["year"],
                        confirm_replace=True, progress=progress,
                    )
            services.refresh_after_import(result, progress)
        finally:
            close()
        for warning in result.warnings[:20]:
            self.stdout.write(self.style.WARNING("Предупреждение: " + warning.get("text", "")))
        if len(result.warnings) > 20:
            self.stdout.write(self.style.WARNING(f"… и ещё предупреждений: {len(result.warnings) - 20}"))
        if result.status == "needs_confirmation":
            raise CommandError(result.message + " Повторите команду с --yes.", returncode=3)
        if result.status == "failed":
            lines = [e.get("text") or e.get("message", "") for e in result.errors[:30]]
            more = f"\n… и ещё ошибок: {len(result.errors) - 30}" if len(result.errors) > 30 else ""
            header = result.message.split("\n", 1)[0]
            raise CommandError(header + "\n" + "\n".join(lines) + more, returncode=1)
        if options["save_profile"] and result.batch is not None:
            services.save_profile(result.kind, options["save_profile"], result.batch.profile)
            self.stdout.write(f"Профиль «{options['save_profile']}» сохранён.")
        self.stdout.write(self.style.SUCCESS(result.message))

    def _progress(self, disabled: bool):
        from tqdm import tqdm

        bars: dict[str, tqdm] = {}

        def update(done: int, total: int, stage: str) -> None:
            if disabled:
                return
            bar = bars.get(stage)
            if bar is None:
                for other in bars.values():
                    other.close()
                bar = bars[stage] = tqdm(total=max(total, 1), desc=stage.capitalize(), unit=" стр.", file=sys.stderr,
                                         leave=False, dynamic_ncols=True)
            bar.total = max(total, 1)
            bar.n = done
            bar.refresh()

        def close() -> None:
            for bar in bars.values():
                bar.close()
            bars.clear()

        return update, close

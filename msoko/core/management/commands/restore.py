"""`msoko restore PATH [--force]`: bring back an archive made by `msoko backup`."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from msoko.core import audit
from msoko.core.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Восстановление из резервной копии в пустую базу (после `msoko migrate`). "
        "С --force заменяет имеющиеся данные; прежние файлы сохраняются рядом с каталогом файлов."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="файл архива, сделанный командой msoko backup")
        parser.add_argument("--force", action="store_true", help="заменить данные непустой базы")

    def handle(self, *args, path: str, force: bool, **options) -> None:
        try:
            summary = restore(path, force=force)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        with transaction.atomic():
            audit.record(
                "msoko restore",
                "core.restore",
                object_type="core.backup",
                summary=f"Восстановление из {path}" + (" (с заменой данных)" if force else ""),
                after={"tables": summary.tables, "rows": summary.rows, "files": summary.files},
            )
        self.stdout.write(
            f"Восстановлено из {path}: таблиц {summary.tables}, строк {summary.rows}, файлов {summary.files}."
        )

"""`msoko backup PATH`: the database and the stored files in one archive (see msoko.core.backup)."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from msoko.core import audit
from msoko.core.backup import BackupError, backup


class Command(BaseCommand):
    help = "Резервная копия: вся база данных и загруженные файлы в одном архиве .tar.gz."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", help="файл архива, например /backup/msoko-2025-01-31.tar.gz")

    def handle(self, *args, path: str, **options) -> None:
        try:
            summary = backup(path)
        except BackupError as exc:
            raise CommandError(str(exc)) from None
        with transaction.atomic():
            audit.record(
                "msoko backup",
                "core.backup",
                object_type="core.backup",
                summary=f"Резервная копия {path}",
                after={"tables": summary.tables, "rows": summary.rows, "files": summary.files},
            )
        self.stdout.write(
            f"Резервная копия записана в {path}: таблиц {summary.tables}, строк {summary.rows}, файлов {summary.files}."
        )

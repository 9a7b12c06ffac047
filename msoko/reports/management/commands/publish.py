"""`msoko publish --out DIR [--year Y]`: the static public section (HTML, css, documents)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from msoko.reports.builders import ReportError
from msoko.reports.builders.common import make_context
from msoko.reports.publish import export


class Command(BaseCommand):
    help = "Выгрузить публичный раздел «Механизмы управления качеством образования» в папку (статические HTML)."

    def add_arguments(self, parser):
        parser.add_argument("--out", required=True, help="папка для выгрузки")
        parser.add_argument("--year", type=int, help="учебный год (год начала); по умолчанию — текущий")

    def handle(self, *args, **options):
        try:
            ctx = make_context(None, options.get("year"))
        except ReportError as exc:
            raise CommandError(str(exc)) from None
        folder = Path(options["out"])
        pages = export(ctx, folder)
        self.stdout.write(f"Страниц: {len(pages)}; откройте {folder / 'index.html'}")

"""`msoko audit verify` checks the hash chain; `msoko audit list` prints filtered entries."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import timezone

from msoko.core import selectors
from msoko.core.audit import verify_chain
from msoko.core.models import AuditEntry


def _date(raw: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(raw, pattern).date()
        except ValueError:
            continue
    raise CommandError(f"Дата {raw!r} не распознана: укажите ГГГГ-ММ-ДД или ДД.ММ.ГГГГ.")


class Command(BaseCommand):
    help = "Журнал аудита: проверка цепочки (verify) и просмотр записей (list)."

    def add_arguments(self, parser: CommandParser) -> None:
        sub = parser.add_subparsers(dest="subcommand", required=True, title="подкоманды")
        sub.add_parser("verify", help="проверить, что записи журнала не изменены и не удалены")
        listing = sub.add_parser("list", help="показать записи журнала (новые сверху)")
        listing.add_argument("--actor", default="", help="имя пользователя")
        listing.add_argument(
            "--type", dest="object_type", default="", help="тип объекта, например cycle.decision"
        )
        listing.add_argument("--action", default="", help="действие или его начало до точки, например cycle")
        listing.add_argument("--since", default="", help="с даты (ГГГГ-ММ-ДД или ДД.ММ.ГГГГ)")
        listing.add_argument("--until", default="", help="по дату включительно")
        listing.add_argument(
            "--limit", type=int, default=100, help="сколько записей показать (по умолчанию 100)"
        )

    def handle(self, *args, subcommand: str, **options) -> None:
        if subcommand == "verify":
            self._verify()
        else:
            self._list(options)

    def _verify(self) -> None:
        problems = verify_chain()
        if problems:
            for problem in problems:
                self.stderr.write(problem)
            raise CommandError(f"Цепочка журнала аудита нарушена: найдено нарушений — {len(problems)}.")
        count = AuditEntry.objects.count()
        self.stdout.write(f"Цепочка журнала аудита не нарушена: {count} записей")

    def _list(self, options: dict) -> None:
        filters = selectors.AuditFilter(
            actor=options["actor"],
            action=options["action"],
            object_type=options["object_type"],
            since=_date(options["since"]) if options["since"] else None,
            until=_date(options["until"]) if options["until"] else None,
        )
        entries = selectors.audit_entries(filters)
        total = entries.count()
        for entry in entries[: max(options["limit"], 0)]:
            at = timezone.localtime(entry.at).strftime("%d.%m.%Y %H:%M:%S")
            target = f"{entry.object_type} №{entry.object_id}" if entry.object_id else entry.object_type
            line = f"{entry.pk}\t{at}\t{entry.actor_label or '—'}\t{entry.action}\t{target}\t{entry.summary}"
            change = selectors.describe(entry)
            self.stdout.write(line + (f"\t{change}" if change else ""))
        self.stdout.write(f"Показано {min(total, max(options['limit'], 0))} из {total}.")

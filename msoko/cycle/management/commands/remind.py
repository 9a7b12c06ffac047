"""`msoko remind`: e-mail the responsible persons about overdue and soon-due decisions and measures."""

from __future__ import annotations

import datetime

from django.core.management.base import BaseCommand, CommandError

from msoko.cycle.services.reminders import send_reminders
from msoko.registry.models import Municipality


class Command(BaseCommand):
    help = "Разослать напоминания ответственным о просроченных и наступающих сроках решений и мероприятий."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7, help="за сколько дней предупреждать (по умолчанию 7)")
        parser.add_argument("--date", help="дата проверки ГГГГ-ММ-ДД (по умолчанию сегодня)")
        parser.add_argument("--municipality", help="код муниципалитета (по умолчанию все)")

    def handle(self, *args, days: int, date: str | None, municipality: str | None, **options):
        try:
            today = datetime.date.fromisoformat(date) if date else datetime.date.today()
        except ValueError:
            raise CommandError(f"Дата «{date}» не в формате ГГГГ-ММ-ДД.") from None
        if days < 0:
            raise CommandError("Число дней не может быть отрицательным.")
        target = None
        if municipality:
            target = Municipality.objects.filter(code=municipality).first()
            if target is None:
                raise CommandError(f"Муниципалитет с кодом «{municipality}» не найден.")
        sent = send_reminders(today, days, target)
        self.stdout.write(f"Отправлено писем: {sent}.")

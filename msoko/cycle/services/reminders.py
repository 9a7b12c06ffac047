"""E-mail reminders about overdue and soon-due decisions and measures (Django's mail backend)."""

from __future__ import annotations

import datetime
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction

from msoko.core.audit import record
from msoko.cycle.control import ControlItem, due_soon, overdue
from msoko.cycle.models import Decision, Measure


def _people(item: ControlItem):
    model = Decision if item.kind == "decision" else Measure
    return model.objects.get(pk=item.pk).responsible.exclude(email="")


def _line(item: ControlItem) -> str:
    return f"— {item.kind_label} «{item.title}», срок {item.deadline:%d.%m.%Y}"


@transaction.atomic
def send_reminders(today: datetime.date, days: int = 7, municipality=None) -> int:
    """Send one letter per responsible person with an e-mail; return the number of letters sent."""
    late = overdue(municipality, today)
    soon = due_soon(municipality, today, days)
    letters: dict[tuple[str, str], dict[str, list[str]]] = defaultdict(lambda: {"late": [], "soon": []})
    for bucket, items in (("late", late), ("soon", soon)):
        for item in items:
            for person in _people(item):
                letters[(person.email, person.full_name)][bucket].append(_line(item))
    for (email, name), parts in sorted(letters.items()):
        body = [f"Здравствуйте, {name}!", ""]
        if parts["late"]:
            body += ["Просрочено:", *parts["late"], ""]
        if parts["soon"]:
            body += [f"Срок наступает в ближайшие {days} дн.:", *parts["soon"], ""]
        body.append("Отметьте исполнение в разделе «Управленческий цикл» системы МСОКО.")
        send_mail(
            f"МСОКО: контроль исполнения на {today:%d.%m.%Y}",
            "\n".join(body),
            settings.DEFAULT_FROM_EMAIL,
            [email],
        )
    record(
        None, "cycle.remind", object_type="cycle.reminders", object_id=today.isoformat(),
        summary=f"Напоминания: {len(letters)} писем", after={"overdue": len(late), "due_soon": len(soon), "letters": len(letters)},
    )
    return len(letters)

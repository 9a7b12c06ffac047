"""Reading the audit trail: filtering entries and showing a change readably."""

from __future__ import annotations

import datetime
import json
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet

from msoko.core.models import AuditEntry

EMPTY = "—"


@dataclass(frozen=True)
class AuditFilter:
    """What the department filters the audit trail by; empty fields do not filter."""

    actor: str = ""
    action: str = ""
    object_type: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None

    @property
    def is_empty(self) -> bool:
        return not (self.actor or self.action or self.object_type or self.since or self.until)


def audit_entries(filters: AuditFilter = AuditFilter()) -> QuerySet[AuditEntry]:
    """Entries matching the filter, newest first.

    ``actor`` is a user name (exact); ``action`` matches an action or an action prefix ending at
    a dot (``cycle`` finds ``cycle.decision.create``); ``since`` and ``until`` are inclusive days
    in the site's time zone.
    """
    qs = AuditEntry.objects.select_related("actor").order_by("-id")
    if filters.actor:
        qs = qs.filter(Q(actor__username=filters.actor) | Q(actor_label=filters.actor))
    if filters.action:
        action = filters.action.rstrip(".")
        qs = qs.filter(Q(action=action) | Q(action__startswith=action + "."))
    if filters.object_type:
        qs = qs.filter(object_type=filters.object_type)
    if filters.since:
        qs = qs.filter(at__date__gte=filters.since)
    if filters.until:
        qs = qs.filter(at__date__lte=filters.until)
    return qs


def object_types() -> list[str]:
    return sorted(set(AuditEntry.objects.values_list("object_type", flat=True).distinct()) - {""})


def action_names() -> list[str]:
    return sorted(set(AuditEntry.objects.values_list("action", flat=True).distinct()))


@dataclass(frozen=True)
class FieldChange:
    field: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


def show(value: Any) -> str:
    """One stored value as a person reads it."""
    if value is None or value == "":
        return EMPTY
    if isinstance(value, bool):
        return "да" if value else "нет"
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value) or EMPTY
    return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)


def changes(before: Any, after: Any) -> list[FieldChange]:
    """The before/after of an entry as rows, one per field (changed fields first, in order)."""
    if before is None and after is None:
        return []
    if isinstance(before, dict | type(None)) and isinstance(after, dict | type(None)):
        before_d, after_d = before or {}, after or {}
        names = list(before_d) + [name for name in after_d if name not in before_d]
        rows = [FieldChange(name, show(before_d.get(name)), show(after_d.get(name))) for name in names]
        return [row for row in rows if row.changed] + [row for row in rows if not row.changed]
    return [FieldChange("значение", show(before), show(after))]


def describe(entry: AuditEntry) -> str:
    """The change in one line for lists and exports: «поле: было → стало; …»."""
    parts = []
    for row in changes(entry.before, entry.after):
        if not row.changed:
            continue
        if row.before == EMPTY:
            parts.append(f"{row.field}: {row.after}")
        else:
            parts.append(f"{row.field}: {row.before} → {row.after}")
    return "; ".join(parts)

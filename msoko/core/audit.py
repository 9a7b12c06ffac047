"""Writing audit entries inside the caller's transaction (Zulip-style actions)."""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import transaction

from msoko.core.models import AuditEntry


def record(
    actor: Any,
    action: str,
    obj: Any = None,
    *,
    object_type: str = "",
    object_id: str = "",
    summary: str = "",
    before: Any = None,
    after: Any = None,
) -> AuditEntry:
    """Append one audit entry; call it inside the transaction that makes the change."""
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
        summary = summary or str(obj)[:500]
    user = actor if getattr(actor, "is_authenticated", False) else None
    label = getattr(actor, "username", "") if user else (str(actor) if actor else "система")
    with transaction.atomic():
        last = AuditEntry.objects.select_for_update().order_by("-id").values_list("hash", flat=True).first()
        entry = AuditEntry(
            actor=user,
            actor_label=label,
            action=action,
            object_type=object_type,
            object_id=object_id,
            summary=summary[:500],
            before=before,
            after=after,
            prev_hash=last or "",
        )
        entry.save()
        entry.hash = entry.content_digest()
        entry.save(update_fields=["hash"])
    return entry


def verify_chain() -> list[str]:
    """Return the problems found in the audit chain (empty when intact)."""
    problems: list[str] = []
    prev = ""
    for entry in AuditEntry.objects.order_by("id").iterator():
        if entry.prev_hash != prev:
            problems.append(
                f"Запись №{entry.pk}: нарушена цепочка (ссылка на предыдущую запись не совпадает)."
            )
        if entry.hash != entry.content_digest():
            problems.append(f"Запись №{entry.pk}: содержимое изменено после записи.")
        prev = entry.hash
    return problems


SECRET_FIELDS = frozenset({"password"})


def _plain(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime.datetime | datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if hasattr(value, "name") and hasattr(value, "storage"):  # a FieldFile
        return value.name or None
    return str(value)


def snapshot(obj: Any, exclude: tuple[str, ...] = ()) -> dict[str, Any]:
    """A model instance as a JSON-ready dict for ``before``/``after``.

    Foreign keys and many-to-many fields are shown by the related objects' names; a password is
    shown only as «задан» / «не задан» (its hash never enters the trail).
    """
    data: dict[str, Any] = {}
    for field in obj._meta.concrete_fields:
        if field.name in exclude or field.primary_key:
            continue
        if field.name in SECRET_FIELDS:
            data[field.name] = "задан" if field.value_from_object(obj) else "не задан"
        elif field.is_relation:
            related = getattr(obj, field.name, None)
            data[field.name] = str(related) if related is not None else None
        else:
            data[field.name] = _plain(field.value_from_object(obj))
    if obj.pk is not None:
        for field in obj._meta.many_to_many:
            if field.name not in exclude:
                data[field.name] = sorted(str(item) for item in getattr(obj, field.name).all())
    return data

"""Writing audit entries inside the caller's transaction (Zulip-style actions)."""

from __future__ import annotations

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
            problems.append(f"Запись №{entry.pk}: нарушена цепочка (ссылка на предыдущую запись не совпадает).")
        if entry.hash != entry.content_digest():
            problems.append(f"Запись №{entry.pk}: содержимое изменено после записи.")
        prev = entry.hash
    return problems

"""The audit trail: one row per change, chained by hashes so tampering shows."""

from __future__ import annotations

import hashlib
import json

from django.conf import settings
from django.db import models


class AuditEntry(models.Model):
    """Who changed what, when, with the state before and after.

    Each entry stores the hash of the previous entry and its own hash over its content, so a
    deleted or edited row breaks the chain (checked by `msoko audit verify`).
    """

    at = models.DateTimeField("когда", auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="кто", null=True, blank=True, on_delete=models.SET_NULL
    )
    actor_label = models.CharField("кто (подпись)", max_length=200, blank=True)
    action = models.CharField("действие", max_length=80, db_index=True)
    object_type = models.CharField("тип объекта", max_length=80, db_index=True)
    object_id = models.CharField("объект", max_length=80, blank=True)
    summary = models.CharField("описание", max_length=500, blank=True)
    before = models.JSONField("до", null=True, blank=True)
    after = models.JSONField("после", null=True, blank=True)
    prev_hash = models.CharField(max_length=64, blank=True)
    hash = models.CharField(max_length=64, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name = "запись журнала аудита"
        verbose_name_plural = "журнал аудита"

    def content_digest(self) -> str:
        payload = json.dumps(
            [
                self.prev_hash,
                self.at.isoformat() if self.at else "",
                self.actor_id,
                self.actor_label,
                self.action,
                self.object_type,
                self.object_id,
                self.summary,
                self.before,
                self.after,
            ],
            ensure_ascii=False,
            sort_keys=True,
            default=str,
        )
        return hashlib.sha256(payload.encode()).hexdigest()

    def __str__(self) -> str:
        return f"{self.at:%d.%m.%Y %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"

"""Caching read-mostly figures that are expensive to compute, keyed by what has changed.

Every write in msoko runs with its audit entry (`msoko.core.audit.record`), so the id of the last
audit entry is a cheap stamp of "anything changed": a cached value stored under the current stamp
is never stale, and nothing has to be invalidated by hand. The cache is Django's (settings
`CACHES`: per-process memory by default, so web processes stay stateless; tests use a dummy cache
unless a test turns it on).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache

T = TypeVar("T")


def change_stamp() -> int:
    """The id of the newest audit entry (0 on an empty database)."""
    from msoko.core.models import AuditEntry

    return AuditEntry.objects.order_by("-pk").values_list("pk", flat=True).first() or 0


def cached(key: str, compute: Callable[[], T], *, timeout: int = 3600) -> T:
    """`compute()` once per `key` and change stamp; later calls with nothing changed read the cache."""
    full_key = f"msoko:{key}:{change_stamp()}"
    value = cache.get(full_key)
    if value is None:
        value = compute()
        cache.set(full_key, value, timeout)
    return value

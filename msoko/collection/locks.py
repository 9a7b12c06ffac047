"""Serialising imports of one kind, so that «already loaded?» and «conflicts?» hold until commit.

`import_file` validates a file outside any transaction (it may take minutes), then commits. Two
imports of the same file or of the same procedure started together would both see «nothing loaded
yet» and both commit: duplicate rows, two batches in force for one scope. Inside the commit
transaction `lock_imports(kind)` waits for any other import of the kind to finish; the caller then
looks again and, if something changed meanwhile, starts over (the file then reads as «уже
загружен» or asks to confirm the replacement).

On PostgreSQL this is a transaction-level advisory lock (released at commit or rollback, so no
lock outlives a crashed worker). SQLite lets one writer at a time anyway, so nothing is needed.

`read_snapshot()` is the reader's side: an analysis reads its data and the list of imports in
force in several queries; inside one REPEATABLE READ transaction they all see the same committed
state, so an import committed meanwhile is either wholly used and listed, or neither.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

LOCK_NAMESPACE = 0x4D534B  # "MSK": keeps msoko's advisory locks apart from anyone else's


class ImportRaced(Exception):
    """Another import of the same kind committed while this one was being validated."""


def lock_key(kind: str) -> int:
    """A stable signed 32-bit key for a kind (PostgreSQL's two-int advisory lock form)."""
    return zlib.crc32(kind.encode("utf-8")) - 2**31


def lock_imports(kind: str) -> None:
    """Block until no other transaction holds the import lock of `kind`; hold it until commit."""
    if not connection.in_atomic_block:
        raise RuntimeError("lock_imports must be called inside transaction.atomic()")
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s, %s)", [LOCK_NAMESPACE, lock_key(kind)])


@contextmanager
def read_snapshot() -> Iterator[None]:
    """Run the enclosed reads in one transaction seeing one committed state (REPEATABLE READ on
    PostgreSQL). Inside an already open transaction the reads simply share it."""
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
        yield

"""Backup and restore of the whole system: every database table and the stored files.

The archive (``.tar.gz``) holds, in this order:

* ``manifest.json`` — format version, msoko version, database vendor, applied migrations, and per
  table its columns, row count and SHA-256 of its data; per stored file its size and SHA-256;
* ``data/<table>.jsonl`` — one JSON array per row, columns in manifest order, rows in primary-key
  order. Values are written as Django reads them (dates ISO 8601 in UTC, decimals as text, bytes
  as base64), so a backup from SQLite restores into PostgreSQL and back;
* ``files/<path>`` — everything under ``MEDIA_ROOT``.

The dump is taken inside one read transaction (REPEATABLE READ on PostgreSQL; on SQLite one
``BEGIN`` … the WAL snapshot), streaming rows through server-side cursors. Restore needs a database
migrated to exactly the backup's migrations; it refuses a database that already holds data unless
forced, replaces every table's rows in one transaction, resets sequences, then re-reads every table
and compares its count and checksum with the manifest before committing. Files are staged first
and moved into ``MEDIA_ROOT`` only after the database commit; with ``force`` the previous files are
kept beside it as ``<MEDIA_ROOT>.before-restore-<time>``.
"""

from __future__ import annotations

import base64
import datetime
import decimal
import hashlib
import io
import json
import shutil
import tarfile
import tempfile
import uuid
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder

FORMAT = "msoko-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
BATCH = 1000
# Filled by `migrate` itself; they do not make a database "non-empty".
MIGRATE_TABLES = frozenset({"django_content_type", "auth_permission"})


class BackupError(Exception):
    """A backup or restore that cannot proceed; the message is for the operator, in Russian."""


@dataclass(frozen=True)
class Table:
    model: type[models.Model]
    name: str
    fields: tuple[models.Field, ...]

    @property
    def columns(self) -> list[str]:
        return [field.column for field in self.fields]


def tables() -> list[Table]:
    """Every table Django manages (auto-created many-to-many tables included), by name."""
    found: dict[str, Table] = {}
    for model in apps.get_models(include_auto_created=True):
        meta = model._meta
        if not meta.managed or meta.proxy or meta.swapped or meta.db_table in found:
            continue
        found[meta.db_table] = Table(model, meta.db_table, tuple(meta.concrete_fields))
    return [found[name] for name in sorted(found)]


def msoko_version() -> str:
    try:
        return metadata.version("msoko")
    except metadata.PackageNotFoundError:
        return "unknown"


def applied_migrations() -> list[list[str]]:
    recorder = MigrationRecorder(connection)
    return sorted([app, name] for app, name in recorder.applied_migrations())


# --- values ------------------------------------------------------------------------------------


def _value_field(field: models.Field) -> models.Field:
    return field.target_field if field.is_relation else field


def encode(value: Any) -> Any:
    """A value as Django returns it → plain JSON (see the module docstring)."""
    if value is None or isinstance(value, bool | int | float | str | list | dict):
        return value
    if isinstance(value, datetime.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(datetime.UTC)
        return value.isoformat()
    if isinstance(value, datetime.date | datetime.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.timedelta):
        return (value.days * 86400 + value.seconds) * 1_000_000 + value.microseconds
    if isinstance(value, bytes | memoryview | bytearray):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, uuid.UUID):
        return str(value)
    return str(value)


def decode(field: models.Field, value: Any) -> Any:
    """The inverse of `encode` for a value of this field."""
    if value is None:
        return None
    kind = _value_field(field).get_internal_type()
    if kind == "DateTimeField":
        return datetime.datetime.fromisoformat(value)
    if kind == "DateField":
        return datetime.date.fromisoformat(value)
    if kind == "TimeField":
        return datetime.time.fromisoformat(value)
    if kind == "DecimalField":
        return decimal.Decimal(value)
    if kind == "DurationField":
        return datetime.timedelta(microseconds=value)
    if kind == "BinaryField":
        return base64.b64decode(value)
    if kind == "UUIDField":
        return uuid.UUID(value)
    return value


def row_line(values: Iterable[Any]) -> bytes:
    return json.dumps([encode(v) for v in values], ensure_ascii=False, sort_keys=True).encode() + b"\n"


def table_lines(table: Table) -> Iterator[bytes]:
    """The table's rows as canonical JSON lines, in primary-key order, streamed."""
    attnames = [field.attname for field in table.fields]
    rows = table.model._base_manager.order_by("pk").values_list(*attnames).iterator(chunk_size=2000)
    for row in rows:
        yield row_line(row)


# --- backup ------------------------------------------------------------------------------------


@dataclass
class Summary:
    tables: int
    rows: int
    files: int


def _media_files(root: Path) -> list[Path]:
    if not root.is_dir():
        return []
    return sorted(path for path in root.rglob("*") if path.is_file())


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _dump_tables(workdir: Path) -> tuple[dict[str, dict], list[list[str]]]:
    """Write every table to ``workdir/<table>.jsonl`` inside one consistent read transaction.

    Returns each table's description for the manifest and the applied migrations.
    """
    described: dict[str, dict] = {}
    outermost = not connection.in_atomic_block
    with transaction.atomic():
        if outermost and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        for table in tables():
            digest, count = hashlib.sha256(), 0
            with (workdir / f"{table.name}.jsonl").open("wb") as out:
                for line in table_lines(table):
                    out.write(line)
                    digest.update(line)
                    count += 1
            described[table.name] = {"columns": table.columns, "rows": count, "sha256": digest.hexdigest()}
        migrations = applied_migrations()
    return described, migrations


def backup(path: Path | str) -> Summary:
    """Write the whole system into one ``.tar.gz`` archive at ``path``."""
    target = Path(path)
    if target.exists() and target.is_dir():
        raise BackupError(f"{target}: это каталог; укажите имя файла архива, например msoko-backup.tar.gz.")
    target.parent.mkdir(parents=True, exist_ok=True)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(prefix=".msoko-backup-", dir=target.parent) as tmp:
        workdir = Path(tmp)
        described, migrations = _dump_tables(workdir)
        files = {
            path.relative_to(media_root).as_posix(): {
                "size": path.stat().st_size,
                "sha256": _file_digest(path),
            }
            for path in _media_files(media_root)
        }
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "msoko_version": msoko_version(),
            "created": datetime.datetime.now(datetime.UTC).isoformat(),
            "database_vendor": connection.vendor,
            "migrations": migrations,
            "tables": described,
            "files": files,
        }
        partial = target.with_name(target.name + ".partial")
        partial.touch(mode=0o600)  # the archive holds personal data: readable by its owner only
        with tarfile.open(partial, "w:gz") as archive:
            _add_bytes(archive, MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1).encode())
            for name in described:
                archive.add(workdir / f"{name}.jsonl", arcname=f"data/{name}.jsonl")
            for relative in files:
                archive.add(media_root / relative, arcname=f"files/{relative}")
        partial.replace(target)
    return Summary(len(described), sum(t["rows"] for t in described.values()), len(files))


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(datetime.datetime.now().timestamp())
    archive.addfile(info, io.BytesIO(data))


# --- restore -----------------------------------------------------------------------------------


def non_empty_tables() -> list[str]:
    """Tables holding rows, apart from those `migrate` fills by itself."""
    found = []
    for table in tables():
        if table.name not in MIGRATE_TABLES and table.model._base_manager.exists():
            found.append(table.name)
    return found


def read_manifest(archive: tarfile.TarFile, source: Path) -> dict:
    first = archive.next()
    if first is None or first.name != MANIFEST:
        raise BackupError(f"{source}: это не архив msoko (нет {MANIFEST} в начале).")
    manifest = json.loads(archive.extractfile(first).read())
    if manifest.get("format") != FORMAT or manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"{source}: неизвестный формат архива {manifest.get('format')!r} "
            f"версии {manifest.get('format_version')!r}."
        )
    return manifest


def _check_compatible(manifest: dict, source: Path) -> dict[str, Table]:
    here = {tuple(m) for m in applied_migrations()}
    there = {tuple(m) for m in manifest["migrations"]}
    if here != there:
        missing = sorted(there - here)
        extra = sorted(here - there)
        parts = []
        if missing:
            parts.append(
                "в базе не применены миграции архива: " + ", ".join(f"{a}.{n}" for a, n in missing[:10])
            )
        if extra:
            parts.append(
                "в базе есть миграции, которых нет в архиве: " + ", ".join(f"{a}.{n}" for a, n in extra[:10])
            )
        raise BackupError(
            f"{source}: состояние миграций базы не совпадает с архивом ({'; '.join(parts)}). "
            f"Восстанавливайте той версией msoko, которой сделан архив ({manifest.get('msoko_version')}), "
            "затем обновите её и выполните `msoko migrate`."
        )
    known = {table.name: table for table in tables()}
    for name, described in manifest["tables"].items():
        table = known.get(name)
        if table is None:
            raise BackupError(f"{source}: таблицы {name} нет в этой базе.")
        if table.columns != described["columns"]:
            raise BackupError(f"{source}: столбцы таблицы {name} не совпадают с архивом.")
    return known


def _insert(table: Table, lines: Iterable[bytes]) -> tuple[int, str]:
    quote = connection.ops.quote_name
    columns = ", ".join(quote(c) for c in table.columns)
    placeholders = ", ".join(["%s"] * len(table.fields))
    sql = f"INSERT INTO {quote(table.name)} ({columns}) VALUES ({placeholders})"
    digest, count, batch = hashlib.sha256(), 0, []
    with connection.cursor() as cursor:
        for line in lines:
            digest.update(line)
            values = json.loads(line)
            batch.append(
                [
                    field.get_db_prep_save(decode(field, value), connection)
                    for field, value in zip(table.fields, values, strict=True)
                ]
            )
            count += 1
            if len(batch) >= BATCH:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    return count, digest.hexdigest()


def _verify_table(table: Table, described: dict) -> None:
    digest, count = hashlib.sha256(), 0
    for line in table_lines(table):
        digest.update(line)
        count += 1
    if count != described["rows"] or digest.hexdigest() != described["sha256"]:
        raise BackupError(
            f"Таблица {table.name}: после восстановления {count} строк вместо {described['rows']} "
            "или содержимое отличается от архива; восстановление отменено."
        )


def _safe_member_path(name: str, source: Path) -> PurePosixPath:
    relative = PurePosixPath(name).relative_to("files")
    if relative.is_absolute() or ".." in relative.parts or not relative.parts:
        raise BackupError(f"{source}: недопустимый путь файла в архиве: {name}.")
    return relative


def restore(path: Path | str, *, force: bool = False) -> Summary:
    """Restore an archive made by `backup` (see the module docstring)."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(f"{source}: файл архива не найден.")
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".msoko-restore-", dir=media_root.parent))
    try:
        try:
            with tarfile.open(source, "r:gz") as archive:
                manifest = read_manifest(archive, source)
                rows = _restore_database(archive, manifest, source, staging, force)
        except (tarfile.TarError, OSError, EOFError, zlib.error, json.JSONDecodeError) as exc:
            # Nothing was committed: the database work runs in one transaction.
            raise BackupError(f"{source}: архив не читается или повреждён ({exc}).") from None
        _replace_media(staging, media_root)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Summary(len(manifest["tables"]), rows, len(manifest["files"]))


def _restore_database(
    archive: tarfile.TarFile, manifest: dict, source: Path, staging: Path, force: bool
) -> int:
    known = _check_compatible(manifest, source)
    restored: dict[str, tuple[int, str]] = {}
    with transaction.atomic():
        if not force:
            busy = non_empty_tables()
            if busy:
                raise BackupError(
                    "База данных не пуста (есть данные в таблицах: "
                    + ", ".join(busy[:8])
                    + (" …" if len(busy) > 8 else "")
                    + "). Восстановление возможно только в пустую базу; чтобы заменить данные, укажите --force."
                )
        with connection.cursor() as cursor:
            for table in reversed(list(known.values())):
                cursor.execute(f"DELETE FROM {connection.ops.quote_name(table.name)}")
        for member in archive:
            if member.name.startswith("data/") and member.name.endswith(".jsonl"):
                name = member.name[len("data/") : -len(".jsonl")]
                if name not in manifest["tables"]:
                    raise BackupError(f"{source}: лишняя таблица в архиве: {name}.")
                restored[name] = _insert(known[name], archive.extractfile(member))
            elif member.name.startswith("files/") and member.isfile():
                relative = _safe_member_path(member.name, source)
                target = staging.joinpath(*relative.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as data, target.open("wb") as out:
                    shutil.copyfileobj(data, out)
        for name, described in manifest["tables"].items():
            count, digest = restored.get(name, (0, hashlib.sha256().hexdigest()))
            if count != described["rows"] or digest != described["sha256"]:
                raise BackupError(
                    f"{source}: данные таблицы {name} повреждены (строк {count} вместо {described['rows']} "
                    "или не совпадает контрольная сумма); восстановление отменено, база не изменена."
                )
        sequence_sql = connection.ops.sequence_reset_sql(no_style(), [t.model for t in known.values()])
        if sequence_sql:
            with connection.cursor() as cursor:
                for statement in sequence_sql:
                    cursor.execute(statement)
        for name, described in manifest["tables"].items():
            _verify_table(known[name], described)
        for relative, described in manifest["files"].items():
            staged = staging / relative
            if not staged.is_file() or _file_digest(staged) != described["sha256"]:
                raise BackupError(
                    f"{source}: файл {relative} в архиве отсутствует или повреждён; восстановление отменено."
                )
    return sum(count for count, _ in restored.values())


def _replace_media(staging: Path, media_root: Path) -> None:
    """Put the staged files in place; files already there are kept aside, never deleted."""
    if media_root.exists() and any(media_root.iterdir()):
        stamp = datetime.datetime.now().strftime("%Y%m%d-%H%M%S")
        media_root.rename(media_root.with_name(f"{media_root.name}.before-restore-{stamp}"))
    elif media_root.exists():
        media_root.rmdir()
    shutil.copytree(staging, media_root)

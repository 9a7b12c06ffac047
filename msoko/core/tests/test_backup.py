"""`msoko backup` and `msoko restore`: a round trip gives back every table row and every file."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from msoko.core import backup as backup_module
from msoko.core.audit import record, verify_chain
from msoko.core.models import AuditEntry
from msoko.registry.models import Organisation, Region

pytestmark = pytest.mark.django_db(transaction=True)


def table_rows() -> dict[str, list[tuple]]:
    """Every table's rows read with plain SQL (independent of the backup's own encoding)."""
    result = {}
    with connection.cursor() as cursor:
        for table in backup_module.tables():
            pk = table.model._meta.pk.column
            cursor.execute(
                f"SELECT * FROM {connection.ops.quote_name(table.name)} ORDER BY {connection.ops.quote_name(pk)}"
            )
            result[table.name] = [tuple(row) for row in cursor.fetchall()]
    return result


def media_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "files"
    (settings.MEDIA_ROOT / "cycle" / "documents").mkdir(parents=True)
    (settings.MEDIA_ROOT / "cycle" / "documents" / "приказ №5.pdf").write_bytes(b"%PDF-1.7 protocol")
    (settings.MEDIA_ROOT / "imports").mkdir()
    (settings.MEDIA_ROOT / "imports" / "vpr.xlsx").write_bytes(b"PK\x03\x04 workbook")
    return settings.MEDIA_ROOT


@pytest.fixture
def populated(world, media):
    region = Region.objects.get(code="TST")
    record(
        world.department,
        "registry.region.rename",
        region,
        before={"name": "Тестовая область"},
        after={"name": "Тестовая область", "доля": 0.25, "список": [1, "два"]},
    )
    Organisation.objects.filter(code="OO-B").update(
        full_name="Школа «Б» — «кавычки», ё и \\ слэш\nвторая строка"
    )
    return world


def run(command: str, *args: str) -> str:
    out = io.StringIO()
    call_command(command, *args, stdout=out)
    return out.getvalue()


def test_a_round_trip_gives_back_every_row_and_file(populated, media, tmp_path):
    before_rows, before_files = table_rows(), media_files(media)
    archive = tmp_path / "backup" / "msoko.tar.gz"
    assert "Резервная копия записана в" in run("backup", str(archive))
    assert archive.stat().st_mode & 0o077 == 0  # personal data: owner only

    # Damage everything the archive holds: rows deleted, changed and added; files changed and added.
    Organisation.objects.filter(code="DOO-1").delete()
    Region.objects.update(name="Испорчено")
    Region.objects.create(code="NEW", name="Лишняя")
    (media / "imports" / "vpr.xlsx").write_bytes(b"changed")
    (media / "stray.txt").write_text("лишний")

    with pytest.raises(CommandError, match="База данных не пуста"):
        run("restore", str(archive))
    out = run("restore", str(archive), "--force")
    assert out.startswith(f"Восстановлено из {archive}: таблиц ")

    after_rows = table_rows()
    restore_entry = AuditEntry.objects.order_by("-id").first()
    assert restore_entry.action == "core.restore"
    audit_table = AuditEntry._meta.db_table
    # The restore appends its own entry; the backup's entry came after the snapshot in the archive.
    after_rows[audit_table] = [row for row in after_rows[audit_table] if row[0] != restore_entry.pk]
    assert after_rows.keys() == before_rows.keys()
    for name in before_rows:
        assert after_rows[name] == before_rows[name], name
    assert media_files(media) == before_files
    kept = list(media.parent.glob("files.before-restore-*"))
    assert len(kept) == 1 and (kept[0] / "stray.txt").read_text() == "лишний"
    assert verify_chain() == []

    # Sequences continue after the restored keys.
    new_region = Region.objects.create(code="AFTER", name="После восстановления")
    assert new_region.pk > max(row[0] for row in before_rows[Region._meta.db_table])


def test_restore_into_an_empty_migrated_database(populated, media, tmp_path):
    archive = tmp_path / "msoko.tar.gz"
    run("backup", str(archive))
    regions = list(Region.objects.values_list("code", "name"))
    call_command("flush", interactive=False, verbosity=0)
    assert not Region.objects.exists()
    run("restore", str(archive))
    assert list(Region.objects.values_list("code", "name")) == regions
    assert Organisation.objects.get(code="OO-B").full_name.endswith("слэш\nвторая строка")


def test_the_manifest_describes_tables_files_and_migrations(populated, media, tmp_path):
    archive = tmp_path / "msoko.tar.gz"
    run("backup", str(archive))
    with tarfile.open(archive) as tar:
        assert tar.getnames()[0] == "manifest.json"
        manifest = json.loads(tar.extractfile("manifest.json").read())
        names = set(tar.getnames())
    assert manifest["database_vendor"] == connection.vendor
    assert ["core", "0001_initial"] in manifest["migrations"]
    assert manifest["tables"]["registry_organisation"]["rows"] == 3
    assert manifest["tables"]["registry_region"]["columns"] == ["id", "code", "name"]
    assert set(manifest["files"]) == {"cycle/documents/приказ №5.pdf", "imports/vpr.xlsx"}
    assert manifest["files"]["imports/vpr.xlsx"]["size"] == len(b"PK\x03\x04 workbook")
    assert {"data/registry_region.jsonl", "files/imports/vpr.xlsx"} <= names


def _rewrite(archive: Path, target: Path, change) -> None:
    with tarfile.open(archive) as src, tarfile.open(target, "w:gz") as dst:
        for member in src:
            data = src.extractfile(member).read() if member.isfile() else b""
            data = change(member.name, data)
            member.size = len(data)
            dst.addfile(member, io.BytesIO(data))


def test_a_damaged_archive_is_refused_and_nothing_changes(populated, media, tmp_path):
    archive = tmp_path / "msoko.tar.gz"
    run("backup", str(archive))
    damaged = tmp_path / "damaged.tar.gz"
    _rewrite(
        archive,
        damaged,
        lambda name, data: (
            data.replace("Тестовая".encode(), "Поддельн".encode())
            if name == "data/registry_region.jsonl"
            else data
        ),
    )
    Region.objects.update(name="Текущее имя")
    with pytest.raises(CommandError, match="данные таблицы registry_region повреждены"):
        run("restore", str(damaged), "--force")
    assert list(Region.objects.values_list("name", flat=True)) == ["Текущее имя"]
    assert media_files(media)["imports/vpr.xlsx"] == b"PK\x03\x04 workbook"


def test_a_file_that_is_not_an_archive_is_refused(db, tmp_path):
    bogus = tmp_path / "not-a-backup.tar.gz"
    bogus.write_bytes(b"hello")
    with pytest.raises(CommandError, match="архив не читается или повреждён"):
        run("restore", str(bogus))


def test_an_archive_from_other_migrations_is_refused(populated, media, tmp_path):
    archive = tmp_path / "msoko.tar.gz"
    run("backup", str(archive))
    other = tmp_path / "other.tar.gz"

    def add_migration(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        manifest = json.loads(data)
        manifest["migrations"].append(["core", "9999_future"])
        return json.dumps(manifest).encode()

    _rewrite(archive, other, add_migration)
    with pytest.raises(CommandError, match="в базе не применены миграции архива: core.9999_future"):
        run("restore", str(other), "--force")

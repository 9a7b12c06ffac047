"""`msoko audit verify` and `msoko audit list` from the command line."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from msoko.core.audit import record
from msoko.core.models import AuditEntry
from msoko.registry.models import Region

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("audit", *args, stdout=out, stderr=out)
    return out.getvalue()


@pytest.fixture
def three():
    region = Region.objects.create(code="R1", name="Тестовая область")
    first = record("импорт", "registry.region.create", region, after={"name": "Тестовая область"})
    second = record(
        "ivanova",
        "registry.region.rename",
        region,
        before={"name": "Тестовая область"},
        after={"name": "Область"},
    )
    third = record(
        None, "cycle.decision.create", object_type="cycle.decision", object_id="5", summary="Приказ"
    )
    AuditEntry.objects.filter(pk=first.pk).update(
        at=datetime.datetime(2024, 1, 10, 9, 0, tzinfo=datetime.UTC)
    )
    # Moving `at` changes the digest, so re-seal the first entry and the links after it.
    for entry in AuditEntry.objects.order_by("id"):
        previous = AuditEntry.objects.filter(id__lt=entry.id).order_by("-id").first()
        entry.prev_hash = previous.hash if previous else ""
        entry.hash = entry.content_digest()
        entry.save(update_fields=["prev_hash", "hash"])
    return first, second, third


def test_verify_reports_an_intact_chain_with_its_size(three):
    assert run("verify") == "Цепочка журнала аудита не нарушена: 3 записей\n"


def test_verify_fails_and_names_an_entry_edited_by_raw_sql(three):
    _, second, _ = three
    table = connection.ops.quote_name(AuditEntry._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET summary = %s WHERE id = %s", ["подделка", second.pk])
    out = io.StringIO()
    with pytest.raises(CommandError) as error:
        call_command("audit", "verify", stdout=out, stderr=out)
    assert str(error.value) == "Цепочка журнала аудита нарушена: найдено нарушений — 1."
    assert out.getvalue() == f"Запись №{second.pk}: содержимое изменено после записи.\n"


def test_verify_fails_when_an_entry_is_deleted(three):
    first, second, third = three
    with connection.cursor() as cursor:
        cursor.execute(
            f"DELETE FROM {connection.ops.quote_name(AuditEntry._meta.db_table)} WHERE id = %s", [second.pk]
        )
    with pytest.raises(CommandError, match="нарушений — 1"):
        run("verify")


def test_list_filters_by_actor_type_and_date(three):
    first, second, third = three
    by_actor = run("list", "--actor", "ivanova").splitlines()
    assert len(by_actor) == 2 and by_actor[-1] == "Показано 1 из 1."
    assert by_actor[0].startswith(f"{second.pk}\t")
    assert by_actor[0].endswith(
        "\tregistry.region.rename\tregistry.region №"
        + second.object_id
        + "\tТестовая область\tname: Тестовая область → Область"
    )
    by_type = run("list", "--type", "cycle.decision").splitlines()
    assert by_type[0].split("\t")[2:4] == ["система", "cycle.decision.create"]
    since = run("list", "--since", "01.02.2024").splitlines()
    assert since[-1] == "Показано 2 из 2."
    until = run("list", "--until", "2024-01-10").splitlines()
    assert until[0].split("\t")[1] == "10.01.2024 12:00:00"  # 09:00 UTC is 12:00 in Moscow


def test_list_refuses_a_bad_date(three):
    with pytest.raises(CommandError, match="Дата '31/12/2024' не распознана"):
        run("list", "--since", "31/12/2024")

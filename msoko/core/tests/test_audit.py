"""The audit trail: who did what, chained by hashes so that editing or deleting a row shows."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from msoko.core.audit import record, verify_chain
from msoko.core.models import AuditEntry
from msoko.registry.models import Region

pytestmark = pytest.mark.django_db


def _three_entries() -> list[AuditEntry]:
    region = Region.objects.create(code="R1", name="Тестовая область")
    return [
        record("импорт", "create", region, after={"name": "Тестовая область"}),
        record("импорт", "rename", region, before={"name": "Тестовая область"}, after={"name": "Область"}),
        record(None, "delete", object_type="registry.region", object_id="99", summary="Удалена область"),
    ]


def test_an_entry_describes_the_object_and_the_change():
    region = Region.objects.create(code="R1", name="Тестовая область")
    entry = record("импорт", "create", region, after={"name": "Тестовая область"})
    entry.refresh_from_db()
    assert entry.object_type == "registry.region"
    assert entry.object_id == str(region.pk)
    assert entry.summary == "Тестовая область"
    assert entry.after == {"name": "Тестовая область"}
    assert entry.before is None


def test_a_user_actor_is_linked_and_other_actors_are_only_labelled():
    user = get_user_model().objects.create(username="ivanova")
    by_user = record(user, "login", object_type="auth.user", object_id=str(user.pk))
    by_label = record("импорт ФИС ОКО", "import", object_type="collection.importbatch", object_id="7")
    by_nobody = record(None, "cleanup", object_type="core.auditentry")
    assert (by_user.actor_id, by_user.actor_label) == (user.pk, "ivanova")
    assert (by_label.actor_id, by_label.actor_label) == (None, "импорт ФИС ОКО")
    assert (by_nobody.actor_id, by_nobody.actor_label) == (None, "система")


def test_each_entry_points_at_the_previous_one():
    first, second, third = _three_entries()
    assert first.prev_hash == ""
    assert second.prev_hash == first.hash
    assert third.prev_hash == second.hash
    assert len({first.hash, second.hash, third.hash}) == 3
    assert all(len(entry.hash) == 64 for entry in (first, second, third))


def test_an_untouched_chain_verifies():
    _three_entries()
    assert verify_chain() == []


def test_an_empty_chain_verifies():
    assert verify_chain() == []


def test_editing_an_entry_breaks_verification():
    _, second, _ = _three_entries()
    AuditEntry.objects.filter(pk=second.pk).update(after={"name": "Подделка"})
    assert verify_chain() == [f"Запись №{second.pk}: содержимое изменено после записи."]


def test_editing_an_entry_and_its_hash_breaks_the_link_to_the_next_one():
    _, second, third = _three_entries()
    forged = AuditEntry.objects.get(pk=second.pk)
    forged.actor_label = "кто-то другой"
    forged.hash = forged.content_digest()
    forged.save()
    assert verify_chain() == [
        f"Запись №{third.pk}: нарушена цепочка (ссылка на предыдущую запись не совпадает)."
    ]


def test_deleting_an_entry_breaks_verification():
    first, second, third = _three_entries()
    AuditEntry.objects.filter(pk=second.pk).delete()
    assert verify_chain() == [
        f"Запись №{third.pk}: нарушена цепочка (ссылка на предыдущую запись не совпадает)."
    ]


def test_deleting_the_first_entry_breaks_verification():
    first, second, _ = _three_entries()
    AuditEntry.objects.filter(pk=first.pk).delete()
    assert verify_chain() == [
        f"Запись №{second.pk}: нарушена цепочка (ссылка на предыдущую запись не совпадает)."
    ]

"""Changes of users and groups in the Django admin are audited with their before and after."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from msoko.core.models import AuditEntry

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    admin = get_user_model().objects.create_superuser("admin", "admin@example.org", "пароль-надёжный-1")
    client.force_login(admin)
    AuditEntry.objects.all().delete()
    return client


def test_adding_a_user_is_audited_without_the_password_hash(admin_client):
    response = admin_client.post(
        "/admin/auth/user/add/",
        {
            "username": "petrova",
            "password1": "Очень-надёжный-2025",
            "password2": "Очень-надёжный-2025",
            "usable_password": "true",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="auth.user.admin_add")
    assert entry.actor_label == "admin"
    assert entry.summary == "petrova"
    assert entry.before is None
    assert entry.after["username"] == "petrova"
    assert entry.after["password"] == "задан"
    assert "pbkdf2" not in str(entry.after)


def test_changing_a_user_records_before_and_after_including_groups(admin_client):
    user = get_user_model().objects.create_user("sidorov", password="x-пароль-1234")
    group = Group.objects.create(name="Методисты")
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/change/",
        {
            "username": "sidorov",
            "first_name": "Пётр",
            "last_name": "Сидоров",
            "email": "",
            "is_active": "on",
            "is_staff": "on",
            "groups": [group.pk],
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2025-01-01",
            "date_joined_1": "10:00:00",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="auth.user.admin_change")
    assert (entry.before["is_staff"], entry.after["is_staff"]) == (False, True)
    assert (entry.before["groups"], entry.after["groups"]) == ([], ["Методисты"])
    assert entry.after["first_name"] == "Пётр"


def test_a_password_reset_in_the_admin_is_audited(admin_client):
    user = get_user_model().objects.create_user("sidorov", password="x-пароль-1234")
    response = admin_client.post(
        f"/admin/auth/user/{user.pk}/password/",
        {"password1": "Новый-пароль-2025", "password2": "Новый-пароль-2025", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    entry = AuditEntry.objects.get(action="auth.user.password_change")
    assert entry.object_id == str(user.pk) and entry.actor_label == "admin"


def test_deleting_a_group_is_audited_with_its_last_state(admin_client):
    group = Group.objects.create(name="Временная")
    response = admin_client.post(f"/admin/auth/group/{group.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action="auth.group.admin_delete")
    assert entry.before == {"name": "Временная", "permissions": []}
    assert entry.object_id == str(group.pk)


def test_the_audit_trail_is_read_only_in_the_admin(admin_client):
    assert admin_client.get("/admin/core/auditentry/").status_code == 200
    assert admin_client.get("/admin/core/auditentry/add/").status_code == 403

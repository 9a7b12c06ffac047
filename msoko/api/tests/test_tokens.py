"""Bearer tokens: created once per user, stored as a hash, revocable, and the only way in."""

from io import StringIO

import pytest
from django.core.management import call_command

from msoko.api.models import ApiToken
from msoko.api.tokens import create_token, hash_key, revoke_token
from msoko.core.models import AuditEntry


def test_token_is_stored_only_as_its_hash_and_audited(world):
    token, key = create_token(world.department, name="выгрузка")
    assert key.startswith("msk_") and len(key) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.key_hash == hash_key(key) and key not in (stored.key_hash, stored.prefix)
    assert AuditEntry.objects.filter(action="api.token.create", object_id=str(token.pk)).exists()


def test_request_with_valid_token_is_served_and_marks_last_use(world, api_get):
    token, key = create_token(world.department)
    assert api_get(key, "organisations/").status_code == 200
    token.refresh_from_db()
    assert token.last_used is not None


@pytest.mark.parametrize("header_key", [None, "msk_not-a-real-key", "garbage"])
def test_missing_or_unknown_token_is_401_in_russian(world, api_get, header_key):
    response = api_get(header_key, "organisations/")
    assert response.status_code == 401
    assert "токен" in response.json()["detail"]


def test_revoked_token_and_inactive_user_are_refused(world, api_get):
    token, key = create_token(world.methodist)
    revoke_token(token)
    assert api_get(key, "organisations/").status_code == 401
    _, other_key = create_token(world.operator)
    world.operator.is_active = False
    world.operator.save()
    assert api_get(other_key, "organisations/").status_code == 401


def test_command_creates_lists_and_revokes(world, api_get):
    out = StringIO()
    call_command("api", "token", "create", "department", "--name", "DHIS2", stdout=out)
    key = out.getvalue().strip().splitlines()[-1]
    assert api_get(key, "organisations/").status_code == 200
    listing = StringIO()
    call_command("api", "token", "list", "department", stdout=listing)
    assert "DHIS2" in listing.getvalue() and key not in listing.getvalue()
    token = ApiToken.objects.get(user=world.department)
    call_command("api", "token", "revoke", str(token.pk), stdout=StringIO())
    assert api_get(key, "organisations/").status_code == 401


def test_command_refuses_unknown_user(world):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="не найден"):
        call_command("api", "token", "create", "nobody", stdout=StringIO())

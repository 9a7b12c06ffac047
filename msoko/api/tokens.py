"""Creating, revoking and checking API tokens (`Authorization: Bearer <key>`)."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from msoko.api.models import ApiToken
from msoko.core import audit

KEY_PREFIX = "msk_"
LAST_USED_RESOLUTION = 60  # seconds: `last_used` is refreshed at most once a minute per token


def hash_key(key: str) -> str:
    """SHA-256 of the key: keys are 256-bit random, so a fast hash is enough (as for GitHub tokens)."""
    return hashlib.sha256(key.encode()).hexdigest()


def create_token(user: Any, *, name: str = "", actor: Any = None) -> tuple[ApiToken, str]:
    """A new token for `user`; returns it with the plain key, which is not stored anywhere."""
    if not getattr(user, "is_active", False):
        raise ValueError(f"Пользователь «{user}» отключён; токен не создан.")
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    with transaction.atomic():
        token = ApiToken.objects.create(user=user, name=name.strip()[:100], key_hash=hash_key(key), prefix=key[:12])
        audit.record(actor, "api.token.create", token, after={"user": user.get_username(), "name": token.name, "prefix": token.prefix})
    return token, key


def revoke_token(token: ApiToken, *, actor: Any = None) -> ApiToken:
    with transaction.atomic():
        if token.revoked is None:
            token.revoked = timezone.now()
            token.save(update_fields=["revoked"])
            audit.record(actor, "api.token.revoke", token, after={"user": token.user.get_username(), "prefix": token.prefix})
    return token


def user_for_key(key: str) -> Any | None:
    """The active user owning this unrevoked key, or None."""
    if not key or not key.startswith(KEY_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=hash_key(key), revoked__isnull=True).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used is None or (now - token.last_used).total_seconds() > LAST_USED_RESOLUTION:
        ApiToken.objects.filter(pk=token.pk).update(last_used=now)
    return token.user

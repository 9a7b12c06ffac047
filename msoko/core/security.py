"""Login throttling and the audit of sign-ins (docs/security.md).

Throttling is django-axes: after ``AXES_FAILURE_LIMIT`` failed attempts for one user name from one
address, that pair is locked out for ``AXES_COOLOFF_TIME``; the answer is HTTP 429 with the login
page and a Russian message. Every login, failed login and logout is written to the audit trail.
"""

from __future__ import annotations

from typing import Any

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_lockout_message
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string

from msoko.core import audit

LOCKOUT_STATUS = 429
ANONYMOUS = "аноним"


class LoginThrottleBackend(AxesStandaloneBackend):
    """Refuses locked-out users; authentication itself is left to the next backend.

    A call without a request (a management command, ``Client.login`` in tests) has no address to
    throttle by, so it is passed on instead of failing as the stock axes backend does.
    """

    def authenticate(
        self,
        request: HttpRequest | None,
        username: str | None = None,
        password: str | None = None,
        **kwargs: Any,
    ):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(
    request: HttpRequest, original_response=None, credentials: dict | None = None
) -> HttpResponse:
    """The answer to a locked-out login attempt: 429 with a Russian explanation."""
    html = render_to_string("core/lockout.html", {"message": get_lockout_message()}, request=request)
    return HttpResponse(html, status=LOCKOUT_STATUS)


def client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return getattr(request, "axes_ip_address", "") or request.META.get("REMOTE_ADDR", "")


@receiver(user_logged_in, dispatch_uid="msoko.core.audit_login")
def audit_login(sender, request: HttpRequest | None = None, user=None, **kwargs) -> None:
    audit.record(
        user,
        "auth.login",
        object_type="auth.user",
        object_id=str(user.pk),
        summary=f"Вход в систему: {user.get_username()}",
        after={"ip": client_address(request)},
    )


@receiver(user_login_failed, dispatch_uid="msoko.core.audit_login_failed")
def audit_login_failed(
    sender, credentials: dict | None = None, request: HttpRequest | None = None, **kwargs
) -> None:
    username = str((credentials or {}).get("username", ""))[:150]
    locked = bool(getattr(request, "axes_locked_out", False))
    audit.record(
        ANONYMOUS,
        "auth.login_failed",
        object_type="auth.user",
        summary=f"Неудачная попытка входа: {username}" + (" (вход заблокирован)" if locked else ""),
        after={"username": username, "ip": client_address(request), "locked_out": locked},
    )


@receiver(user_logged_out, dispatch_uid="msoko.core.audit_logout")
def audit_logout(sender, request: HttpRequest | None = None, user=None, **kwargs) -> None:
    if user is None:
        return
    audit.record(
        user,
        "auth.logout",
        object_type="auth.user",
        object_id=str(user.pk),
        summary=f"Выход из системы: {user.get_username()}",
        after={"ip": client_address(request)},
    )

"""Security settings: login throttling, sign-in audit, CSP, cookies and `check --deploy`."""

from __future__ import annotations

import json
import os
import secrets
import string
import subprocess
import sys

from csp.middleware import CSPMiddleware
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from msoko.core.models import AuditEntry
from msoko.core.testing import PASSWORD

LOGIN = "/login/"


def attempt(client: Client, username: str, password: str):
    return client.post(LOGIN, {"username": username, "password": password})


def test_login_is_locked_after_the_failure_limit_even_with_the_right_password(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(2):
        assert attempt(client, "school_a", "неверный").status_code == 200
    locked = attempt(client, "school_a", "неверный")
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "Слишком много неудачных попыток входа" in text
    assert "Вход временно заблокирован" in text
    right = attempt(client, "school_a", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session


def test_the_lockout_applies_to_that_user_only(world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client = Client()
    for _ in range(2):
        attempt(client, "school_a", "неверный")
    response = attempt(client, "school_b", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(world.school_b_admin.pk)


def test_a_success_before_the_limit_resets_the_count(world, settings):
    settings.AXES_FAILURE_LIMIT = 3
    client = Client()
    attempt(client, "school_a", "неверный")
    attempt(client, "school_a", "неверный")
    assert attempt(client, "school_a", PASSWORD).status_code == 302
    client.logout()
    attempt(client, "school_a", "неверный")
    attempt(client, "school_a", "неверный")
    assert attempt(client, "school_a", PASSWORD).status_code == 302


def test_login_failure_success_and_logout_are_audited(world):
    client = Client()
    attempt(client, "department", "неверный")
    attempt(client, "department", PASSWORD)
    client.post(reverse("web:logout"))
    entries = list(AuditEntry.objects.order_by("id").values_list("action", "actor_label", "summary"))
    assert entries == [
        ("auth.login_failed", "аноним", "Неудачная попытка входа: department"),
        ("auth.login", "department", "Вход в систему: department"),
        ("auth.logout", "department", "Выход из системы: department"),
    ]
    failed = AuditEntry.objects.get(action="auth.login_failed")
    assert failed.after == {"username": "department", "ip": "127.0.0.1", "locked_out": False}


def test_test_client_login_without_a_request_still_works(world):
    assert Client().login(username="school_b", password=PASSWORD)


def test_every_page_carries_a_same_origin_content_security_policy(db):
    response = Client().get(LOGIN)
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["default-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert directives["form-action"] == "'self'"
    assert directives["style-src"] == "'self'"
    sources = directives["script-src"].split()
    assert sources[0] == "'self'"
    assert "'unsafe-inline'" not in sources and "*" not in policy


def _page_with_inline_script(request):
    return HttpResponse(f'<script nonce="{request.csp_nonce}">start()</script>')


def test_an_inline_script_is_allowed_by_its_own_fresh_nonce():
    middleware = CSPMiddleware(_page_with_inline_script)
    first = middleware(RequestFactory().get("/"))
    second = middleware(RequestFactory().get("/"))
    nonces = []
    for response in (first, second):
        nonce = response.content.decode().split('nonce="')[1].split('"')[0]
        assert f"'nonce-{nonce}'" in response["Content-Security-Policy"]
        nonces.append(nonce)
    assert len(nonces[0]) >= 16 and nonces[0] != nonces[1]


def test_development_cookies_are_http_only_and_sessions_last_eight_hours(settings):
    assert settings.SESSION_COOKIE_HTTPONLY and settings.CSRF_COOKIE_HTTPONLY
    assert settings.SESSION_COOKIE_AGE == 8 * 3600
    assert "django.middleware.csrf.CsrfViewMiddleware" in settings.MIDDLEWARE
    assert settings.MIDDLEWARE[-1] == "axes.middleware.AxesMiddleware"


def _random_key() -> str:
    alphabet = string.ascii_letters + string.digits + "!@#%^*-_=+"
    return "".join(secrets.choice(alphabet) for _ in range(50))


def _production_env(tmp_path, **extra: str) -> dict[str, str]:
    # The browser fixture sets DJANGO_ALLOW_ASYNC_UNSAFE for the session; a server never has it.
    env = {
        k: v for k, v in os.environ.items() if not k.startswith("MSOKO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        MSOKO_PRODUCTION="1",
        MSOKO_SECRET_KEY=_random_key(),
        MSOKO_HTTPS="1",
        MSOKO_ALLOWED_HOSTS="msoko.example.ru",
        MSOKO_DATA_DIR=str(tmp_path),
        DJANGO_SETTINGS_MODULE="msoko.settings",
    )
    env.update(extra)
    return env


def _run(code: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy_without_warnings(tmp_path):
    result = _run(
        "from msoko.cli import main; main(['check', '--deploy', '--fail-level', 'WARNING'])",
        _production_env(tmp_path),
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout
    assert "WARNINGS" not in result.stdout + result.stderr


def test_production_cookies_are_secure_and_https_is_enforced(tmp_path):
    code = (
        "import json, django; django.setup(); from django.conf import settings as s; print(json.dumps({"
        "'session_secure': s.SESSION_COOKIE_SECURE, 'csrf_secure': s.CSRF_COOKIE_SECURE,"
        "'session_httponly': s.SESSION_COOKIE_HTTPONLY, 'csrf_httponly': s.CSRF_COOKIE_HTTPONLY,"
        "'samesite': [s.SESSION_COOKIE_SAMESITE, s.CSRF_COOKIE_SAMESITE], 'redirect': s.SECURE_SSL_REDIRECT,"
        "'hsts': s.SECURE_HSTS_SECONDS, 'debug': s.DEBUG, 'age': s.SESSION_COOKIE_AGE,"
        "'browser_close': s.SESSION_EXPIRE_AT_BROWSER_CLOSE, 'trusted': s.CSRF_TRUSTED_ORIGINS}))"
    )
    result = _run(code, _production_env(tmp_path, MSOKO_SESSION_HOURS="4", MSOKO_SESSION_BROWSER_CLOSE="да"))
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "session_secure": True,
        "csrf_secure": True,
        "session_httponly": True,
        "csrf_httponly": True,
        "samesite": ["Lax", "Lax"],
        "redirect": True,
        "hsts": 31536000,
        "debug": False,
        "age": 4 * 3600,
        "browser_close": True,
        "trusted": ["https://msoko.example.ru"],
    }


def test_production_without_a_secret_key_refuses_to_start(tmp_path):
    env = _production_env(tmp_path)
    del env["MSOKO_SECRET_KEY"]
    result = _run("import django; django.setup()", env)
    assert result.returncode == 2
    assert "в рабочем режиме задайте MSOKO_SECRET_KEY" in result.stderr


def test_a_bad_number_setting_names_the_variable(tmp_path):
    result = _run("import django; django.setup()", _production_env(tmp_path, MSOKO_MAX_UPLOAD_MB="много"))
    assert result.returncode == 2
    assert "MSOKO_MAX_UPLOAD_MB='много': ожидается целое число не меньше 1." in result.stderr

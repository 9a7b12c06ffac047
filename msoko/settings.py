"""Django settings for msoko, all taken from the environment (see msoko.config and README)."""

from __future__ import annotations

import datetime
import os
import sys
from pathlib import Path

from csp.constants import NONCE, NONE, SELF

from msoko import config

try:
    DATA_DIR = config.data_dir()
    DEBUG = config.env_bool("MSOKO_DEBUG", False)
    DATABASES = {"default": config.database(DATA_DIR)}
    TIME_ZONE = config.time_zone()
    ALLOWED_HOSTS = config.env_list("MSOKO_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
except config.ConfigError as exc:
    sys.stderr.write(f"msoko: ошибка настройки: {exc}\n")
    raise SystemExit(2) from None

BASE_DIR = Path(__file__).resolve().parent
SECRET_KEY = os.environ.get("MSOKO_SECRET_KEY") or "msoko-insecure-development-key-change-me-in-production"

# --- Security: production mode (docs/security.md) ------------------------------------------
# Production is MSOKO_PRODUCTION=1, or DEBUG off with MSOKO_HTTPS=1. It requires a real secret key
# and switches on HTTPS-only cookies, HSTS and redirects; `msoko check --deploy` passes clean.
try:
    PRODUCTION = config.env_bool("MSOKO_PRODUCTION", False)
    HTTPS = config.env_bool("MSOKO_HTTPS", PRODUCTION)
    PRODUCTION = PRODUCTION or (not DEBUG and HTTPS)
    if PRODUCTION and DEBUG:
        raise config.ConfigError("MSOKO_DEBUG=1 нельзя включать в рабочем режиме (MSOKO_PRODUCTION).")
    if PRODUCTION and not os.environ.get("MSOKO_SECRET_KEY"):
        raise config.ConfigError("в рабочем режиме задайте MSOKO_SECRET_KEY (не короче 50 случайных символов).")
except config.ConfigError as exc:
    sys.stderr.write(f"msoko: ошибка настройки: {exc}\n")
    raise SystemExit(2) from None


def _env_int(name: str, default: int, minimum: int = 1) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        value = minimum - 1
    if value < minimum:
        sys.stderr.write(f"msoko: ошибка настройки: {name}={raw!r}: ожидается целое число не меньше {minimum}.\n")
        raise SystemExit(2)
    return value

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "msoko.core",
    "msoko.registry",
    "msoko.catalog",
    "msoko.collection",
    "msoko.analytics",
    "msoko.cycle",
    "msoko.reports",
    "msoko.web",
    "msoko.api",
    "ninja",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "msoko.urls"
WSGI_APPLICATION = "msoko.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "msoko.web.context.shell",
            ],
        },
    },
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", "Русский")]
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_ROOT = DATA_DIR / "files"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:login"

# Sessions: 8 hours by default (MSOKO_SESSION_HOURS); MSOKO_SESSION_BROWSER_CLOSE=1 also ends
# the session when the browser closes.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = _env_int("MSOKO_SESSION_HOURS", 8) * 3600
SESSION_EXPIRE_AT_BROWSER_CLOSE = config.env_bool("MSOKO_SESSION_BROWSER_CLOSE", False)
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
if HTTPS:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    CSRF_TRUSTED_ORIGINS = [f"https://{host}" for host in ALLOWED_HOSTS if not host.startswith(("[", "."))]

# Login throttling (django-axes): after MSOKO_LOGIN_FAILURE_LIMIT failed attempts for one user name
# from one address, that pair is locked out for MSOKO_LOGIN_LOCKOUT_MINUTES.
AUTHENTICATION_BACKENDS = [
    "msoko.core.security.LoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = _env_int("MSOKO_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=_env_int("MSOKO_LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "msoko.core.security.lockout_response"
AXES_COOLOFF_MESSAGE = "Слишком много неудачных попыток входа. Вход временно заблокирован, попробуйте позже."
AXES_PERMALOCK_MESSAGE = "Слишком много неудачных попыток входа. Обратитесь к администратору."
AXES_IPWARE_PROXY_COUNT = _env_int("MSOKO_TRUSTED_PROXY_COUNT", 0, minimum=0) or None
AXES_VERBOSE = False

# Content-Security-Policy (django-csp): same origin only; an inline <script> needs
# nonce="{{ request.csp_nonce }}"; behaviours live in static scripts (msoko/web/static/msoko/msoko.js).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# Uploads: one file may have at most MSOKO_MAX_UPLOAD_MB (default 200) megabytes, enforced per
# file by `msoko.core.uploads.check_upload` (size and extension); the rest of a request body
# (form fields, JSON) is capped at 10 MB by Django; files over 10 MB are streamed to a temporary
# file instead of memory. Stored files live in MEDIA_ROOT inside the data directory (never under
# STATIC_ROOT) and are served only by permission-checked views. The reverse proxy should cap the
# whole body a little above MSOKO_MAX_UPLOAD_MB (nginx: client_max_body_size).
MSOKO_MAX_UPLOAD_MB = _env_int("MSOKO_MAX_UPLOAD_MB", 200)
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_PERMISSIONS = 0o640
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o750

# Figures that are expensive to compute are cached per process under a stamp of the last change
# (`msoko.core.freshness`); MSOKO_CACHE=dummy turns caching off (the test suite does).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.dummy.DummyCache"
        if os.environ.get("MSOKO_CACHE", "").strip().lower() == "dummy"
        else "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 5000},
    }
}

TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
    }
}

EMAIL_BACKEND = os.environ.get("MSOKO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("MSOKO_EMAIL_FROM", "msoko@localhost")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("MSOKO_LOG_LEVEL", "WARNING")},
}

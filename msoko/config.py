"""Reading msoko's settings from the environment, with clear Russian errors.

Every setting an operator may change lives here with its default. Invalid values stop start-up
with a message naming the variable, instead of surfacing later as an obscure failure.
"""

from __future__ import annotations

import os
from pathlib import Path

TRUE_WORDS = {"1", "true", "yes", "on", "да"}
FALSE_WORDS = {"0", "false", "no", "off", "нет", ""}


class ConfigError(Exception):
    """A setting from the environment has a value msoko cannot use."""


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    word = raw.strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ConfigError(
        f"Переменная окружения {name}={raw!r}: ожидается одно из значений 1/0, true/false, да/нет."
    )


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def data_dir() -> Path:
    """Where the embedded database and stored files live (MSOKO_DATA_DIR, default ./var)."""
    raw = os.environ.get("MSOKO_DATA_DIR") or str(Path.cwd() / "var")
    path = Path(raw).expanduser().resolve()
    if path.exists() and not path.is_dir():
        raise ConfigError(f"MSOKO_DATA_DIR={raw!r} указывает на файл, а не на каталог.")
    path.mkdir(parents=True, exist_ok=True)
    return path


def database(data_path: Path) -> dict:
    """The database from MSOKO_DATABASE_URL, or an SQLite file in the data directory."""
    import dj_database_url

    url = os.environ.get("MSOKO_DATABASE_URL", "").strip()
    if not url:
        return {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": str(data_path / "msoko.sqlite3"),
            "OPTIONS": {"timeout": 30, "init_command": "PRAGMA journal_mode=WAL;"},
        }
    scheme = url.split(":", 1)[0]
    if scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
        raise ConfigError(
            f"MSOKO_DATABASE_URL: схема {scheme!r} не поддерживается; используйте postgres://… или sqlite:///…"
        )
    try:
        config = dj_database_url.parse(url, conn_max_age=60)
    except Exception as exc:  # dj_database_url raises several kinds
        raise ConfigError(f"MSOKO_DATABASE_URL не разобран: {exc}") from exc
    if config["ENGINE"].endswith("postgresql"):
        config.setdefault("TEST", {})["NAME"] = os.environ.get("MSOKO_TEST_DATABASE_NAME") or None
        if not config["TEST"]["NAME"]:
            del config["TEST"]["NAME"]
    return config


def time_zone() -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    name = os.environ.get("MSOKO_TIME_ZONE", "Europe/Moscow")
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ConfigError(f"MSOKO_TIME_ZONE={name!r}: неизвестный часовой пояс.") from exc
    return name

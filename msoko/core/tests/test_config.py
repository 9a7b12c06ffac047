"""Settings from the environment: bad values stop start-up with a Russian message, not a traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from msoko import config


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("1", True), ("да", True), (" TRUE ", True), ("off", False), ("нет", False), ("", False)],
)
def test_boolean_words(monkeypatch, raw, expected):
    monkeypatch.setenv("MSOKO_DEBUG", raw)
    assert config.env_bool("MSOKO_DEBUG", default=not expected) is expected


def test_missing_boolean_takes_the_default(monkeypatch):
    monkeypatch.delenv("MSOKO_DEBUG", raising=False)
    assert config.env_bool("MSOKO_DEBUG", True) is True


def test_bad_boolean_names_the_variable_and_the_value(monkeypatch):
    monkeypatch.setenv("MSOKO_DEBUG", "может быть")
    with pytest.raises(config.ConfigError) as error:
        config.env_bool("MSOKO_DEBUG", False)
    assert str(error.value) == (
        "Переменная окружения MSOKO_DEBUG='может быть': ожидается одно из значений 1/0, true/false, да/нет."
    )


def test_list_setting_is_split_on_commas(monkeypatch):
    monkeypatch.setenv("MSOKO_ALLOWED_HOSTS", " msoko.example.ru, ,127.0.0.1 ")
    assert config.env_list("MSOKO_ALLOWED_HOSTS", []) == ["msoko.example.ru", "127.0.0.1"]


def test_without_a_database_url_the_data_directory_holds_sqlite(monkeypatch, tmp_path):
    monkeypatch.delenv("MSOKO_DATABASE_URL", raising=False)
    database = config.database(tmp_path)
    assert database["ENGINE"] == "django.db.backends.sqlite3"
    assert database["NAME"] == str(tmp_path / "msoko.sqlite3")


def test_postgres_url_is_parsed(monkeypatch, tmp_path):
    monkeypatch.setenv("MSOKO_DATABASE_URL", "postgres://msoko:secret@db.example.ru:5433/msoko_prod")
    monkeypatch.delenv("MSOKO_TEST_DATABASE_NAME", raising=False)
    database = config.database(tmp_path)
    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["HOST"], database["PORT"], database["NAME"]) == ("db.example.ru", 5433, "msoko_prod")
    assert (database["USER"], database["PASSWORD"]) == ("msoko", "secret")


def test_unknown_database_scheme_is_refused(monkeypatch, tmp_path):
    monkeypatch.setenv("MSOKO_DATABASE_URL", "mysql://msoko:secret@localhost/msoko")
    with pytest.raises(config.ConfigError) as error:
        config.database(tmp_path)
    assert str(error.value) == (
        "MSOKO_DATABASE_URL: схема 'mysql' не поддерживается; используйте postgres://… или sqlite:///…"
    )


def test_data_directory_is_created(monkeypatch, tmp_path):
    monkeypatch.setenv("MSOKO_DATA_DIR", str(tmp_path / "новый" / "каталог"))
    assert config.data_dir() == tmp_path / "новый" / "каталог"
    assert (tmp_path / "новый" / "каталог").is_dir()


def test_data_directory_that_is_a_file_is_refused(monkeypatch, tmp_path):
    file = tmp_path / "data.txt"
    file.write_text("не каталог")
    monkeypatch.setenv("MSOKO_DATA_DIR", str(file))
    with pytest.raises(config.ConfigError, match="указывает на файл, а не на каталог"):
        config.data_dir()


def test_unknown_time_zone_is_refused(monkeypatch):
    monkeypatch.setenv("MSOKO_TIME_ZONE", "Europe/Atlantis")
    with pytest.raises(config.ConfigError) as error:
        config.time_zone()
    assert str(error.value) == "MSOKO_TIME_ZONE='Europe/Atlantis': неизвестный часовой пояс."


def _msoko_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "MSOKO_DATA_DIR": str(tmp_path), **env}
    return subprocess.run(
        [sys.executable, "-m", "msoko.cli", "check"],
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        (
            {"MSOKO_DEBUG": "maybe"},
            "msoko: ошибка настройки: Переменная окружения MSOKO_DEBUG='maybe': "
            "ожидается одно из значений 1/0, true/false, да/нет.",
        ),
        (
            {"MSOKO_DATABASE_URL": "oracle://scott:tiger@localhost/orcl"},
            "msoko: ошибка настройки: MSOKO_DATABASE_URL: схема 'oracle' не поддерживается; "
            "используйте postgres://… или sqlite:///…",
        ),
    ],
)
def test_msoko_check_with_a_bad_setting_exits_2_with_the_message_only(tmp_path, env, message):
    result = _msoko_check(tmp_path, **env)
    assert result.returncode == 2
    assert result.stderr.strip() == message
    assert "Traceback" not in result.stderr + result.stdout


def test_msoko_check_with_good_settings_succeeds(tmp_path):
    result = _msoko_check(tmp_path, MSOKO_DEBUG="нет", MSOKO_DATABASE_URL="")
    assert result.returncode == 0, result.stderr
    assert "ошибка настройки" not in result.stderr

#!/usr/bin/env bash
# Install everything the tests need on a Debian machine and run all of msoko's checks:
#   1. Debian packages (PostgreSQL, Chromium, poppler, fonts, WeasyPrint's libraries) if missing
#   2. .venv with the project and its test extras
#   3. ruff
#   4. no missing migrations
#   5. pytest on SQLite (everything except browser tests)
#   6. pytest on PostgreSQL (started, and the role created, by this script when needed)
#   7. browser tests (Playwright driving Debian's Chromium) on SQLite
# Steps 3–7 all run even if one fails; the script exits non-zero if any step failed.
#
# Usage: bash scripts/test.sh [extra pytest arguments, e.g. -x or -k audit]
# Settings: MSOKO_TEST_POSTGRES_URL (default postgres://msoko:msoko@127.0.0.1:5432/msoko),
#           MSOKO_TEST_STEP_TIMEOUT (per pytest run, default 40m).

set -uo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.." || exit 1
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

PYTEST_ARGS=("$@")
PG_URL="${MSOKO_TEST_POSTGRES_URL:-postgres://msoko:msoko@127.0.0.1:5432/msoko}"
STEP_TIMEOUT="${MSOKO_TEST_STEP_TIMEOUT:-40m}"
CHROMIUM=/usr/bin/chromium

DEBIAN_PACKAGES=(
    postgresql
    chromium chromium-driver
    poppler-utils
    fonts-dejavu-core fonts-liberation
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
)

WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/msoko-test.XXXXXX")"
trap 'rm -rf "$WORK_DIR"' EXIT
export MSOKO_DATA_DIR="$WORK_DIR/data"
mkdir -p "$MSOKO_DATA_DIR" "$WORK_DIR/logs"

STEP_NAMES=()
STEP_RESULTS=()
STEP_NOTES=()
TOTAL_START=$SECONDS

banner() {
    printf '\n==== %s ====\n' "$1"
}

# record NAME RC SECONDS [NOTE]
record() {
    local status="OK"
    [ "$2" -eq 0 ] || status="ОШИБКА (код $2)"
    STEP_NAMES+=("$1")
    STEP_RESULTS+=("$status")
    STEP_NOTES+=("$(printf '%4ss  %s' "$3" "${4:-}")")
}

# run_step NAME COMMAND...: runs the command, logs its output and records the outcome.
run_step() {
    local name="$1"
    shift
    banner "$name"
    local start=$SECONDS log="$WORK_DIR/logs/step-${#STEP_NAMES[@]}.log"
    "$@" 2>&1 | tee "$log"
    local rc=${PIPESTATUS[0]}
    # pytest's closing line, e.g. "42 passed, 1 deselected in 3.10s"
    local note
    note="$(grep -E '[0-9]+ (passed|failed|errors?|skipped|deselected)|no tests ran' "$log" | tail -n 1)"
    if [ "$rc" -eq 5 ]; then
        note="тесты не найдены: $note"
    fi
    record "$name" "$rc" "$((SECONDS - start))" "$note"
    return "$rc"
}

# pad TEXT WIDTH: TEXT followed by spaces up to WIDTH characters (printf would count bytes).
pad() {
    local text="$1" width="$2"
    printf '%s%*s' "$text" $((width > ${#text} ? width - ${#text} : 0)) ''
}

summary_and_exit() {
    banner "Итог"
    local i failed=0
    for i in "${!STEP_NAMES[@]}"; do
        printf '%s %s %s\n' "$(pad "${STEP_NAMES[$i]}" 36)" "$(pad "${STEP_RESULTS[$i]}" 15)" "${STEP_NOTES[$i]}"
        [ "${STEP_RESULTS[$i]}" = "OK" ] || failed=1
    done
    printf 'Всего: %ss\n' "$((SECONDS - TOTAL_START))"
    if [ "$failed" -ne 0 ]; then
        echo "ПРОВЕРКИ НЕ ПРОЙДЕНЫ"
        exit 1
    fi
    echo "ВСЕ ПРОВЕРКИ ПРОЙДЕНЫ"
    exit 0
}

# ---- PostgreSQL --------------------------------------------------------------------------------

pg_host_port() {
    # Host and port of PG_URL (defaults 127.0.0.1 and 5432).
    local rest="${PG_URL#*://}"
    rest="${rest#*@}"
    rest="${rest%%/*}"
    PG_HOST="${rest%%:*}"
    PG_PORT="5432"
    [ "$rest" = "$PG_HOST" ] || PG_PORT="${rest##*:}"
    [ -n "$PG_HOST" ] || PG_HOST=127.0.0.1
}

as_postgres_psql() {
    # psql as the postgres superuser over the local socket (peer authentication).
    as_root runuser -u postgres -- psql -X -q -v ON_ERROR_STOP=1 -p "$PG_PORT" "$@"
}

start_postgres() {
    pg_host_port
    if pg_isready -q -h "$PG_HOST" -p "$PG_PORT"; then
        echo "PostgreSQL уже работает на $PG_HOST:$PG_PORT"
    else
        local version
        version="$(ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -n 1)"
        if [ -z "$version" ]; then
            echo "msoko: PostgreSQL не установлен (нет /usr/lib/postgresql)" >&2
            return 1
        fi
        if ! pg_lsclusters -h | awk '{print $1 "/" $2}' | grep -qx "$version/main"; then
            echo "Создаю кластер PostgreSQL $version/main (UTF-8)"
            as_root pg_createcluster --locale=C.UTF-8 --port="$PG_PORT" "$version" main || return 1
        fi
        echo "Запускаю PostgreSQL: pg_ctlcluster $version main start"
        as_root pg_ctlcluster "$version" main start || return 1
        local i
        for i in $(seq 1 30); do
            pg_isready -q -h "$PG_HOST" -p "$PG_PORT" && break
            sleep 1
        done
        pg_isready -h "$PG_HOST" -p "$PG_PORT" || return 1
    fi
}

# Parts of PG_URL, decoded: PG_USER, PG_PASSWORD, PG_DB (PG_HOST and PG_PORT come from pg_host_port).
pg_url_parts() {
    local parts
    parts="$(.venv/bin/python - "$PG_URL" <<'PY'
import sys
from urllib.parse import unquote, urlsplit

url = urlsplit(sys.argv[1])
print(unquote(url.username or ""), unquote(url.password or ""), url.path.lstrip("/") or "postgres", sep="\n")
PY
)" || return 1
    { read -r PG_USER; read -r PG_PASSWORD; read -r PG_DB; } <<<"$parts"
}

# psql as the test role over TCP (what the tests themselves use).
app_psql() {
    PGPASSWORD="$PG_PASSWORD" psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_USER" "$@"
}

prepare_postgres() {
    start_postgres || return 1
    pg_url_parts || return 1

    if app_psql -d postgres -tAc "SELECT rolcreatedb FROM pg_roles WHERE rolname = current_user" \
        2>/dev/null | grep -qx t; then
        echo "Роль $PG_USER уже может входить и создавать базы данных"
    else
        echo "Создаю или настраиваю роль $PG_USER (LOGIN, CREATEDB, пароль из адреса)"
        as_postgres_psql -d postgres -v role="$PG_USER" -v pass="$PG_PASSWORD" <<'SQL' || return 1
SELECT format('CREATE ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'pass')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
SELECT format('ALTER ROLE %I LOGIN CREATEDB PASSWORD %L', :'role', :'pass') \gexec
SQL
    fi

    # Django creates the test database from template1; it must be UTF-8 for Cyrillic text.
    local encoding
    encoding="$(app_psql -d postgres -tAc \
        "SELECT pg_encoding_to_char(encoding) FROM pg_database WHERE datname = 'template1'")" || return 1
    if [ "$encoding" != "UTF8" ]; then
        echo "template1 в кодировке $encoding; пересоздаю template1 в UTF8 (нужно для кириллицы)"
        as_postgres_psql -d postgres <<'SQL' || return 1
ALTER DATABASE template1 IS_TEMPLATE false;
DROP DATABASE template1;
CREATE DATABASE template1 WITH TEMPLATE template0 ENCODING 'UTF8' IS_TEMPLATE true;
SQL
    fi

    if ! app_psql -d postgres -v db="$PG_DB" -tA <<<"SELECT 1 FROM pg_database WHERE datname = :'db'" | grep -qx 1; then
        echo "Создаю базу данных $PG_DB"
        app_psql -d postgres -v db="$PG_DB" <<'SQL' || return 1
SELECT format('CREATE DATABASE %I', :'db') \gexec
SQL
    fi
    app_psql -d "$PG_DB" -tAc "SELECT 'подключение к PostgreSQL: ' || version()"
}

# ---- steps ---------------------------------------------------------------------------------------

banner "1. Системные пакеты"
start=$SECONDS
ensure_debian_packages "${DEBIAN_PACKAGES[@]}"
rc=$?
record "1. Системные пакеты (apt)" "$rc" "$((SECONDS - start))"
[ "$rc" -eq 0 ] || summary_and_exit

banner "2. Виртуальное окружение"
start=$SECONDS
ensure_venv "[test]"
rc=$?
record "2. .venv и pip install -e .[test]" "$rc" "$((SECONDS - start))"
[ "$rc" -eq 0 ] || summary_and_exit

run_step "3. ruff check" .venv/bin/ruff check msoko conftest.py

run_step "4. Нет недостающих миграций" env -u MSOKO_DATABASE_URL \
    .venv/bin/msoko makemigrations --check --dry-run

step_pytest_sqlite() {
    env -u MSOKO_DATABASE_URL timeout "$STEP_TIMEOUT" \
        .venv/bin/python -m pytest -q -ra -m "not browser" "${PYTEST_ARGS[@]}"
}

step_pytest_postgres() {
    prepare_postgres || return 1
    # A test database name of our own, so parallel runs on one server do not drop each other's.
    MSOKO_DATABASE_URL="$PG_URL" MSOKO_TEST_DATABASE_NAME="test_msoko_$$" timeout "$STEP_TIMEOUT" \
        .venv/bin/python -m pytest -q -ra -m "not browser" "${PYTEST_ARGS[@]}"
}

step_pytest_browser() {
    if [ ! -x "$CHROMIUM" ]; then
        echo "msoko: нет $CHROMIUM — браузерные тесты запустить нельзя" >&2
        return 1
    fi
    # CI=true: conftest.py then fails (not skips) browser tests when Chromium cannot be used.
    env -u MSOKO_DATABASE_URL CI=true DJANGO_ALLOW_ASYNC_UNSAFE=true timeout "$STEP_TIMEOUT" \
        .venv/bin/python -m pytest -q -ra -m browser "${PYTEST_ARGS[@]}"
}

run_step "5. pytest на SQLite" step_pytest_sqlite
run_step "6. pytest на PostgreSQL" step_pytest_postgres
run_step "7. Браузерные тесты (Chromium)" step_pytest_browser

summary_and_exit

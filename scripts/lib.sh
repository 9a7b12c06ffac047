# Shared shell helpers for scripts/test.sh and scripts/demo.sh (sourced, not executed).
# Every function prints what it does; none of them exits the calling shell on its own.

# Run a command as root: directly when we are root, through sudo otherwise.
as_root() {
    if [ "$(id -u)" -eq 0 ]; then
        "$@"
    elif command -v sudo >/dev/null 2>&1; then
        sudo "$@"
    else
        echo "msoko: нужны права root (или sudo) для команды: $*" >&2
        return 1
    fi
}

# True when the Debian package is fully installed (not merely known or half-removed).
deb_installed() {
    [ "$(dpkg-query -W -f='${db:Status-Status}' "$1" 2>/dev/null)" = "installed" ]
}

# Install the given Debian packages that are missing; a no-op (no apt-get update) when all are present.
ensure_debian_packages() {
    if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-get >/dev/null 2>&1; then
        echo "msoko: это не Debian (нет dpkg/apt-get); системные пакеты не проверяются: $*" >&2
        return 0
    fi
    local missing=() pkg
    for pkg in "$@"; do
        deb_installed "$pkg" || missing+=("$pkg")
    done
    if [ "${#missing[@]}" -eq 0 ]; then
        echo "Системные пакеты уже установлены: $*"
        return 0
    fi
    echo "Устанавливаю системные пакеты: ${missing[*]}"
    # A UTF-8 locale here makes a freshly created PostgreSQL cluster use UTF8, not SQL_ASCII.
    as_root env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 apt-get update -q || return 1
    as_root env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 \
        apt-get install -y -q --no-install-recommends "${missing[@]}" || return 1
}

# Create .venv with python3 if it is missing, then install the project (editable) with the given extras.
# Usage: ensure_venv ""  |  ensure_venv "[test]"
ensure_venv() {
    local extras="$1"
    if [ ! -x .venv/bin/python ]; then
        local python="${MSOKO_PYTHON:-python3}"
        echo "Создаю виртуальное окружение .venv ($($python --version 2>&1))"
        "$python" -m venv .venv || return 1
    fi
    echo "Устанавливаю msoko в .venv: pip install -e .${extras}"
    .venv/bin/python -m pip install --disable-pip-version-check -q -e ".${extras}" || return 1
}

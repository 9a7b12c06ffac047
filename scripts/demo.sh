#!/usr/bin/env bash
# Install msoko on this machine and run the demo: a demo municipality on the embedded database,
# served at http://127.0.0.1:8000/ (see `msoko demo --help` for options).
#
# Usage: bash scripts/demo.sh [options of `msoko demo`]

set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# Fonts and WeasyPrint's libraries, so the demo's DOCX/PDF reports render Cyrillic text.
ensure_debian_packages fonts-dejavu-core fonts-liberation \
    libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz0b libharfbuzz-subset0
ensure_venv ""

exec .venv/bin/msoko demo "$@"

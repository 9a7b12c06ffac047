#!/usr/bin/env bash
# Load test (issue 7): gunicorn + PostgreSQL on loopback, 50 users of locust for ten minutes.
#
#   MSOKO_DATABASE_URL=postgres://msoko:msoko@127.0.0.1:5432/msoko_region MSOKO_DATA_DIR=/tmp/scale-data \
#       bench/load/run_load.sh [USERS] [SPAWN_RATE] [DURATION]        # defaults: 50 5 10m
#
# Needs the region demo in that database (`msoko demo --schools 1500 --years 3 --no-serve`, whose
# manifest with the logins is in $MSOKO_DATA_DIR/demo-files). Starts gunicorn (msoko.wsgi, gthread,
# $MSOKO_WORKERS workers × $MSOKO_THREADS threads, keep-alive 75 s — longer than a think time, so an idle
# connection is never closed just as the next request is sent —, static files by whitenoise) on 127.0.0.1:$PORT,
# runs locust headless with CSV output into $OUT, stops gunicorn, prints p50 / p95 / p99 and errors.
set -euo pipefail
cd "$(dirname "$0")/../.."

USERS=${1:-50}
RATE=${2:-5}
DURATION=${3:-10m}
PORT=${PORT:-8765}
WORKERS=${MSOKO_WORKERS:-4}
THREADS=${MSOKO_THREADS:-4}
OUT=${OUT:-/tmp/msoko-load}
: "${MSOKO_DATABASE_URL:?set MSOKO_DATABASE_URL to the region-scale PostgreSQL database}"
: "${MSOKO_DATA_DIR:?set MSOKO_DATA_DIR to the demo data folder}"
export MSOKO_DATABASE_URL MSOKO_DATA_DIR
mkdir -p "$OUT"

.venv/bin/msoko collectstatic --noinput -v0
.venv/bin/gunicorn msoko.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --worker-class gthread \
    --threads "$THREADS" --timeout 120 --keep-alive 75 --access-logfile "$OUT/access.log" --error-logfile "$OUT/gunicorn.log" &
GUNICORN=$!
trap 'kill "$GUNICORN" 2>/dev/null || true; wait "$GUNICORN" 2>/dev/null || true' EXIT
for _ in $(seq 60); do
    curl -s -o /dev/null "http://127.0.0.1:$PORT/login/" && break
    sleep 1
done

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
.venv/bin/locust -f bench/load/locustfile.py --headless -u "$USERS" -r "$RATE" -t "$DURATION" \
    --host "http://127.0.0.1:$PORT" --csv "$OUT/load" --only-summary --loglevel WARNING \
    > "$OUT/locust.log" 2>&1 || true
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"

.venv/bin/python - "$OUT/load_stats.csv" "$OUT/load_failures.csv" <<'PY'
import csv
import sys

stats = list(csv.DictReader(open(sys.argv[1], encoding="utf-8")))
total = next(r for r in stats if r["Name"] == "Aggregated")
print(f"requests {total['Request Count']}, errors {total['Failure Count']}, "
      f"{float(total['Requests/s']):.1f} req/s; p50 {total['50%']} ms, p95 {total['95%']} ms, "
      f"p99 {total['99%']} ms, max {float(total['Max Response Time']):.0f} ms")
print(f"{'page':<34} {'n':>6} {'err':>4} {'p50':>6} {'p95':>6} {'p99':>6}")
for r in sorted((r for r in stats if r["Name"] != "Aggregated"), key=lambda r: -float(r["95%"] or 0)):
    print(f"{r['Name']:<34} {r['Request Count']:>6} {r['Failure Count']:>4} {r['50%']:>6} {r['95%']:>6} {r['99%']:>6}")
for f in csv.DictReader(open(sys.argv[2], encoding="utf-8")):
    print(f"error: {f['Method']} {f['Name']}: {f['Error']} × {f['Occurrences']}")
PY

#!/usr/bin/env bash
# The public site under a spike (docs/performance.md, docs/public-site.md): a public priority page and a
# static file through the same gunicorn + WhiteNoise, side by side in one run. A throw-away SQLite database
# with the demo plan (and its public site), static files collected, gunicorn started with WORKERS sync
# workers sharing one cache (Redis when redis-server is installed, else a file cache), each page fetched
# once to warm the cache, then wrk against the static file and the page in turn for DURATION each.
#   bench/public_pages.sh                               # 20 s each, 16 connections, 3 workers
#   DURATION=10s CONNECTIONS=32 WORKERS=2 bench/public_pages.sh
# Needs wrk (apt-get install -y wrk). Everything stays on 127.0.0.1; every run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-3}
PORT=${PORT:-8767}
REDIS_PORT=${REDIS_PORT:-6397}
OUT=${OUT:-/tmp/send-portal-public-bench}
PY=.venv/bin/python
BASE="http://127.0.0.1:$PORT"
rm -rf "$OUT" && mkdir -p "$OUT"

export DEBUG=False SECRET_KEY="public-bench-only-$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=False SECURE_HSTS_SECONDS=0 LOG_LEVEL=WARNING
export DATABASE_URL="sqlite:///$OUT/bench.sqlite3" STATIC_ROOT_NOTE=collected
PIDS=()
cleanup() { for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done; }
trap cleanup EXIT
if command -v redis-server >/dev/null; then
    redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --daemonize no >/dev/null &
    PIDS+=($!)
    export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
    CACHE_KIND="Redis"
    sleep 0.5
else
    export CACHE_URL="filecache://$OUT/cache?max_entries=5000"
    CACHE_KIND="file cache"
fi

echo "== preparing: demo plan in SQLite, collectstatic, cache: $CACHE_KIND"
$PY manage.py migrate -v0
$PY manage.py load_plan --demo-users >/dev/null
$PY manage.py collectstatic --noinput -v0
STATIC=$($PY -c "import json; print(json.load(open('staticfiles/staticfiles.json'))['paths']['${STATIC_FILE:-css/portal.css}'])")
PAGE="/public/priorities/2/"

.venv/bin/gunicorn send_portal.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --timeout 30 \
    --access-logfile /dev/null --error-logfile "$OUT/gunicorn.log" &
PIDS+=($!)
for _ in $(seq 50); do curl -sf -o /dev/null "$BASE/health/live" && break; sleep 0.2; done

check() {  # $1: path; must answer 200 and set no cookie
    local headers
    headers=$(curl -s -D - -o "$OUT/body" "$BASE$1")
    echo "$headers" | head -1 | grep -q " 200" || { echo "$1 did not answer 200" >&2; echo "$headers" >&2; exit 1; }
    if echo "$headers" | grep -qi '^set-cookie'; then echo "$1 set a cookie" >&2; exit 1; fi
}
# Warm every worker's connection and the shared cache: the first request renders, the rest are hits.
for _ in $(seq $((WORKERS * 4))); do check "$PAGE"; check "/static/$STATIC"; done
curl -s -D - -o /dev/null "$BASE$PAGE" | grep -i "x-public-cache" || true

run_wrk() {  # $1: label, $2: path
    local line
    line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 30s -s bench/wrk_report.lua "$BASE$2" \
        | grep '^RESULT')
    echo "$1 $line" | tee -a "$OUT/results.txt"
}
echo "== wrk: $THREADS threads, $CONNECTIONS connections, $DURATION each, $WORKERS gunicorn workers"
run_wrk "static /static/$STATIC" "/static/$STATIC"
run_wrk "public $PAGE" "$PAGE"

static_rps=$(awk '/^static/ { for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) { sub("rps=", "", $i); print $i } }' "$OUT/results.txt")
page_rps=$(awk '/^public/ { for (i = 1; i <= NF; i++) if ($i ~ /^rps=/) { sub("rps=", "", $i); print $i } }' "$OUT/results.txt")
errors=$(grep -o 'errors=[0-9]*' "$OUT/results.txt" | cut -d= -f2 | paste -sd+ | bc)
ratio=$(echo "scale=2; $page_rps / $static_rps" | bc)
echo "== the public page served $ratio of the static file's requests per second; errors: $errors"
if [ "$(echo "$ratio >= 0.5" | bc)" != 1 ] || [ "$errors" != 0 ]; then
    echo "FAIL: target is at least 0.5 with 0 errors" >&2
    exit 1
fi

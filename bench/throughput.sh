#!/usr/bin/env bash
# Throughput of the dashboard and the actions list under gunicorn on 127.0.0.1, with PostgreSQL
# (docs/performance.md). For each size: a fresh database in a throw-away cluster (pg_virtualenv), the demo
# plan (and scale_plan --factor 10 for N=10), static files collected, gunicorn started, one person of the
# Operations Group signed in once with curl, then wrk runs against each page for a bounded time with
# that session cookie. The admin changelist for actions runs too, as a superuser, for comparison.
#   bench/throughput.sh                          # N=1 and N=10, 20 s per page, 8 connections, 3 workers
#   DURATION=20s CONNECTIONS=8 WORKERS=3 SIZES="10" bench/throughput.sh
# Needs wrk (apt-get install -y wrk). Everything stays on 127.0.0.1; every run is bounded by DURATION.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PG_CLUSTER_CONF_ROOT:-}" ]; then
    command -v wrk >/dev/null || { echo "wrk is missing: apt-get install -y wrk" >&2; exit 1; }
    exec pg_virtualenv -t "$0" "$@"  # re-run inside a temporary PostgreSQL cluster
fi

DURATION=${DURATION:-20s}
CONNECTIONS=${CONNECTIONS:-8}
THREADS=${THREADS:-2}
WORKERS=${WORKERS:-3}
PORT=${PORT:-8766}
SIZES=${SIZES:-1 10}
OUT=${OUT:-/tmp/send-portal-throughput}
PY=.venv/bin/python
BASE="http://127.0.0.1:$PORT"
PASSWORD="throughput-$(head -c 12 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
mkdir -p "$OUT"

export DEBUG=False SECRET_KEY="throughput-only-$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)"
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=False SESSION_COOKIE_SECURE=False CSRF_COOKIE_SECURE=False
export SECURE_HSTS_SECONDS=0 CONN_MAX_AGE=60 LOG_LEVEL=WARNING
# The workers share one chart and digest cache, as they should in production (README: CACHE_URL).
export CACHE_URL="filecache://$OUT/cache?max_entries=5000"

sign_in() {  # $1: username; prints the Cookie header value of a signed-in session
    local jar="$OUT/cookies-$1.txt"
    rm -f "$jar"
    local token
    token=$(curl -s -c "$jar" "$BASE/accounts/login/" | sed -n 's/.*name="csrfmiddlewaretoken" value="\([^"]*\)".*/\1/p' | head -1)
    curl -s -o /dev/null -b "$jar" -c "$jar" -X POST "$BASE/accounts/login/" \
        --data-urlencode "username=$1" --data-urlencode "password=$PASSWORD" \
        --data-urlencode "csrfmiddlewaretoken=$token" -H "Referer: $BASE/accounts/login/"
    awk '$6 == "sessionid" || $6 == "csrftoken" { printf "%s=%s; ", $6, $7 }' "$jar"
}

run_wrk() {  # $1: label, $2: path, $3: cookie
    local status
    status=$(curl -s -o /dev/null -w "%{http_code}" -H "Cookie: $3" "$BASE$2")
    [ "$status" = 200 ] || { echo "$2 answered $status, not 200: not signed in?" >&2; exit 1; }
    local line
    line=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 30s -H "Cookie: $3" \
        -s bench/wrk_report.lua "$BASE$2" | grep '^RESULT')
    echo "$1 $line" | tee -a "$OUT/results.txt"
}

: > "$OUT/results.txt"
for N in $SIZES; do
    dropdb --if-exists "throughput_n$N" && createdb "throughput_n$N"
    export DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/throughput_n$N"
    rm -rf "$OUT/cache"
    echo "== N=$N: preparing"
    $PY manage.py migrate -v0
    $PY manage.py load_plan -v0 >/dev/null
    if [ "$N" != 1 ]; then $PY manage.py scale_plan --factor "$N" --seed 1 >/dev/null; fi
    $PY manage.py collectstatic --noinput -v0
    $PY manage.py shell -v0 -c "
from django.contrib.auth.models import Group
from send_portal.models import User
from send_portal.roles import OPERATIONS_GROUP, ensure_roles
ensure_roles()
ops, _ = User.objects.get_or_create(username='bench-ops', defaults={'first_name': 'Bench'})
ops.set_password('$PASSWORD'); ops.save(); ops.groups.add(Group.objects.get(name=OPERATIONS_GROUP))
admin, _ = User.objects.get_or_create(username='bench-admin', defaults={'is_staff': True, 'is_superuser': True})
admin.set_password('$PASSWORD'); admin.save()
"
    .venv/bin/gunicorn send_portal.wsgi --bind "127.0.0.1:$PORT" --workers "$WORKERS" --timeout 30 \
        --access-logfile /dev/null --error-logfile "$OUT/gunicorn-n$N.log" &
    GUNICORN=$!
    trap 'kill $GUNICORN 2>/dev/null || true' EXIT
    for _ in $(seq 100); do curl -sf "$BASE/health/" >/dev/null && break; sleep 0.2; done

    OPS=$(sign_in bench-ops)
    ADMIN=$(sign_in bench-admin)
    for _ in 1 2 3; do  # warm every worker: templates, the chart and digest caches
        curl -s -o /dev/null -H "Cookie: $OPS" "$BASE/"
        curl -s -o /dev/null -H "Cookie: $OPS" "$BASE/actions/"
        curl -s -o /dev/null -H "Cookie: $ADMIN" "$BASE/admin/actions/action/"
    done
    echo "== N=$N: wrk -t$THREADS -c$CONNECTIONS -d$DURATION, gunicorn $WORKERS sync workers"
    run_wrk "N=$N dashboard" / "$OPS"
    run_wrk "N=$N actions-list" /actions/ "$OPS"
    run_wrk "N=$N admin-changelist" /admin/actions/action/ "$ADMIN"
    kill "$GUNICORN"; wait "$GUNICORN" 2>/dev/null || true
    trap - EXIT
done
echo "Results in $OUT/results.txt (latencies in ms; load average now $(cut -d' ' -f1-3 /proc/loadavg))"

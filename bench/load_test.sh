#!/usr/bin/env bash
# Load and fault test (docs/reliability.md): gunicorn + a throw-away PostgreSQL on 127.0.0.1 only,
# demo plan scaled ten times, board members browsing while leads post updates.
#   bench/load_test.sh            # one 60 s run, then one 60 s run with PostgreSQL stopped for 10 s
#   DURATION=30s USERS=20 bench/load_test.sh
# Every run is bounded in time; nothing leaves this machine.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PG_CLUSTER_CONF_ROOT:-}" ]; then
    make -s bench-install
    exec pg_virtualenv -t "$0" "$@"      # re-run inside a temporary PostgreSQL cluster
fi

DURATION=${DURATION:-60s}
USERS=${USERS:-30}
PORT=${PORT:-8765}
OUT=${OUT:-/tmp/send-portal-load}
mkdir -p "$OUT"
PG_VERSION=$(pg_lsclusters -h | awk '{print $1; exit}')
PG_NAME=$(pg_lsclusters -h | awk '{print $2; exit}')

export DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"
export DEBUG=False SECRET_KEY=load-test-only-$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=False SESSION_COOKIE_SECURE=False CSRF_COOKIE_SECURE=False
export SECURE_HSTS_SECONDS=0 AXES_FAILURE_LIMIT=100000 CONN_MAX_AGE=60
export LOAD_USERS="$OUT/users.json" LOAD_POSTED="$OUT/posted.txt"
PY=.venv/bin/python
PASSWORD=load-test-password-$$

echo "== Preparing: migrate, demo plan, scale x10, static files"
$PY manage.py migrate -v0
$PY manage.py load_plan --demo-users --password "$PASSWORD" >/dev/null
$PY manage.py scale_plan --factor 10 --seed 1 --users-password "$PASSWORD" >/dev/null
$PY manage.py collectstatic --noinput -v0
$PY manage.py shell -v0 -c "
import json
from actions.models import Action
from send_portal.models import User
from send_portal.roles import BOARD_MEMBER, WORKSTREAM_LEAD
board = [{'username': u.username} for u in User.objects.filter(groups__name=BOARD_MEMBER).exclude(groups__name=WORKSTREAM_LEAD)[:40]]
leads = []
for u in User.objects.filter(groups__name=WORKSTREAM_LEAD, led_priorities__isnull=False).distinct()[:20]:
    refs = list(Action.objects.updatable_by(u).open().values_list('ref', flat=True)[:50])
    if refs:
        leads.append({'username': u.username, 'refs': refs})
refs = list(Action.objects.values_list('ref', flat=True))
json.dump({'password': '$PASSWORD', 'board': board, 'lead': leads, 'refs': refs}, open('$LOAD_USERS', 'w'))
print(len(board), 'board members,', len(leads), 'leads,', len(refs), 'actions')
"

.venv/bin/gunicorn send_portal.wsgi --bind 127.0.0.1:$PORT --workers 3 --access-logfile "$OUT/access.log" \
    --error-logfile "$OUT/gunicorn.log" --timeout 30 &
GUNICORN=$!
trap 'kill $GUNICORN 2>/dev/null || true' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$PORT/health/" >/dev/null && break; sleep 0.2; done

count_updates() { $PY manage.py shell -v0 -c "from actions.models import ProgressUpdate; print(ProgressUpdate.objects.count())"; }

check_posted() {  # every update the load test saw saved is in the database, exactly once
    $PY manage.py shell -v0 -c "
from actions.models import Action, ProgressUpdate
missing = 0
lines = [l.rstrip('\n').split('\t') for l in open('$LOAD_POSTED') if l.strip()]
for ref, narrative in lines:
    if ProgressUpdate.objects.filter(action__ref=ref, narrative=narrative).count() != 1:
        missing += 1
bad = [a.ref for a in Action.objects.all() if a.derived_status() != (a.status, a.completed_on, a.last_update_on)]
print(f'posted and confirmed: {len(lines)}; missing or duplicated: {missing}; actions whose status disagrees with their updates: {len(bad)}')
"
}

run() {  # $1: name
    echo "== Run: $1 ($USERS users, $DURATION)"
    before=$(count_updates)
    .venv/bin/locust -f bench/locustfile.py --headless -u "$USERS" -r 10 -t "$DURATION" \
        --host "http://127.0.0.1:$PORT" --csv "$OUT/$1" --only-summary --stop-timeout 10 2>"$OUT/$1.log" || true
    after=$(count_updates)
    echo "updates in the database: before $before, after $after"
    check_posted
    $PY bench/summarise_locust.py "$OUT/$1_stats.csv"
}

run steady

echo "== Fault: PostgreSQL $PG_VERSION/$PG_NAME stopped for 10 s, 20 s into the run"
FAULT_LOG="$OUT/fault.log"
(
    sleep 20
    pg_ctlcluster "$PG_VERSION" "$PG_NAME" stop -m fast && echo "$(date +%T) PostgreSQL stopped"
    sleep 10
    pg_ctlcluster "$PG_VERSION" "$PG_NAME" start && echo "$(date +%T) PostgreSQL started"
) > "$FAULT_LOG" 2>&1 &
FAULT=$!
run outage
wait $FAULT
cat "$FAULT_LOG"
echo "503 answers during the outage: $(awk '$9 == 503' "$OUT/access.log" | wc -l); 500 answers in all: $(awk '$9 == 500' "$OUT/access.log" | wc -l)"
curl -s -o /dev/null -w "after the outage /health/ answers %{http_code}\n" "http://127.0.0.1:$PORT/health/"

#!/usr/bin/env bash
# Production's shape on one machine (docs/deployment.md, figures in docs/reliability.md): a throw-away
# PostgreSQL, Redis as the shared cache, two gunicorn app servers, the task worker, and HAProxy in front
# routing by /health/ready. It signs people in through the balancer and runs a mixed read/write load;
# app server 1 is stopped (SIGTERM, as for patching) STOP_AT seconds in and started again at START_AT.
# Then every acknowledged write must be in the database exactly once and no session may have been lost.
#   bench/topology.sh                                   # 60 s, stop at 20 s, start at 40 s
#   DURATION=24 STOP_AT=8 START_AT=16 bench/topology.sh # the short run .ci/run makes
# Everything listens on 127.0.0.1 only and every run is bounded in time. Exit status 1 on a lost or
# duplicated write or a lost session.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${PG_CLUSTER_CONF_ROOT:-}" ]; then
    missing=""
    command -v haproxy >/dev/null || missing="$missing haproxy"
    command -v redis-server >/dev/null || missing="$missing redis-server"
    if [ -n "$missing" ]; then
        if [ "$(id -u)" = 0 ]; then
            apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $missing >/dev/null
        else
            echo "Missing:$missing (sudo apt-get install$missing)" >&2; exit 2
        fi
    fi
    make -s install
    exec pg_virtualenv -t "$0" "$@"      # re-run inside a temporary PostgreSQL cluster
fi

DURATION=${DURATION:-60}; STOP_AT=${STOP_AT:-20}; START_AT=${START_AT:-40}; WRITERS=${WRITERS:-8}
LB_PORT=${LB_PORT:-8200}; APP1_PORT=$((LB_PORT + 1)); APP2_PORT=$((LB_PORT + 2)); REDIS_PORT=$((LB_PORT + 3))
OUT=${OUT:-/tmp/send-portal-topology}
rm -rf "$OUT"; mkdir -p "$OUT"
PY=.venv/bin/python
PASSWORD=topology-password-$$

export DATABASE_URL="postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/$PGDATABASE"
export CACHE_URL="redis://127.0.0.1:$REDIS_PORT/0"
export DEBUG=False SECRET_KEY=topology-only-$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)
export ALLOWED_HOSTS=127.0.0.1,localhost SECURE_SSL_REDIRECT=False SESSION_COOKIE_SECURE=False
export CSRF_COOKIE_SECURE=False SECURE_HSTS_SECONDS=0 AXES_FAILURE_LIMIT=100000 CONN_MAX_AGE=60
export BEHIND_PROXY=True AXES_PROXY_COUNT=1 MEDIA_ROOT="$OUT/media" LOG_FORMAT=json

PIDS=()
cleanup() {
    [ -f "$OUT/app1.pid" ] && PIDS+=("$(cat "$OUT/app1.pid")")   # app server 1 as started again
    for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
    redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
    wait 2>/dev/null || true
}
trap cleanup EXIT

for port in "$LB_PORT" "$APP1_PORT" "$APP2_PORT" "$REDIS_PORT"; do
    if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
        echo "Port $port is already taken: stop what listens there or set LB_PORT" >&2; exit 2
    fi
done
echo "== Redis on $REDIS_PORT, PostgreSQL on $PGPORT"
redis-server --port "$REDIS_PORT" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --logfile "$OUT/redis.log" >/dev/null
echo "== Preparing: migrate, demo plan, static files"
$PY manage.py migrate -v0
$PY manage.py load_plan --demo-users --password "$PASSWORD" >/dev/null
$PY manage.py collectstatic --noinput -v0
$PY manage.py shell -v0 -c "
import json
from actions.models import Action
from send_portal.models import User
writers = []
for u in User.objects.filter(is_active=True).order_by('username'):
    refs = list(Action.objects.updatable_by(u).open().order_by('ref').values_list('ref', flat=True))
    if refs:
        writers.append({'username': u.username, 'refs': refs})
json.dump({'password': '$PASSWORD', 'writers': writers[:$WRITERS]}, open('$OUT/users.json', 'w'))
print(len(writers[:$WRITERS]), 'people posting updates and reading pages')
"

start_app() {  # $1: name, $2: port
    .venv/bin/gunicorn send_portal.wsgi --bind "127.0.0.1:$2" --workers 2 --timeout 30 --graceful-timeout 10 \
        --error-logfile "$OUT/$1.gunicorn.log" >>"$OUT/$1.log" 2>&1 &
    echo $!
}
APP1=$(start_app app1 "$APP1_PORT"); PIDS+=("$APP1")
APP2=$(start_app app2 "$APP2_PORT"); PIDS+=("$APP2")
$PY manage.py db_worker --interval 1 --no-startup-delay --no-reload >"$OUT/worker.log" 2>&1 &
PIDS+=("$!")

cat > "$OUT/haproxy.cfg" <<CFG
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 60s
    timeout server 60s
    retries 3
    option redispatch
    # A request that never reached a server is tried on the other; a read whose server closed without
    # answering (it was stopping) is too; a write never is, once sent, so no update is saved twice.
    retry-on conn-failure empty-response
frontend portal
    bind 127.0.0.1:$LB_PORT
    option forwardfor
    http-request disable-l7-retry unless METH_GET || METH_HEAD
    default_backend app
backend app
    balance roundrobin
    option httpchk
    http-check send meth GET uri /health/ready hdr Host 127.0.0.1
    http-check expect status 200
    server app1 127.0.0.1:$APP1_PORT check inter 1s fall 2 rise 2
    server app2 127.0.0.1:$APP2_PORT check inter 1s fall 2 rise 2
CFG
haproxy -db -f "$OUT/haproxy.cfg" >"$OUT/haproxy.log" 2>&1 &
PIDS+=("$!")

for _ in $(seq 150); do
    curl -sf "http://127.0.0.1:$APP1_PORT/health/ready" >/dev/null \
        && curl -sf "http://127.0.0.1:$APP2_PORT/health/ready" >/dev/null \
        && curl -sf "http://127.0.0.1:$LB_PORT/health/ready" >/dev/null && break
    sleep 0.2
done
curl -s -w " (through the balancer: %{http_code})\n" "http://127.0.0.1:$LB_PORT/health/ready"

(
    sleep "$STOP_AT"
    kill -TERM "$APP1"; while kill -0 "$APP1" 2>/dev/null; do sleep 0.1; done
    echo "$(date +%T.%N | cut -c1-12) app1 stopped at ${STOP_AT}s"
    sleep $((START_AT - STOP_AT))
    start_app app1 "$APP1_PORT" > "$OUT/app1.pid"
    echo "$(date +%T.%N | cut -c1-12) app1 started again at ${START_AT}s"
) > "$OUT/fault.log" 2>&1 &
FAULT=$!
PIDS=("$FAULT" "${PIDS[@]}")   # stop the fault schedule first, should the run end early

echo "== Load: $WRITERS people for ${DURATION}s through 127.0.0.1:$LB_PORT"
$PY bench/topology_load.py "http://127.0.0.1:$LB_PORT" "$OUT/users.json" "$DURATION" "$OUT/result.json"
wait "$FAULT" || { cat "$OUT/fault.log"; echo "The app server could not be stopped and started: the run proves nothing" >&2; exit 1; }
cat "$OUT/fault.log"

$PY manage.py shell -v0 -c "
import json, sys
from collections import Counter
from actions.models import ProgressUpdate
r = json.load(open('$OUT/result.json'))
found = Counter(ProgressUpdate.objects.filter(narrative__startswith='topology ').values_list('narrative', flat=True))
ack = r['acknowledged']
missing = [n for n in ack if found[n] == 0]
twice = [n for n, c in found.items() if c > 1]
doubt_found = sum(1 for n in r['in_doubt'] if found[n] == 1)
errors = {k: v for k, v in r['answers'].items() if not (' 2' in k or ' 3' in k)}
lines = [
    '| measure | value |', '|---|---|',
    f\"| run | {r['seconds']} s, {r['people']} people, app server 1 stopped at ${STOP_AT} s, started at ${START_AT} s |\",
    f\"| requests | {r['requests']} |\",
    f\"| answers by kind | {', '.join(f'{k}: {v}' for k, v in r['answers'].items())} |\",
    f\"| errors by kind | {', '.join(f'{k}: {v}' for k, v in errors.items()) or 'none'} |\",
    f\"| writes acknowledged / found once | {len(ack)} / {len(ack) - len(missing)} |\",
    f\"| writes lost / duplicated | {len(missing)} / {len(twice)} |\",
    f\"| writes in doubt (error answer) / of those saved | {len(r['in_doubt'])} / {doubt_found} |\",
    f\"| sessions lost (sent back to sign in) | {r['lost_sessions']} |\",
    f\"| longest gap a person saw between good answers | {r['longest_gap_s']} s |\",
]
open('$OUT/summary.md', 'w').write('\n'.join(lines) + '\n')
print('\n'.join(lines))
sys.exit(1 if missing or twice or r['lost_sessions'] or not ack else 0)
"

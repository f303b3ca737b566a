#!/usr/bin/env bash
# SQLite under several writers (docs/reliability.md): 8 people, each signed in as a different person,
# post progress updates at once for 30 s, through gunicorn (3 workers) and then through runserver (as
# `make run` serves); afterwards every update they were told was saved must be in the database.
#   bench/sqlite_writers.sh
#   SECONDS_EACH=10 WRITERS=8 SERVERS=gunicorn bench/sqlite_writers.sh
# 127.0.0.1 only, every run bounded in time; the database is a throw-away file under $OUT.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_EACH=${SECONDS_EACH:-30}
WRITERS=${WRITERS:-8}
SERVERS=${SERVERS:-gunicorn runserver}
PORT=${PORT:-8766}
OUT=${OUT:-/tmp/send-portal-sqlite-writers}
PY=.venv/bin/python
$PY -c "import requests" 2>/dev/null || make -s bench-install
rm -rf "$OUT" && mkdir -p "$OUT"

export DATABASE_URL="sqlite:///$OUT/bench.sqlite3" PYTHONPATH=. DJANGO_SETTINGS_MODULE=send_portal.settings
export SECRET_KEY=sqlite-writers-only-$(head -c 32 /dev/urandom | base64 | tr -dc A-Za-z0-9)
export ALLOWED_HOSTS=127.0.0.1 SECURE_SSL_REDIRECT=False SESSION_COOKIE_SECURE=False CSRF_COOKIE_SECURE=False
export SECURE_HSTS_SECONDS=0 AXES_FAILURE_LIMIT=100000 LOG_LEVEL=WARNING PYTHONWARNINGS="ignore:No directory at"
export STATICFILES_BACKEND=django.contrib.staticfiles.storage.StaticFilesStorage  # no collectstatic needed
PASSWORD=sqlite-writers-password-$$

echo "== Preparing: migrate, demo plan, $WRITERS writers (Operations Group, each with actions of their own)"
$PY manage.py migrate -v0
$PY manage.py load_plan --demo-users --password "$PASSWORD" >/dev/null
$PY manage.py shell -v0 -c "
import json
from django.contrib.auth.models import Group
from actions.models import Action
from send_portal.models import User
from send_portal.roles import OPERATIONS_GROUP
refs = list(Action.objects.order_by('pk').values_list('ref', flat=True))
writers = []
for n in range($WRITERS):
    user = User.objects.create_user(username=f'writer{n + 1}', password='$PASSWORD', first_name=f'Writer {n + 1}')
    user.groups.add(Group.objects.get(name=OPERATIONS_GROUP))
    writers.append({'username': user.username, 'refs': refs[n::$WRITERS]})
json.dump({'password': '$PASSWORD', 'writers': writers}, open('$OUT/people.json', 'w'))
print(len(writers), 'writers,', len(refs), 'actions')
"
$PY -c "import sqlite3; sqlite3.connect('$OUT/bench.sqlite3').backup(sqlite3.connect('$OUT/prepared.sqlite3'))"

SERVER=
trap '[ -n "$SERVER" ] && kill "$SERVER" 2>/dev/null || true' EXIT
status=0
for server in $SERVERS; do
    rm -f "$OUT"/bench.sqlite3*
    $PY -c "import sqlite3; sqlite3.connect('$OUT/prepared.sqlite3').backup(sqlite3.connect('$OUT/bench.sqlite3'))"
    case $server in
        gunicorn) DEBUG=False .venv/bin/gunicorn send_portal.wsgi --bind 127.0.0.1:$PORT --workers 3 --timeout 60 \
                      --access-logfile "$OUT/$server-access.log" >"$OUT/$server.log" 2>&1 & ;;
        runserver) DEBUG=True $PY manage.py runserver 127.0.0.1:$PORT --noreload >"$OUT/$server.log" 2>&1 & ;;
        *) echo "unknown server: $server" >&2; exit 2 ;;
    esac
    SERVER=$!
    up=
    for _ in $(seq 300); do curl -sf "http://127.0.0.1:$PORT/health/" >/dev/null && up=1 && break; sleep 0.2; done
    [ -n "$up" ] || { echo "$server did not start: see $OUT/$server.log" >&2; exit 2; }
    echo "== $server: $WRITERS writers for $SECONDS_EACH s"
    $PY bench/sqlite_writers.py drive --host "http://127.0.0.1:$PORT" --people "$OUT/people.json" \
        --seconds "$SECONDS_EACH" --out "$OUT/$server.json"
    kill "$SERVER" && wait "$SERVER" 2>/dev/null || true
    SERVER=
    $PY bench/sqlite_writers.py check "$OUT/$server.json" || status=1
    echo "errors logged as 'database is locked': $(grep -c '^django.db.utils.OperationalError: database is locked' "$OUT/$server.log" || true)"
done
exit $status

#!/usr/bin/env bash
# Server time and query count of every main page at N=1 and N=10 (docs/performance.md).
# Each size gets a fresh database: migrate, the demo plan (load_plan), and for N=10 scale_plan --factor 10
# --seed 1 on top. Then bench/benchmark.py times every page in one process and writes a Markdown table.
#   bench/benchmark.sh                        # SQLite files under $OUT
#   BENCH_DB=postgres bench/benchmark.sh      # the same in a throw-away PostgreSQL (pg_virtualenv)
#   REPS=20 PDF_REPS=20 COLD_PACK_REPS=3 OUT=/tmp/send-portal-bench bench/benchmark.sh
# Nothing leaves this machine; the portal's own database is not touched.
set -euo pipefail
cd "$(dirname "$0")/.."

BENCH_DB=${BENCH_DB:-sqlite}
if [ "$BENCH_DB" = postgres ] && [ -z "${PG_CLUSTER_CONF_ROOT:-}" ]; then
    exec pg_virtualenv -t "$0" "$@"  # re-run inside a temporary PostgreSQL cluster
fi

OUT=${OUT:-/tmp/send-portal-bench}
REPS=${REPS:-20}
PDF_REPS=${PDF_REPS:-$REPS}
COLD_PACK_REPS=${COLD_PACK_REPS:-3}
SIZES=${SIZES:-1 10}
PY=.venv/bin/python
mkdir -p "$OUT"

database_url() {  # $1: N
    if [ "$BENCH_DB" = postgres ]; then
        dropdb --if-exists "bench_n$1" && createdb "bench_n$1"
        echo "postgres://$PGUSER:$PGPASSWORD@$PGHOST:$PGPORT/bench_n$1"
    else
        rm -f "$OUT/n$1.sqlite3"
        echo "sqlite:///$OUT/n$1.sqlite3"
    fi
}

results=()
for N in $SIZES; do
    DATABASE_URL=$(database_url "$N")
    export DATABASE_URL
    echo "== N=$N: preparing a fresh $BENCH_DB database"
    DEBUG=True $PY manage.py migrate -v0
    DEBUG=True $PY manage.py load_plan -v0 >/dev/null
    if [ "$N" != 1 ]; then
        DEBUG=True $PY manage.py scale_plan --factor "$N" --seed 1 >/dev/null
    fi
    echo "== N=$N: timing every page ($REPS requests each; board pack PDF $PDF_REPS)"
    $PY bench/benchmark.py measure --label "N=$N" --reps "$REPS" --pdf-reps "$PDF_REPS" \
        --cold-pack-reps "$COLD_PACK_REPS" --out "$OUT/$BENCH_DB-n$N.json"
    results+=("$OUT/$BENCH_DB-n$N.json")
done

$PY bench/benchmark.py report "${results[@]}" | tee "$OUT/$BENCH_DB-report.md"

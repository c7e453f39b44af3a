#!/usr/bin/env bash
# NDJSON export benchmark (issue 20): for each size (default 500 and 5000) starts a
# `resingest sink` on a private database and vhost, stores that many resolutions (the gold
# bodies under made-up symbols, loaded with SQL), streams `GET /v1/resolutions?format=ndjson`
# and reports the sink's peak RSS (VmHWM). The export streams from the database, so the peak
# should not grow with the size: the target is 5000 within 20 MiB of 500.
# Needs the local PostgreSQL and RabbitMQ (rabbitmqctl, as root), curl.
# Usage: bench/export.sh [SIZE...]
set -euo pipefail
cd "$(dirname "$0")/.."
PG="${RESINGEST_BENCH_PG:-postgres://postgres@127.0.0.1:5432}"
GOLD="${RESINGEST_GOLD:-../shared/gold}"
SIZES=("$@")
[ ${#SIZES[@]} -gt 0 ] || SIZES=(500 5000)

cargo build -q -p resingest-cli
BIN="${CARGO_TARGET_DIR:-target}/debug/resingest"
GOLDS=("$GOLD"/*.json)
[ ${#GOLDS[@]} -gt 0 ] || { echo "no gold files in $GOLD: set RESINGEST_GOLD" >&2; exit 1; }

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rss_kib() { awk '/^VmHWM/ {print $2}' "/proc/$1/status"; }

run() {
  local n=$1 tag="bench_export_$$_$1"
  local db="$PG/$tag" api metrics sink_pid
  api=$(free_port); metrics=$(free_port)
  rabbitmqctl -q add_vhost "$tag" >/dev/null
  rabbitmqctl -q set_permissions -p "$tag" guest '.*' '.*' '.*' >/dev/null
  "$BIN" sink --database-url "$db" --amqp-url "amqp://guest:guest@127.0.0.1:5672/$tag" \
    --http-addr "127.0.0.1:$api" --metrics-addr "127.0.0.1:$metrics" \
    --archive "$(mktemp -d)" 2>"/tmp/$tag.log" &
  sink_pid=$!
  # shellcheck disable=SC2064
  trap "kill $sink_pid 2>/dev/null; psql -qX '$PG/postgres' -c 'DROP DATABASE IF EXISTS $tag WITH (FORCE)' >/dev/null; rabbitmqctl -q delete_vhost '$tag' >/dev/null" RETURN
  for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$metrics/healthz" >/dev/null && break
    sleep 0.2
  done
  {
    local i=0
    for f in "${GOLDS[@]}"; do
      i=$((i + 1))
      printf '\\set g%d `cat %q`\n' "$i" "$f"
    done
    local arr
    arr=$(seq -f ":'g%g'" 1 ${#GOLDS[@]} | paste -sd, -)
    cat <<SQL
INSERT INTO documents (sha256, bytes, pages)
  SELECT lpad(to_hex(g), 64, '0'), 1, 1 FROM generate_series(1, $n) g;
INSERT INTO resolutions (symbol, language, organ, kind, session, title, adoption_date,
                         sha256, extractor_version, schema_version, body)
  SELECT 'A/RES/9' || (g % ${#GOLDS[@]}) || '/' || g, 'en', b->>'organ', 'resolution',
         (b->>'session')::int, b->>'title', (b->>'adoption_date')::date,
         lpad(to_hex(g), 64, '0'), 'bench', 1,
         jsonb_set(b, '{symbol}', to_jsonb('A/RES/9' || (g % ${#GOLDS[@]}) || '/' || g))
  FROM generate_series(1, $n) g,
       LATERAL (SELECT (ARRAY[$arr]::jsonb[])[1 + g % ${#GOLDS[@]}] AS b) x;
SQL
  } | psql -qX -v ON_ERROR_STOP=1 "$db" >/dev/null
  local before start lines bytes secs after
  before=$(rss_kib "$sink_pid")
  start=$(date +%s.%N)
  read -r lines bytes < <(curl -sfS "http://127.0.0.1:$api/v1/resolutions?format=ndjson" | wc -lc)
  secs=$(echo "$(date +%s.%N) - $start" | bc)
  after=$(rss_kib "$sink_pid")
  [ "$lines" -eq "$n" ] || { echo "exported $lines lines, expected $n" >&2; exit 1; }
  printf '%6d resolutions  %8.1f MiB  %5.2f s  sink peak RSS %6.1f MiB (%6.1f MiB before the export)\n' \
    "$n" "$(echo "$bytes / 1048576" | bc -l)" "$secs" \
    "$(echo "$after / 1024" | bc -l)" "$(echo "$before / 1024" | bc -l)"
  echo "$after" >"/tmp/bench_export_$$.$n"
  rm -f "/tmp/$tag.log"
}

for n in "${SIZES[@]}"; do run "$n"; done
if [ ${#SIZES[@]} -ge 2 ]; then
  first=$(cat "/tmp/bench_export_$$.${SIZES[0]}"); last=$(cat "/tmp/bench_export_$$.${SIZES[-1]}")
  printf 'peak RSS grew %.1f MiB from %d to %d resolutions (target: within 20 MiB)\n' \
    "$(echo "($last - $first) / 1024" | bc -l)" "${SIZES[0]}" "${SIZES[-1]}"
fi
rm -f /tmp/bench_export_$$.*

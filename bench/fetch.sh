#!/usr/bin/env bash
# Fetch benchmark (issue 13): a session backfill of N symbols x 2 languages (default 300)
# against the fake UN (crates/fetcher/examples/fake_un.rs) answering every request after a
# latency (default 2000 ms, the UN's "seconds a call", times SCALE, default 0.05, so a run
# takes a couple of minutes), once with 4 requests in flight per host and once one at a time
# (the sequential loop the fetcher had before), in the same run. Prints wall time against
# calls x mean latency / in-flight, and requests per document. Needs the local RabbitMQ
# (rabbitmqctl, as root) and PostgreSQL. Usage: bench/fetch.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
N="${1:-300}"
SESSION=79
LATENCY_MS="${LATENCY_MS:-2000}"
SCALE="${SCALE:-0.05}"
LAT=$(awk -v l="$LATENCY_MS" -v s="$SCALE" 'BEGIN { printf "%d", l * s }')
cargo build -q -p resingest-cli --bin resingest
cargo build -q -p resingest-fetcher --example fake_un
BIN=target/debug/resingest
FAKE=target/debug/examples/fake_un
WORK=$(mktemp -d)
VHOST="bench-fetch-$$"
rabbitmqctl -q add_vhost "$VHOST" >/dev/null
rabbitmqctl -q set_permissions -p "$VHOST" guest '.*' '.*' '.*' >/dev/null
cleanup() {
  kill "$FAKE_PID" 2>/dev/null || true
  rabbitmqctl -q delete_vhost "$VHOST" >/dev/null 2>&1 || true
  for db in sequential concurrent; do
    psql -X -q postgres://postgres@127.0.0.1:5432/postgres \
      -c "DROP DATABASE IF EXISTS resingest_bench_fetch_${db}_$$ WITH (FORCE)" >/dev/null 2>&1 || true
  done
  rm -rf "$WORK"
}
trap cleanup EXIT
"$FAKE" "$SESSION" "$N" en,fr "$LAT" >"$WORK/fake.out" &
FAKE_PID=$!
for _ in $(seq 50); do grep -q listening "$WORK/fake.out" 2>/dev/null && break; sleep 0.1; done
ADDR=$(awk '/listening/ { print $2 }' "$WORK/fake.out")
requests() { curl -s "http://$ADDR/_requests"; echo; }

run() { # name concurrency
  local before after start end
  read -r before before_api < <(requests)
  start=$(date +%s.%N)
  RUST_LOG=warn "$BIN" fetch --source symbols --once --ga-session "$SESSION" --lang en,fr \
    --symbol-api "http://$ADDR/api/symbol/access" --concurrency "$2" --per-host-interval 0ms \
    --amqp-url "amqp://guest:guest@127.0.0.1:5672/$VHOST" \
    --database-url "postgres://postgres@127.0.0.1:5432/resingest_bench_fetch_${1}_$$" \
    --archive "$WORK/archive-$1" 2>"$WORK/$1.err" || { cat "$WORK/$1.err"; exit 1; }
  end=$(date +%s.%N)
  read -r after after_api < <(requests)
  local calls=$((after - before)) api=$((after_api - before_api)) docs=$((N * 2))
  awk -v name="$1" -v c="$2" -v t0="$start" -v t1="$end" -v calls="$calls" -v api="$api" -v docs="$docs" -v lat="$LAT" 'BEGIN {
    wall = t1 - t0; ideal = calls * lat / 1000 / c;
    printf "| %s | %d | %d | %d | %d | %.3f | %.1f | %.1f | %.2f |\n", name, c, docs, calls, api, api / docs, wall, ideal, wall / ideal }'
  tail -1 "$WORK/$1.err" >&2
}
echo "latency ${LAT} ms a request (${LATENCY_MS} ms x ${SCALE}), $N symbols x 2 languages"
echo "| fetcher | in flight per host | documents | http requests | symbol API calls | API calls/doc | wall s | calls x latency / in-flight s | ratio |"
echo "|---|---|---|---|---|---|---|---|---|"
run concurrent 4
run sequential 1

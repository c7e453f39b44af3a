#!/usr/bin/env bash
# `make pipeline`: the three roles as local processes against RabbitMQ and PostgreSQL on
# loopback, until Ctrl-C (which drains them: each gets SIGTERM). SOURCE=dir:PATH ingests a
# folder instead of polling the UN; the metrics ports match deploy/prometheus's jobs.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${RESINGEST_BIN:-./target/release/resingest}
source=${SOURCE:-symbols}
workers=${WORKERS:-2}
pids=()
# A stop asked for (Ctrl-C, SIGTERM) drains every role and exits 0, so make prints no
# "Error 143"; a role that died on its own stops the others and its status is the exit status.
stop() {
  local status=$1
  trap - INT TERM EXIT
  [ ${#pids[@]} -gt 0 ] && kill -TERM "${pids[@]}" 2>/dev/null || true
  wait || true
  echo "pipeline: stopped" >&2
  exit "$status"
}
trap 'stop 0' INT TERM
trap 'stop $?' EXIT
# Progress: the sink's summary line (stored, duplicates, dead-lettered) every 10 s.
export RESINGEST_SUMMARY_EVERY=${RESINGEST_SUMMARY_EVERY:-10s}

RESINGEST_HTTP_ADDR=127.0.0.1:8080 "$bin" sink & pids+=($!)
for i in $(seq 1 "$workers"); do
  RESINGEST_METRICS_ADDR=127.0.0.1:$((9100 + i)) "$bin" worker & pids+=($!)
done
RESINGEST_METRICS_ADDR=127.0.0.1:9100 "$bin" fetch --source "$source" --watch --interval "${INTERVAL:-10m}" & pids+=($!)
echo "pipeline: sink on http://127.0.0.1:8080, $workers workers, fetcher on $source; Ctrl-C stops" >&2
wait -n "${pids[@]}" || { status=$?; echo "pipeline: a role exited with status $status; stopping the others" >&2; exit "$status"; }
echo "pipeline: a role exited; stopping the others" >&2
exit 1

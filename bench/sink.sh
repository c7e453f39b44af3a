#!/usr/bin/env bash
# Sink drain benchmark (issue 7): publishes a backlog of synthetic extracted resolutions
# (default 5000) to a private vhost, lets the sink drain it into a private database, and
# compares its rows/s with a bare `psql \copy` of the same rows. Needs the local RabbitMQ
# (rabbitmqctl, as root) and PostgreSQL. Usage: bench/sink.sh [N]
set -euo pipefail
cd "$(dirname "$0")/.."
export RESINGEST_BENCH_N="${1:-${RESINGEST_BENCH_N:-5000}}"
exec cargo bench -p resingest-sink --bench drain

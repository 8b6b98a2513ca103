#!/usr/bin/env bash
# The cost of rate limiting under load, on loopback only: Gatehouse with no limit, with a local
# limit, and with the limit on Redis (one redis-server: the one on PATH, else the binary inside
# the embedded-redis jar in ~/.m2). Each limit is far above the offered load, so every request is
# admitted and pays the limiter's whole cost.
#
#   benchmarks/load-test-ratelimit.sh [warmup_seconds] [measure_seconds] [connections] [rounds]
#
# Reports requests/s, p50/p99 (wrk) and proxy CPU per request, and the ratios of each limit mode
# to the unlimited gateway measured in the same rounds. Every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${1:-30}
MEASURE=${2:-20}
CONNECTIONS=${3:-64}
ROUNDS=${4:-3}
UPSTREAM_PORT=19101
REDIS_PORT=19102

# shellcheck source=load-lib.sh
. benchmarks/load-lib.sh

REDIS_SERVER=$(command -v redis-server || true)
if [ -z "$REDIS_SERVER" ]; then
  JAR=$(ls ~/.m2/repository/com/github/codemonstur/embedded-redis/*/embedded-redis-*.jar | tail -1)
  REDIS_SERVER=benchmarks/target/redis-server
  unzip -p "$JAR" redis-server-6.2.6-v5-linux-amd64 > "$REDIS_SERVER"
  chmod +x "$REDIS_SERVER"
fi


"$REDIS_SERVER" --port $REDIS_PORT --bind 127.0.0.1 --save '' --appendonly no >benchmarks/target/redis.log 2>&1 &
PIDS+=($!)
wait_for_port $REDIS_PORT
start_upstream $UPSTREAM_PORT

compare_modes 19103 "--redis redis://127.0.0.1:$REDIS_PORT" gatehouse gatehouse-local-limit gatehouse-redis-limit

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
declare -A PORT_OF=([gatehouse]=19103 [gatehouse-local-limit]=19104 [gatehouse-redis-limit]=19105)
MODES=(gatehouse gatehouse-local-limit gatehouse-redis-limit)

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
java "${JAVA_OPTS[@]}" -cp benchmarks/target/proxy.jar io.gatehouse.benchmarks.BenchUpstream --port $UPSTREAM_PORT \
  >/dev/null 2>benchmarks/target/upstream.log &
PIDS+=($!)
wait_for_port $UPSTREAM_PORT

declare -A PID_OF
for mode in "${MODES[@]}"; do
  java "${JAVA_OPTS[@]}" -jar benchmarks/target/proxy.jar --mode "$mode" --port "${PORT_OF[$mode]}" \
    --upstream "http://127.0.0.1:$UPSTREAM_PORT" --redis "redis://127.0.0.1:$REDIS_PORT" --io-threads 2 \
    >/dev/null 2>"benchmarks/target/$mode.log" &
  PID_OF[$mode]=$!
  PIDS+=($!)
  wait_for_port "${PORT_OF[$mode]}"
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:${PORT_OF[$mode]}/small" >/dev/null
done

declare -A SUM_CPU SUM_RPS
printf '%-6s %-22s %12s %10s %10s %14s\n' round mode 'requests/s' p50 p99 'cpu us/request'
for round in $(seq 1 "$ROUNDS"); do
  declare -A CPU=() RPS=()
  for mode in "${MODES[@]}"; do
    measure "${PID_OF[$mode]}" "http://127.0.0.1:${PORT_OF[$mode]}/small" "$MEASURE" "$CONNECTIONS"
    CPU[$mode]=$M_CPU
    RPS[$mode]=$M_RPS
    printf '%-6s %-22s %12s %10s %10s %14s %s\n' "$round" "$mode" "$M_RPS" "$M_P50" "$M_P99" "$M_CPU" "$M_ERRORS"
  done
  for mode in gatehouse-local-limit gatehouse-redis-limit; do
    SUM_CPU[$mode]=$(awk -v a="${SUM_CPU[$mode]:-0}" -v m="${CPU[$mode]}" -v b="${CPU[gatehouse]}" 'BEGIN {print a + m / b}')
    SUM_RPS[$mode]=$(awk -v a="${SUM_RPS[$mode]:-0}" -v m="${RPS[$mode]}" -v b="${RPS[gatehouse]}" 'BEGIN {print a + m / b}')
  done
done
for mode in gatehouse-local-limit gatehouse-redis-limit; do
  awk -v c="${SUM_CPU[$mode]}" -v r="${SUM_RPS[$mode]}" -v n="$ROUNDS" -v m="$mode" \
    'BEGIN {printf "%s / gatehouse, mean of %d rounds: cpu per request %.2fx, requests/s %.2fx\n", m, n, c / n, r / n}'
done

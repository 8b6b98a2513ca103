#!/usr/bin/env bash
# Compares Gatehouse with Undertow's own ProxyHandler in one run, on loopback only.
#
#   benchmarks/load-test.sh [warmup_seconds] [measure_seconds] [connections] [rounds]
#
# For each proxy and body size (6 B, 64 KiB) it reports requests/s, p50/p99 latency (wrk) and the
# CPU time the proxy process spent per request (utime+stime from /proc/PID/stat), which is
# steadier than throughput on a shared machine. Every loop is bounded by time; every process it
# starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${1:-60}
MEASURE=${2:-30}
CONNECTIONS=${3:-64}
ROUNDS=${4:-3}
UPSTREAM_PORT=19001
BASELINE_PORT=19002
GATEHOUSE_PORT=19003

# shellcheck source=load-lib.sh
. benchmarks/load-lib.sh



start_upstream $UPSTREAM_PORT

start_proxy() { # mode port; sets PROXY_PID
  java "${JAVA_OPTS[@]}" -jar benchmarks/target/proxy.jar --mode "$1" --port "$2" \
    --upstream "http://127.0.0.1:$UPSTREAM_PORT" --io-threads 2 >/dev/null 2>"benchmarks/target/$1.log" &
  PROXY_PID=$!
  PIDS+=("$PROXY_PID")
  wait_for_port "$2"
}

declare -A PID_OF PORT_OF
PORT_OF[undertow-proxy]=$BASELINE_PORT
PORT_OF[gatehouse]=$GATEHOUSE_PORT
for proxy in undertow-proxy gatehouse; do
  start_proxy "$proxy" "${PORT_OF[$proxy]}"
  PID_OF[$proxy]=$PROXY_PID
  # JIT warm-up, one proxy at a time.
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:${PORT_OF[$proxy]}/small" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d"$((WARMUP / 2 > 5 ? WARMUP / 2 : 5))s" "http://127.0.0.1:${PORT_OF[$proxy]}/large" >/dev/null
done

# Rounds alternate the proxies, so that a change in the machine's load shows in both.
declare -A SUM_RATIO
printf '%-6s %-15s %-6s %12s %10s %10s %14s\n' round proxy body 'requests/s' p50 p99 'cpu us/request'
for round in $(seq 1 "$ROUNDS"); do
  declare -A CPU_US=()
  for body in small large; do
    for proxy in undertow-proxy gatehouse; do
      measure "${PID_OF[$proxy]}" "http://127.0.0.1:${PORT_OF[$proxy]}/$body" "$MEASURE" "$CONNECTIONS"
      CPU_US[$proxy-$body]=$M_CPU
      printf '%-6s %-15s %-6s %12s %10s %10s %14s %s\n' "$round" "$proxy" "$body" "$M_RPS" "$M_P50" "$M_P99" "$M_CPU" "$M_ERRORS"
    done
    ratio=$(awk -v g="${CPU_US[gatehouse-$body]}" -v u="${CPU_US[undertow-proxy-$body]}" 'BEGIN {printf "%.3f", g / u}')
    SUM_RATIO[$body]=$(awk -v a="${SUM_RATIO[$body]:-0}" -v r="$ratio" 'BEGIN {print a + r}')
  done
done
for body in small large; do
  awk -v s="${SUM_RATIO[$body]}" -v n="$ROUNDS" -v b="$body" \
    'BEGIN {printf "cpu per request, gatehouse / undertow-proxy, %s body, mean of %d rounds: %.2fx\n", b, n, s / n}'
done

#!/usr/bin/env bash
# Compares Gatehouse with Undertow's own ProxyHandler in one run, on loopback only.
#
#   benchmarks/load-test.sh [warmup_seconds] [measure_seconds] [connections] [rounds]
#
# Three proxies in front of one upstream: undertow-proxy (the baseline), gatehouse (one plain
# route, no access log) and gatehouse-full (JWT HS256 verified, a per-consumer rate limit,
# Micrometer metrics, the access log through an asynchronous appender). Every request carries the
# bearer token gatehouse-full accepts (the others pass it on), so all three parse the same bytes.
#
# It reports, per round:
#   - for each proxy and body size (6 B, 64 KiB): requests/s, p50/p99 latency (wrk) and the CPU
#     time the proxy process spent per request (utime+stime from /proc/PID/stat), which is steadier
#     than throughput on a shared machine;
#   - the idle cost: CPU per request at a fixed ~1,000 requests/s (10 connections, each waiting
#     10 ms between requests), 6-byte body;
# then the mean ratios against the baseline, and the start-up time of each proxy process to its
# first 200 (measured once, cold, before the warm-up). Every loop is bounded by time; every process
# it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${1:-60}
MEASURE=${2:-30}
CONNECTIONS=${3:-64}
ROUNDS=${4:-3}
UPSTREAM_PORT=19001

# shellcheck source=load-lib.sh
. benchmarks/load-lib.sh

TOKEN=$(java -jar benchmarks/target/proxy.jar --print-token)
WRK_HEADERS=(-H "Authorization: Bearer $TOKEN")
FIXED_RATE_LUA=benchmarks/target/fixed-rate.lua
echo 'function delay() return 10 end' >"$FIXED_RATE_LUA"

start_upstream $UPSTREAM_PORT

PROXIES=(undertow-proxy gatehouse gatehouse-full)
declare -A PID_OF PORT_OF START_MS
port=19002
for proxy in "${PROXIES[@]}"; do
  PORT_OF[$proxy]=$port
  port=$((port + 1))
done

# start_proxy MODE: starts it and sets START_MS[MODE], the milliseconds from the process's start
# to its first 200 (polled every 10 ms, for 20 s at most).
start_proxy() {
  local mode=$1 began now
  began=$(date +%s%N)
  java "${JAVA_OPTS[@]}" -Dgatehouse.access.file="benchmarks/target/access-$mode.log" -jar benchmarks/target/proxy.jar \
    --mode "$mode" --port "${PORT_OF[$mode]}" --upstream "http://127.0.0.1:$UPSTREAM_PORT" --io-threads 2 \
    >/dev/null 2>"benchmarks/target/$mode.log" &
  PID_OF[$mode]=$!
  PIDS+=("${PID_OF[$mode]}")
  for _ in $(seq 1 2000); do
    if [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:${PORT_OF[$mode]}/small" 2>/dev/null)" = 200 ]; then
      now=$(date +%s%N)
      START_MS[$mode]=$(((now - began) / 1000000))
      return 0
    fi
    sleep 0.01
  done
  echo "$mode gave no 200 within 20 s" >&2; return 1
}

for proxy in "${PROXIES[@]}"; do
  start_proxy "$proxy"
  # JIT warm-up, one proxy at a time.
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "${WRK_HEADERS[@]}" "http://127.0.0.1:${PORT_OF[$proxy]}/small" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d"$((WARMUP / 2 > 5 ? WARMUP / 2 : 5))s" "${WRK_HEADERS[@]}" \
    "http://127.0.0.1:${PORT_OF[$proxy]}/large" >/dev/null
done

ratio() { awk -v g="$1" -v u="$2" 'BEGIN {printf "%.3f", g / u}'; }
add() { awk -v a="${1:-0}" -v r="$2" 'BEGIN {print a + r}'; }

# Rounds alternate the proxies, so that a change in the machine's load shows in all of them.
declare -A SUM_CPU SUM_RPS
printf '%-6s %-15s %-6s %12s %10s %10s %14s\n' round proxy body 'requests/s' p50 p99 'cpu us/request'
for round in $(seq 1 "$ROUNDS"); do
  declare -A CPU_US=() RPS=()
  for body in small large fixed-rate; do
    for proxy in "${PROXIES[@]}"; do
      if [ "$body" = fixed-rate ]; then
        measure "${PID_OF[$proxy]}" "http://127.0.0.1:${PORT_OF[$proxy]}/small" "$MEASURE" 10 \
          "${WRK_HEADERS[@]}" -s "$FIXED_RATE_LUA"
      else
        measure "${PID_OF[$proxy]}" "http://127.0.0.1:${PORT_OF[$proxy]}/$body" "$MEASURE" "$CONNECTIONS" "${WRK_HEADERS[@]}"
      fi
      CPU_US[$proxy-$body]=$M_CPU
      RPS[$proxy-$body]=$M_RPS
      printf '%-6s %-15s %-10s %12s %10s %10s %14s %s\n' "$round" "$proxy" "$body" "$M_RPS" "$M_P50" "$M_P99" "$M_CPU" "$M_ERRORS"
    done
    for proxy in "${PROXIES[@]:1}"; do
      SUM_CPU[$proxy-$body]=$(add "${SUM_CPU[$proxy-$body]:-0}" "$(ratio "${CPU_US[$proxy-$body]}" "${CPU_US[undertow-proxy-$body]}")")
      SUM_RPS[$proxy-$body]=$(add "${SUM_RPS[$proxy-$body]:-0}" "$(ratio "${RPS[$proxy-$body]}" "${RPS[undertow-proxy-$body]}")")
    done
  done
done

for proxy in "${PROXIES[@]:1}"; do
  for body in small large fixed-rate; do
    awk -v c="${SUM_CPU[$proxy-$body]}" -v r="${SUM_RPS[$proxy-$body]}" -v n="$ROUNDS" -v p="$proxy" -v b="$body" \
      'BEGIN {printf "%s / undertow-proxy, %s, mean of %d rounds: cpu per request %.2fx, requests/s %.2fx\n", p, b, n, c / n, r / n}'
  done
done
for proxy in "${PROXIES[@]}"; do
  printf 'start-up to the first 200, %s: %d ms\n' "$proxy" "${START_MS[$proxy]}"
done

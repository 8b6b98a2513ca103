#!/usr/bin/env bash
# Compares Gatehouse's servlet mount on Jetty with Jetty's own ProxyServlet in one run, on loopback
# only.
#
#   benchmarks/load-test-servlet.sh [warmup_seconds] [measure_seconds] [connections] [rounds]
#
# Both proxies run the same embedded Jetty 12 (ee10; one connector, 2 selectors, Jetty's default
# thread pool size), one servlet at /*: GatehouseServlet with one plain route
# (gatehouse-servlet-jetty), or ProxyServlet.Transparent with proxyTo the upstream (jetty-proxy).
# For each proxy and body size (6 B, 64 KiB) it reports requests/s, p50/p99 latency (wrk) and the
# CPU time the proxy process spent per request (utime+stime from /proc/PID/stat), and the mean over
# the rounds of gatehouse-servlet-jetty's CPU per request divided by jetty-proxy's. Every loop is
# bounded by time; every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${1:-60}
MEASURE=${2:-30}
CONNECTIONS=${3:-64}
ROUNDS=${4:-3}
UPSTREAM_PORT=19401
BASELINE_PORT=19402
GATEHOUSE_PORT=19403
BASELINE=jetty-proxy
GATEHOUSE=gatehouse-servlet-jetty

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
PORT_OF[$BASELINE]=$BASELINE_PORT
PORT_OF[$GATEHOUSE]=$GATEHOUSE_PORT
for proxy in $BASELINE $GATEHOUSE; do
  start_proxy "$proxy" "${PORT_OF[$proxy]}"
  PID_OF[$proxy]=$PROXY_PID
  # JIT warm-up, one proxy at a time.
  wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:${PORT_OF[$proxy]}/small" >/dev/null
  wrk -t2 -c"$CONNECTIONS" -d"$((WARMUP / 2 > 5 ? WARMUP / 2 : 5))s" "http://127.0.0.1:${PORT_OF[$proxy]}/large" >/dev/null
done

# Rounds alternate the proxies, so that a change in the machine's load shows in both.
declare -A SUM_RATIO
printf '%-6s %-24s %-6s %12s %10s %10s %14s\n' round proxy body 'requests/s' p50 p99 'cpu us/request'
for round in $(seq 1 "$ROUNDS"); do
  declare -A CPU_US=()
  for body in small large; do
    for proxy in $BASELINE $GATEHOUSE; do
      measure "${PID_OF[$proxy]}" "http://127.0.0.1:${PORT_OF[$proxy]}/$body" "$MEASURE" "$CONNECTIONS"
      CPU_US[$proxy-$body]=$M_CPU
      printf '%-6s %-24s %-6s %12s %10s %10s %14s %s\n' "$round" "$proxy" "$body" "$M_RPS" "$M_P50" "$M_P99" "$M_CPU" "$M_ERRORS"
    done
    ratio=$(awk -v g="${CPU_US[$GATEHOUSE-$body]}" -v u="${CPU_US[$BASELINE-$body]}" 'BEGIN {printf "%.3f", g / u}')
    SUM_RATIO[$body]=$(awk -v a="${SUM_RATIO[$body]:-0}" -v r="$ratio" 'BEGIN {print a + r}')
  done
done
for body in small large; do
  awk -v s="${SUM_RATIO[$body]}" -v n="$ROUNDS" -v b="$body" -v g="$GATEHOUSE" -v u="$BASELINE" \
    'BEGIN {printf "cpu per request, %s / %s, %s body, mean of %d rounds: %.2fx\n", g, u, b, n, s / n}'
done

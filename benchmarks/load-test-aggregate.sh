#!/usr/bin/env bash
# What aggregation saves a client, on loopback only: one gateway process with an aggregating route
# (/agg: three backends in parallel, three upstream groups on 127.0.0.1, .2 and .3, each answering
# a small JSON object, merged under their keys) and three plain proxied routes to the same three
# backends (/a/**, /b/**, /c/**). One client operation is either one GET /agg, or the three calls
# made one after another by the client itself.
#
#   benchmarks/load-test-aggregate.sh [warmup_seconds] [measure_seconds] [connections] [rounds]
#
# Each round measures, alternating the two ways:
#   - at load ($CONNECTIONS connections): operations/s and the gateway's CPU per operation;
#   - at one connection (wrk -t1 -c1, nothing queued): the wall time of one operation.
# and prints the mean ratios of three sequential calls to one aggregated call. Every process it
# starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${1:-30}
MEASURE=${2:-20}
CONNECTIONS=${3:-64}
ROUNDS=${4:-3}
UPSTREAM_PORT=19401
PORT=19402

# shellcheck source=load-lib.sh
. benchmarks/load-lib.sh

start_upstream $UPSTREAM_PORT
java "${JAVA_OPTS[@]}" -jar benchmarks/target/proxy.jar --mode gatehouse-aggregate --port $PORT \
  --upstream "http://127.0.0.1:$UPSTREAM_PORT" --io-threads 2 >/dev/null 2>benchmarks/target/gatehouse-aggregate.log &
GATEWAY=$!
PIDS+=($GATEWAY)
wait_for_port $PORT

# The three calls of one operation, in turn. wrk runs a Lua state per thread: at one connection
# (one thread) the three follow each other on it; at load, every thread's connections share its
# turn, so each operation is still one call of each kind.
THREE=benchmarks/target/three-calls.lua
cat > "$THREE" <<'LUA'
local paths = {"/a/json/a", "/b/json/b", "/c/json/c"}
local i = 0
request = function()
  i = i % 3 + 1
  return wrk.format("GET", paths[i])
end
LUA

curl -s -m 5 -D - "http://127.0.0.1:$PORT/agg" | tr -d '\r' | grep -E '^HTTP|^Gatehouse-Completed|^\{' || { echo "/agg does not answer" >&2; exit 1; }
echo
wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$PORT/agg" >/dev/null
wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" -s "$THREE" "http://127.0.0.1:$PORT" >/dev/null

printf '%-6s %-28s %10s %10s %10s %10s %16s\n' round way 'ops/s' 'p50 call' 'p99 call' 'us/op wall' 'cpu us/op'
sum_cpu=0 sum_ops=0 sum_wall=0
for round in $(seq 1 "$ROUNDS"); do
  measure $GATEWAY "http://127.0.0.1:$PORT/agg" "$MEASURE" "$CONNECTIONS"
  agg_cpu=$M_CPU agg_ops=$M_RPS
  printf '%-6s %-28s %10s %10s %10s %10s %16s %s\n' "$round" "aggregated, at load" "$M_RPS" "$M_P50" "$M_P99" - "$M_CPU" "$M_ERRORS"
  measure $GATEWAY "http://127.0.0.1:$PORT" "$MEASURE" "$CONNECTIONS" -s "$THREE"
  seq_cpu=$(awk -v c="$M_CPU" 'BEGIN {printf "%.2f", 3 * c}')
  seq_ops=$(awk -v r="$M_RPS" 'BEGIN {printf "%.2f", r / 3}')
  printf '%-6s %-28s %10s %10s %10s %10s %16s %s\n' "$round" "three calls, at load" "$seq_ops" "$M_P50" "$M_P99" - "$seq_cpu" "$M_ERRORS"
  WRK_THREADS=1 measure $GATEWAY "http://127.0.0.1:$PORT/agg" "$MEASURE" 1
  agg_wall=$(awk -v r="$M_RPS" 'BEGIN {printf "%.1f", 1e6 / r}')
  printf '%-6s %-28s %10s %10s %10s %10s %16s %s\n' "$round" "aggregated, one connection" "$M_RPS" "$M_P50" "$M_P99" "$agg_wall" "$M_CPU" "$M_ERRORS"
  WRK_THREADS=1 measure $GATEWAY "http://127.0.0.1:$PORT" "$MEASURE" 1 -s "$THREE"
  seq_wall=$(awk -v r="$M_RPS" 'BEGIN {printf "%.1f", 3e6 / r}')
  printf '%-6s %-28s %10s %10s %10s %10s %16s %s\n' "$round" "three calls, one connection" \
    "$(awk -v r="$M_RPS" 'BEGIN {printf "%.2f", r / 3}')" "$M_P50" "$M_P99" "$seq_wall" \
    "$(awk -v c="$M_CPU" 'BEGIN {printf "%.2f", 3 * c}')" "$M_ERRORS"
  sum_cpu=$(awk -v s="$sum_cpu" -v a="$seq_cpu" -v b="$agg_cpu" 'BEGIN {print s + a / b}')
  sum_ops=$(awk -v s="$sum_ops" -v a="$seq_ops" -v b="$agg_ops" 'BEGIN {print s + a / b}')
  sum_wall=$(awk -v s="$sum_wall" -v a="$seq_wall" -v b="$agg_wall" 'BEGIN {print s + a / b}')
done
awk -v c="$sum_cpu" -v o="$sum_ops" -v w="$sum_wall" -v n="$ROUNDS" 'BEGIN {
  printf "three calls / one aggregated call, mean of %d rounds: gateway cpu per operation %.2fx, operations/s at load %.2fx, wall time per operation at one connection %.2fx\n", n, c / n, o / n, w / n
}'

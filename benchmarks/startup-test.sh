#!/usr/bin/env bash
# Start-up time to the first 200, as load-test.sh measures it, without the load runs: loopback only.
#
#   benchmarks/startup-test.sh [rounds] [mode[@jar]...]   (default: 5 rounds of undertow-proxy and gatehouse)
#
# A mode runs benchmarks/target/proxy.jar, or the proxy jar given after '@' (a copy of an earlier
# build, say), so that two builds can be compared in the same rounds:
#
#   benchmarks/startup-test.sh 7 undertow-proxy gatehouse@/tmp/proxy-before.jar gatehouse
#
# Each round starts each mode's proxy once, cold, in front of one upstream, polls it every 10 ms
# (for 20 s at most) until it answers 200, and stops it; rounds alternate the modes, so that a
# change in the machine's load shows in all of them. It prints, per mode, the milliseconds from the
# process's start to its first 200, the CPU the process had used by then (utime+stime, steadier
# than wall time on a shared machine) and the first request's own time, each with its median.
set -euo pipefail
cd "$(dirname "$0")/.."

ROUNDS=${1:-5}
shift || true
MODES=("$@")
[ ${#MODES[@]} -gt 0 ] || MODES=(undertow-proxy gatehouse)
UPSTREAM_PORT=19201
PORT=19202

# shellcheck source=load-lib.sh
. benchmarks/load-lib.sh

TOKEN=$(java -jar benchmarks/target/proxy.jar --print-token)
start_upstream $UPSTREAM_PORT

declare -A WALL CPU FIRST
for _ in $(seq 1 "$ROUNDS"); do
  for variant in "${MODES[@]}"; do
    mode=${variant%%@*}
    jar=benchmarks/target/proxy.jar
    [ "$mode" = "$variant" ] || jar=${variant#*@}
    began=$(date +%s%N)
    java "${JAVA_OPTS[@]}" -Dgatehouse.access.file="benchmarks/target/access-$mode.log" -jar "$jar" \
      --mode "$mode" --port $PORT --upstream "http://127.0.0.1:$UPSTREAM_PORT" --io-threads 2 \
      >/dev/null 2>"benchmarks/target/$mode.log" &
    pid=$!
    PIDS+=("$pid")
    answered=
    for _ in $(seq 1 2000); do
      out=$(curl -s -o /dev/null -w '%{http_code} %{time_total}' -H "Authorization: Bearer $TOKEN" \
        "http://127.0.0.1:$PORT/small" 2>/dev/null || true)
      if [ "${out%% *}" = 200 ]; then
        now=$(date +%s%N)
        WALL[$variant]="${WALL[$variant]:-} $(((now - began) / 1000000))"
        CPU[$variant]="${CPU[$variant]:-} $(awk -v hz="$CLK_TCK" '{print int(($14 + $15) * 1000 / hz)}' "/proc/$pid/stat")"
        FIRST[$variant]="${FIRST[$variant]:-} $(awk -v t="${out#* }" 'BEGIN {print int(t * 1000)}')"
        answered=1
        break
      fi
      sleep 0.01
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    [ -n "$answered" ] || { echo "$variant gave no 200 within 20 s" >&2; exit 1; }
  done
done

median() { printf '%s\n' "$@" | sort -n | awk '{v[NR] = $1} END {print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)}'; }
for variant in "${MODES[@]}"; do
  # shellcheck disable=SC2086
  printf '%s\n  start-up to the first 200: median %5d ms (%s )\n  cpu by then:              median %5d ms (%s )\n  first request:            median %5d ms\n' \
    "$variant" "$(median ${WALL[$variant]})" "${WALL[$variant]}" "$(median ${CPU[$variant]})" "${CPU[$variant]}" \
    "$(median ${FIRST[$variant]})"
done

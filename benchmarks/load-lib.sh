# Shared by the load scripts (source it from the repository root): tools, process cleanup, port
# and CPU helpers, and one wrk measurement. Every loop is bounded; every process started is
# stopped on exit.

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -q wrk >/dev/null; }
[ -f benchmarks/target/proxy.jar ] || mvn -B -q -DskipTests -Djapicmp.skip=true package -pl benchmarks -am

JAVA_OPTS=(-Xms512m -Xmx512m -XX:+UseParallelGC)
CLK_TCK=$(getconf CLK_TCK)
PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_for_port() {
  for _ in $(seq 1 100); do
    (exec 3<>/dev/tcp/127.0.0.1/"$1") 2>/dev/null && return 0
    sleep 0.1
  done
  echo "port $1 did not open" >&2; return 1
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# measure PID URL SECONDS CONNECTIONS [WRK_ARGS...]: runs wrk (WRK_THREADS threads, 2 unless set)
# against URL and sets M_RPS, M_P50, M_P99, M_ERRORS and M_CPU (the process PID's CPU time per
# request, in microseconds).
measure() {
  local before after out requests
  before=$(cpu_ticks "$1")
  out=$(wrk -t"${WRK_THREADS:-2}" -c"$4" -d"$3s" --latency "${@:5}" "$2")
  after=$(cpu_ticks "$1")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  M_RPS=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  M_P50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  M_P99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  M_ERRORS=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}')
  M_CPU=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN {printf "%.2f", t * 1e6 / hz / n}')
}

# start_upstream PORT: the benchmark upstream on 127.0.0.1-3:PORT, stopped on exit.
start_upstream() {
  java "${JAVA_OPTS[@]}" -cp benchmarks/target/proxy.jar io.gatehouse.benchmarks.BenchUpstream --port "$1" \
    >/dev/null 2>benchmarks/target/upstream.log &
  PIDS+=($!)
  wait_for_port "$1"
}

# compare_modes BASE_PORT EXTRA_PROXY_ARGS MODE...: starts one proxy per mode (ports from BASE_PORT,
# upstream http://127.0.0.1:$UPSTREAM_PORT), warms each up for $WARMUP s, then runs $ROUNDS rounds
# that alternate the modes ($MEASURE s, $CONNECTIONS connections, the 6-byte body), and prints each
# later mode's CPU per request and requests/s as a ratio to the first mode's, mean of the rounds.
compare_modes() {
  local base_port=$1 extra=$2; shift 2
  local modes=("$@") port=$base_port mode round
  declare -A pid_of port_of sum_cpu sum_rps
  for mode in "${modes[@]}"; do
    # shellcheck disable=SC2086
    java "${JAVA_OPTS[@]}" -jar benchmarks/target/proxy.jar --mode "$mode" --port "$port" \
      --upstream "http://127.0.0.1:$UPSTREAM_PORT" --io-threads 2 $extra >/dev/null 2>"benchmarks/target/$mode.log" &
    pid_of[$mode]=$!
    port_of[$mode]=$port
    PIDS+=($!)
    wait_for_port "$port"
    wrk -t2 -c"$CONNECTIONS" -d"${WARMUP}s" "http://127.0.0.1:$port/small" >/dev/null
    port=$((port + 1))
  done
  printf '%-6s %-22s %12s %10s %10s %14s\n' round mode 'requests/s' p50 p99 'cpu us/request'
  for round in $(seq 1 "$ROUNDS"); do
    declare -A cpu=() rps=()
    for mode in "${modes[@]}"; do
      measure "${pid_of[$mode]}" "http://127.0.0.1:${port_of[$mode]}/small" "$MEASURE" "$CONNECTIONS"
      cpu[$mode]=$M_CPU
      rps[$mode]=$M_RPS
      printf '%-6s %-22s %12s %10s %10s %14s %s\n' "$round" "$mode" "$M_RPS" "$M_P50" "$M_P99" "$M_CPU" "$M_ERRORS"
    done
    for mode in "${modes[@]:1}"; do
      sum_cpu[$mode]=$(awk -v a="${sum_cpu[$mode]:-0}" -v m="${cpu[$mode]}" -v b="${cpu[${modes[0]}]}" 'BEGIN {print a + m / b}')
      sum_rps[$mode]=$(awk -v a="${sum_rps[$mode]:-0}" -v m="${rps[$mode]}" -v b="${rps[${modes[0]}]}" 'BEGIN {print a + m / b}')
    done
  done
  for mode in "${modes[@]:1}"; do
    awk -v c="${sum_cpu[$mode]}" -v r="${sum_rps[$mode]}" -v n="$ROUNDS" -v m="$mode" -v b="${modes[0]}" \
      'BEGIN {printf "%s / %s, mean of %d rounds: cpu per request %.2fx, requests/s %.2fx\n", m, b, n, c / n, r / n}'
  done
}

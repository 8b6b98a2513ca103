# Shared by the load scripts (source it from the repository root): tools, process cleanup, port
# and CPU helpers, and one wrk measurement. Every loop is bounded; every process started is
# stopped on exit.

command -v wrk >/dev/null || { echo "installing wrk"; apt-get install -y -q wrk >/dev/null; }
[ -f benchmarks/target/proxy.jar ] || mvn -B -q -DskipTests package -pl benchmarks -am

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

# measure PID URL SECONDS CONNECTIONS: runs wrk against URL and sets M_RPS, M_P50, M_P99, M_ERRORS
# and M_CPU (the process PID's CPU time per request, in microseconds).
measure() {
  local before after out requests
  before=$(cpu_ticks "$1")
  out=$(wrk -t2 -c"$4" -d"$3s" --latency "$2")
  after=$(cpu_ticks "$1")
  requests=$(echo "$out" | awk '/requests in/ {print $1}')
  M_RPS=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  M_P50=$(echo "$out" | awk '$1 == "50%" {print $2}')
  M_P99=$(echo "$out" | awk '$1 == "99%" {print $2}')
  M_ERRORS=$(echo "$out" | awk '/Non-2xx|Socket errors/ {print}')
  M_CPU=$(awk -v t=$((after - before)) -v hz="$CLK_TCK" -v n="$requests" 'BEGIN {printf "%.2f", t * 1e6 / hz / n}')
}

#!/usr/bin/env bash
# The cost of observability under load, on loopback only: Gatehouse with no access log and no
# metrics, with metrics (Micrometer on a Prometheus registry, including a latency histogram per
# route, method, status and target), and with both (the access log through logback's AsyncAppender to a file).
#
#   benchmarks/load-test-observe.sh [warmup_seconds] [measure_seconds] [connections] [rounds]
#
# Reports requests/s, p50/p99 (wrk) and proxy CPU per request, and the ratios of the observed modes
# to the quiet one measured in the same rounds. Every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${1:-30}
MEASURE=${2:-20}
CONNECTIONS=${3:-64}
ROUNDS=${4:-3}
UPSTREAM_PORT=19301

# shellcheck source=load-lib.sh
. benchmarks/load-lib.sh

start_upstream $UPSTREAM_PORT

compare_modes 19302 "" gatehouse gatehouse-metrics gatehouse-observed

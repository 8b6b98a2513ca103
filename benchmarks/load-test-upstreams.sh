#!/usr/bin/env bash
# The cost of the upstream machinery under load, on loopback only: Gatehouse proxying to one URL,
# and to a group with every per-request feature on (least-requests balancing over three targets,
# outlier detection, a circuit breaker per target and one for the route, retries with their
# budget, and a route timeout), none of which is triggered: the upstream never fails.
#
#   benchmarks/load-test-upstreams.sh [warmup_seconds] [measure_seconds] [connections] [rounds]
#
# Reports requests/s, p50/p99 (wrk) and proxy CPU per request, and the ratio of the resilient
# mode to the plain one measured in the same rounds. Every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${1:-30}
MEASURE=${2:-20}
CONNECTIONS=${3:-64}
ROUNDS=${4:-3}
UPSTREAM_PORT=19201

# shellcheck source=load-lib.sh
. benchmarks/load-lib.sh

start_upstream $UPSTREAM_PORT

compare_modes 19202 "" gatehouse gatehouse-resilient

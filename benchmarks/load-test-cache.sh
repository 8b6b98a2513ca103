#!/usr/bin/env bash
# What a response-cache hit costs under load, on loopback only: a cached route at a 100% hit rate
# (the upstream sends no caching headers; the route's cache has a default TTL of an hour, so only
# the first request goes upstream), a static-response route that answers by itself, and the same
# route proxied without a cache, each in its own gateway process, all with the 6-byte body.
#
#   benchmarks/load-test-cache.sh [warmup_seconds] [measure_seconds] [connections] [rounds]
#
# Reports requests/s, p50/p99 (wrk) and gateway CPU per request, and the ratios of the static and
# the proxied route to the cached one measured in the same rounds; then checks that the cached
# route still answers from the cache. Every process it starts is stopped on exit.
set -euo pipefail
cd "$(dirname "$0")/.."

WARMUP=${1:-30}
MEASURE=${2:-20}
CONNECTIONS=${3:-64}
ROUNDS=${4:-3}
UPSTREAM_PORT=19301
CACHED_PORT=19302 # the first mode's port

# shellcheck source=load-lib.sh
. benchmarks/load-lib.sh

start_upstream $UPSTREAM_PORT

compare_modes $CACHED_PORT "" gatehouse-cached gatehouse-static gatehouse

status=$(curl -s -m 5 -o /dev/null -D - "http://127.0.0.1:$CACHED_PORT/small" | tr -d '\r' | awk -F': ' 'tolower($1) == "cache-status" {print $2}')
echo "cached route after the rounds: Cache-Status: $status"
case "$status" in
  *"; hit;"*) ;;
  *) echo "the cached route did not answer from the cache" >&2; exit 1 ;;
esac

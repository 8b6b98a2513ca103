/**
 * Internal: what keeps upstream calls from making an outage worse. {@link
 * io.gatehouse.impl.resilience.CallOutcome} classifies one call; {@link
 * io.gatehouse.impl.resilience.Breaker} wraps a resilience4j circuit breaker on the gateway's
 * clock; {@link io.gatehouse.impl.resilience.RetryBudget} bounds retries to a share of requests.
 * Not API: may change without notice.
 */
package io.gatehouse.impl.resilience;

package io.gatehouse.upstream;

import io.gatehouse.filter.RequestKey;
/**
 * How an {@link Upstream} picks a target for each request, among the targets that may take one
 * (healthy, not ejected, circuit not open, below their concurrency cap).
 *
 * <p>{@code Upstream.of(a, b).leastRequests()} sets {@link #LEAST_REQUESTS}.
 *
 * @since 0.1
 */
public enum LoadBalancing {
  /** Smooth weighted round robin: with equal weights, plain rotation; otherwise interleaved by weight. */
  ROUND_ROBIN,
  /** A random target, chosen with probability proportional to its weight. */
  RANDOM,
  /** Of two random targets, the one with fewer requests in flight per unit of weight. */
  LEAST_REQUESTS,
  /**
   * A hash ring over the request's {@link RequestKey}: the same key goes to the same target while it
   * is up, and a target that leaves only remaps its own keys. Requests without the key are spread
   * at random.
   */
  CONSISTENT_HASH
}

package io.gatehouse.ratelimit;

/**
 * Which headers tell clients about their limits, on every response of a limited route.
 *
 * <p>{@code Gateway.builder().rateLimitHeaders(RateLimitHeaders.X_RATELIMIT)}
 *
 * @since 0.1
 */
public enum RateLimitHeaders {
  /**
   * {@code RateLimit-Policy} and {@code RateLimit} as structured-field lists, one item per limit,
   * as draft-ietf-httpapi-ratelimit-headers-09 defines them:
   * {@code RateLimit-Policy: "burst";q=10;w=1} and {@code RateLimit: "burst";r=7;t=1}. The default.
   */
  IETF_DRAFT_09,
  /**
   * The widespread {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and
   * {@code X-RateLimit-Reset} (seconds until the budget is full again), for the limit closest to
   * running out.
   */
  X_RATELIMIT,
  /** No rate-limit headers; a 429 still carries {@code Retry-After}. */
  NONE
}

/**
 * Rate limits. Starting points: {@link io.gatehouse.ratelimit.RateLimit} (so many requests per
 * window, per consumer, client IP, route, header or any {@link io.gatehouse.filter.RequestKey})
 * and {@link io.gatehouse.ratelimit.RateLimitHeaders} (which headers clients see).
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.ratelimit;

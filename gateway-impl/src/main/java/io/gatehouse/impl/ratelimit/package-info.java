/**
 * Internal: local rate limiting. {@link io.gatehouse.impl.ratelimit.RateLimitRuntime} gives each
 * route its stage; {@link io.gatehouse.impl.ratelimit.KeyedLimiter} keeps one GCRA timestamp per
 * key in a bounded cache. Not API: may change without notice.
 */
package io.gatehouse.impl.ratelimit;

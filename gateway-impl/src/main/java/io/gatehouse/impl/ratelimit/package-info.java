/**
 * Internal: local rate limiting. {@link io.gatehouse.impl.ratelimit.RateLimitCompiler} checks the
 * limits, plans and quotas and builds the {@link io.gatehouse.impl.ratelimit.RateLimitRuntime},
 * which gives each route its stages; {@link io.gatehouse.impl.ratelimit.KeyedLimiter} keeps one GCRA timestamp per
 * key in a bounded cache. Not API: may change without notice.
 */
package io.gatehouse.impl.ratelimit;

/**
 * Rate limits shared by several gateway instances, on Redis. Starting point:
 * {@link io.gatehouse.redis.RedisRateLimitStore} ({@code RedisRateLimitStore.builder("redis://cache:6379").build()}),
 * an {@link io.gatehouse.ratelimit.RateLimitStore}.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.redis;

/**
 * Rate limits and response caches shared by several gateway instances, on Redis. Starting points:
 * {@link io.gatehouse.redis.RedisRateLimitStore} ({@code RedisRateLimitStore.builder("redis://cache:6379").build()}),
 * an {@link io.gatehouse.ratelimit.RateLimitStore}, and {@link io.gatehouse.redis.RedisResponseCacheStore}
 * ({@code ResponseCache.shared("products").store(RedisResponseCacheStore.builder("redis://cache:6379").build())}),
 * a {@link io.gatehouse.cache.ResponseCacheStore}.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.redis;

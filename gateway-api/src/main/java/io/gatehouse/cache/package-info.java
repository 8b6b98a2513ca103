/**
 * Response caching (RFC 9111, as a shared cache). Starting points:
 * {@link io.gatehouse.cache.ResponseCache} (what a route caches and how it keys entries, set with
 * {@code RouteBuilder.cache}) and {@link io.gatehouse.cache.ResponseCacheStore} (where entries
 * live; an in-memory store bounded by bytes is built in).
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.2
 */
package io.gatehouse.cache;

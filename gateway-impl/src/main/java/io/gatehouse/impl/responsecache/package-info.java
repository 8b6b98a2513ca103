/**
 * Internal: the response cache (RFC 9111, as a shared cache, with RFC 5861's stale extensions and
 * RFC 9211's {@code Cache-Status}). The rules are pure and tested on their own:
 * {@link io.gatehouse.impl.responsecache.CacheControl} (parsing hostile directives),
 * {@link io.gatehouse.impl.responsecache.HttpDates}, {@link io.gatehouse.impl.responsecache.CachePolicy}
 * (storability, freshness, age). {@link io.gatehouse.impl.responsecache.CacheStage} is the route
 * stage that uses them; {@link io.gatehouse.impl.responsecache.ResponseCacheCompiler} checks the
 * configuration and builds one store per cache name. Not API: may change without notice. Nothing
 * here accepts or returns null.
 */
package io.gatehouse.impl.responsecache;

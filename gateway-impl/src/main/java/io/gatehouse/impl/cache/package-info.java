/**
 * Internal: bounded caches that expire on the gateway's monotonic time
 * ({@link io.gatehouse.impl.cache.BoundedCaches}), for the auth and rate-limit state that must be
 * bounded and expire. Not API: may change without notice.
 */
package io.gatehouse.impl.cache;

/**
 * Internal: caches on the gateway's clock ({@link io.gatehouse.impl.cache.ClockCaches}), for the
 * auth and rate-limit state that must be bounded and expire. Not API: may change without notice.
 */
package io.gatehouse.impl.cache;

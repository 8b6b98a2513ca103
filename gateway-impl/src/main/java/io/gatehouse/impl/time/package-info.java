/**
 * Internal: views of the gateway's {@link io.gatehouse.TimeSource} for libraries that take a
 * {@code java.time.Clock}. Not API: may change without notice.
 */
package io.gatehouse.impl.time;

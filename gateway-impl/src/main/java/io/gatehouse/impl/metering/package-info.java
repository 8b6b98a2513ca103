/**
 * Internal: metering. {@link io.gatehouse.impl.metering.UsageMeter} is the observer that counts
 * requests per consumer and route in fixed windows and makes the {@link
 * io.gatehouse.metering.UsageReport} that {@code Gateway.usage()} returns. Not API: may change
 * without notice.
 */
package io.gatehouse.impl.metering;

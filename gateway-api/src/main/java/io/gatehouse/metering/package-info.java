/**
 * Metering: requests, status classes and bytes per consumer and route, over fixed windows, for
 * analytics and billing. Starting points: {@link io.gatehouse.metering.Metering} (turn it on with
 * {@code Gateway.Builder.metering(Metering.every(Duration.ofHours(1)))}) and
 * {@link io.gatehouse.metering.UsageReport} (what {@code gateway.usage()} returns: {@link
 * io.gatehouse.metering.UsageWindow}s of {@link io.gatehouse.metering.Usage}). The records are the
 * export format: serialize them as they are.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.metering;

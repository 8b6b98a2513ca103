/**
 * The gateway's metrics on Micrometer. Starting point: {@link io.gatehouse.micrometer.GatehouseMetrics}
 * ({@code Gateway.builder().observer(GatehouseMetrics.of(registry))}), a
 * {@link io.gatehouse.observe.GatewayObserver}. The gateway itself does not need Micrometer: add
 * this module only if you want metrics.
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.micrometer;

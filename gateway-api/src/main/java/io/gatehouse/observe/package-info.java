/**
 * What the gateway tells about itself. Starting points: {@link io.gatehouse.observe.GatewayObserver}
 * (the SPI that metrics, metering and the access log are built on; add one with
 * {@code Gateway.Builder.observer(...)}), {@link io.gatehouse.observe.RequestRecord} (one finished
 * request) and {@link io.gatehouse.observe.GatewayEvent} (state changes: circuits, target health,
 * the rate-limit store).
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.observe;

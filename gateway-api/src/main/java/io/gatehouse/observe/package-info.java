/**
 * What the gateway tells about itself. Starting points: {@link io.gatehouse.observe.GatewayObserver}
 * (the SPI that metrics, metering and the access log are built on; add one with
 * {@code Gateway.Builder.observer(...)}), {@link io.gatehouse.observe.RequestRecord} (one finished
 * request), {@link io.gatehouse.observe.GatewayEvent} (state changes: circuits, target health,
 * the rate-limit store) and {@link io.gatehouse.observe.Tracing} (the SPI of spans per request and
 * upstream attempt; set one with {@code Gateway.Builder.tracing(...)}).
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.observe;

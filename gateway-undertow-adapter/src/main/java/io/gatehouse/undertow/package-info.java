/**
 * Runs a Gatehouse {@link io.gatehouse.Gateway} on Undertow. Start at
 * {@link io.gatehouse.undertow.UndertowGateway}: {@code server(gateway)} for a standalone server
 * ({@link io.gatehouse.undertow.GatewayServer}), {@code handler(gateway)} to mount the gateway
 * inside an existing Undertow application ({@link io.gatehouse.undertow.GatewayHandler}),
 * {@code admin(server)} for the operators' endpoints ({@link io.gatehouse.undertow.AdminHandler}).
 * {@link io.gatehouse.undertow.TlsConfig} sets up the server's HTTPS listener.
 *
 * <pre>{@code
 * try (GatewayServer server = UndertowGateway.server(gateway).port(8080).start()) {
 *   ...
 * }
 * }</pre>
 *
 * <p>No method accepts or returns null.
 *
 * @since 0.1
 */
package io.gatehouse.undertow;

package io.gatehouse.undertow;

import io.gatehouse.Gateway;
import java.util.Objects;

/**
 * Entry point for running a {@link Gateway} on Undertow, standalone or mounted in an existing
 * Undertow application.
 *
 * <pre>{@code
 * // standalone
 * GatewayServer server = UndertowGateway.server(gateway).port(8080).start();
 *
 * // mounted: /gw/orders/7 reaches the gateway as /orders/7
 * HttpHandler root = Handlers.path()
 *     .addPrefixPath("/gw", UndertowGateway.handler(gateway))
 *     .addPrefixPath("/", appHandler);
 * }</pre>
 *
 * @since 0.1
 */
public final class UndertowGateway {
  private UndertowGateway() {}

  /**
   * An Undertow handler that passes every request to the gateway. Mount it anywhere in a handler
   * chain; behind a prefix handler the gateway sees the path below the prefix, still
   * percent-encoded.
   *
   * <pre>{@code
   * GatewayHandler gw = UndertowGateway.handler(gateway);
   * Undertow.builder().addHttpListener(8080, "0.0.0.0")
   *     .setHandler(Handlers.path().addPrefixPath("/gw", gw).addPrefixPath("/", app))
   *     .build().start();
   * }</pre>
   *
   * @param gateway the gateway; the handler does not close it
   * @return a new handler
   */
  public static GatewayHandler handler(Gateway gateway) {
    return new GatewayHandler(Objects.requireNonNull(gateway, "gateway"));
  }

  /**
   * A builder for a standalone Undertow server that runs the gateway.
   *
   * <pre>{@code
   * try (GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).start()) {
   *   int port = server.port();
   * }
   * }</pre>
   *
   * @param gateway the gateway; the server does not close it
   * @return a builder with host {@code 0.0.0.0} and port 8080
   */
  public static GatewayServer.Builder server(Gateway gateway) {
    return new GatewayServer.Builder(Objects.requireNonNull(gateway, "gateway"));
  }
}

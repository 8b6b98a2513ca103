package io.gatehouse.undertow;

import io.gatehouse.Gateway;
import io.gatehouse.undertow.internal.ClientTimeouts;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * Entry point for running a {@link Gateway} on Undertow, standalone or mounted in an existing
 * Undertow application.
 *
 * <pre>{@code
 * // standalone
 * GatewayServer server = UndertowGateway.server(gateway).port(8080).start();
 *
 * // admin endpoints on a port of their own, with their own token
 * Undertow.builder().addHttpListener(9090, "127.0.0.1")
 *     .setHandler(UndertowGateway.admin(server).bearerToken(token).build()).build().start();
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
   * percent-encoded. The handler applies the request framing rules and the default request body
   * and response write timeouts of {@link GatewayServer.Builder}; header read, idle and connection
   * limits are the application's Undertow's own.
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
    return new GatewayHandler(Objects.requireNonNull(gateway, "gateway"), ClientTimeouts.DEFAULTS);
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

  /**
   * A builder for the admin endpoints of the gateway that a server currently runs: after
   * {@code server.swap(next)} they describe {@code next}. See {@link AdminHandler}.
   *
   * <pre>{@code
   * AdminHandler admin = UndertowGateway.admin(server).bearerToken(token).build();
   * Undertow.builder().addHttpListener(9090, "127.0.0.1").setHandler(admin).build().start();
   * }</pre>
   *
   * @param server the server whose {@link GatewayServer#current() current} gateway is shown
   * @return a builder that needs a token
   */
  public static AdminHandler.Builder admin(GatewayServer server) {
    Objects.requireNonNull(server, "server");
    return admin(server::current);
  }

  /**
   * A builder for the admin endpoints of the gateway that a mounted handler currently passes
   * requests to: after {@code handler.swap(next)} they describe {@code next}.
   *
   * <pre>{@code
   * GatewayHandler gw = UndertowGateway.handler(gateway);
   * AdminHandler admin = UndertowGateway.admin(gw).bearerToken(token).build();
   * }</pre>
   *
   * @param handler the handler whose {@link GatewayHandler#current() current} gateway is shown
   * @return a builder that needs a token
   */
  public static AdminHandler.Builder admin(GatewayHandler handler) {
    Objects.requireNonNull(handler, "handler");
    return admin(handler::current);
  }

  /**
   * A builder for the admin endpoints of whatever gateway the supplier returns at each call:
   * {@code () -> gateway} for a fixed one.
   *
   * <pre>{@code
   * AdminHandler admin = UndertowGateway.admin(() -> gateway).bearerToken(token).build();
   * }</pre>
   *
   * @param current returns the gateway to describe; called on a worker thread for each call, it
   *     must not return null
   * @return a builder that needs a token
   */
  public static AdminHandler.Builder admin(Supplier<Gateway> current) {
    return new AdminHandler.Builder(Objects.requireNonNull(current, "current"));
  }
}

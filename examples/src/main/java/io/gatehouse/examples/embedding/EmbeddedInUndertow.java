package io.gatehouse.examples.embedding;

import io.gatehouse.Gateway;
import io.gatehouse.undertow.UndertowGateway;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.server.HttpHandler;
import io.undertow.util.Headers;

/** Mounting a gateway under {@code /gw} inside an existing Undertow application, beside its own handlers. */
public final class EmbeddedInUndertow {
  private EmbeddedInUndertow() {}

  /**
   * Builds the application's server: its own page at {@code /}, the gateway under {@code /gw}.
   *
   * @param gateway the gateway to mount
   * @param port the port, 0 for any free port
   * @return the server, not started
   */
  // tag::mount[]
  public static Undertow application(Gateway gateway, int port) {
    HttpHandler appHandler = exchange -> {
      exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
      exchange.getResponseSender().send("the application's own page");
    };
    return Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setHandler(Handlers.path()
            .addPrefixPath("/gw", UndertowGateway.handler(gateway))   // /gw/orders/7 -> gateway sees /orders/7
            .addPrefixPath("/", appHandler))
        .build();
  }
  // end::mount[]
}

package com.example;

import io.gatehouse.Gateway;
import io.gatehouse.undertow.GatewayServer;
import io.gatehouse.undertow.UndertowGateway;
import java.time.Duration;

/** A first gateway, as the README's "Getting started" writes it. */
public final class App {
  private App() {}

  /**
   * One route: {@code GET /api/orders/{id}} to the orders service, without the {@code /api} prefix.
   *
   * @param ordersUrl the orders service, e.g. {@code http://localhost:9000}
   * @return the gateway
   */
  public static Gateway gateway(String ordersUrl) {
    // tag::first-route[]
    return Gateway.builder()
        .route("orders", r -> r
            .path("/api/orders/{id}").methods("GET")
            .stripPrefix(1)
            .upstream(ordersUrl)
            .responseTimeout(Duration.ofSeconds(2)))
        .build();
    // end::first-route[]
  }

  /**
   * Serves the gateway on port 8080 until the process is stopped.
   *
   * @param args the orders service URL, {@code http://localhost:9000} if none is given
   */
  public static void main(String[] args) {
    // tag::serve[]
    GatewayServer server = UndertowGateway.server(gateway(args.length > 0 ? args[0] : "http://localhost:9000"))
        .port(8080).start();
    Runtime.getRuntime().addShutdownHook(new Thread(() -> server.stop(Duration.ofSeconds(10))));
    // end::serve[]
  }
}

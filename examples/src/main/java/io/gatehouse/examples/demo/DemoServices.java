package io.gatehouse.examples.demo;

import io.undertow.Undertow;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * Two small services for the demo, in-process on ephemeral loopback ports: "orders" and
 * "catalog". Each answers JSON that shows what it received, so the demo makes the gateway's work
 * visible (path rewriting, forwarding headers, request ids).
 */
public final class DemoServices implements AutoCloseable {
  private final Undertow orders;
  private final Undertow catalog;

  private DemoServices(Undertow orders, Undertow catalog) {
    this.orders = orders;
    this.catalog = catalog;
  }

  /**
   * Starts both services.
   *
   * @return the running services
   */
  public static DemoServices start() {
    Undertow orders = serve("orders");
    Undertow catalog = serve("catalog");
    return new DemoServices(orders, catalog);
  }

  /**
   * The orders service's base URL.
   *
   * @return such as {@code http://127.0.0.1:41234}
   */
  public String ordersUrl() {
    return url(orders);
  }

  /**
   * The catalog service's base URL.
   *
   * @return such as {@code http://127.0.0.1:41235}
   */
  public String catalogUrl() {
    return url(catalog);
  }

  /** Stops both services. */
  @Override
  public void close() {
    orders.stop();
    catalog.stop();
  }

  private static Undertow serve(String service) {
    Undertow server = Undertow.builder()
        .addHttpListener(0, "127.0.0.1")
        .setIoThreads(1)
        .setWorkerThreads(2)
        .setHandler(exchange -> exchange.getRequestReceiver().receiveFullString(
            (ex, body) -> answer(service, ex, body), StandardCharsets.UTF_8))
        .build();
    server.start();
    return server;
  }

  private static void answer(String service, HttpServerExchange exchange, String body) {
    int status = exchange.getRequestMethod().toString().equals("POST") ? 201 : 200;
    String json = "{\"service\":\"" + service + "\""
        + ",\"method\":\"" + exchange.getRequestMethod() + "\""
        + ",\"path\":\"" + escape(exchange.getRequestURI()) + "\""
        + ",\"query\":\"" + escape(exchange.getQueryString()) + "\""
        + ",\"requestId\":\"" + escape(header(exchange, "X-Request-Id")) + "\""
        + ",\"forwardedFor\":\"" + escape(header(exchange, "X-Forwarded-For")) + "\""
        + ",\"gateway\":\"" + escape(header(exchange, "X-Gateway")) + "\""
        + ",\"consumer\":\"" + escape(header(exchange, "X-Consumer-Id")) + "\""
        + ",\"body\":\"" + escape(body) + "\"}\n";
    exchange.setStatusCode(status);
    exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "application/json");
    exchange.getResponseSender().send(json, StandardCharsets.UTF_8);
  }

  private static String header(HttpServerExchange exchange, String name) {
    String value = exchange.getRequestHeaders().getFirst(new HttpString(name));
    return value == null ? "" : value;
  }

  private static String escape(String text) {
    StringBuilder sb = new StringBuilder();
    for (char c : text.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  private static String url(Undertow server) {
    InetSocketAddress address = (InetSocketAddress) server.getListenerInfo().get(0).getAddress();
    return "http://127.0.0.1:" + address.getPort();
  }
}

package io.gatehouse.examples.demo;

import io.gatehouse.Gateway;
import io.gatehouse.metering.Metering;
import io.gatehouse.micrometer.GatehouseMetrics;
import io.gatehouse.undertow.AdminHandler;
import io.gatehouse.undertow.GatewayServer;
import io.gatehouse.undertow.UndertowGateway;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CountDownLatch;

/**
 * The runnable demo: two demo services in-process, a gateway in front of them on port 8080 (or
 * {@code --port N}) and its admin endpoints on port 8081 (or {@code --admin-port N}), behind the
 * token in the environment variable {@code DEMO_ADMIN_TOKEN} or a random one it prints. Prints
 * curl commands to try; stops on Ctrl-C.
 */
public final class Demo {
  private Demo() {}

  /**
   * Starts the demo.
   *
   * @param args {@code --port N} and {@code --admin-port N} to listen elsewhere than 8080 and 8081
   *     (0 picks a free port)
   * @throws InterruptedException if interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    int port = option(args, "--port", 8080);
    int adminPort = option(args, "--admin-port", 8081);
    String token = System.getenv().getOrDefault("DEMO_ADMIN_TOKEN", HexFormat.of().formatHex(randomBytes(16)));
    DemoServices services = DemoServices.start();
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    GatehouseMetrics metrics = GatehouseMetrics.of(registry);
    Gateway gateway = DemoRoutes.gateway(services.ordersUrl(), services.catalogUrl())
        .observer(metrics)
        .metering(Metering.every(Duration.ofMinutes(1)).keep(60))
        .build();
    metrics.watch(gateway);
    GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(port).start();
    Undertow admin = startAdmin(server, registry, adminPort, token);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      admin.stop();
      server.stop(Duration.ofSeconds(5));
      gateway.close();
      services.close();
      registry.close();
      stopped.countDown();
    }, "demo-shutdown"));
    System.out.println(instructions(server.port(), port(admin), token));
    stopped.await();
  }

  /**
   * The admin endpoints of whatever gateway the server runs, on a listener of their own, so they
   * are not reachable through the traffic port.
   */
  static Undertow startAdmin(GatewayServer server, PrometheusMeterRegistry registry, int port, String token) {
    // tag::admin[]
    AdminHandler handler = UndertowGateway.admin(server)   // follows server.swap(...)
        .bearerToken(token)                                  // required: at least 16 characters
        .metrics(registry::scrape)                           // optional: /metrics
        .build();
    Undertow admin = Undertow.builder().addHttpListener(port, "127.0.0.1").setHandler(handler).build();
    admin.start();
    // end::admin[]
    return admin;
  }

  static int port(Undertow undertow) {
    return ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
  }

  static String instructions(int port, int adminPort, String adminToken) {
    String base = "http://localhost:" + port;
    String admin = "curl -s -H 'Authorization: Bearer " + adminToken + "' http://localhost:" + adminPort;
    return String.join("\n",
        "Gatehouse demo gateway on " + base + " (Ctrl-C stops it). Try:",
        "  curl -i " + base + "/health",
        "  curl -i " + base + "/api/orders/7",
        "  curl -i -X POST -d '{\"item\":\"tea\"}' " + base + "/api/orders",
        "  curl -i -H 'X-API-Key: " + DemoRoutes.DEMO_API_KEY + "' " + base + "/partner/orders/7",
        "  curl -i " + base + "/partner/orders/7            # 401 with WWW-Authenticate",
        "  curl -i " + base + "/catalog/tea",
        "  curl -i -H 'X-Beta: true' " + base + "/catalog/tea",
        "  curl -i -X DELETE " + base + "/api/orders/7      # 405 with Allow",
        "  curl -i " + base + "/nowhere                     # 404 problem+json",
        "  curl -i --path-as-is " + base + "/catalog/../api/orders   # normalized before routing",
        "  curl -i " + base + "/api/orders/%2F              # 400: encoded slash",
        "Admin endpoints on http://localhost:" + adminPort + " (token from DEMO_ADMIN_TOKEN, or this random one):",
        "  " + admin + "/health",
        "  " + admin + "/ready",
        "  " + admin + "/routes",
        "  " + admin + "/upstreams",
        "  " + admin + "/usage",
        "  " + admin + "/metrics",
        "  curl -i http://localhost:" + adminPort + "/routes      # 401 without the token",
        "  curl -i " + base + "/routes                     # 404: not on the traffic port");
  }

  private static int option(String[] args, String name, int orElse) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(name)) {
        return Integer.parseInt(args[i + 1]);
      }
    }
    return orElse;
  }

  private static byte[] randomBytes(int n) {
    byte[] bytes = new byte[n];
    new SecureRandom().nextBytes(bytes);
    return bytes;
  }
}

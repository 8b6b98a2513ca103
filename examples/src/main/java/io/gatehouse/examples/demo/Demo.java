package io.gatehouse.examples.demo;

import io.gatehouse.Gateway;
import io.gatehouse.undertow.GatewayServer;
import io.gatehouse.undertow.UndertowGateway;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;

/**
 * The runnable demo: two demo services in-process, and a gateway in front of them on port 8080
 * (or the port given as {@code --port N}). Prints curl commands to try; stops on Ctrl-C.
 */
public final class Demo {
  private Demo() {}

  /**
   * Starts the demo.
   *
   * @param args {@code --port N} to listen elsewhere than 8080 (0 picks a free port)
   * @throws InterruptedException if interrupted while running
   */
  public static void main(String[] args) throws InterruptedException {
    int port = args.length == 2 && args[0].equals("--port") ? Integer.parseInt(args[1]) : 8080;
    DemoServices services = DemoServices.start();
    Gateway gateway = DemoRoutes.gateway(services.ordersUrl(), services.catalogUrl()).build();
    GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(port).start();
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.stop(Duration.ofSeconds(5));
      gateway.close();
      services.close();
      stopped.countDown();
    }, "demo-shutdown"));
    System.out.println(instructions(server.port()));
    stopped.await();
  }

  static String instructions(int port) {
    String base = "http://localhost:" + port;
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
        "  curl -i " + base + "/api/orders/%2F              # 400: encoded slash");
  }
}

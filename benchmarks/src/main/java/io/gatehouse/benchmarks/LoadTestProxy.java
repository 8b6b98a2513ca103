package io.gatehouse.benchmarks;

import io.gatehouse.Gateway;
import io.gatehouse.undertow.GatewayServer;
import io.gatehouse.undertow.UndertowGateway;
import io.undertow.Undertow;
import io.undertow.server.handlers.ResponseCodeHandler;
import io.undertow.server.handlers.proxy.LoadBalancingProxyClient;
import io.undertow.server.handlers.proxy.ProxyHandler;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;

/**
 * The proxy under load: Gatehouse with one plain route, or Undertow's own {@code ProxyHandler} as
 * the baseline, in front of one upstream. Both use the same I/O thread count.
 *
 * <pre>
 * java -jar proxy.jar --port 8080 --upstream http://127.0.0.1:9001                       # Gatehouse
 * java -jar proxy.jar --port 8081 --upstream http://127.0.0.1:9001 --mode undertow-proxy # baseline
 * </pre>
 */
public final class LoadTestProxy implements AutoCloseable {
  private final Runnable stop;
  private final int port;

  private LoadTestProxy(Runnable stop, int port) {
    this.stop = stop;
    this.port = port;
  }

  /**
   * Starts a proxy and runs until the process is stopped.
   *
   * @param args {@code --port N --upstream URL [--mode gatehouse|undertow-proxy] [--io-threads N]}
   */
  public static void main(String[] args) {
    Flags flags = Flags.parse(args);
    LoadTestProxy proxy = start(flags.get("--mode", "gatehouse"), flags.port("--port"),
        flags.required("--upstream"), Integer.parseInt(flags.get("--io-threads", "2")));
    Runtime.getRuntime().addShutdownHook(new Thread(proxy::close, "proxy-shutdown"));
    System.out.println("listening on " + proxy.port());
  }

  static LoadTestProxy start(String mode, int port, String upstream, int ioThreads) {
    return switch (mode) {
      case "gatehouse" -> gatehouse(port, upstream, ioThreads);
      case "undertow-proxy" -> undertowProxy(port, upstream, ioThreads);
      default -> throw new IllegalArgumentException("--mode: '" + mode + "' (expected: gatehouse or undertow-proxy)");
    };
  }

  int port() {
    return port;
  }

  @Override
  public void close() {
    stop.run();
  }

  private static LoadTestProxy gatehouse(int port, String upstream, int ioThreads) {
    Gateway gateway = Gateway.builder()
        .route("all", r -> r.path("/**").upstream(upstream))
        .build();
    GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(port).ioThreads(ioThreads).start();
    return new LoadTestProxy(() -> {
      server.stop(Duration.ofSeconds(5));
      gateway.close();
    }, server.port());
  }

  private static LoadTestProxy undertowProxy(int port, String upstream, int ioThreads) {
    LoadBalancingProxyClient client = new LoadBalancingProxyClient()
        .addHost(URI.create(upstream))
        .setConnectionsPerThread(64)
        .setMaxQueueSize(4096);  // the default, 0, answers 503 while a pooled connection is being opened
    ProxyHandler proxy = ProxyHandler.builder()
        .setProxyClient(client)
        .setMaxRequestTime(30_000)
        .setNext(ResponseCodeHandler.HANDLE_404)
        .build();
    Undertow server = Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        .setIoThreads(ioThreads)
        .setHandler(proxy)
        .build();
    server.start();
    int bound = ((InetSocketAddress) server.getListenerInfo().get(0).getAddress()).getPort();
    return new LoadTestProxy(server::stop, bound);
  }
}

package io.gatehouse.undertow;

import io.gatehouse.Gateway;
import io.undertow.Handlers;
import io.undertow.Undertow;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The ways a gateway is mounted on Undertow, for tables that must hold on every mount: the
 * standalone {@link GatewayServer}, and a {@link GatewayHandler} under a prefix in an application's
 * own Undertow (default server options).
 */
enum Mount {
  STANDALONE(""),
  UNDER_PREFIX("/gw");

  private final String prefix;

  Mount(String prefix) {
    this.prefix = prefix;
  }

  /** The path a client sends for a gateway path: {@code /orders} or {@code /gw/orders}. */
  String target(String gatewayPath) {
    return prefix + gatewayPath;
  }

  String prefix() {
    return prefix;
  }

  Running start(Gateway gateway) {
    if (this == STANDALONE) {
      GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(2).start();
      return new Running(server.port(), () -> server.stop(Duration.ZERO));
    }
    Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(2)
        .setHandler(Handlers.path().addPrefixPath(prefix, UndertowGateway.handler(gateway))
            .addPrefixPath("/", exchange -> exchange.setStatusCode(418)))
        .build();
    undertow.start();
    int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
    return new Running(port, undertow::stop);
  }

  /** Starts the gateway on every mount; close each with {@link #stopAll}. */
  static Map<Mount, Running> startAll(Gateway gateway) {
    Map<Mount, Running> running = new EnumMap<>(Mount.class);
    for (Mount mount : values()) {
      running.put(mount, mount.start(gateway));
    }
    return running;
  }

  static void stopAll(Map<Mount, Running> running) {
    running.values().forEach(Running::close);
  }

  /** A started mount; closing it stops the server (not the gateway). */
  record Running(int port, Runnable stop) implements AutoCloseable {
    @Override
    public void close() {
      stop.run();
    }
  }
}

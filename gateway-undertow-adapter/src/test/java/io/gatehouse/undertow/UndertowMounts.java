package io.gatehouse.undertow;

import io.gatehouse.Gateway;
import io.gatehouse.testing.adapter.AdapterMount;
import io.gatehouse.testing.adapter.ConformanceItem;
import io.undertow.Handlers;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.util.Headers;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/** The Undertow adapter's two mounts, as the conformance kit drives them. */
final class UndertowMounts {
  /** Undertow parses the head before any handler runs; the adapter never sees the bytes as sent. */
  static final String WHITESPACE = "Undertow's request parser collapses each run of spaces and tabs inside a field "
      + "value into one space before any handler runs (X-V: 'a  b' arrives as 'a b'); a single space or tab is kept";

  private UndertowMounts() {}

  /** {@code UndertowGateway.server(gateway)}: the adapter's own standalone server. */
  static final class Standalone implements AdapterMount {
    @Override
    public String name() {
      return "Undertow standalone";
    }

    @Override
    public String prefix() {
      return "";
    }

    @Override
    public Map<ConformanceItem, String> cannot() {
      return Map.of(ConformanceItem.FIELD_VALUE_WHITESPACE_KEPT, WHITESPACE);
    }

    @Override
    public Running start(Gateway gateway) {
      GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(2).start();
      return new Running() {
        @Override
        public int port() {
          return server.port();
        }

        @Override
        public Gateway swap(Gateway next) {
          return server.swap(next);
        }

        @Override
        public CompletionStage<Gateway> drained(Gateway previous) {
          return server.swappable().drained(previous);
        }

        @Override
        public boolean stop(Duration timeout) {
          return server.stop(timeout);
        }

        @Override
        public void close() {
          server.stop(Duration.ZERO);
        }
      };
    }
  }

  /**
   * {@code UndertowGateway.handler(gateway)} under {@code /gw} in an application's own Undertow,
   * beside the application's handler, as the README shows it; the application lifts Undertow's
   * 2 MiB {@code MAX_ENTITY_SIZE} (see {@link GatewayHandler}) and stops gracefully with Undertow's
   * {@link GracefulShutdownHandler}.
   */
  static final class UnderPrefix implements AdapterMount {
    @Override
    public String name() {
      return "Undertow, handler under /gw";
    }

    @Override
    public String prefix() {
      return "/gw";
    }

    @Override
    public boolean forwardsPrefix() {
      return true;
    }

    @Override
    public Map<ConformanceItem, String> cannot() {
      return Map.of(ConformanceItem.FIELD_VALUE_WHITESPACE_KEPT, WHITESPACE, ConformanceItem.STOP_REFUSAL_IS_A_PROBLEM,
          "a GatewayHandler does not own the application's server: during the application's graceful stop, "
              + "Undertow's GracefulShutdownHandler refuses new requests with its own plain 503 before they reach "
              + "the handler (the gateway is kept from them, which GRACEFUL_STOP checks)");
    }

    @Override
    public Running start(Gateway gateway) {
      GatewayHandler handler = UndertowGateway.handler(gateway);
      GracefulShutdownHandler graceful = Handlers.gracefulShutdown(Handlers.path()
          .addPrefixPath("/gw", handler)
          .addPrefixPath("/", exchange -> {
            exchange.setStatusCode(418);
            exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, "text/plain");
            exchange.getResponseSender().send("the application's own handler");
          }));
      Undertow undertow = Undertow.builder().addHttpListener(0, "127.0.0.1").setIoThreads(2)
          .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, 0L)
          .setHandler(graceful)
          .build();
      undertow.start();
      int port = ((InetSocketAddress) undertow.getListenerInfo().get(0).getAddress()).getPort();
      return new Running() {
        private boolean stopped;

        @Override
        public int port() {
          return port;
        }

        @Override
        public Gateway swap(Gateway next) {
          return handler.swap(next);
        }

        @Override
        public CompletionStage<Gateway> drained(Gateway previous) {
          return handler.swappable().drained(previous);
        }

        @Override
        public synchronized boolean stop(Duration timeout) throws InterruptedException {
          graceful.shutdown();
          boolean clean = graceful.awaitShutdown(timeout.toMillis());
          close();
          return clean;
        }

        @Override
        public synchronized void close() {
          if (!stopped) {
            stopped = true;
            undertow.stop();
          }
        }
      };
    }
  }
}

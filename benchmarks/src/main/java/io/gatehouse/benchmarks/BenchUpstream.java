package io.gatehouse.benchmarks;

import io.undertow.Undertow;
import io.undertow.util.Headers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * The upstream of the load test: {@code /small} answers 6 bytes, {@code /large} 64 KiB, both with
 * Content-Length and keep-alive; a path with {@code /json} in it answers a small JSON object
 * ({@code application/json}), for the aggregation's backends.
 *
 * <p>{@code java -cp proxy.jar io.gatehouse.benchmarks.BenchUpstream --port 9001}
 */
public final class BenchUpstream {
  static final byte[] SMALL = "hello\n".getBytes(StandardCharsets.US_ASCII);
  static final byte[] LARGE = new byte[64 * 1024];
  static final byte[] JSON = "{\"id\":7,\"name\":\"small\",\"tags\":[\"a\",\"b\"]}".getBytes(StandardCharsets.US_ASCII);

  static {
    Arrays.fill(LARGE, (byte) 'x');
  }

  private BenchUpstream() {}

  /**
   * Starts the upstream.
   *
   * @param args {@code --port N}
   */
  public static void main(String[] args) {
    start(Flags.parse(args).port("--port"));
  }

  static Undertow start(int requestedPort) {
    int port = requestedPort != 0 ? requestedPort : freePort();
    Undertow server = Undertow.builder()
        .addHttpListener(port, "127.0.0.1")
        // Two more loopback addresses, so that a group's targets are three origins on one server.
        .addHttpListener(port, "127.0.0.2")
        .addHttpListener(port, "127.0.0.3")
        .setHandler(exchange -> {
          String path = exchange.getRequestPath();
          boolean json = path.contains("/json");
          byte[] body = json ? JSON : path.startsWith("/large") ? LARGE : SMALL;
          exchange.getResponseHeaders().put(Headers.CONTENT_TYPE, json ? "application/json" : "application/octet-stream");
          exchange.getResponseSender().send(ByteBuffer.wrap(body));
        })
        .build();
    server.start();
    return server;
  }

  /** One port for all three listeners: port 0 would give each its own. */
  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

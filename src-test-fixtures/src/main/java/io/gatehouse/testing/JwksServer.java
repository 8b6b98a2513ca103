package io.gatehouse.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JWKS endpoint on a real socket, for testing how the gateway fetches, caches and refreshes
 * keys: it serves {@code GET /.well-known/jwks.json} on 127.0.0.1, can rotate its keys, fail on
 * demand, and counts what it was asked. Thread-safe; close it to free the port.
 *
 * <p>A gateway fetches its JWKS through its upstream client: point a gateway built the ordinary
 * way at {@link #url()}. Under {@link GatewayTester}, whose upstream client is in memory, stub the
 * JWKS origin with a body from {@link TestKeys#jwks} instead.
 *
 * <pre>{@code
 * try (JwksServer jwks = JwksServer.start(TestKeys.rsa("k1"))) {
 *   Auth auth = Auth.jwt().jwks(jwks.url());   // for a route's auth(...)
 *   jwks.keys(TestKeys.rsa("k2"));             // rotate
 *   jwks.failWith(503);                        // outage
 *   assertThat(jwks.awaitFetches(2, Duration.ofSeconds(5))).isTrue();
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class JwksServer implements AutoCloseable {
  /** The path the keys are served at, as OpenID Connect providers commonly publish them. */
  public static final String PATH = "/.well-known/jwks.json";

  private final HttpServer server;
  private final ExecutorService executor;
  private final String origin;
  private volatile byte[] body;
  // 0 while healthy; otherwise the status every request gets.
  private volatile int failStatus;
  private final AtomicInteger fetches = new AtomicInteger();
  private final Object fetched = new Object();

  private JwksServer(HttpServer server, ExecutorService executor, byte[] body) {
    this.server = server;
    this.executor = executor;
    this.origin = "http://127.0.0.1:" + server.getAddress().getPort();
    this.body = body;
  }

  /**
   * Starts a server on 127.0.0.1 on a free port, serving the public keys.
   *
   * @param keys RSA or EC keys; none serves {@code {"keys":[]}}
   * @return the running server
   * @throws IllegalArgumentException if a key is an HMAC secret, which has no public JWK
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static JwksServer start(TestKey... keys) {
    byte[] body = document(keys);
    HttpServer server;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot bind a JWKS server on 127.0.0.1", e);
    }
    String name = "jwks-server-" + server.getAddress().getPort() + "-";
    AtomicInteger threads = new AtomicInteger();
    // Daemon, so a handler thread never keeps a test JVM alive.
    ExecutorService executor = Executors.newFixedThreadPool(2, task -> {
      Thread thread = new Thread(task, name + threads.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    });
    JwksServer jwks = new JwksServer(server, executor, body);
    server.createContext("/", jwks::handle);
    server.setExecutor(executor);
    server.start();
    return jwks;
  }

  /**
   * The URL of the key set.
   *
   * @return such as {@code http://127.0.0.1:53211/.well-known/jwks.json}
   */
  public String url() {
    return origin + PATH;
  }

  /**
   * The server's origin.
   *
   * @return such as {@code http://127.0.0.1:53211}
   */
  public String origin() {
    return origin;
  }

  /**
   * The port the server listens on.
   *
   * @return the port
   */
  public int port() {
    return server.getAddress().getPort();
  }

  /**
   * Replaces the served keys at once: every request after this call sees the new set, none sees
   * a mix.
   *
   * @param keys RSA or EC keys; none serves {@code {"keys":[]}}
   * @throws IllegalArgumentException if a key is an HMAC secret, which has no public JWK
   */
  public void keys(TestKey... keys) {
    this.body = document(keys);
  }

  /**
   * Answers every request with a status and no keys, until {@link #recover()}: an outage or a
   * misbehaving identity provider.
   *
   * @param status 400 to 599
   * @throws IllegalArgumentException if the status is not an error status
   */
  public void failWith(int status) {
    if (status < 400 || status > 599) {
      throw new IllegalArgumentException("status: " + status + " (expected: 400 to 599)");
    }
    this.failStatus = status;
  }

  /** Serves the keys again after {@link #failWith(int)}. */
  public void recover() {
    this.failStatus = 0;
  }

  /**
   * How many {@code GET} requests for the key set came in, failed ones included; other paths and
   * methods are not counted. A request is counted before it is answered, so once a client has
   * its response, the count includes it.
   *
   * @return the count since start
   */
  public int fetches() {
    return fetches.get();
  }

  /**
   * Waits until at least {@code n} requests for the key set came in (see {@link #fetches()}), as
   * when the gateway refreshes keys in the background.
   *
   * @param n the count to reach, zero or more
   * @param timeout how long to wait at most, zero or more
   * @return whether the count was reached in time; false also if the thread was interrupted, whose
   *     interrupt status is then set again
   */
  public boolean awaitFetches(int n, Duration timeout) {
    return CountWaits.await(fetched, fetches::get, n, timeout);
  }

  /** Stops at once: the port is closed and open exchanges are dropped. Idempotent. */
  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }

  @Override
  public String toString() {
    return "JwksServer[" + url() + ", " + fetches.get() + " fetches" + (failStatus == 0 ? "" : ", failing with " + failStatus) + "]";
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      drain(exchange.getRequestBody());
      boolean keySet = PATH.equals(exchange.getRequestURI().getPath());
      boolean fetch = keySet && exchange.getRequestMethod().equals("GET");
      if (fetch) {
        // Counted before answering, so a client holding its response always sees it counted.
        synchronized (fetched) {
          fetches.incrementAndGet();
          fetched.notifyAll();
        }
      }
      int failure = failStatus;
      if (failure != 0) {
        respond(exchange, failure, "text/plain", "JwksServer.failWith(" + failure + ")");
      } else if (!keySet) {
        respond(exchange, 404, "text/plain", "not found; the keys are at " + PATH);
      } else if (!fetch) {
        exchange.getResponseHeaders().set("Allow", "GET");
        respond(exchange, 405, "text/plain", "method not allowed; the keys are served to GET");
      } else {
        respond(exchange, 200, "application/json", body);
      }
    }
  }

  private static void respond(HttpExchange exchange, int status, String contentType, String text) throws IOException {
    respond(exchange, status, contentType, text.getBytes(StandardCharsets.UTF_8));
  }

  private static void respond(HttpExchange exchange, int status, String contentType, byte[] bytes) throws IOException {
    exchange.getResponseHeaders().set("Content-Type", contentType);
    exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  // The body is ignored, but reading it keeps the connection reusable for the client.
  private static void drain(InputStream in) throws IOException {
    byte[] buffer = new byte[8192];
    int total = 0;
    int read;
    while ((read = in.read(buffer)) != -1 && total < 1 << 20) {
      total += read;
    }
  }

  private static byte[] document(TestKey... keys) {
    return TestKeys.jwks(keys).getBytes(StandardCharsets.UTF_8);
  }
}

package io.gatehouse.undertow;

import io.gatehouse.Gateway;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.impl.admin.AdminDocuments;
import io.gatehouse.undertow.internal.ExchangeBridge;
import io.gatehouse.undertow.internal.Problems;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.Headers;
import io.undertow.util.Methods;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An Undertow {@link HttpHandler} that shows what a gateway is doing, for operators: mount it on
 * a listener of its own (or at least on a path that the traffic listener does not route to), never
 * in front of the gateway's traffic. Every call needs {@code Authorization: Bearer <token>}.
 *
 * <pre>{@code
 * GatewayServer server = UndertowGateway.server(gateway).port(8080).start();
 * AdminHandler admin = UndertowGateway.admin(server)          // follows server.swap(...)
 *     .bearerToken(System.getenv("ADMIN_TOKEN"))
 *     .metrics(prometheusRegistry::scrape)                     // optional
 *     .build();
 * Undertow.builder().addHttpListener(9090, "127.0.0.1").setHandler(admin).build().start();
 * }</pre>
 *
 * <p><b>Endpoints</b> ({@code GET} only; other methods get 405 with {@code Allow: GET}), relative
 * to where the handler is mounted:
 * <ul>
 *   <li>{@code /health}: liveness, 200 {@code {"status":"UP","version":"..."}} with the
 *       {@link Gateway#version() version} of the configuration in use;
 *   <li>{@code /ready}: readiness, 200 {@code {"status":"READY","upstreams":[...]}} when every
 *       upstream group has a target that may take a request, else 503 with
 *       {@code "status":"NOT_READY"};
 *   <li>{@code /routes}: the compiled route table in declaration order: per route what it matches
 *       on (paths, methods, hosts, conditions, predicates), auth, access rules, rate limits,
 *       upstream (or split, mirror, fallback, static response), timeouts, retry, circuit breaker,
 *       and {@code chain}: the stages a request runs through, in order;
 *   <li>{@code /upstreams}: every upstream group and each target's health, circuit and requests in
 *       flight;
 *   <li>{@code /usage}: the metered usage ({@link Gateway#usage()}), instants as ISO-8601 strings;
 *   <li>{@code /metrics}: the metrics supplier's text as
 *       {@code text/plain; version=0.0.4; charset=utf-8}, or 404 when there is none.
 * </ul>
 * Documents are {@code application/json}; errors are {@code application/problem+json} like the
 * gateway's own. A call without a valid token gets 401 with
 * {@code WWW-Authenticate: Bearer realm="gatehouse-admin"}, whatever its path, so that the
 * endpoints cannot be probed. Responses are not cached ({@code Cache-Control: no-store}).
 *
 * <p><b>Threading.</b> The token is checked on the I/O thread; the documents and the metrics
 * supplier run on Undertow's worker threads, so a slow supplier does not hold an I/O thread.
 *
 * @since 0.1
 */
public final class AdminHandler implements HttpHandler {
  private static final Logger log = LoggerFactory.getLogger(AdminHandler.class);
  private static final String REALM_CHALLENGE = "Bearer realm=\"gatehouse-admin\"";
  private static final String JSON = "application/json";
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final List<String> ENDPOINTS =
      List.of("/health", "/ready", "/routes", "/upstreams", "/usage", "/metrics");
  private static final int MIN_TOKEN_LENGTH = 16;

  private final Supplier<Gateway> gateway;
  private final byte[] tokenHash;
  private final Supplier<String> metrics; // null when none

  private AdminHandler(Supplier<Gateway> gateway, byte[] tokenHash, Supplier<String> metrics) {
    this.gateway = gateway;
    this.tokenHash = tokenHash;
    this.metrics = metrics;
  }

  /**
   * Answers one admin call; see the class comment for the endpoints.
   *
   * <pre>{@code
   * admin.handleRequest(exchange);   // called by Undertow
   * }</pre>
   *
   * @param exchange the exchange
   */
  @Override
  public void handleRequest(HttpServerExchange exchange) {
    if (!authorized(exchange)) {
      problem(exchange, 401, "A valid admin bearer token is required.", "WWW-Authenticate", REALM_CHALLENGE);
      return;
    }
    String path = exchange.getRelativePath();
    if (!ENDPOINTS.contains(path)) {
      problem(exchange, 404, "There is no admin endpoint here (expected: one of " + String.join(", ", ENDPOINTS) + ").",
          null, null);
      return;
    }
    if (!exchange.getRequestMethod().equals(Methods.GET)) {
      problem(exchange, 405, "Admin endpoints answer GET only.", "Allow", "GET");
      return;
    }
    if (path.equals("/metrics") && metrics == null) {
      problem(exchange, 404, "No metrics are configured.", null, null);
      return;
    }
    // Rendering and the metrics supplier may take a while: never on the I/O thread.
    exchange.dispatch(ex -> answer(ex, path));
  }

  private void answer(HttpServerExchange exchange, String path) {
    int status = 200;
    String contentType = JSON;
    byte[] body;
    try {
      Gateway current = gateway.get();
      switch (path) {
        case "/health" -> body = AdminDocuments.health(current);
        case "/ready" -> {
          AdminDocuments.Readiness readiness = AdminDocuments.readiness(current);
          status = readiness.ready() ? 200 : 503;
          body = readiness.json();
        }
        case "/routes" -> body = AdminDocuments.routes(current);
        case "/upstreams" -> body = AdminDocuments.upstreams(current);
        case "/usage" -> body = AdminDocuments.usage(current);
        case "/metrics" -> {
          contentType = PROMETHEUS_TEXT;
          body = Objects.requireNonNull(metrics.get(), "the metrics supplier returned null").getBytes(StandardCharsets.UTF_8);
        }
        default -> throw new IllegalStateException("path: " + path + " (expected: one of " + ENDPOINTS + ")");
      }
    } catch (RuntimeException e) {
      log.error("admin {}: failed", path, e);
      problem(exchange, 500, "The admin endpoint failed; see the gateway log.", null, null);
      return;
    }
    exchange.setStatusCode(status);
    exchange.getResponseHeaders()
        .put(Headers.CONTENT_TYPE, contentType)
        .put(Headers.CACHE_CONTROL, "no-store");
    exchange.getResponseSender().send(ByteBuffer.wrap(body));
  }

  private boolean authorized(HttpServerExchange exchange) {
    String header = exchange.getRequestHeaders().getFirst(Headers.AUTHORIZATION);
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(sha256(header.substring(7).trim()), tokenHash);
  }

  private static void problem(HttpServerExchange exchange, int status, String detail, String header, String value) {
    Response problem = Problems.response(exchange, status, detail);
    if (header != null) {
      HttpHeaders headers = problem.headers().toBuilder().add(header, value).build();
      problem = problem.toBuilder().headers(headers).build();
    }
    ExchangeBridge.respond(exchange, problem);
  }

  private static byte[] sha256(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256: not available (expected: in every Java platform)", e);
    }
  }

  @Override
  public String toString() {
    return "AdminHandler[" + (metrics == null ? "no metrics" : "with metrics") + "]";
  }

  /**
   * Configures an {@link AdminHandler}. A token is required: the admin endpoints are never open.
   * Not thread-safe; {@link #build()} may be called more than once.
   *
   * <pre>{@code
   * AdminHandler admin = UndertowGateway.admin(server).bearerToken(token).metrics(registry::scrape).build();
   * }</pre>
   *
   * @since 0.1
   */
  public static final class Builder {
    private final Supplier<Gateway> gateway;
    private byte[] tokenHash;
    private Supplier<String> metrics;

    Builder(Supplier<Gateway> gateway) {
      this.gateway = gateway;
    }

    /**
     * Requires {@code Authorization: Bearer <token>} on every call. The token is kept only as its
     * SHA-256 hash and compared in constant time; it never appears in a message or a response.
     *
     * <pre>{@code
     * builder.bearerToken(System.getenv("ADMIN_TOKEN"));
     * }</pre>
     *
     * @param token at least 16 characters, visible ASCII without spaces
     * @return this builder
     */
    public Builder bearerToken(String token) {
      Objects.requireNonNull(token, "token");
      if (token.length() < MIN_TOKEN_LENGTH) {
        throw new IllegalArgumentException("bearerToken: " + token.length() + " characters (expected: at least "
            + MIN_TOKEN_LENGTH + ")");
      }
      for (int i = 0; i < token.length(); i++) {
        char c = token.charAt(i);
        if (c <= 0x20 || c >= 0x7F) {
          throw new IllegalArgumentException("bearerToken: a character outside visible ASCII at index " + i
              + " (expected: visible ASCII without spaces)");
        }
      }
      this.tokenHash = sha256(token);
      return this;
    }

    /**
     * Serves {@code /metrics} from this supplier, such as a Prometheus registry's
     * {@code scrape()}. Without one, {@code /metrics} answers 404. The supplier runs on an Undertow
     * worker thread for each call.
     *
     * <pre>{@code
     * builder.metrics(prometheusRegistry::scrape);
     * }</pre>
     *
     * @param prometheusText returns the metrics in the Prometheus text format 0.0.4
     * @return this builder
     */
    public Builder metrics(Supplier<String> prometheusText) {
      this.metrics = Objects.requireNonNull(prometheusText, "prometheusText");
      return this;
    }

    /**
     * Builds the handler.
     *
     * <pre>{@code
     * AdminHandler admin = builder.build();
     * }</pre>
     *
     * @return the handler
     * @throws IllegalStateException if no {@link #bearerToken(String) token} is set
     */
    public AdminHandler build() {
      if (tokenHash == null) {
        throw new IllegalStateException(
            "bearerToken: none (expected: a token of at least 16 characters; the admin endpoints are never open)");
      }
      return new AdminHandler(gateway, tokenHash.clone(), metrics);
    }
  }
}

package io.gatehouse.undertow;

import io.gatehouse.Gateway;
import io.gatehouse.adapter.AdminEndpoints;
import io.gatehouse.undertow.internal.ClientTimeouts;
import io.gatehouse.undertow.internal.ExchangeBridge;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

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
 * <p>The policy (token, endpoints, documents, errors) is {@link AdminEndpoints}'s, which any
 * adapter can serve; this handler maps Undertow's exchange to it and writes its answer, with the
 * same request framing rules as {@link GatewayHandler}.
 *
 * @since 0.1
 */
public final class AdminHandler implements HttpHandler {
  private final AdminEndpoints endpoints;
  private final boolean withMetrics;

  private AdminHandler(AdminEndpoints endpoints, boolean withMetrics) {
    this.endpoints = endpoints;
    this.withMetrics = withMetrics;
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
    Executor worker = exchange.getDispatchExecutor() != null
        ? exchange.getDispatchExecutor() : exchange.getConnection().getWorker();
    // The bridge calls the endpoints on the I/O thread (the token check); they render on the worker.
    ExchangeBridge.handle(exchange, request -> endpoints.handle(request, worker), ClientTimeouts.DEFAULTS);
  }

  @Override
  public String toString() {
    return "AdminHandler[" + (withMetrics ? "with metrics" : "no metrics") + "]";
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
    private final AdminEndpoints.Builder endpoints;
    private boolean withMetrics;

    Builder(Supplier<Gateway> gateway) {
      this.endpoints = AdminEndpoints.builder(gateway);
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
      endpoints.bearerToken(token);
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
      endpoints.metrics(prometheusText);
      withMetrics = true;
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
      return new AdminHandler(endpoints.build(), withMetrics);
    }
  }
}

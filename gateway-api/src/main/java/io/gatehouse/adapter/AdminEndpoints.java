package io.gatehouse.adapter;

import io.gatehouse.Gateway;
import io.gatehouse.GatewayException;
import io.gatehouse.Unstable;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.AdapterServices;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;

/**
 * The operators' endpoints of a gateway, whatever the server: an adapter maps its request to a
 * {@link Request} and writes back the {@link Response} that {@link #handle} gives. Serve them on a
 * listener of their own, never in front of the gateway's traffic. Every call needs
 * {@code Authorization: Bearer <token>}.
 *
 * <pre>{@code
 * AdminEndpoints admin = AdminEndpoints.builder(gateways::current)   // follows swaps
 *     .bearerToken(System.getenv("ADMIN_TOKEN"))
 *     .metrics(prometheusRegistry::scrape)                           // optional
 *     .build();
 * CompletionStage<Response> answer = admin.handle(request, workerExecutor);
 * }</pre>
 *
 * <p><b>Endpoints</b> ({@code GET} only, but for the purge; other methods get 405 with {@code Allow}), by the
 * request's {@link Request#path() path} relative to where they are mounted (percent-escapes
 * decoded):
 * <ul>
 *   <li>{@code /health}: liveness, 200 {@code {"status":"UP","version":"..."}} with the
 *       {@link Gateway#version() version} of the configuration in use;
 *   <li>{@code /ready}: readiness, 200 {@code {"status":"READY","upstreams":[...]}} when every
 *       upstream group has a target that may take a request, else 503 with
 *       {@code "status":"NOT_READY"};
 *   <li>{@code /routes}: the compiled route table in declaration order, each route with what it
 *       matches on, its auth, limits, upstreams, timeouts, retry, circuit breaker, response cache and
 *       {@code chain}, the stages a request runs through;
 *   <li>{@code /upstreams}: every upstream group and each target's health, circuit and requests in
 *       flight;
 *   <li>{@code /usage}: the metered usage ({@link Gateway#usage()}), instants as ISO-8601 strings;
 *   <li>{@code /metrics}: the metrics supplier's text as
 *       {@code text/plain; version=0.0.4; charset=utf-8}, or 404 when there is none;
 *   <li>{@code POST /cache/purge?cache=<name>&<selector>}: removes stored responses of a
 *       {@link io.gatehouse.cache.ResponseCache response cache}, with exactly one selector:
 *       {@code all=true}, {@code route=<id>}, {@code url=<path?query>}, {@code prefix=<path>} or
 *       {@code tag=<Surrogate-Key tag>} (see {@link io.gatehouse.cache.ResponseCachePurge});
 *       200 {@code {"cache":"...","purged":<keys>}}, 404 for a cache no route uses, 400 for
 *       anything else.
 * </ul>
 * Documents are {@code application/json}; errors are {@link ProblemResponse problem+json}. A call
 * without a valid token gets 401 with {@code WWW-Authenticate: Bearer realm="gatehouse-admin"},
 * whatever its path, so that the endpoints cannot be probed. Nothing is cached
 * ({@code Cache-Control: no-store}).
 *
 * <p><b>Threads.</b> {@link #handle} checks the token, the path and the method on the calling
 * thread (an I/O thread is fine: it never blocks) and answers those checks at once; the documents
 * and the metrics supplier run on the executor passed in, so a slow supplier holds none of the
 * server's I/O threads. The documents need the {@code gateway-impl} artifact (they are JSON).
 *
 * @since 0.1
 */
@Unstable
public final class AdminEndpoints {
  private static final String REALM_CHALLENGE = "Bearer realm=\"gatehouse-admin\"";
  private static final String JSON = "application/json";
  private static final String PURGE = "/cache/purge";
  private static final java.util.regex.Pattern CACHE_NAME = java.util.regex.Pattern.compile("[A-Za-z0-9._-]{1,64}");
  private static final List<String> PURGE_SELECTORS = List.of("all", "route", "url", "prefix", "tag");
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final List<String> ENDPOINTS =
      List.of("/health", "/ready", "/routes", "/upstreams", "/usage", "/metrics", PURGE);
  private static final int MIN_TOKEN_LENGTH = 16;

  private final Supplier<Gateway> gateway;
  private final byte[] tokenHash;
  private final Supplier<String> metrics; // null when none
  private final AdapterServices documents;
  private final System.Logger log;

  private AdminEndpoints(Supplier<Gateway> gateway, byte[] tokenHash, Supplier<String> metrics,
      AdapterServices documents) {
    this.gateway = gateway;
    this.tokenHash = tokenHash;
    this.metrics = metrics;
    this.documents = documents;
    this.log = Services.logger(Optional.of(documents), AdminEndpoints.class);
  }

  /**
   * A builder for the endpoints of whatever gateway the supplier returns at each call:
   * {@code gateways::current} to follow a {@link SwappableGateway}, {@code () -> gateway} for a
   * fixed one.
   *
   * <p>{@code AdminEndpoints admin = AdminEndpoints.builder(gateways::current).bearerToken(token).build();}
   *
   * @param current returns the gateway to describe; called on the executor for each document, it
   *     must not return null
   * @return a builder that needs a token
   */
  public static Builder builder(Supplier<Gateway> current) {
    return new Builder(Objects.requireNonNull(current, "current"));
  }

  /**
   * Answers one admin call; see the class comment for the endpoints. Never throws and never
   * completes exceptionally: failures are 500 problems (logged, without internals in the
   * response), and an executor that refuses the work gives 503.
   *
   * <p>{@code admin.handle(request, worker).thenAccept(response -> write(exchange, response));}
   *
   * @param request the call; only its method, path, query (of the purge) and {@code Authorization}
   *     and {@code X-Request-Id} headers are read, never its body
   * @param executor runs the documents and the metrics supplier, off the calling thread
   * @return the response: already complete for a refusal (401, 404, 405), completed on the
   *     executor for a document
   */
  public CompletionStage<Response> handle(Request request, Executor executor) {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(executor, "executor");
    String requestId = RequestId.of(request.headers());
    if (!authorized(request)) {
      return done(problem(401, "A valid admin bearer token is required.", requestId, "WWW-Authenticate", REALM_CHALLENGE));
    }
    String path = decoded(request.path()).orElse(request.path());
    if (!ENDPOINTS.contains(path)) {
      return done(problem(404, "There is no admin endpoint here (expected: one of " + String.join(", ", ENDPOINTS) + ").",
          requestId, null, null));
    }
    if (path.equals(PURGE)) {
      if (!request.method().equals("POST")) {
        return done(problem(405, "The cache purge answers POST only.", requestId, "Allow", "POST"));
      }
      return purge(request, executor, requestId);
    }
    if (!request.method().equals("GET")) {
      return done(problem(405, "Admin endpoints answer GET only.", requestId, "Allow", "GET"));
    }
    if (path.equals("/metrics") && metrics == null) {
      return done(problem(404, "No metrics are configured.", requestId, null, null));
    }
    CompletableFuture<Response> answer = new CompletableFuture<>();
    try {
      // Rendering and the metrics supplier may take a while: never on the caller's (I/O) thread.
      executor.execute(() -> {
        try {
          answer.complete(answer(path, requestId));
        } finally {
          if (!answer.isDone()) { // a VirtualMachineError is on its way up: the client still gets an answer
            answer.complete(problem(500, "The admin endpoint failed; see the gateway log.", requestId, null, null));
          }
        }
      });
    } catch (RejectedExecutionException e) {
      log.log(System.Logger.Level.WARNING, "admin " + path + ": the executor refused the work: " + e);
      return done(problem(503, "The admin endpoint cannot answer now; try again.", requestId, null, null));
    }
    return answer;
  }

  /** Checks the purge's parameters at once, then purges off the calling thread (a purge scans the store). */
  private CompletionStage<Response> purge(Request request, Executor executor, String requestId) {
    java.util.Map<String, String> params = new java.util.LinkedHashMap<>();
    for (String pair : request.rawQuery().orElse("").split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      Optional<String> name = decoded(eq < 0 ? pair : pair.substring(0, eq));
      Optional<String> value = decoded(eq < 0 ? "" : pair.substring(eq + 1).replace('+', ' '));
      if (name.isEmpty() || value.isEmpty() || params.put(name.get(), value.get()) != null) {
        return done(problem(400, "The purge's query parameters must be distinct and percent-encoded ASCII.", requestId,
            null, null));
      }
    }
    String cache = params.remove("cache");
    if (cache == null || !CACHE_NAME.matcher(cache).matches()) {
      return done(problem(400, "cache: " + (cache == null ? "none" : "'" + cache + "'")
          + " (expected: the name of a response cache)", requestId, null, null));
    }
    if (params.size() != 1 || !PURGE_SELECTORS.contains(params.keySet().iterator().next())) {
      return done(problem(400, "selector: " + params.keySet() + " (expected: exactly one of " + PURGE_SELECTORS + ")",
          requestId, null, null));
    }
    String selector = params.keySet().iterator().next();
    String value = params.get(selector);
    if (selector.equals("all") ? !value.equals("true") : value.isEmpty()) {
      return done(problem(400, selector + ": '" + value + "' (expected: " + (selector.equals("all") ? "true" : "a value")
          + ")", requestId, null, null));
    }
    CompletableFuture<Response> answer = new CompletableFuture<>();
    try {
      executor.execute(() -> {
        try {
          Gateway current = Objects.requireNonNull(gateway.get(), "the gateway supplier returned null");
          Optional<io.gatehouse.cache.ResponseCachePurge> purge = current.responseCache(cache);
          if (purge.isEmpty()) {
            answer.complete(problem(404, "No route uses a response cache named '" + cache + "'.", requestId, null, null));
            return;
          }
          CompletionStage<Long> purged = switch (selector) {
            case "all" -> purge.get().all();
            case "route" -> purge.get().route(value);
            case "url" -> purge.get().url(value);
            case "prefix" -> purge.get().pathPrefix(value);
            default -> purge.get().tag(value);
          };
          purged.whenComplete((n, failure) -> {
            if (failure != null) {
              log.log(System.Logger.Level.ERROR, "admin " + PURGE + ": cache '" + cache + "' failed", failure);
              answer.complete(problem(500, "The purge failed; see the gateway log.", requestId, null, null));
            } else {
              answer.complete(Response.builder(200).header("Content-Type", JSON).header("Cache-Control", "no-store")
                  .body(Body.of("{\"cache\":\"" + cache + "\",\"purged\":" + n + "}")).build());
            }
          });
        } catch (RuntimeException e) {
          log.log(System.Logger.Level.ERROR, "admin " + PURGE + ": failed", e);
          answer.complete(problem(500, "The purge failed; see the gateway log.", requestId, null, null));
        }
      });
    } catch (RejectedExecutionException e) {
      log.log(System.Logger.Level.WARNING, "admin " + PURGE + ": the executor refused the work: " + e);
      return done(problem(503, "The admin endpoint cannot answer now; try again.", requestId, null, null));
    }
    return answer;
  }

  private Response answer(String path, String requestId) {
    int status = 200;
    String contentType = JSON;
    byte[] body;
    try {
      Gateway current = Objects.requireNonNull(gateway.get(), "the gateway supplier returned null");
      switch (path) {
        case "/health" -> body = documents.health(current);
        case "/ready" -> {
          AdapterServices.Readiness readiness = documents.readiness(current);
          status = readiness.ready() ? 200 : 503;
          body = readiness.json();
        }
        case "/routes" -> body = documents.routes(current);
        case "/upstreams" -> body = documents.upstreams(current);
        case "/usage" -> body = documents.usage(current);
        case "/metrics" -> {
          contentType = PROMETHEUS_TEXT;
          body = Objects.requireNonNull(metrics.get(), "the metrics supplier returned null").getBytes(StandardCharsets.UTF_8);
        }
        default -> throw new IllegalStateException("path: " + path + " (expected: one of " + ENDPOINTS + ")");
      }
    } catch (RuntimeException | Error e) {
      log.log(System.Logger.Level.ERROR, "admin " + path + ": failed", e);
      if (e instanceof VirtualMachineError vme) {
        throw vme;
      }
      return problem(500, "The admin endpoint failed; see the gateway log.", requestId, null, null);
    }
    return Response.builder(status)
        .header("Content-Type", contentType)
        .header("Cache-Control", "no-store")
        .body(Body.of(body))
        .build();
  }

  private boolean authorized(Request request) {
    String header = request.headers().first("Authorization").orElse(null);
    if (header == null || header.length() < 7 || !header.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return MessageDigest.isEqual(sha256(header.substring(7).trim()), tokenHash);
  }

  private static Response problem(int status, String detail, String requestId, String header, String value) {
    Response problem = ProblemResponse.of(status, detail, requestId);
    if (header != null) {
      problem = problem.toBuilder().headers(problem.headers().toBuilder().add(header, value).build()).build();
    }
    return problem;
  }

  private static CompletionStage<Response> done(Response response) {
    return CompletableFuture.completedFuture(response);
  }

  /**
   * The path with its percent-escapes decoded, as servers show paths to their applications; empty
   * when an escape is malformed or decodes to a non-ASCII byte (no endpoint has one).
   */
  static Optional<String> decoded(String path) {
    if (path.indexOf('%') < 0) {
      return Optional.of(path);
    }
    StringBuilder out = new StringBuilder(path.length());
    for (int i = 0; i < path.length(); i++) {
      char c = path.charAt(i);
      if (c != '%') {
        out.append(c);
        continue;
      }
      int hi = i + 1 < path.length() ? Character.digit(path.charAt(i + 1), 16) : -1;
      int lo = i + 2 < path.length() ? Character.digit(path.charAt(i + 2), 16) : -1;
      if (hi < 0 || lo < 0 || hi > 7) {
        return Optional.empty();
      }
      out.append((char) (hi << 4 | lo));
      i += 2;
    }
    return Optional.of(out.toString());
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
    return "AdminEndpoints[" + (metrics == null ? "no metrics" : "with metrics") + "]";
  }

  /**
   * Configures {@link AdminEndpoints}. A token is required: the admin endpoints are never open.
   * Not thread-safe; {@link #build()} may be called more than once.
   *
   * <pre>{@code
   * AdminEndpoints admin = AdminEndpoints.builder(gateways::current).bearerToken(token).metrics(registry::scrape).build();
   * }</pre>
   *
   * @since 0.1
   */
  public static final class Builder {
    private final Supplier<Gateway> gateway;
    private byte[] tokenHash;
    private Supplier<String> metrics;

    private Builder(Supplier<Gateway> gateway) {
      this.gateway = gateway;
    }

    /**
     * Requires {@code Authorization: Bearer <token>} on every call (the scheme in any case). The
     * token is kept only as its SHA-256 hash and compared in constant time; it never appears in a
     * message or a response.
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
     * {@code scrape()}. Without one, {@code /metrics} answers 404. The supplier runs on the
     * executor passed to {@link AdminEndpoints#handle} for each call.
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
     * Builds the endpoints.
     *
     * <pre>{@code
     * AdminEndpoints admin = builder.build();
     * }</pre>
     *
     * @return the endpoints
     * @throws IllegalStateException if no {@link #bearerToken(String) token} is set
     * @throws GatewayException if {@code io.gatehouse:gateway-impl}, which renders the documents,
     *     is not on the class path
     */
    public AdminEndpoints build() {
      if (tokenHash == null) {
        throw new IllegalStateException(
            "bearerToken: none (expected: a token of at least 16 characters; the admin endpoints are never open)");
      }
      AdapterServices documents = Services.find().orElseThrow(() -> new GatewayException(
          "no AdapterServices on the class path (expected: the artifact io.gatehouse:gateway-impl)"));
      return new AdminEndpoints(gateway, tokenHash.clone(), metrics, documents);
    }
  }
}

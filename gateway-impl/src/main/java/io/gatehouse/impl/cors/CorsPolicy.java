package io.gatehouse.impl.cors;

import io.gatehouse.edge.Cors;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.observe.Rejection;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * One route's CORS policy, compiled: the answer to a preflight, and the headers an actual
 * request's response gets, as the Fetch standard's CORS protocol reads them. The origin is decided
 * once per request ({@link #allowedOrigin}); a response is then changed without looking at the
 * request again. Immutable.
 *
 * <pre>{@code
 * CorsPolicy policy = CorsPolicy.of("orders", Cors.allowOrigins("https://app.example.com"), Set.of("GET", "HEAD"));
 * Response answer = policy.preflight(request, state);              // 204 or 403/400, never upstream
 * Response out = policy.decorate(policy.allowedOrigin(request.headers()), upstreamResponse);
 * }</pre>
 */
final class CorsPolicy {
  static final String ORIGIN = "Origin";
  static final String REQUEST_METHOD = "Access-Control-Request-Method";
  static final String REQUEST_HEADERS = "Access-Control-Request-Headers";
  static final String ALLOW_ORIGIN = "Access-Control-Allow-Origin";
  static final String ALLOW_CREDENTIALS = "Access-Control-Allow-Credentials";
  static final String ALLOW_METHODS = "Access-Control-Allow-Methods";
  static final String ALLOW_HEADERS = "Access-Control-Allow-Headers";
  static final String EXPOSE_HEADERS = "Access-Control-Expose-Headers";
  static final String MAX_AGE = "Access-Control-Max-Age";
  /** What a preflight's answer depends on: a cache must not give it to a request that differs in these. */
  static final String PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";
  /** Browsers send these without a preflight, or ask only about their headers: never refused. */
  private static final Set<String> SAFELISTED_METHODS = Set.of("GET", "HEAD", "POST");
  private static final String PREFIX = "access-control-";

  private final String routeId;
  private final Set<String> exactOrigins;
  private final List<OriginPattern> patterns;
  private final boolean anyOrigin;
  private final Set<String> routeMethods;
  private final Set<String> methods; // empty: the route's
  private final String allowMethods; // the configured list as sent, or null to echo the request's
  private final Set<String> headers; // lower case
  private final boolean anyHeader;
  private final String exposeHeaders; // or null
  private final boolean credentials;
  private final String maxAge; // whole seconds, or null

  private CorsPolicy(String routeId, Cors cors, Set<String> routeMethods) {
    this.routeId = routeId;
    Set<String> exact = new HashSet<>();
    List<OriginPattern> wildcards = new ArrayList<>();
    for (String entry : cors.origins()) {
      OriginPattern pattern = OriginPattern.parse(entry);
      if (pattern.isPattern()) {
        wildcards.add(pattern);
      } else {
        exact.add(entry);
      }
    }
    this.exactOrigins = Set.copyOf(exact);
    this.patterns = List.copyOf(wildcards);
    this.anyOrigin = cors.allowsAnyOrigin();
    this.routeMethods = Set.copyOf(routeMethods);
    this.methods = Set.copyOf(cors.methods());
    this.allowMethods = cors.methods().isEmpty() ? null : String.join(", ", cors.methods());
    Set<String> lower = new HashSet<>();
    cors.headers().forEach(h -> lower.add(h.toLowerCase(Locale.ROOT)));
    this.headers = Set.copyOf(lower);
    this.anyHeader = cors.allowsAnyHeader();
    this.exposeHeaders = cors.exposedHeaders().isEmpty() ? null : String.join(", ", cors.exposedHeaders());
    this.credentials = cors.allowsCredentials();
    this.maxAge = cors.maxAge().map(d -> Long.toString(d.getSeconds())).orElse(null);
  }

  /**
   * Compiles a policy that {@link CorsCompiler} checked.
   *
   * @param routeId the route it serves
   * @param cors the policy, enabled and without violations
   * @param routeMethods every method the route takes
   */
  static CorsPolicy of(String routeId, Cors cors, Set<String> routeMethods) {
    return new CorsPolicy(routeId, cors, routeMethods);
  }

  /** Whether a request is a CORS preflight: {@code OPTIONS} with {@code Origin} and {@code Access-Control-Request-Method}. */
  static boolean isPreflight(Request request) {
    return request.method().equals("OPTIONS") && request.headers().contains(ORIGIN)
        && request.headers().contains(REQUEST_METHOD);
  }

  /**
   * The {@code Access-Control-Allow-Origin} a request's response gets.
   *
   * @param headers the request's headers
   * @return {@code *} or the request's one {@code Origin}; empty when the request has no origin
   *     this policy allows (none, several, {@code null} unless listed, or another)
   */
  Optional<String> allowedOrigin(HttpHeaders headers) {
    List<String> values = headers.all(ORIGIN);
    if (values.size() != 1) {
      return Optional.empty();
    }
    String origin = values.get(0);
    if (anyOrigin) {
      return origin.equals("null") ? Optional.empty() : Optional.of("*");
    }
    if (exactOrigins.contains(origin)) {
      return Optional.of(origin);
    }
    for (OriginPattern pattern : patterns) {
      if (pattern.matches(origin)) {
        return Optional.of(origin);
      }
    }
    return Optional.empty();
  }

  /**
   * The gateway's answer to a preflight: 204 with the CORS headers when the origin, the method and
   * every requested header are allowed; else a problem without them (403, or 400 for a malformed
   * request). Every answer varies on the three request headers it reads.
   *
   * @param request a request for which {@link #isPreflight} holds
   * @param state the request's state, told of a refusal
   */
  Response preflight(Request request, RequestState state) {
    Optional<String> origin = allowedOrigin(request.headers());
    if (origin.isEmpty()) {
      return refused(state, 403, "the origin of the request may not use this route from a browser");
    }
    List<String> methodLines = request.headers().all(REQUEST_METHOD);
    String method = methodLines.get(0);
    if (methodLines.size() != 1 || !HttpHeaders.isValidName(method)) {
      return refused(state, 400, REQUEST_METHOD + " is malformed (expected: one method token)");
    }
    if (!allowsMethod(method)) {
      return refused(state, 403, "method " + method + " may not be used here from a browser on another origin");
    }
    Optional<List<String>> requested = RequestedHeaders.parse(request.headers().all(REQUEST_HEADERS));
    if (requested.isEmpty()) {
      return refused(state, 400, REQUEST_HEADERS + " is malformed (expected: a comma-separated list of header names)");
    }
    if (!anyHeader) {
      for (String name : requested.get()) {
        if (!headers.contains(name)) {
          return refused(state, 403, "header " + name + " may not be sent here from a browser on another origin");
        }
      }
    }
    HttpHeaders.Builder answer = HttpHeaders.builder().add(ALLOW_ORIGIN, origin.get());
    if (credentials) {
      answer.add(ALLOW_CREDENTIALS, "true");
    }
    answer.add(ALLOW_METHODS, allowMethods == null ? method : allowMethods);
    if (!requested.get().isEmpty()) {
      answer.add(ALLOW_HEADERS, String.join(", ", requested.get()));
    }
    if (maxAge != null) {
      answer.add(MAX_AGE, maxAge);
    }
    answer.add("Vary", PREFLIGHT_VARY);
    return Response.builder(204).headers(answer.build()).build();
  }

  /** The route takes the method, and the policy lists it or lists none, or the method is safelisted. */
  private boolean allowsMethod(String method) {
    return routeMethods.contains(method)
        && (methods.isEmpty() || methods.contains(method) || SAFELISTED_METHODS.contains(method));
  }

  private Response refused(RequestState state, int status, String detail) {
    state.reject(status == 400 ? Rejection.BAD_REQUEST : Rejection.FORBIDDEN);
    Response problem = state.problem(status, status == 400 ? "Bad Request" : "Forbidden", detail);
    return problem.toBuilder().headers(problem.headers().toBuilder().add("Vary", PREFLIGHT_VARY).build()).build();
  }

  /**
   * An actual request's response as the browser gets it: without any {@code Access-Control-*}
   * header the upstream or a filter set (the gateway owns CORS on this route), with the CORS
   * headers when the origin is allowed, and with {@code Origin} in {@code Vary} whatever the origin,
   * since the answer depends on it.
   *
   * @param allowOrigin what {@link #allowedOrigin} said of the request
   * @param response the response
   * @return the response with its headers changed; the body is untouched
   */
  Response decorate(Optional<String> allowOrigin, Response response) {
    HttpHeaders before = response.headers();
    HttpHeaders.Builder after = HttpHeaders.builder();
    List<String> vary = new ArrayList<>(1);
    before.forEach((name, value) -> {
      if (name.equalsIgnoreCase("Vary")) {
        vary.add(value);
      } else if (!name.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
        after.add(name, value);
      }
    });
    vary.forEach(value -> after.add("Vary", value));
    if (!variesOnOrigin(vary)) {
      after.set("Vary", vary.isEmpty() ? ORIGIN : String.join(", ", vary) + ", " + ORIGIN);
    }
    if (allowOrigin.isPresent()) {
      after.add(ALLOW_ORIGIN, allowOrigin.get());
      if (credentials) {
        after.add(ALLOW_CREDENTIALS, "true");
      }
      if (exposeHeaders != null) {
        after.add(EXPOSE_HEADERS, exposeHeaders);
      }
    }
    return response.toBuilder().headers(after.build()).build();
  }

  /** Whether {@code Vary} already names {@code Origin} (in any case) or is {@code *}, which covers it. */
  private static boolean variesOnOrigin(List<String> values) {
    for (String value : values) {
      for (String element : value.split(",")) {
        String name = element.strip();
        if (name.equals("*") || name.equalsIgnoreCase(ORIGIN)) {
          return true;
        }
      }
    }
    return false;
  }

  /** The route it serves. */
  String routeId() {
    return routeId;
  }
}

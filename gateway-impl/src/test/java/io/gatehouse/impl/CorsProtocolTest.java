package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.edge.Cors;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The CORS protocol of the Fetch standard, in memory: preflights answered by the gateway without
 * the upstream (allowed and refused: origin, method, headers, credentials, case variants, patterns
 * and their hostile look-alikes, ports, schemes, {@code null}), routed as their actual requests;
 * actual requests proxied with the CORS headers their origin earns, the upstream's own
 * {@code Access-Control-*} removed and {@code Vary} merged; and the same headers on the responses
 * the gateway makes itself (401, 403, 413, 429, 502, 500).
 */
class CorsProtocolTest {
  private static final String APP = "https://app.example.com";
  private final List<UpstreamCall> calls = new ArrayList<>();
  private volatile Function<UpstreamCall, CompletionStage<Response>> answer =
      call -> CompletableFuture.completedFuture(Response.of(200));
  private Gateway gateway;

  @BeforeEach
  void build() {
    RecordingTransport upstream = new RecordingTransport(call -> {
      calls.add(call);
      return answer.apply(call);
    });
    gateway = Gateway.builder().transport(upstream).extensionMethods("PROPFIND")
        .cors(Cors.allowOrigins(APP, "https://*.example.com", "http://localhost:3000")
            .allowMethods("PUT", "DELETE").allowHeaders("Content-Type", "X-Tenant")
            .exposeHeaders("X-Request-Id", "X-Total").allowCredentials(true).maxAge(Duration.ofMinutes(10)))
        .consumer(ApiConsumer.builder("alice").apiKey("alice-key-0123456789").build())
        .route("orders", r -> r.path("/orders/**").methods("GET", "POST", "PUT").upstream("http://orders:1"))
        .route("public", r -> r.path("/public/**").cors(Cors.allowAnyOrigin().allowAnyHeader()).upstream("http://public:1"))
        .route("sandbox", r -> r.path("/sandbox/**").cors(Cors.allowOrigins("null")).upstream("http://sandbox:1"))
        .route("internal", r -> r.path("/internal/**").cors(Cors.none()).upstream("http://internal:1"))
        .route("opts", r -> r.path("/opts/**").methods("OPTIONS", "GET").upstream("http://opts:1"))
        .route("dav", r -> r.path("/dav/**").methods("PROPFIND").cors(Cors.allowOrigins(APP)).upstream("http://dav:1"))
        .route("secure", r -> r.path("/secure/**").auth(Auth.apiKey()).upstream("http://secure:1"))
        .route("limited", r -> r.path("/limited/**").rateLimit(RateLimit.perRoute(1).per(Duration.ofHours(1)))
            .upstream("http://limited:1"))
        .route("small", r -> r.path("/small/**").maxRequestBody(10).upstream("http://small:1"))
        .route("static", r -> r.path("/static").respond(200, "text/plain", "hi"))
        .build();
  }

  @AfterEach
  void close() {
    gateway.close();
  }

  private Response send(Request request) throws Exception {
    return gateway.handle(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Request preflight(String path, String origin, String method, String requestHeaders) {
    Request.Builder b = Request.builder("OPTIONS", path).header("Host", "gw.test").header("Origin", origin)
        .header("Access-Control-Request-Method", method);
    if (requestHeaders != null) {
      b.header("Access-Control-Request-Headers", requestHeaders);
    }
    return b.build();
  }

  private static String header(Response response, String name) {
    List<String> values = response.headers().all(name);
    assertThat(values).as(name).hasSizeLessThanOrEqualTo(1);
    return values.isEmpty() ? null : values.get(0);
  }

  private static List<String> corsHeaders(Response response) {
    List<String> names = new ArrayList<>();
    response.headers().forEach((name, value) -> {
      if (name.toLowerCase().startsWith("access-control-")) {
        names.add(name + ": " + value);
      }
    });
    return names;
  }

  private static final String PREFLIGHT_VARY = "Origin, Access-Control-Request-Method, Access-Control-Request-Headers";

  @ParameterizedTest(name = "[{index}] {0} {1} {2} [{3}] -> {4}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      // path       | origin                           | method   | request headers        | status | Allow-Origin            | Allow-Methods | Allow-Headers
      "/orders/1    | https://app.example.com          | PUT      | NONE                   | 204 | https://app.example.com | PUT, DELETE | NONE",
      "/orders/1    | https://app.example.com          | GET      | content-type,x-tenant  | 204 | https://app.example.com | PUT, DELETE | content-type, x-tenant",
      "/orders/1    | https://app.example.com          | POST     | X-TENANT               | 204 | https://app.example.com | PUT, DELETE | x-tenant",
      "/orders/1    | https://app.example.com          | POST     | 'x-tenant , ,X-Tenant' | 204 | https://app.example.com | PUT, DELETE | x-tenant",
      "/orders/1    | https://app.example.com          | POST     | ''                     | 204 | https://app.example.com | PUT, DELETE | NONE",
      "/orders/1    | https://a.b.example.com          | PUT      | Content-Type           | 204 | https://a.b.example.com | PUT, DELETE | content-type",
      "/orders/1    | http://localhost:3000            | PUT      | NONE                   | 204 | http://localhost:3000   | PUT, DELETE | NONE",
      // refused by the policy: 403 (400 when malformed), no CORS header
      "/orders/1    | https://evil.example.net         | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com.evil.net | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | https://evilexample.com          | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | https://example.com              | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | http://app.example.com           | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com:8443     | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com:443      | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com/         | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | HTTPS://APP.EXAMPLE.COM          | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | http://localhost:30000           | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | null                             | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | ''                               | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com          | PUT      | x-other                | 403 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com          | PUT      | 'x-tenant,authorization' | 403 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com          | PUT      | 'x-tenant;x'           | 400 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com          | PUT      | 'x-tenant x'           | 400 | NONE | NONE | NONE",
      // routed as the actual request: a method the route does not take is the route's 405, as without CORS
      "/orders/1    | https://app.example.com          | DELETE   | NONE                   | 405 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com          | PATCH    | NONE                   | 405 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com          | put      | NONE                   | 405 | NONE | NONE | NONE",
      "/orders/1    | https://app.example.com          | 'P T'    | NONE                   | 405 | NONE | NONE | NONE",
      "/nowhere     | https://app.example.com          | GET      | NONE                   | 404 | NONE | NONE | NONE",
      // any origin but null, any header: '*' and the headers by name
      "/public/x    | https://anything.test            | DELETE   | 'x-custom,authorization' | 204 | * | DELETE | x-custom, authorization",
      "/public/x    | https://anything.test            | GET      | NONE                   | 204 | *    | GET  | NONE",
      "/public/x    | null                             | GET      | NONE                   | 403 | NONE | NONE | NONE",
      // null only where listed
      "/sandbox/x   | null                             | GET      | NONE                   | 204 | null | GET  | NONE",
      "/sandbox/x   | https://app.example.com          | GET      | NONE                   | 403 | NONE | NONE | NONE",
      // a route that takes OPTIONS: a preflight for a method it does not take falls back to it, and its policy refuses
      "/opts/x      | https://app.example.com          | GET      | NONE                   | 204 | https://app.example.com | PUT, DELETE | NONE",
      "/opts/x      | https://app.example.com          | PUT      | NONE                   | 403 | NONE | NONE | NONE",
      "/opts/x      | https://app.example.com          | 'P T'    | NONE                   | 400 | NONE | NONE | NONE",
      "/opts/x      | https://app.example.com          | ''       | NONE                   | 400 | NONE | NONE | NONE",
      // an extension method, by its route's own policy
      "/dav/x       | https://app.example.com          | PROPFIND | NONE                   | 204 | https://app.example.com | PROPFIND | NONE",
      "/dav/x       | https://a.example.com            | PROPFIND | NONE                   | 403 | NONE | NONE | NONE",
      // a static route has a policy too
      "/static      | https://app.example.com          | GET      | NONE                   | 204 | https://app.example.com | PUT, DELETE | NONE"})
  void a_preflight_is_answered_by_the_gateway_and_never_reaches_the_upstream(String path, String origin, String method,
      String requestHeaders, int status, String allowOrigin, String allowMethods, String allowHeaders) throws Exception {
    Response response = send(preflight(path, origin, method, requestHeaders));

    assertThat(response.status()).isEqualTo(status);
    assertThat(calls).isEmpty();
    assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo(allowOrigin);
    assertThat(header(response, "Access-Control-Allow-Methods")).isEqualTo(allowMethods);
    assertThat(header(response, "Access-Control-Allow-Headers")).isEqualTo(allowHeaders);
    if (allowOrigin == null) {
      assertThat(corsHeaders(response)).isEmpty();
    }
    if (status == 204) {
      boolean credentialed = !allowOrigin.equals("*") && !allowOrigin.equals("null") && !path.startsWith("/dav");
      assertThat(header(response, "Access-Control-Allow-Credentials")).isEqualTo(credentialed ? "true" : null);
      assertThat(header(response, "Access-Control-Max-Age")).isEqualTo(credentialed ? "600" : null);
      assertThat(header(response, "Access-Control-Expose-Headers")).isNull();
      assertThat(response.headers().first("Content-Type")).isEmpty();
    }
    if (status == 204 || status == 403 || status == 400) {
      assertThat(response.headers().all("Vary")).containsExactly(PREFLIGHT_VARY);
    }
    if (status == 403 || status == 400) {
      assertThat(header(response, "Content-Type")).isEqualTo("application/problem+json");
    }
  }

  @Test
  void a_preflight_to_a_route_without_cors_goes_upstream_as_the_options_request_it_is() throws Exception {
    Response response = send(preflight("/internal/x", APP, "GET", "x-tenant"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(calls).singleElement().satisfies(call -> {
      assertThat(call.request().method()).isEqualTo("OPTIONS");
      assertThat(call.request().headers().first("Access-Control-Request-Method")).hasValue("GET");
    });
  }

  @Test
  void a_preflight_with_two_method_lines_is_a_bad_request() throws Exception {
    Response response = send(Request.builder("OPTIONS", "/opts/x").header("Origin", APP)
        .header("Access-Control-Request-Method", "GET").header("Access-Control-Request-Method", "GET").build());

    assertThat(response.status()).isEqualTo(400);
    assertThat(corsHeaders(response)).isEmpty();
    assertThat(calls).isEmpty();
  }

  @Test
  void a_preflight_with_two_origins_is_refused() throws Exception {
    Response response = send(Request.builder("OPTIONS", "/orders/1").header("Origin", APP).header("Origin", APP)
        .header("Access-Control-Request-Method", "PUT").build());

    assertThat(response.status()).isEqualTo(403);
    assertThat(corsHeaders(response)).isEmpty();
  }

  @Test
  void an_options_request_without_the_preflight_headers_is_an_actual_request() throws Exception {
    Response optionsWithOrigin = send(Request.builder("OPTIONS", "/opts/x").header("Origin", APP).build());
    Response methodWithoutOrigin = send(Request.builder("OPTIONS", "/opts/x")
        .header("Access-Control-Request-Method", "GET").build());
    Response ordersOptions = send(Request.builder("OPTIONS", "/orders/1").header("Origin", APP).build());

    assertThat(optionsWithOrigin.status()).isEqualTo(200);
    assertThat(header(optionsWithOrigin, "Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(header(optionsWithOrigin, "Access-Control-Allow-Methods")).isNull();
    assertThat(methodWithoutOrigin.status()).isEqualTo(200);
    assertThat(corsHeaders(methodWithoutOrigin)).isEmpty();
    assertThat(calls).hasSize(2);
    assertThat(ordersOptions.status()).isEqualTo(405);
  }

  @Test
  void explain_routes_a_preflight_as_handle_does() {
    RouteExplanation routed = gateway.explain(preflight("/orders/1", APP, "PUT", null));
    RouteExplanation fallback = gateway.explain(preflight("/opts/x", APP, "PUT", null));
    RouteExplanation internal = gateway.explain(preflight("/internal/x", APP, "GET", null));
    RouteExplanation refused = gateway.explain(preflight("/orders/1", APP, "DELETE", null));
    RouteExplanation malformed = gateway.explain(preflight("/orders/1", APP, "P T", null));

    assertThat(routed.matchedRoute()).hasValue("orders");
    assertThat(routed.method()).isEqualTo("PUT");
    assertThat(routed.chain()).first().isEqualTo("cors stage of route 'orders'");
    assertThat(fallback.matchedRoute()).hasValue("opts");
    assertThat(fallback.method()).isEqualTo("OPTIONS");
    assertThat(internal.matchedRoute()).hasValue("internal");
    assertThat(internal.method()).isEqualTo("OPTIONS");
    assertThat(refused.matchedRoute()).isEmpty();
    assertThat(refused.problem()).hasValue("405 Method Not Allowed: method OPTIONS is not allowed here (expected: GET,"
        + " HEAD, POST, PUT)");
    assertThat(malformed.problem()).hasValue("405 Method Not Allowed: method OPTIONS is not allowed here (expected: GET,"
        + " HEAD, POST, PUT)");
  }

  private void upstreamAnswers(Response response) {
    answer = call -> CompletableFuture.completedFuture(response);
  }

  @ParameterizedTest(name = "[{index}] {0} {1} Origin {2} -> {3}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      // method | path       | origin                    | Allow-Origin            | credentials | Expose-Headers
      "GET      | /orders/1  | https://app.example.com   | https://app.example.com | true | X-Request-Id, X-Total",
      "POST     | /orders/1  | https://app.example.com   | https://app.example.com | true | X-Request-Id, X-Total",
      "PUT      | /orders/1  | https://x.y.example.com   | https://x.y.example.com | true | X-Request-Id, X-Total",
      "GET      | /orders/1  | NONE                      | NONE                    | NONE | NONE",
      "GET      | /orders/1  | https://evil.example.net  | NONE                    | NONE | NONE",
      "GET      | /orders/1  | https://evilexample.com   | NONE                    | NONE | NONE",
      "GET      | /orders/1  | null                      | NONE                    | NONE | NONE",
      "GET      | /orders/1  | ''                        | NONE                    | NONE | NONE",
      "GET      | /public/x  | https://anything.test     | *                       | NONE | NONE",
      "GET      | /public/x  | null                      | NONE                    | NONE | NONE",
      "GET      | /sandbox/x | null                      | null                    | NONE | NONE",
      "OPTIONS  | /opts/x    | https://app.example.com   | https://app.example.com | true | X-Request-Id, X-Total"})
  void an_actual_request_is_proxied_and_its_response_gets_the_headers_its_origin_earns(String method, String path,
      String origin, String allowOrigin, String credentials, String expose) throws Exception {
    upstreamAnswers(Response.builder(200).header("Access-Control-Allow-Origin", "*")
        .header("access-control-allow-credentials", "true").header("Access-Control-Expose-Headers", "X-Secret")
        .header("Access-Control-Allow-Methods", "GET").header("Access-Control-Max-Age", "86400")
        .header("X-Total", "7").build());
    Request.Builder request = Request.builder(method, path).header("Host", "gw.test");
    if (origin != null) {
      request.header("Origin", origin);
    }

    Response response = send(request.build());

    assertThat(response.status()).isEqualTo(200);
    assertThat(calls).singleElement().satisfies(call -> {
      assertThat(call.request().method()).isEqualTo(method);
      assertThat(call.request().headers().first("Origin")).isEqualTo(java.util.Optional.ofNullable(origin));
    });
    assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo(allowOrigin);
    assertThat(header(response, "Access-Control-Allow-Credentials")).isEqualTo(credentials);
    assertThat(header(response, "Access-Control-Expose-Headers")).isEqualTo(expose);
    assertThat(header(response, "Access-Control-Allow-Methods")).isNull();
    assertThat(header(response, "Access-Control-Max-Age")).isNull();
    assertThat(response.headers().all("Vary")).containsExactly("Origin");
    assertThat(header(response, "X-Total")).isEqualTo("7");
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "NONE                          | Origin",
      "Accept-Encoding               | Accept-Encoding, Origin",
      "'Accept-Encoding, Accept'     | 'Accept-Encoding, Accept, Origin'",
      "Origin                        | Origin",
      "origin                        | origin",
      "'Accept, ORIGIN'              | 'Accept, ORIGIN'",
      "*                             | *",
      "'Accept,*'                    | 'Accept,*'",
      "Origins                       | Origins, Origin",
      "X-Origin                      | X-Origin, Origin"})
  void origin_is_merged_into_the_upstreams_vary_once(String upstreamVary, String vary) throws Exception {
    upstreamAnswers(upstreamVary == null ? Response.of(200) : Response.builder(200).header("Vary", upstreamVary).build());

    Response response = send(Request.builder("GET", "/orders/1").header("Origin", APP).build());

    assertThat(response.headers().all("Vary")).containsExactly(vary);
  }

  @Test
  void vary_lines_of_the_upstream_are_merged_into_one_with_origin() throws Exception {
    upstreamAnswers(Response.builder(200).header("Vary", "Accept").header("Vary", "Accept-Language").build());

    Response response = send(Request.builder("GET", "/orders/1").header("Origin", APP).build());

    assertThat(response.headers().all("Vary")).containsExactly("Accept, Accept-Language, Origin");
  }

  @Test
  void vary_lines_that_name_origin_are_left_as_they_are() throws Exception {
    upstreamAnswers(Response.builder(200).header("Vary", "Accept").header("Vary", "Origin").build());

    Response response = send(Request.builder("GET", "/orders/1").header("Origin", APP).build());

    assertThat(response.headers().all("Vary")).containsExactly("Accept", "Origin");
  }

  @Test
  void a_route_without_cors_passes_the_upstreams_cors_headers_untouched() throws Exception {
    upstreamAnswers(Response.builder(200).header("Access-Control-Allow-Origin", "https://upstream.example")
        .header("Vary", "Accept").build());

    Response response = send(Request.builder("GET", "/internal/x").header("Origin", APP).build());

    assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo("https://upstream.example");
    assertThat(response.headers().all("Vary")).containsExactly("Accept");
  }

  @Test
  void an_actual_request_with_two_origins_earns_no_cors_header() throws Exception {
    Response response = send(Request.builder("GET", "/orders/1").header("Origin", APP).header("Origin", APP).build());

    assertThat(corsHeaders(response)).isEmpty();
    assertThat(response.headers().all("Vary")).containsExactly("Origin");
    assertThat(calls).hasSize(1);
  }

  @Test
  void a_401_from_auth_carries_the_cors_headers_so_that_the_page_can_read_it() throws Exception {
    Response response = send(Request.builder("GET", "/secure/x").header("Origin", APP).build());

    assertThat(response.status()).isEqualTo(401);
    assertCorsFor(response, APP);
    assertThat(calls).isEmpty();
  }

  @Test
  void a_preflight_to_an_authenticated_route_needs_no_credentials() throws Exception {
    Response response = send(preflight("/secure/x", APP, "GET", "x-api-key"));

    assertThat(response.status()).isEqualTo(403); // X-API-Key is not an allowed header here
    Response allowed = send(preflight("/secure/x", APP, "GET", "x-tenant"));
    assertThat(allowed.status()).isEqualTo(204);
    assertThat(header(allowed, "Access-Control-Allow-Origin")).isEqualTo(APP);
    assertThat(calls).isEmpty();
  }

  @Test
  void a_429_from_a_rate_limit_carries_the_cors_headers() throws Exception {
    send(Request.builder("GET", "/limited/x").header("Origin", APP).build());
    Response response = send(Request.builder("GET", "/limited/x").header("Origin", APP).build());

    assertThat(response.status()).isEqualTo(429);
    assertCorsFor(response, APP);
    assertThat(calls).hasSize(1);
  }

  @Test
  void a_413_for_a_body_too_large_carries_the_cors_headers() throws Exception {
    Response response = send(Request.builder("POST", "/small/x").header("Origin", APP)
        .body(Body.of("more than ten bytes")).build());

    assertThat(response.status()).isEqualTo(413);
    assertCorsFor(response, APP);
    assertThat(calls).isEmpty();
  }

  @Test
  void a_502_when_the_upstream_fails_carries_the_cors_headers() throws Exception {
    answer = call -> CompletableFuture.failedFuture(new UpstreamException(UpstreamException.Kind.CONNECT_REFUSED, "x"));

    Response response = send(Request.builder("GET", "/orders/1").header("Origin", APP).build());

    assertThat(response.status()).isEqualTo(502);
    assertCorsFor(response, APP);
  }

  @Test
  void a_response_from_a_disallowed_origin_loses_the_upstreams_cors_headers_and_gains_none() throws Exception {
    upstreamAnswers(Response.builder(200).header("Access-Control-Allow-Origin", "https://evil.example.net")
        .header("Access-Control-Allow-Credentials", "true").build());

    Response response = send(Request.builder("GET", "/orders/1").header("Origin", "https://evil.example.net").build());

    assertThat(corsHeaders(response)).isEmpty();
  }

  @Test
  void a_filter_that_fails_gets_a_500_with_the_cors_headers() throws Exception {
    Filter broken = (exchange, chain) -> {
      throw new IllegalStateException("broken");
    };
    try (Gateway failing = Gateway.builder().transport(RecordingTransport.answering(200)).cors(Cors.allowOrigins(APP))
        .route("a", r -> r.path("/a").filter(broken).upstream("http://a:1")).build()) {
      Response response = failing.handle(Request.builder("GET", "/a").header("Origin", APP).build())
          .toCompletableFuture().get(5, TimeUnit.SECONDS);

      assertThat(response.status()).isEqualTo(500);
      assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo(APP);
      assertThat(response.headers().all("Vary")).containsExactly("Origin");
    }
  }

  @Test
  void a_filter_short_circuit_and_a_static_response_carry_the_cors_headers() throws Exception {
    Filter deny = (exchange, chain) -> CompletableFuture.completedFuture(Response.builder(403)
        .header("Access-Control-Allow-Origin", "*").build());
    try (Gateway filtered = Gateway.builder().transport(RecordingTransport.answering(200)).cors(Cors.allowOrigins(APP))
        .filter(deny).route("a", r -> r.path("/a").upstream("http://a:1"))
        .route("s", r -> r.path("/s").respond(200, "text/plain", "s")).build()) {
      Response response = filtered.handle(Request.builder("GET", "/a").header("Origin", APP).build())
          .toCompletableFuture().get(5, TimeUnit.SECONDS);

      assertThat(response.status()).isEqualTo(403);
      assertThat(corsHeaders(response)).containsExactly("Access-Control-Allow-Origin: " + APP);
    }
    Response fixed = send(Request.builder("GET", "/static").header("Origin", APP).build());
    assertCorsFor(fixed, APP);
  }

  @Test
  void a_route_response_header_change_cannot_set_the_cors_headers_of_a_route_with_cors() throws Exception {
    try (Gateway g = Gateway.builder().transport(RecordingTransport.answering(200)).cors(Cors.allowOrigins(APP))
        .route("a", r -> r.path("/a").setResponseHeader("Access-Control-Allow-Origin", "*").upstream("http://a:1"))
        .build()) {
      Response response = g.handle(Request.builder("GET", "/a").header("Origin", "https://evil.example.net").build())
          .toCompletableFuture().get(5, TimeUnit.SECONDS);

      assertThat(corsHeaders(response)).isEmpty();
    }
  }

  @Test
  void max_age_is_sent_in_whole_seconds_and_zero_is_sent() throws Exception {
    try (Gateway g = Gateway.builder().transport(RecordingTransport.answering(200))
        .route("a", r -> r.path("/a").cors(Cors.allowOrigins(APP).maxAge(Duration.ofMillis(90_999))).upstream("http://a:1"))
        .route("z", r -> r.path("/z").cors(Cors.allowOrigins(APP).maxAge(Duration.ZERO)).upstream("http://a:1"))
        .build()) {
      Response a = g.handle(preflight("/a", APP, "GET", null)).toCompletableFuture().get(5, TimeUnit.SECONDS);
      Response z = g.handle(preflight("/z", APP, "GET", null)).toCompletableFuture().get(5, TimeUnit.SECONDS);

      assertThat(header(a, "Access-Control-Max-Age")).isEqualTo("90");
      assertThat(header(z, "Access-Control-Max-Age")).isEqualTo("0");
    }
  }

  @Test
  void expose_star_is_sent_as_is_without_credentials() throws Exception {
    try (Gateway g = Gateway.builder().transport(RecordingTransport.answering(200))
        .route("a", r -> r.path("/a").cors(Cors.allowAnyOrigin().exposeHeaders("*")).upstream("http://a:1"))
        .build()) {
      Response response = g.handle(Request.builder("GET", "/a").header("Origin", APP).build())
          .toCompletableFuture().get(5, TimeUnit.SECONDS);

      assertThat(header(response, "Access-Control-Expose-Headers")).isEqualTo("*");
      assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo("*");
    }
  }

  @Test
  void without_allow_methods_every_method_the_route_takes_is_allowed_and_echoed() throws Exception {
    try (Gateway g = Gateway.builder().transport(RecordingTransport.answering(200))
        .route("a", r -> r.path("/a").methods("GET", "DELETE").cors(Cors.allowOrigins(APP)).upstream("http://a:1"))
        .route("any", r -> r.path("/any").cors(Cors.allowOrigins(APP)).upstream("http://a:1"))
        .build()) {
      Function<Request, Response> send = r -> g.handle(r).toCompletableFuture().join();

      assertThat(header(send.apply(preflight("/a", APP, "DELETE", null)), "Access-Control-Allow-Methods")).isEqualTo("DELETE");
      assertThat(header(send.apply(preflight("/a", APP, "HEAD", null)), "Access-Control-Allow-Methods")).isEqualTo("HEAD");
      assertThat(send.apply(preflight("/a", APP, "PUT", null)).status()).isEqualTo(405);
      assertThat(header(send.apply(preflight("/any", APP, "PATCH", null)), "Access-Control-Allow-Methods")).isEqualTo("PATCH");
      assertThat(send.apply(preflight("/any", APP, "TRACE", null)).status()).isEqualTo(403);
    }
  }

  private static String body(Response response) throws Exception {
    return new String(response.body().bytes(1 << 16).toCompletableFuture().get(5, TimeUnit.SECONDS),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  @Test
  void a_refused_preflight_is_a_forbidden_or_bad_request_problem_in_its_body_and_its_record() throws Exception {
    List<RequestRecord> records = new CopyOnWriteArrayList<>();
    try (Gateway g = Gateway.builder().transport(RecordingTransport.answering(200)).observer(records::add)
        .accessLog(false).cors(Cors.allowOrigins(APP)).route("a", r -> r.path("/a").upstream("http://a:1")).build()) {
      Response forbidden = g.handle(preflight("/a", "https://evil.example.net", "GET", null)).toCompletableFuture().get();
      Response bad = g.handle(preflight("/a", APP, "GET", "a;b")).toCompletableFuture().get();
      Response allowed = g.handle(preflight("/a", APP, "GET", null)).toCompletableFuture().get();

      assertThat(body(forbidden)).contains("\"title\":\"Forbidden\"", "\"status\":403",
          "the origin of the request may not use this route from a browser");
      assertThat(body(bad)).contains("\"title\":\"Bad Request\"", "\"status\":400",
          "Access-Control-Request-Headers is malformed (expected: a comma-separated list of header names)");
      assertThat(body(allowed)).isEmpty();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
      while (records.size() < 3 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(records).extracting(r -> r.status() + " " + r.rejection().map(Rejection::name).orElse("-")
          + " " + r.routeId().orElse("-")).containsExactlyInAnyOrder("403 FORBIDDEN a", "400 BAD_REQUEST a", "204 - a");
    }
  }

  @Test
  void a_refused_method_or_header_is_named_in_the_problem() throws Exception {
    assertThat(body(send(preflight("/orders/1", APP, "PUT", "x-tenant,x-other"))))
        .contains("header x-other may not be sent here from a browser on another origin");
    assertThat(body(send(preflight("/opts/x", APP, "PUT", null))))
        .contains("method PUT may not be used here from a browser on another origin");
    assertThat(body(send(preflight("/opts/x", APP, "P T", null))))
        .contains("Access-Control-Request-Method is malformed (expected: one method token)");
  }

  @Test
  void a_preflight_lacks_the_headers_a_route_matches_on_and_goes_to_a_route_without_that_condition() throws Exception {
    try (Gateway g = Gateway.builder().transport(RecordingTransport.answering(200)).cors(Cors.allowOrigins(APP)
            .allowHeaders("X-Beta"))
        .route("beta", r -> r.path("/api/**").header("X-Beta", "1").upstream("http://beta:1"))
        .route("main", r -> r.path("/api/**").upstream("http://main:1"))
        .route("only-beta", r -> r.path("/beta-only/**").header("X-Beta", "1").upstream("http://beta:1"))
        .build()) {
      Response preflight = g.handle(preflight("/api/x", APP, "GET", "x-beta")).toCompletableFuture().get(5, TimeUnit.SECONDS);
      Response unmatched = g.handle(preflight("/beta-only/x", APP, "GET", "x-beta")).toCompletableFuture()
          .get(5, TimeUnit.SECONDS);

      assertThat(preflight.status()).isEqualTo(204);
      assertThat(g.explain(preflight("/api/x", APP, "GET", "x-beta")).matchedRoute()).hasValue("main");
      assertThat(header(preflight, "Access-Control-Allow-Headers")).isEqualTo("x-beta");
      assertThat(unmatched.status()).isEqualTo(404);
      assertThat(corsHeaders(unmatched)).isEmpty();
    }
  }

  private static void assertCorsFor(Response response, String origin) {
    assertThat(header(response, "Access-Control-Allow-Origin")).isEqualTo(origin);
    assertThat(header(response, "Access-Control-Allow-Credentials")).isEqualTo("true");
    assertThat(header(response, "Access-Control-Expose-Headers")).isEqualTo("X-Request-Id, X-Total");
    assertThat(response.headers().all("Vary")).containsExactly("Origin");
  }
}

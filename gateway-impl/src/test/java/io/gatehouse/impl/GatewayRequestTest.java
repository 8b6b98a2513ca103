package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.filter.AttributeKey;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The compiled gateway end to end in memory: normalization, routing, chain, proxy terminal. */
class GatewayRequestTest {
  private final RecordingTransport upstream = RecordingTransport.answering(200);
  private final List<Gateway> built = new ArrayList<>();

  @AfterEach
  void close() {
    built.forEach(Gateway::close);
  }

  private Gateway gateway(Consumer<Gateway.Builder> routes) {
    Gateway.Builder b = Gateway.builder().transport(upstream);
    routes.accept(b);
    Gateway g = b.build();
    built.add(g);
    return g;
  }

  private static Response send(Gateway gateway, Request request) throws Exception {
    return gateway.handle(request).toCompletableFuture().get(5, TimeUnit.SECONDS);
  }

  private static Response get(Gateway gateway, String target) throws Exception {
    return send(gateway, Request.builder("GET", target).header("Host", "gw.test").build());
  }

  private static String body(Response response) throws Exception {
    return new String(response.body().bytes(1 << 20).toCompletableFuture().get(5, TimeUnit.SECONDS), StandardCharsets.UTF_8);
  }

  private Gateway adminAndPublic() {
    return gateway(b -> b
        .route("admin", r -> r.path("/admin/**").respond(200, "text/plain", "admin"))
        .route("public", r -> r.path("/public/**").respond(200, "text/plain", "public")));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(delimiter = '|', value = {
      "/public/../admin       | 200 | admin",
      "/%61dmin               | 200 | admin",
      "//admin                | 200 | admin",
      "/public/./x            | 200 | public",
      "/public/%2e%2e/admin   | 200 | admin",
      "/ADMIN                 | 404 | ",
      "/admin;x=y             | 400 | ",
      "/public/..%2Fadmin     | 400 | ",
      "/public%2F..%2Fadmin   | 400 | ",
      "/public/%5c../admin    | 400 | ",
      "/%00admin              | 400 | ",
      "/public/%zz            | 400 | ",
      "/../admin              | 400 | "})
  void encoding_tricks_reach_only_the_route_of_the_normalized_path(String target, int status, String route) throws Exception {
    Response res = get(adminAndPublic(), target);
    assertThat(res.status()).isEqualTo(status);
    if (status == 200) {
      assertThat(body(res)).isEqualTo(route);
    } else {
      assertThat(res.headers().first("Content-Type")).contains("application/problem+json");
    }
  }

  @Test
  void the_first_declared_matching_route_wins() throws Exception {
    Gateway g = gateway(b -> b
        .route("beta", r -> r.path("/items/{id}").header("X-Beta", "true").respond(200, "text/plain", "beta"))
        .route("items", r -> r.path("/items/{id}").respond(200, "text/plain", "items"))
        .route("rest", r -> r.path("/**").respond(200, "text/plain", "rest")));
    assertThat(body(send(g, Request.builder("GET", "/items/1").header("X-Beta", "true").build()))).isEqualTo("beta");
    assertThat(body(get(g, "/items/1"))).isEqualTo("items");
    assertThat(body(get(g, "/other"))).isEqualTo("rest");
  }

  @Test
  void predicates_on_host_query_cookie_and_custom_code_select_routes() throws Exception {
    Gateway g = gateway(b -> b
        .route("host", r -> r.path("/x").host("*.example.com").respond(200, "text/plain", "host"))
        .route("query", r -> r.path("/x").query("v", "2").respond(200, "text/plain", "query"))
        .route("cookie", r -> r.path("/x").cookieMatches("session", "[a-f0-9]+").respond(200, "text/plain", "cookie"))
        .route("custom", r -> r.path("/x").predicate("from 10/8", req -> req.remoteAddress().getAddress().getHostAddress().startsWith("10."))
            .respond(200, "text/plain", "custom"))
        .route("fallback", r -> r.path("/x").respond(200, "text/plain", "fallback")));
    assertThat(body(send(g, Request.builder("GET", "/x").header("Host", "api.example.com:8443").build()))).isEqualTo("host");
    assertThat(body(send(g, Request.builder("GET", "/x").header("Host", "example.com").build()))).isEqualTo("fallback");
    assertThat(body(send(g, Request.builder("GET", "/x?a=1&v=2").build()))).isEqualTo("query");
    assertThat(body(send(g, Request.builder("GET", "/x").header("Cookie", "a=b; session=\"beef01\"").build()))).isEqualTo("cookie");
    assertThat(body(send(g, Request.builder("GET", "/x").header("Cookie", "session=XYZ").build()))).isEqualTo("fallback");
    assertThat(body(send(g, Request.builder("GET", "/x")
        .remoteAddress(new InetSocketAddress(InetAddress.getByName("10.1.2.3"), 5000)).build()))).isEqualTo("custom");
  }

  @Test
  void no_route_is_404_and_a_wrong_method_is_405_with_allow() throws Exception {
    Gateway g = gateway(b -> b
        .route("read", r -> r.path("/orders/{id}").methods("GET", "HEAD").respond(200, "text/plain", "r"))
        .route("write", r -> r.path("/orders/{id}").methods("PUT").respond(200, "text/plain", "w"))
        .route("beta", r -> r.path("/orders/{id}").methods("DELETE").header("X-Beta").respond(200, "text/plain", "b")));
    Response missing = get(g, "/customers/1");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(body(missing)).contains("\"title\":\"Not Found\"", "\"status\":404", "no route matches GET /customers/1");

    Response wrongMethod = send(g, Request.builder("POST", "/orders/1").build());
    assertThat(wrongMethod.status()).isEqualTo(405);
    assertThat(wrongMethod.headers().first("Allow")).contains("GET, HEAD, PUT");
  }

  @Test
  void problems_are_rfc9457_with_the_request_id() throws Exception {
    Gateway g = gateway(b -> b.route("a", r -> r.path("/a").respond(200, "text/plain", "")));
    Response res = send(g, Request.builder("GET", "/b").header("X-Request-Id", "abc-123").build());
    assertThat(res.headers().first("Content-Type")).contains("application/problem+json");
    assertThat(res.headers().first("X-Request-Id")).contains("abc-123");
    assertThat(body(res)).isEqualTo("{\"type\":\"urn:gatehouse:problem:not-found\",\"title\":\"Not Found\",\"status\":404,"
        + "\"detail\":\"no route matches GET /b\",\"requestId\":\"abc-123\"}");
  }

  @Test
  void a_malformed_incoming_request_id_is_replaced() throws Exception {
    Gateway g = gateway(b -> b.route("a", r -> r.path("/a").upstream("http://a:1")));
    send(g, Request.builder("GET", "/a").header("X-Request-Id", "bad id\"<script>").build());
    String sent = upstream.onlyCall().request().headers().first("X-Request-Id").orElseThrow();
    assertThat(sent).matches("[0-9a-f]{32}");
  }

  @Test
  void the_upstream_receives_the_normalized_stripped_path_raw_query_and_cleaned_headers() throws Exception {
    Gateway g = gateway(b -> b.route("orders", r -> r.path("/api/orders/**").stripPrefix(1)
        .setRequestHeader("X-Env", "test").removeRequestHeader("X-Drop").upstream("http://orders:8080/v2/")));
    send(g, Request.builder("POST", "/api//orders/./7?b=2&a=%20x")
        .header("Host", "gw.example.com")
        .header("X-Request-Id", "req-1")
        .header("Connection", "keep-alive, X-Secret-Hop")
        .header("X-Secret-Hop", "1")
        .header("Keep-Alive", "timeout=5")
        .header("TE", "trailers")
        .header("Upgrade", "websocket")
        .header("Proxy-Authorization", "Basic Zm9v")
        .header("Proxy-Connection", "close")
        .header("Transfer-Encoding", "chunked")
        .header("Content-Length", "3")
        .header("X-Drop", "1")
        .header("Accept", "application/json")
        .body(Body.of("abc"))
        .build());
    UpstreamCall call = upstream.onlyCall();
    assertThat(call.origin().toString()).isEqualTo("http://orders:8080");
    assertThat(call.request().method()).isEqualTo("POST");
    assertThat(call.request().path()).isEqualTo("/v2/orders/7");
    assertThat(call.request().rawQuery()).contains("b=2&a=%20x");
    HttpHeaders h = call.request().headers();
    for (String hop : List.of("Connection", "X-Secret-Hop", "Keep-Alive", "TE", "Upgrade", "Proxy-Authorization",
        "Proxy-Connection", "Transfer-Encoding", "Content-Length", "Host", "X-Drop")) {
      assertThat(h.contains(hop)).as(hop).isFalse();
    }
    assertThat(h.first("Accept")).contains("application/json");
    assertThat(h.first("X-Env")).contains("test");
    assertThat(h.first("X-Request-Id")).contains("req-1");
    assertThat(h.first("X-Forwarded-For")).contains("127.0.0.1");
    assertThat(h.first("X-Forwarded-Proto")).contains("http");
    assertThat(h.first("X-Forwarded-Host")).contains("gw.example.com");
    assertThat(h.first("Forwarded")).contains("for=127.0.0.1;proto=http;host=gw.example.com");
    assertThat(call.request().body().contentLength()).hasValue(3);
  }

  @Test
  void forwarding_headers_from_an_untrusted_peer_are_replaced() throws Exception {
    Gateway g = gateway(b -> b.route("a", r -> r.path("/a").upstream("http://a:1")));
    send(g, Request.builder("GET", "/a").header("Host", "gw")
        .header("X-Forwarded-For", "1.2.3.4").header("X-Forwarded-Host", "evil").header("X-Forwarded-Proto", "https")
        .header("Forwarded", "for=1.2.3.4").remoteAddress(new InetSocketAddress(InetAddress.getByName("203.0.113.9"), 1))
        .build());
    HttpHeaders h = upstream.onlyCall().request().headers();
    assertThat(h.all("X-Forwarded-For")).containsExactly("203.0.113.9");
    assertThat(h.all("X-Forwarded-Host")).containsExactly("gw");
    assertThat(h.all("X-Forwarded-Proto")).containsExactly("http");
    assertThat(h.all("Forwarded")).containsExactly("for=203.0.113.9;proto=http;host=gw");
  }

  @Test
  void forwarding_headers_from_a_trusted_proxy_are_extended() throws Exception {
    Gateway g = gateway(b -> b.trustedProxies("10.0.0.0/8", "::1")
        .route("a", r -> r.path("/a").upstream("http://a:1")));
    send(g, Request.builder("GET", "/a").header("Host", "internal:8080")
        .header("X-Forwarded-For", "198.51.100.7").header("X-Forwarded-Host", "shop.example.com")
        .header("X-Forwarded-Proto", "https").header("Forwarded", "for=198.51.100.7;proto=https")
        .remoteAddress(new InetSocketAddress(InetAddress.getByName("10.9.8.7"), 1)).build());
    HttpHeaders h = upstream.onlyCall().request().headers();
    assertThat(h.all("X-Forwarded-For")).containsExactly("198.51.100.7, 10.9.8.7");
    assertThat(h.all("X-Forwarded-Host")).containsExactly("shop.example.com");
    assertThat(h.all("X-Forwarded-Proto")).containsExactly("https");
    assertThat(h.all("Forwarded")).containsExactly("for=198.51.100.7;proto=https, for=10.9.8.7;proto=http;host=\"internal:8080\"");
  }

  @Test
  void an_ipv6_peer_is_quoted_in_forwarded() throws Exception {
    Gateway g = gateway(b -> b.route("a", r -> r.path("/a").upstream("http://a:1")));
    send(g, Request.builder("GET", "/a").remoteAddress(new InetSocketAddress(InetAddress.getByName("::1"), 1)).build());
    assertThat(upstream.onlyCall().request().headers().first("Forwarded")).contains("for=\"[0:0:0:0:0:0:0:1]\";proto=http");
  }

  @Test
  void rewrite_uses_regex_groups_and_template_variables() throws Exception {
    Gateway g = gateway(b -> b.route("users", r -> r.path("/v1/users/{id}/{rest}")
        .rewritePath("^/v1/users/([^/]+)/(.*)$", "/people/{id}/$2").upstream("http://a:1")));
    get(g, "/v1/users/42/profile");
    assertThat(upstream.onlyCall().request().path()).isEqualTo("/people/42/profile");
  }

  @Test
  void response_header_rules_and_hop_by_hop_removal_apply_on_the_way_out() throws Exception {
    RecordingTransport answering = new RecordingTransport(call -> CompletableFuture.completedFuture(
        Response.builder(200).headers(HttpHeaders.of("Server", "orders/1.0", "Connection", "close, X-Hop", "X-Hop", "1",
            "Keep-Alive", "timeout=5", "X-Kept", "yes")).build()));
    Gateway g = Gateway.builder().transport(answering)
        .route("a", r -> r.path("/a").removeResponseHeader("Server").setResponseHeader("X-Frame-Options", "DENY")
            .upstream("http://a:1")).build();
    built.add(g);
    Response res = get(g, "/a");
    assertThat(res.headers().names()).containsExactly("X-Kept", "X-Frame-Options", "X-Request-Id");
  }

  @ParameterizedTest
  @CsvSource({"CONNECT_REFUSED, 502", "CONNECTION_RESET, 502", "PROTOCOL_ERROR, 502", "CONNECT_TIMEOUT, 504", "RESPONSE_TIMEOUT, 504"})
  void upstream_failures_become_502_or_504_problems(UpstreamException.Kind kind, int status) throws Exception {
    RecordingTransport failing = new RecordingTransport(call -> CompletableFuture.failedFuture(new UpstreamException(kind, "x")));
    Gateway g = Gateway.builder().transport(failing).route("a", r -> r.path("/a").upstream("http://a:1")).build();
    built.add(g);
    Response res = get(g, "/a");
    assertThat(res.status()).isEqualTo(status);
    assertThat(body(res)).contains("\"status\":" + status).doesNotContain("http://a:1");
  }

  @Test
  void route_timeouts_override_the_gateway_defaults() throws Exception {
    Gateway g = gateway(b -> b.connectTimeout(Duration.ofSeconds(3)).responseTimeout(Duration.ofSeconds(9))
        .route("fast", r -> r.path("/fast").responseTimeout(Duration.ofMillis(250)).upstream("http://a:1"))
        .route("default", r -> r.path("/default").upstream("http://a:1")));
    get(g, "/fast");
    get(g, "/default");
    assertThat(upstream.calls.get(0).responseTimeout()).hasMillis(250);
    assertThat(upstream.calls.get(0).connectTimeout()).hasSeconds(3);
    assertThat(upstream.calls.get(1).responseTimeout()).hasSeconds(9);
  }

  @Test
  void filters_run_global_first_then_route_and_share_attributes() throws Exception {
    AttributeKey<String> trail = AttributeKey.of("trail", String.class);
    Filter global = (ex, chain) -> {
      ex.attribute(trail, "global");
      return chain.proceed(ex.withRequest(ex.request().toBuilder().header("X-Global", "1").build()));
    };
    Filter route = (ex, chain) -> {
      String seen = ex.attribute(trail).orElse("none") + ">route:" + ex.routeId() + ":" + ex.pathVariables().get("id");
      return chain.proceed(ex).thenApply(res -> res.toBuilder().header("X-Trail", seen).build());
    };
    Gateway g = gateway(b -> b.filter(global).route("orders", r -> r.path("/orders/{id}").filter(route).upstream("http://a:1")));
    Response res = get(g, "/orders/7");
    assertThat(res.headers().first("X-Trail")).contains("global>route:orders:7");
    assertThat(upstream.onlyCall().request().headers().first("X-Global")).contains("1");
  }

  @Test
  void a_filter_may_answer_without_proceeding() throws Exception {
    Filter deny = (ex, chain) -> CompletableFuture.completedFuture(ex.problem(403, "Forbidden", "not for you"));
    Gateway g = gateway(b -> b.route("a", r -> r.path("/a").filter(deny).upstream("http://a:1")));
    assertThat(get(g, "/a").status()).isEqualTo(403);
    assertThat(upstream.calls).isEmpty();
  }

  @Test
  void a_filter_that_proceeds_twice_fails_loudly_naming_it() throws Exception {
    List<Throwable> seen = new ArrayList<>();
    Filter twice = (ex, chain) -> {
      chain.proceed(ex);
      try {
        return chain.proceed(ex);
      } catch (IllegalStateException e) {
        seen.add(e);
        throw e;
      }
    };
    Gateway g = gateway(b -> b.route("a", r -> r.path("/a").filter(twice).upstream("http://a:1")));
    Response res = get(g, "/a");
    assertThat(res.status()).isEqualTo(500);
    assertThat(seen).singleElement().extracting(Throwable::getMessage).asString()
        .contains("route 'a' filter #1").contains("called proceed() twice (expected: at most once)");
  }

  @Test
  void a_filter_that_returns_null_gets_500_not_a_hang() throws Exception {
    Filter broken = (ex, chain) -> null;
    Filter brokenLater = (ex, chain) -> CompletableFuture.completedFuture(null);
    Gateway g = gateway(b -> b
        .route("a", r -> r.path("/a").filter(broken).upstream("http://a:1"))
        .route("b", r -> r.path("/b").filter(brokenLater).upstream("http://a:1")));
    assertThat(get(g, "/a").status()).isEqualTo(500);
    assertThat(body(get(g, "/b"))).contains("\"status\":500").doesNotContain("Exception");
  }

  @Test
  void cancelling_the_response_cancels_the_upstream_call() throws Exception {
    CompletableFuture<Response> pending = new CompletableFuture<>();
    RecordingTransport hanging = new RecordingTransport(call -> pending);
    Gateway g = Gateway.builder().transport(hanging).route("a", r -> r.path("/a").upstream("http://a:1")).build();
    built.add(g);
    CompletionStage<Response> res = g.handle(Request.builder("GET", "/a").build());
    res.toCompletableFuture().cancel(true);
    assertThat(pending).isCancelled();
  }

  @Test
  void close_closes_the_transport() {
    Gateway g = gateway(b -> b.route("a", r -> r.path("/a").upstream("http://a:1")));
    g.close();
    assertThat(upstream.closed).isTrue();
  }

  @Test
  void a_static_response_can_be_sent_many_times() throws Exception {
    Gateway g = gateway(b -> b.route("s", r -> r.path("/s").respond(201, "text/plain", "made")));
    for (int i = 0; i < 3; i++) {
      Response res = get(g, "/s");
      assertThat(res.status()).isEqualTo(201);
      assertThat(body(res)).isEqualTo("made");
    }
  }

  @Test
  void chains_list_every_route_in_declaration_order_with_the_stages_that_explain_shows() {
    Gateway gateway = gateway(b -> b
        .route("zeta", r -> r.path("/z").respond(204, "text/plain", ""))
        .route("alpha", r -> r.path("/a/**").upstream("http://alpha.test:8080")));

    assertThat(gateway.chains()).containsOnlyKeys("zeta", "alpha");
    assertThat(gateway.chains().keySet()).containsExactly("zeta", "alpha");
    assertThat(gateway.chains().get("alpha"))
        .isNotEmpty()
        .isEqualTo(gateway.explain(Request.builder("GET", "/a/1").build()).chain());
    assertThat(gateway.chains().get("zeta"))
        .isEqualTo(gateway.explain(Request.builder("GET", "/z").build()).chain());
  }
}

package io.gatehouse.testing;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static io.gatehouse.testing.assertj.GatewayAssertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.auth.Auth;
import io.gatehouse.filter.Chain;
import io.gatehouse.filter.Exchange;
import io.gatehouse.filter.Filter;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.route.RouteExplanation.Candidate;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.route.StaticResponse;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.Mirror;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RouteExplainTest {
  /** Several predicates of each kind, so that every kind decides some request of the table below. */
  private final GatewayTester tester = GatewayTester.of(Gateway.builder()
      .route("orders-beta", r -> r.path("/api/orders/**").methods("GET", "POST").header("X-Beta", "true")
          .respond(200, "text/plain", "beta"))
      .route("orders", r -> r.path("/api/orders/**", "/orders/**").methods("GET", "POST")
          .upstream(Upstream.of("http://orders-1:8080", "http://orders-2:8080").roundRobin()))
      .route("admin", r -> r.path("/admin/**").host("admin.example.com", "*.admin.example.org")
          .respond(200, "text/plain", "admin"))
      .route("versioned", r -> r.path("/api/users/{id}").headerMatches("X-Version", "v[0-9]+").query("lang", "en")
          .respond(200, "text/plain", "versioned"))
      .route("search", r -> r.path("/search").methods("GET").queryMatches("q", "[a-z]+")
          .respond(200, "text/plain", "search"))
      .route("account", r -> r.path("/account/**").cookie("session").cookie("theme", "dark")
          .respond(200, "text/plain", "account"))
      .route("beta-users", r -> r.path("/api/users/*")
          .predicate("is beta user", req -> req.headers().first("X-User").orElse("").startsWith("beta-"))
          .respond(200, "text/plain", "beta user"))
      .route("users", r -> r.path("/api/users/{id}").methods("GET").respond(200, "text/plain", "user"))
      .route("users-write", r -> r.path("/api/users/{id}").methods("PUT").header("X-Admin")
          .respond(204, "text/plain", "")))
      .stubUpstream("http://orders-1:8080", stub -> stub.respond(200))
      .stubUpstream("http://orders-2:8080", stub -> stub.respond(200));

  @AfterEach
  void close() {
    tester.close();
  }

  static Stream<Arguments> requests() {
    return Stream.of(
        Arguments.of("GET", "/api/orders/7", Map.of("X-Beta", "true"), "orders-beta", 200),
        Arguments.of("GET", "/api/orders/7", Map.of("X-Beta", "false"), "orders", 200),
        Arguments.of("POST", "/orders/7", Map.of(), "orders", 200),
        Arguments.of("DELETE", "/api/orders/7", Map.of(), null, 405),
        Arguments.of("DELETE", "/api/orders/7", Map.of("X-Beta", "true"), null, 405),
        Arguments.of("GET", "/admin/users", Map.of("Host", "admin.example.com"), "admin", 200),
        Arguments.of("DELETE", "/admin/users", Map.of("Host", "a.ADMIN.example.org:8443"), "admin", 200),
        Arguments.of("GET", "/admin/users", Map.of("Host", "admin.example.org"), null, 404),
        Arguments.of("GET", "/admin/users", Map.of(), null, 404),
        Arguments.of("GET", "/api/users/7?lang=en", Map.of("X-Version", "v2"), "versioned", 200),
        Arguments.of("GET", "/api/users/7?lang=fr", Map.of("X-Version", "v2"), "users", 200),
        Arguments.of("GET", "/api/users/7?lang=en", Map.of("X-Version", "v2x"), "users", 200),
        Arguments.of("GET", "/api/users/7", Map.of("X-User", "beta-ann"), "beta-users", 200),
        Arguments.of("PUT", "/api/users/7", Map.of(), null, 405),
        Arguments.of("PUT", "/api/users/7", Map.of("X-Admin", "yes"), "users-write", 204),
        Arguments.of("GET", "/api/users/7/", Map.of(), null, 404),
        Arguments.of("GET", "/api/orders/../users/7", Map.of(), "users", 200),
        Arguments.of("GET", "/search?q=abc", Map.of(), "search", 200),
        Arguments.of("GET", "/search?q=ABC", Map.of(), null, 404),
        Arguments.of("POST", "/search?q=abc", Map.of(), null, 405),
        Arguments.of("GET", "/account/me", Map.of("Cookie", "session=s1; theme=dark"), "account", 200),
        Arguments.of("GET", "/account/me", Map.of("Cookie", "session=s1; theme=light"), null, 404),
        Arguments.of("GET", "/nowhere", Map.of(), null, 404),
        Arguments.of("GET", "/api/orders%2F7", Map.of(), null, 400));
  }

  @ParameterizedTest(name = "{0} {1} {2} -> {3} ({4})")
  @MethodSource("requests")
  void the_explanation_names_the_route_the_router_picks(String method, String target, Map<String, String> headers,
      String expectedRoute, int expectedStatus) {
    TestRequest request = tester.request(method, target);
    headers.forEach(request::header);
    RouteExplanation why = request.explain();
    TestResponse res = request.send();

    assertThat(res).hasStatus(expectedStatus);
    assertThat(res.routeId()).isEqualTo(Optional.ofNullable(expectedRoute));
    assertThat(why.matchedRoute()).as("%s", why).isEqualTo(res.routeId());
    if (expectedRoute == null) {
      assertThat(why.problem()).hasValueSatisfying(p -> assertThat(p).startsWith(expectedStatus + " "));
      assertThat(why.chain()).isEmpty();
    } else {
      assertThat(why.problem()).isEmpty();
      assertThat(why.candidates()).last().satisfies(c -> assertThat(c.routeId()).isEqualTo(expectedRoute));
      assertThat(why.candidates()).filteredOn(Candidate::matched).hasSize(1);
    }
  }

  @Test
  void each_earlier_route_says_why_it_did_not_match() {
    RouteExplanation why = tester.get("/api/users/7?lang=fr").header("X-Version", "latest").header("X-User", "ann")
        .explain();

    assertThat(why.matchedRoute()).hasValue("users");
    assertThat(mismatches(why)).containsExactly(
        Map.entry("orders-beta", List.of("path '/api/users/7' does not match /api/orders/**",
            "header 'X-Beta' is missing (expected: 'true')")),
        Map.entry("orders", List.of("path '/api/users/7' does not match any of /api/orders/**, /orders/**")),
        Map.entry("admin", List.of("path '/api/users/7' does not match /admin/**",
            "host 'gateway.test' does not match any of admin.example.com, *.admin.example.org")),
        Map.entry("versioned", List.of("header 'X-Version' is 'latest' (expected: matching /v[0-9]+/)",
            "query 'lang' is 'fr' (expected: 'en')")),
        Map.entry("search", List.of("path '/api/users/7' does not match /search",
            "query 'q' is missing (expected: matching /[a-z]+/)")),
        Map.entry("account", List.of("path '/api/users/7' does not match /account/**", "cookie 'session' is missing",
            "cookie 'theme' is missing (expected: 'dark')")),
        Map.entry("beta-users", List.of("predicate 'is beta user' is false")),
        Map.entry("users", List.of()));
  }

  @Test
  void values_that_do_not_match_are_quoted_all_of_them() {
    RouteExplanation why = tester.get("/account/me").header("Cookie", "theme=light; theme=\"blue\"")
        .header("X-Beta", "no").header("X-Beta", "maybe").header("Host", "shop.example.com").explain();

    assertThat(why.problem()).hasValue("404 Not Found: no route matches GET /account/me");
    assertThat(mismatches(why))
        .containsEntry("orders-beta", List.of("path '/account/me' does not match /api/orders/**",
            "header 'X-Beta' is ['no', 'maybe'] (expected: 'true')"))
        .containsEntry("admin", List.of("path '/account/me' does not match /admin/**",
            "host 'shop.example.com' does not match any of admin.example.com, *.admin.example.org"))
        .containsEntry("account", List.of("cookie 'session' is missing",
            "cookie 'theme' is ['light', 'blue'] (expected: 'dark')"));
  }

  @Test
  void a_method_mismatch_alone_makes_a_405_and_says_so() {
    RouteExplanation why = tester.explain("DELETE", "/api/orders/7");

    assertThat(why.matchedRoute()).isEmpty();
    assertThat(why.problem()).hasValue("405 Method Not Allowed: method DELETE is not allowed here (expected: GET, HEAD, POST)");
    assertThat(mismatches(why))
        .containsEntry("orders-beta", List.of("header 'X-Beta' is missing (expected: 'true')",
            "method DELETE not in [GET, HEAD, POST]"))
        .containsEntry("orders", List.of("method DELETE not in [GET, HEAD, POST]"));
    assertThat(why.candidates()).extracting(Candidate::routeId).as("every route, since none matches")
        .containsExactly("orders-beta", "orders", "admin", "versioned", "search", "account", "beta-users", "users",
            "users-write");
  }

  @Test
  void a_path_that_fails_normalization_is_the_problem_and_no_route_is_tried() {
    RouteExplanation why = tester.explain("GET", "/api/orders%2F7");

    assertThat(why.problem()).hasValue("400 Bad Request: invalid path: encoded '/' (%2F) in path");
    assertThat(why.normalizedPath()).isEmpty();
    assertThat(why.candidates()).isEmpty();
    assertThat(why.chain()).isEmpty();
    assertThat(why.toString()).isEqualTo("GET /api/orders%2F7 -> 400 Bad Request: invalid path: encoded '/' (%2F) in path");
  }

  @Test
  void renders_as_lines_naming_the_normalized_path_each_route_and_the_chain() {
    RouteExplanation why = tester.get("/api/orders/../users/7").header("X-User", "ann").explain();

    assertThat(why.toString()).isEqualTo("""
        GET /api/orders/../users/7 (normalized: /api/users/7) -> route 'users'
          route 'orders-beta': path '/api/users/7' does not match /api/orders/**; header 'X-Beta' is missing (expected: 'true')
          route 'orders': path '/api/users/7' does not match any of /api/orders/**, /orders/**
          route 'admin': path '/api/users/7' does not match /admin/**; \
        host 'gateway.test' does not match any of admin.example.com, *.admin.example.org
          route 'versioned': header 'X-Version' is missing (expected: matching /v[0-9]+/); \
        query 'lang' is missing (expected: 'en')
          route 'search': path '/api/users/7' does not match /search; query 'q' is missing (expected: matching /[a-z]+/)
          route 'account': path '/api/users/7' does not match /account/**; cookie 'session' is missing; \
        cookie 'theme' is missing (expected: 'dark')
          route 'beta-users': predicate 'is beta user' is false
          route 'users': matched
        chain: auth stage of route 'users' -> rate-limit stage of route 'users' -> static response 200""");
  }

  @Test
  void the_chain_lists_global_filters_auth_rate_limits_route_filters_and_the_upstream_in_order() {
    Audit audit = new Audit();
    try (GatewayTester secured = GatewayTester.of(Gateway.builder()
        .filter(audit)
        .auth(Auth.jwt().keys(TestKeys.hmac("k").jwtKey()))
        .rateLimit(RateLimit.perClientIp(100).per(Duration.ofSeconds(1)))
        .route("health", r -> r.path("/health").auth(Auth.none()).respond(200, "text/plain", "up"))
        .route("orders", r -> r.path("/api/orders/**").methods("GET")
            .rateLimit(RateLimit.perRoute(10).per(Duration.ofSeconds(1)))
            .filter(new Stamp())
            .circuitBreaker(CircuitBreaker.of())
            .timeout(Duration.ofSeconds(2))
            .retry(Retry.times(2))
            .upstream(Upstream.of("http://orders-1:8080", "http://orders-2:8080").roundRobin())))) {
      RouteExplanation why = secured.explain("GET", "/api/orders/7");

      assertThat(why.matchedRoute()).hasValue("orders");
      assertThat(why.chain()).containsExactly(
          "global filter #1 (" + Audit.class.getName() + ")",
          "auth stage of route 'orders'",
          "rate-limit stage of route 'orders'",
          "route 'orders' filter #1 (" + Stamp.class.getName() + ")",
          "circuit breaker of route 'orders'",
          "timeout PT2S (all attempts)",
          "retry (at most 2 retries)",
          "upstream route:orders [http://orders-1:8080, http://orders-2:8080] (ROUND_ROBIN)");
      assertThat(audit.calls).as("explaining runs no filter").hasValue(0);
      assertThat(secured.unstubbedCalls()).as("explaining calls no upstream").isEmpty();
    }
  }

  @Test
  void the_chain_names_the_breaker_fallback_mirror_and_traffic_split() {
    Upstream stable = Upstream.of("http://stable:8080").named("stable");
    Upstream canary = Upstream.of("http://canary:8080").named("canary");
    try (GatewayTester split = GatewayTester.of(Gateway.builder()
        .route("shop", r -> r.path("/shop/**")
            .circuitBreaker(CircuitBreaker.of())
            .fallback(StaticResponse.of(503))
            .mirror(Mirror.to(Upstream.of("http://next:8080").named("next")).fraction(0.1))
            .split(TrafficSplit.of(stable, 90).and(canary, 10).whenHeader("X-Canary", "on", canary)
                .stickyOn(RequestKey.cookie("user")))))) {
      assertThat(split.explain("GET", "/shop/cart").chain()).containsExactly(
          "auth stage of route 'shop'",
          "rate-limit stage of route 'shop'",
          "circuit breaker of route 'shop' (fallback: static response 503)",
          "mirror to upstream next [http://next:8080] (ROUND_ROBIN) (10%)",
          "traffic split: header 'X-Canary' = 'on' -> upstream canary [http://canary:8080] (ROUND_ROBIN); "
              + "weight 90: upstream stable [http://stable:8080] (ROUND_ROBIN); "
              + "weight 10: upstream canary [http://canary:8080] (ROUND_ROBIN) (sticky on cookie 'user')");
    }
  }

  @Test
  void the_gateway_itself_explains_with_the_chain_it_runs() {
    try (Gateway gateway = Gateway.builder()
        .route("ping", r -> r.path("/ping").respond(204, "text/plain", ""))
        .build()) {
      RouteExplanation why = gateway.explain(Request.builder("GET", "/ping").build());

      assertThat(why.matchedRoute()).hasValue("ping");
      assertThat(why.chain()).containsExactly("auth stage of route 'ping'", "rate-limit stage of route 'ping'",
          "static response 204");
    }
  }

  @Test
  void predicates_run_only_where_routing_runs_them() {
    AtomicInteger calls = new AtomicInteger();
    try (GatewayTester counted = GatewayTester.of(Gateway.builder()
        .route("guarded", r -> r.path("/guarded").header("X-Key").predicate("counted", req -> {
          calls.incrementAndGet();
          return true;
        }).respond(200, "text/plain", "ok"))
        .route("other", r -> r.path("/other").respond(200, "text/plain", "other")))) {
      assertThat(counted.explain("GET", "/other").candidates().get(0).mismatches())
          .containsExactly("path '/other' does not match /guarded", "header 'X-Key' is missing");
      assertThat(counted.explain("GET", "/guarded").candidates().get(0).mismatches())
          .containsExactly("header 'X-Key' is missing");
      assertThat(calls).hasValue(0);
    }
  }

  @Test
  void a_predicate_that_throws_is_the_500_the_gateway_answers() {
    try (GatewayTester broken = GatewayTester.of(Gateway.builder()
        .route("broken", r -> r.path("/api/**").predicate("needs a tenant", req -> {
          throw new IllegalStateException("no tenant");
        }).respond(200, "text/plain", "never"))
        .route("fallback", r -> r.path("/**").respond(200, "text/plain", "fallback")))) {
      RouteExplanation why = broken.explain("GET", "/api/x");

      assertThat(broken.get("/api/x").send()).hasStatus(500).wasNotRouted();
      assertThat(why.matchedRoute()).isEmpty();
      assertThat(why.problem()).hasValue("500 Internal Server Error: route 'broken': predicate 'needs a tenant' threw "
          + "java.lang.IllegalStateException: no tenant");
      assertThat(why.candidates()).extracting(Candidate::routeId).containsExactly("broken");
    }
  }

  @Test
  void a_failed_routing_assertion_shows_the_explanation() {
    TestResponse res = tester.get("/api/users/7").send();

    assertThatThrownBy(() -> assertThat(res).wasRoutedTo("versioned"))
        .hasMessageContaining("expected the request to be routed to 'versioned' but it was routed to 'users'")
        .hasMessageContaining("route explanation:")
        .hasMessageContaining("GET /api/users/7 -> route 'users'")
        .hasMessageContaining("route 'versioned': header 'X-Version' is missing (expected: matching /v[0-9]+/)")
        .hasMessageContaining("route 'users': matched")
        .hasMessageContaining("chain: auth stage of route 'users'");
  }

  @Test
  void a_failed_routing_assertion_says_when_the_expected_route_was_never_tried() {
    TestResponse routed = tester.put("/api/users/7").header("X-Admin", "yes").send();
    TestResponse notRouted = tester.get("/nowhere").send();

    assertThatThrownBy(() -> assertThat(tester.get("/api/users/7").send()).wasRoutedTo("users-write"))
        .hasMessageContaining("route 'users-write' was not tried: routes are tried in declaration order, "
            + "and 'users' matched first");
    assertThatThrownBy(() -> assertThat(notRouted).wasRoutedTo("user"))
        .hasMessageContaining("GET /nowhere -> 404 Not Found: no route matches GET /nowhere")
        .hasMessageContaining("there is no route 'user' (routes: orders-beta, orders, admin, versioned, search, "
            + "account, beta-users, users, users-write)");
    assertThatThrownBy(() -> assertThat(routed).wasNotRouted())
        .hasMessageContaining("expected no route to match but 'users-write' did")
        .hasMessageContaining("route 'users-write': matched");
  }

  private static Map<String, List<String>> mismatches(RouteExplanation why) {
    return why.candidates().stream().collect(Collectors.toMap(Candidate::routeId, Candidate::mismatches,
        (a, b) -> a, LinkedHashMap::new));
  }

  static final class Audit implements Filter {
    final AtomicInteger calls = new AtomicInteger();

    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain next) {
      calls.incrementAndGet();
      return next.proceed(exchange);
    }
  }

  static final class Stamp implements Filter {
    @Override
    public CompletionStage<Response> filter(Exchange exchange, Chain next) {
      return next.proceed(exchange);
    }
  }
}

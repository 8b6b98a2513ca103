package io.gatehouse.testing;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static io.gatehouse.testing.assertj.GatewayAssertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class GatewayTesterTest {
  private final GatewayTester tester = GatewayTester.of(Gateway.builder()
      .route("orders", r -> r.path("/api/orders/**").stripPrefix(1).upstream("http://orders:8080"))
      .route("users", r -> r.path("/users/{id}").methods("GET").upstream("http://users:9000/v2"))
      .route("ping", r -> r.path("/ping").respond(200, "text/plain", "pong")));

  @AfterEach
  void close() {
    tester.close();
  }

  @Test
  void a_stubbed_upstream_answers_and_records_what_it_saw() {
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(200, "application/json", "{\"id\":7}"));
    TestResponse res = tester.post("/api/orders/7?x=1").header("X-Trace", "t").body("hello").send();
    assertThat(res).hasStatus(200).hasBody("{\"id\":7}").hasHeader("Content-Type", "application/json")
        .wasRoutedTo("orders").upstreamSawMethod("POST").upstreamSawPath("/orders/7").upstreamSawQuery("x=1")
        .upstreamSawHeader("X-Trace", "t").upstreamSawBody("hello");
    assertThat(tester.upstream("http://orders:8080").received()).hasSize(1);
  }

  @Test
  void a_stub_names_its_origin_and_prints_what_it_received() {
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(204));
    tester.get("/api/orders/1").send();

    StubUpstream orders = tester.upstream("http://orders:8080");
    assertThat(orders.origin()).isEqualTo("http://orders:8080");
    assertThat(orders).hasToString("StubUpstream[http://orders:8080, 1 received]");
  }

  @Test
  void a_tester_of_a_built_gateway_routes_as_that_gateway_does() {
    try (Gateway built = Gateway.builder()
            .filter((exchange, chain) -> chain.proceed(exchange)
                .thenApply(r -> r.toBuilder().header("X-Scheme", exchange.request().scheme()).build()))
            .route("ping", r -> r.path("/ping").methods("GET").respond(200, "text/plain", "pong"))
            .build();
        GatewayTester fromBuilt = GatewayTester.of(built)) {
      assertThat(fromBuilt.head("/ping").send()).hasStatus(200).wasRoutedTo("ping");
      assertThat(fromBuilt.post("/ping").send()).hasStatus(405);
      assertThat(fromBuilt.get("/ping").send()).hasBody("pong").hasHeader("X-Scheme", "http");
      assertThat(fromBuilt.get("/ping").scheme("https").send()).hasHeader("X-Scheme", "https");
    }
  }

  @Test
  void the_send_timeout_is_positive_and_fails_a_test_whose_upstream_is_too_slow() {
    assertThatThrownBy(() -> tester.timeout(Duration.ZERO)).hasMessage("timeout: PT0S (expected: > 0)");
    assertThat(tester.timeout(Duration.ofMillis(200))).isSameAs(tester);
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(200).delay(Duration.ofSeconds(5)));

    assertThatThrownBy(() -> tester.get("/api/orders/1").send()).isInstanceOf(AssertionError.class)
        .hasMessageContaining("did not answer").hasMessageContaining("within PT0.2S");
  }

  @Test
  void origins_are_matched_whatever_their_spelling() {
    tester.stubUpstream("HTTP://Users:9000/", stub -> stub.respond(204));
    assertThat(tester.get("/users/3").send()).hasStatus(204).upstreamSawPath("/v2/users/3");
  }

  @Test
  void a_call_to_an_unstubbed_upstream_fails_the_test_naming_the_route_and_origin() {
    assertThatThrownBy(() -> tester.get("/users/3").send())
        .isInstanceOf(AssertionError.class)
        .hasMessageContaining("route 'users'")
        .hasMessageContaining("http://users:9000 that has no stub");
    assertThat(tester.unstubbedCalls()).hasSize(1);
  }

  @Test
  void scripted_failures_come_once_then_the_standing_answer() {
    tester.stubUpstream("http://orders:8080", stub -> stub
        .thenFail(UpstreamException.Kind.RESPONSE_TIMEOUT)
        .thenRespond(Response.of(503))
        .respond(200));
    assertThat(tester.get("/api/orders").send()).hasStatus(504).isProblem();
    assertThat(tester.get("/api/orders").send()).hasStatus(503);
    assertThat(tester.get("/api/orders").send()).hasStatus(200);
  }

  @Test
  void gateway_made_responses_are_not_proxied() {
    assertThat(tester.get("/ping").send()).hasStatus(200).hasBody("pong").wasRoutedTo("ping").wasNotProxied();
    assertThat(tester.get("/nope").send()).hasStatus(404).isProblem().wasNotRouted();
  }

  @Test
  void a_failed_routing_assertion_shows_where_the_request_went() {
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(200));
    TestResponse res = tester.get("/api/orders/1").send();
    assertThatThrownBy(() -> assertThat(res).wasRoutedTo("users"))
        .hasMessageContaining("expected the request to be routed to 'users' but it was routed to 'orders'");
  }

  @Test
  void a_failed_upstream_assertion_shows_what_the_upstream_saw() {
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(200));
    TestResponse res = tester.get("/api/orders/1").send();
    assertThatThrownBy(() -> assertThat(res).upstreamSawPath("/api/orders/1"))
        .hasMessageContaining("expected the upstream to see path /api/orders/1 but it saw path /orders/1");
  }

  @Test
  void the_tester_adds_no_stage_so_chains_and_filters_are_those_of_the_gateway_given() {
    Filter audit = (exchange, chain) -> chain.proceed(exchange);
    Gateway.Builder routes = Gateway.builder().filter(audit)
        .route("orders", r -> r.path("/api/orders/**").upstream("http://orders:8080"));
    try (GatewayTester audited = GatewayTester.of(routes); Gateway gateway = routes.build()) {
      assertThat(audited.gateway().chains()).isEqualTo(gateway.chains());
      assertThat(audited.gateway().spec().filters()).containsExactly(audit);
      assertThat(audited.explain("GET", "/api/orders/7").chain()).isEqualTo(gateway.chains().get("orders"));
    }
  }

  @Test
  void a_request_refused_before_its_route_chain_runs_still_names_its_route() {
    try (GatewayTester capped = GatewayTester.of(Gateway.builder()
        .route("upload", r -> r.path("/upload").maxRequestBody(4).upstream("http://files:8080")))) {
      TestResponse res = capped.post("/upload").body("too large").send();
      assertThat(res).hasStatus(413).isProblem().wasRoutedTo("upload").wasNotProxied();
    }
  }

  @Test
  void is_problem_reads_the_body_as_json_and_names_what_is_missing() {
    tester.stubUpstream("http://orders:8080", stub -> stub
        .thenRespond(Response.builder(503).header("Content-Type", "application/problem+json")
            .body(Body.of("{ \"requestId\" : \"test-x\",\n  \"status\" : 503 }")).build())
        .respond(Response.builder(503).header("Content-Type", "application/problem+json")
            .body(Body.of("{\"status\":503,\"requestId\":\"someone else\"}")).build()));
    assertThat(tester.get("/api/orders").header("X-Request-Id", "test-x").send()).hasStatus(503).isProblem();
    TestResponse other = tester.get("/api/orders").send();
    assertThatThrownBy(() -> assertThat(other).isProblem())
        .hasMessageContaining("expected a problem body with \"status\":503 and the request id " + other.requestId());
  }

  @Test
  void the_manual_clock_moves_only_when_told() {
    ManualClock clock = ManualClock.of(Instant.parse("2026-03-01T10:00:00Z"));
    clock.advance(Duration.ofSeconds(90));
    assertThat(clock.instant()).isEqualTo(Instant.parse("2026-03-01T10:01:30Z"));
    assertThat(clock.withZone(ZoneId.of("Europe/Paris")).instant()).isEqualTo(clock.instant());
    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .hasMessageContaining("amount: PT-1S (expected: >= 0; use set() to step the wall clock back)");
  }
}

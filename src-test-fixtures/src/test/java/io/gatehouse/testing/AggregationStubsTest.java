package io.gatehouse.testing;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.aggregate.Aggregation;
import io.gatehouse.aggregate.Backend;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An aggregation's backends are stubbed by origin and path in memory, and its answers asserted. */
class AggregationStubsTest {
  private final GatewayTester tester = GatewayTester.of(Gateway.builder()
      .route("profile", r -> r.path("/profile/{id}").methods("GET").timeout(Duration.ofSeconds(2))
          .aggregate(Aggregation.of(
                  Backend.of("user", "http://users:8080", "/users/{id}"),
                  Backend.of("orders", "http://orders:8080", "/orders?user={id}").optional())
              .then(Backend.of("company", "http://users:8080", "/companies/{cid}").bind("cid", "user", "/companyId"))))
      .build());

  @AfterEach
  void close() {
    tester.close();
  }

  @Test
  void backends_stubbed_by_origin_and_path_answer_and_the_calls_are_asserted_per_origin() {
    tester.stubUpstream("http://users:8080", stub -> stub
            .when("GET", "/users/*").respond(200, "application/json", "{\"companyId\":\"c1\"}")
            .when("GET", "/companies/*").respond(200, "application/json", "{\"name\":\"Acme\"}"))
        .stubUpstream("http://orders:8080", stub -> stub.respond(200, "application/json", "[]"));

    TestResponse res = tester.get("/profile/7").send();

    assertThat(res).hasStatus(200).isComplete().wasRoutedTo("profile")
        .hasBody("{\"user\":{\"companyId\":\"c1\"},\"orders\":[],\"company\":{\"name\":\"Acme\"}}")
        .upstreamCalls(3)
        .upstreamCallTo("http://orders:8080").upstreamSawPath("/orders").upstreamSawQuery("user=7")
        .upstreamCallTo("http://Users:8080/").anyUpstreamCall().upstreamSawPath("/companies/c1");
  }

  @Test
  void a_failing_optional_backend_is_asserted_as_partial() {
    tester.stubUpstream("http://users:8080", stub -> stub
            .when("GET", "/users/*").respond(200, "application/json", "{\"companyId\":\"c1\"}")
            .when("GET", "/companies/*").respond(200, "application/json", "{}"))
        .stubUpstream("http://orders:8080", stub -> stub.respond(503));

    TestResponse res = tester.get("/profile/7").send();

    assertThat(res).hasStatus(200).isPartial("orders");
    assertThatThrownBy(() -> assertThat(res).isComplete())
        .hasMessageContaining("expected Gatehouse-Completed: true but was false (Gatehouse-Missing: orders)");
    assertThatThrownBy(() -> assertThat(res).isPartial("user"))
        .hasMessageContaining("expected Gatehouse-Completed: false and Gatehouse-Missing: user but was false and orders");
    assertThatThrownBy(() -> assertThat(res).upstreamCallTo("http://nowhere:1").upstreamSawPath("/"))
        .hasMessageContaining("expected a call to http://nowhere:1 but saw none; the calls went to [");
  }

  @Test
  void the_route_explanation_lists_the_steps_their_backends_and_the_merge() {
    org.assertj.core.api.Assertions.assertThat(tester.explain("GET", "/profile/7").chain()).endsWith(
        "timeout PT2S (whole aggregation)",
        "aggregate step 1: 'user' GET /users/{id} -> upstream route:profile [http://users:8080] (ROUND_ROBIN), "
            + "'orders' (optional) GET /orders?user={id} -> upstream route:profile#2 [http://orders:8080] (ROUND_ROBIN)",
        "aggregate step 2: 'company' GET /companies/{cid} -> upstream route:profile [http://users:8080] (ROUND_ROBIN)",
        "merge by key");
  }

  @Test
  void a_failing_required_backend_is_a_problem_naming_it() {
    tester.stubUpstream("http://users:8080", stub -> stub.respond(404))
        .stubUpstream("http://orders:8080", stub -> stub.respond(200, "application/json", "[]"));

    assertThat(tester.get("/profile/7").send()).hasStatus(404).isProblem()
        .bodyContains("backend 'user' of route 'profile' answered 404");
  }
}

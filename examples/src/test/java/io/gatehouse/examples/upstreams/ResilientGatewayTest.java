package io.gatehouse.examples.upstreams;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.testing.GatewayTester;
import io.gatehouse.upstream.TargetStatus;
import io.gatehouse.upstream.UpstreamStatus;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's upstream example: failures scripted on in-memory stubs. */
class ResilientGatewayTest {
  private final GatewayTester tester = GatewayTester.of(ResilientGateway.gateway())
      .stubUpstream("http://orders-1:8080", s -> s.respond(200, "orders-1"))
      .stubUpstream("http://orders-2:8080", s -> s.respond(200, "orders-2"))
      .stubUpstream("http://catalog:8080", s -> s.respond(200, "{\"items\":[1]}"))
      .stubUpstream("http://checkout:8080", s -> s.respond(200, "stable"))
      .stubUpstream("http://checkout-canary:8080", s -> s.respond(200, "canary"))
      .stubUpstream("http://checkout-next:8080", s -> s.respond(200, "next"));

  @AfterEach
  void close() {
    tester.close();
  }

  // tag::retry-test[]
  @Test
  void a_failing_instance_is_retried_on_the_other_and_a_slow_one_is_cut_by_the_deadline() {
    tester.upstream("http://orders-1:8080").failNext(1, 503);
    tester.upstream("http://orders-2:8080").failNext(1, 503);
    assertThat(tester.get("/orders/7").send()).hasStatus(200);

    tester.upstream("http://orders-1:8080").delay(Duration.ofSeconds(5));
    tester.upstream("http://orders-2:8080").delay(Duration.ofSeconds(5));
    assertThat(tester.get("/orders/7").send()).hasStatus(504).isProblem();
  }
  // end::retry-test[]

  @Test
  void the_catalog_falls_back_while_its_circuit_is_open() {
    tester.upstream("http://catalog:8080").respond(500);
    for (int i = 0; i < 10; i++) {
      tester.get("/catalog/1").send();
    }
    assertThat(tester.get("/catalog/1").send()).hasStatus(200).hasBody("{\"items\":[],\"stale\":true}");
  }

  @Test
  void beta_users_get_the_canary_and_a_session_stays_on_its_side() {
    assertThat(tester.get("/checkout/cart").header("X-Beta", "true").send()).hasBody("canary");
    String first = tester.get("/checkout/cart").header("X-Session", "s-42").send().body();
    for (int i = 0; i < 10; i++) {
      assertThat(tester.get("/checkout/cart").header("X-Session", "s-42").send()).hasBody(first);
    }
  }

  @Test
  void both_order_routes_share_one_group_whose_health_the_gateway_reports() {
    UpstreamStatus orders = tester.gateway().upstreams().stream()
        .filter(u -> u.name().equals("orders")).findFirst().orElseThrow();
    assertThat(orders.targets()).extracting(TargetStatus::url)
        .containsExactly("http://orders-1:8080", "http://orders-2:8080");
  }
}

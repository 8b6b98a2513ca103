package io.gatehouse.examples.demo;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.route.RouteExplanation;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.TestResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The demo's route table, tested in memory with the fixtures. */
class DemoRoutesTest {
  private final GatewayTester tester =
      GatewayTester.of(DemoRoutes.gateway("http://orders:8080", "http://catalog:8080"));

  @AfterEach
  void close() {
    tester.close();
  }

  // tag::route-test[]
  @Test
  void orders_reach_the_orders_service_without_the_api_prefix() {
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(200, "application/json", "{\"id\":7}"));
    TestResponse res = tester.get("/api/orders/7").send();
    assertThat(res).hasStatus(200).wasRoutedTo("orders").upstreamSawPath("/orders/7")
        .upstreamSawHeader("X-Gateway", "gatehouse");
  }
  // end::route-test[]

  // tag::explain-test[]
  @Test
  void explain_says_why_an_earlier_route_was_passed_over() {
    RouteExplanation why = tester.get("/catalog/tea").header("X-Beta", "false").explain();
    assertThat(why.matchedRoute()).hasValue("catalog");
    assertThat(why.toString())
        .contains("route 'catalog-beta': header 'X-Beta' is 'false' (expected: 'true')");
  }
  // end::explain-test[]

  @Test
  void beta_testers_see_catalog_v2_and_everyone_else_v1() {
    tester.stubUpstream("http://catalog:8080", stub -> stub.respond(200, "{}"));

    assertThat(tester.get("/catalog/tea").header("X-Beta", "true").send())
        .wasRoutedTo("catalog-beta").upstreamSawPath("/v2/items/tea");
    assertThat(tester.get("/catalog/tea").send())
        .wasRoutedTo("catalog").upstreamSawPath("/v1/items/tea").hasHeader("Cache-Control", "max-age=60");
  }

  @Test
  void health_is_answered_by_the_gateway_itself() {
    assertThat(tester.get("/health").send())
        .hasStatus(200).hasBody("{\"status\":\"up\"}").wasRoutedTo("health").wasNotProxied();
  }

  @Test
  void an_unknown_path_is_a_404_problem() {
    assertThat(tester.get("/nowhere").send()).hasStatus(404).isProblem().wasNotRouted();
  }

  @Test
  void a_method_the_route_does_not_take_is_a_405_with_allow() {
    assertThat(tester.delete("/api/orders/7").send())
        .hasStatus(405).hasHeader("Allow", "GET, HEAD, POST").isProblem().wasNotRouted();
  }

  @Test
  void a_path_that_climbs_out_of_catalog_is_normalized_before_routing() {
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(200));
    assertThat(tester.get("/catalog/../api/orders").send()).wasRoutedTo("orders").upstreamSawPath("/orders");
  }

  @Test
  void an_upstream_that_refuses_gives_502_and_the_gateway_keeps_serving() {
    tester.stubUpstream("http://orders:8080", stub -> stub.thenFail(
        UpstreamException.Kind.CONNECT_REFUSED).respond(200));
    assertThat(tester.get("/api/orders/7").send()).hasStatus(502).isProblem();
    assertThat(tester.get("/api/orders/7").send()).hasStatus(200);
  }

  @Test
  void partners_reach_their_orders_with_the_demo_key_only() {
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(200, "{}"));

    assertThat(tester.get("/partner/orders/7").header("X-API-Key", DemoRoutes.DEMO_API_KEY).send())
        .hasStatus(200).wasRoutedTo("partner-orders").upstreamSawPath("/orders/7")
        .upstreamSawHeader("X-Consumer-Id", "demo-partner").upstreamSawNoHeader("X-API-Key");
    assertThat(tester.get("/partner/orders/7").send()).hasStatus(401).isProblem().wasNotProxied();
  }
}

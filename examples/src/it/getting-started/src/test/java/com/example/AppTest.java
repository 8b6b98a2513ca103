package com.example;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.testing.GatewayTester;
import org.junit.jupiter.api.Test;

class AppTest {
  @Test
  void orders_reach_the_orders_service_without_the_api_prefix() {
    try (GatewayTester tester = GatewayTester.of(App.gateway("http://orders:9000"))) {
      tester.stubUpstream("http://orders:9000", stub -> stub.respond(200, "application/json", "{\"id\":7}"));
      assertThat(tester.get("/api/orders/7").send())
          .hasStatus(200).wasRoutedTo("orders").upstreamSawPath("/orders/7").hasBody("{\"id\":7}");
    }
  }

  @Test
  void other_paths_are_404_problems() {
    try (GatewayTester tester = GatewayTester.of(App.gateway("http://orders:9000"))) {
      assertThat(tester.get("/api/customers/7").send()).hasStatus(404).isProblem().wasNotRouted();
    }
  }
}

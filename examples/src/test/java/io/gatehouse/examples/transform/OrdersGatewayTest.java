package io.gatehouse.examples.transform;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.testing.GatewayTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The transformation example on an in-memory stub: both directions asserted as JSON. */
class OrdersGatewayTest {
  private final GatewayTester tester = GatewayTester.of(OrdersGateway.gateway());

  @AfterEach
  void close() {
    tester.close();
  }

  // tag::transform-test[]
  @Test
  void the_client_and_the_service_each_see_their_own_shape() {
    tester.stubUpstream("http://orders:8080", s -> s.respond(200, "application/json",
        "{\"id\":7,\"status\":\"open\",\"lines\":[{\"sku\":\"a\"}],\"total\":12.5,\"margin\":4.1}"));

    assertThat(tester.put("/orders/7").header("X-Tenant", "acme").header("Content-Type", "application/json")
            .body("{\"quantity\":2,\"priceOverride\":0,\"tenant\":\"other\"}").send())
        .hasStatus(200)
        .upstreamSawJsonBody("{\"qty\":2,\"orderId\":\"7\",\"tenant\":\"acme\"}")
        .hasJsonBody("{\"order\":{\"id\":7,\"status\":\"open\",\"lines\":[{\"sku\":\"a\"}],\"amount\":12.5,"
            + "\"lineCount\":1}}")
        .hasNoJsonAt("/order/margin");
  }
  // end::transform-test[]

  @Test
  void a_body_that_is_not_json_passes_untouched() {
    tester.stubUpstream("http://orders:8080", s -> s.respond(200, "text/plain", "margin: 4.1"));

    assertThat(tester.get("/orders/7").send()).hasStatus(200).hasBody("margin: 4.1");
  }

  @Test
  void a_large_answer_is_compressed_for_a_client_that_accepts_gzip() {
    tester.stubUpstream("http://orders:8080", s -> s.respond(200, "application/json",
        "{\"id\":7,\"lines\":[" + "{\"sku\":\"abcdefgh\"},".repeat(100) + "{}]}"));

    assertThat(tester.get("/orders/7").header("Accept-Encoding", "gzip").send())
        .hasStatus(200).hasHeader("Content-Encoding", "gzip").hasHeader("Vary", "Accept-Encoding")
        .doesNotHaveHeader("Content-Length");
  }
}

package io.gatehouse.testing;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.transform.JsonTransform;
import io.gatehouse.transform.TransformValue;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Transformations tested in memory: stubbed upstreams, and JSON assertions on what each side saw. */
class TransformAssertionsTest {
  private final GatewayTester tester = GatewayTester.of(Gateway.builder()
      .route("orders", r -> r.path("/orders/{id}")
          .transformRequest(JsonTransform.of().set("/orderId", TransformValue.pathVariable("id")).remove("/admin"))
          .transformResponse(JsonTransform.of().remove("/internal").rename("/total", "amount").wrap("order"))
          .upstream("http://orders:8080"))
      .build());

  @AfterEach
  void close() {
    tester.close();
  }

  @Test
  void what_the_upstream_received_and_what_the_client_got_are_asserted_as_json() {
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(200, "application/json",
        "{\"total\":12.5,\"internal\":{\"cost\":3},\"items\":[1,2]}"));

    TestResponse res = tester.post("/orders/7").header("Content-Type", "application/json")
        .body("{\"admin\":true,\"note\":\"hi\"}").send();

    assertThat(res).hasStatus(200)
        .hasJsonBody("{\"order\": {\"items\": [1, 2], \"amount\": 12.5}}")
        .hasJsonAt("/order/amount", "12.5")
        .hasNoJsonAt("/order/internal")
        .upstreamSawJsonBody("{\"orderId\": \"7\", \"note\": \"hi\"}");
  }

  @Test
  void a_json_assertion_that_fails_shows_what_was_there() {
    tester.stubUpstream("http://orders:8080", stub -> stub.respond(200, "application/json", "{\"total\":1}"));
    TestResponse res = tester.post("/orders/7").header("Content-Type", "application/json").body("{}").send();

    assertThatThrownBy(() -> assertThat(res).hasJsonBody("{\"order\":{\"amount\":2}}"))
        .hasMessageContaining("expected JSON body").hasMessageContaining("{\"order\":{\"amount\":1}}");
    assertThatThrownBy(() -> assertThat(res).hasJsonAt("/order/total", "1"))
        .hasMessageContaining("expected 1 at /order/total but found nothing");
    assertThatThrownBy(() -> assertThat(res).hasNoJsonAt("/order/amount"))
        .hasMessageContaining("expected nothing at /order/amount but found 1");
    assertThatThrownBy(() -> assertThat(res).upstreamSawJsonBody("{}"))
        .hasMessageContaining("expected the upstream to see JSON body {} but it saw body '{\"orderId\":\"7\"}'");
    assertThatThrownBy(() -> assertThat(res).hasJsonBody("not json"))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("the expected JSON is not JSON: 'not json'");
  }
}

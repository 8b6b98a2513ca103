package io.gatehouse.examples.edge;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestTokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's CORS example: preflights answered by the gateway, responses readable by the allowed pages only. */
class BrowserGatewayTest {
  private static final TestKey KEY = TestKeys.hmac("idp-1");
  private final GatewayTester tester = GatewayTester.of(BrowserGateway.gateway(KEY.jwtKey(), "http://api:8080"))
      .stubUpstream("http://api:8080", api -> api.respond(200, "{}"));

  @AfterEach
  void close() {
    tester.close();
  }

  // tag::cors-test[]
  @Test
  void the_shop_page_gets_its_preflight_answered_and_reads_the_answer() {
    assertThat(tester.request("OPTIONS", "/api/orders/7")
            .header("Origin", "https://admin.shop.example.com")
            .header("Access-Control-Request-Method", "DELETE")
            .header("Access-Control-Request-Headers", "authorization")
            .send())
        .hasStatus(204).wasNotProxied()
        .hasHeader("Access-Control-Allow-Origin", "https://admin.shop.example.com")
        .hasHeader("Access-Control-Allow-Methods", "PUT, DELETE")
        .hasHeader("Access-Control-Allow-Credentials", "true");

    assertThat(tester.get("/api/orders/7").header("Origin", "https://shop.example.com")
            .bearer(TestTokens.valid(KEY, "alice")).send())
        .hasStatus(200).hasHeader("Access-Control-Allow-Origin", "https://shop.example.com");
  }
  // end::cors-test[]

  @Test
  void another_sites_page_gets_no_cors_headers() {
    assertThat(tester.request("OPTIONS", "/api/orders/7").header("Origin", "https://shop.example.com.evil.net")
            .header("Access-Control-Request-Method", "GET").send())
        .hasStatus(403).isProblem().wasNotProxied().doesNotHaveHeader("Access-Control-Allow-Origin");
    assertThat(tester.get("/api/orders/7").header("Origin", "https://evil.example")
            .bearer(TestTokens.valid(KEY, "alice")).send())
        .hasStatus(200).doesNotHaveHeader("Access-Control-Allow-Origin");
  }

  @Test
  void the_status_is_public_and_the_legacy_route_is_left_to_its_upstream() {
    assertThat(tester.get("/status").header("Origin", "https://anyone.example").send())
        .hasStatus(200).hasHeader("Access-Control-Allow-Origin", "*");
    assertThat(tester.request("OPTIONS", "/legacy/x").header("Origin", "https://shop.example.com")
            .header("Access-Control-Request-Method", "GET").send())
        .hasStatus(200).upstreamSawMethod("OPTIONS");
  }
}

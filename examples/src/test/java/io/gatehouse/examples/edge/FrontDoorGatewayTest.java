package io.gatehouse.examples.edge;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.testing.GatewayTester;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's front-door example: who gets in, and what every answer carries. */
class FrontDoorGatewayTest {
  private final GatewayTester tester = GatewayTester.of(FrontDoorGateway.gateway("http://api:8080", "http://admin:8080"))
      .stubUpstream("http://api:8080", api -> api.respond(200, "{}"))
      .stubUpstream("http://admin:8080", admin -> admin.respond(200, "{}"));

  @AfterEach
  void close() {
    tester.close();
  }

  // tag::front-door-test[]
  @Test
  void the_admin_route_takes_the_office_through_the_load_balancer_and_nobody_else() {
    assertThat(tester.get("/admin/users").from("10.0.0.5").header("X-Forwarded-For", "192.0.2.10").send())
        .hasStatus(200).hasHeader("X-Frame-Options", "DENY");
    assertThat(tester.get("/admin/users").from("203.0.113.7").header("X-Forwarded-For", "192.0.2.10").send())
        .as("X-Forwarded-For from a peer that is not a load balancer is not believed")
        .hasStatus(403).isProblem().wasNotProxied();
  }
  // end::front-door-test[]

  @Test
  void the_api_is_open_to_all_but_the_denied_block_with_its_own_headers() {
    assertThat(tester.get("/api/orders").from("203.0.113.7").scheme("https").send()).hasStatus(200)
        .hasHeader("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        .hasHeader("Referrer-Policy", "same-origin").doesNotHaveHeader("X-Frame-Options");
    assertThat(tester.get("/api/orders").from("198.51.100.9").send()).hasStatus(403);
    assertThat(tester.get("/admin/users").from("192.0.2.66").send()).as("denied within the office").hasStatus(403);
    assertThat(tester.get("/admin/users").from("2001:db8:5::1").send()).hasStatus(200);
  }
}

package io.gatehouse.examples.ratelimit;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's rate-limit example, driven by a manual clock. */
class LimitedGatewayTest {
  private static final String KEY = "partner-key-0123456789abcdef";
  private final ManualClock clock = ManualClock.create();
  private final GatewayTester tester = GatewayTester.of(LimitedGateway.gateway(KEY, "http://api:8080").time(clock))
      .stubUpstream("http://api:8080", api -> api.respond(200, "{}"));

  @AfterEach
  void close() {
    tester.close();
  }

  // tag::limit-test[]
  @Test
  void the_eleventh_request_in_a_second_gets_429_and_passes_a_second_later() {
    for (int i = 0; i < 10; i++) {
      assertThat(tester.get("/api/orders").header("X-API-Key", KEY).send()).hasStatus(200);
    }
    assertThat(tester.get("/api/orders").header("X-API-Key", KEY).send())
        .hasStatus(429).hasHeader("Retry-After", "1").isProblem();

    clock.advance(Duration.ofSeconds(1));
    assertThat(tester.get("/api/orders").header("X-API-Key", KEY).send()).hasStatus(200);
  }
  // end::limit-test[]

  @Test
  void search_is_limited_per_client_address() {
    for (int i = 0; i < 10; i++) {
      assertThat(tester.get("/search").from("203.0.113.1").send()).hasStatus(200);
    }
    assertThat(tester.get("/search").from("203.0.113.1").send()).hasStatus(429);
    assertThat(tester.get("/search").from("203.0.113.2").send()).hasStatus(200)
        .as("the global limits apply too, by client address on a public route")
        .hasHeader("RateLimit-Policy",
            "\"burst\";q=10;w=1, \"hourly\";q=1000;w=3600, \"search\";q=5;w=1, \"search-total\";q=500;w=1");
  }
}

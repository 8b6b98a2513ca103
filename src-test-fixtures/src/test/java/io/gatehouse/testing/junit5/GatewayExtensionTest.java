package io.gatehouse.testing.junit5;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.filter.Filter;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class GatewayExtensionTest {
  /** A filter that answers with the gateway clock's epoch second, to prove the clock is the test's. */
  private static final Filter TIME = (ex, chain) -> CompletableFuture.completedFuture(
      Response.builder(200).body(Body.of(
          Long.toString(ex.time().now().getEpochSecond()))).build());

  @RegisterExtension
  static final GatewayExtension gateway = GatewayExtension.of(clock -> Gateway.builder().time(clock)
      .route("time", r -> r.path("/time").filter(TIME).respond(500, "text/plain", "unreachable")));

  @Test
  void each_test_gets_a_tester_and_the_clock_the_gateway_uses(GatewayTester tester, ManualClock clock) {
    long start = clock.instant().getEpochSecond();
    assertThat(tester.get("/time").send()).hasBody(Long.toString(start));
    clock.advance(Duration.ofSeconds(5));
    assertThat(tester.get("/time").send()).hasBody(Long.toString(start + 5));
  }

  @Test
  void the_tester_is_also_reachable_from_the_extension() {
    assertThat(gateway.tester().get("/time").send()).hasStatus(200).wasRoutedTo("time");
  }
}

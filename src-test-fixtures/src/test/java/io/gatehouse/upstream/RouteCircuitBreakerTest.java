package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.route.RouteBuilder;
import io.gatehouse.route.StaticResponse;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A route's circuit breaker on the gateway's clock: open after failures, 503 or a fallback while open, probes after. */
class RouteCircuitBreakerTest {
  private static final String ORDERS = "http://orders:8080";
  private static final String BACKUP = "http://orders-backup:8080";
  private static final CircuitBreaker BREAKER = CircuitBreaker.of().slidingWindow(4, 4).openFor(Duration.ofSeconds(10)).halfOpenCalls(2);

  private final ManualClock clock = ManualClock.create();
  private GatewayTester tester;

  @AfterEach
  void close() {
    tester.close();
  }

  private void tester(Consumer<RouteBuilder> extra) {
    tester = GatewayTester.of(Gateway.builder().time(clock).route("orders", r -> {
          r.path("/**").upstream(ORDERS).circuitBreaker(BREAKER);
          extra.accept(r);
        }))
        .stubUpstream(ORDERS, s -> s.respond(500))
        .stubUpstream(BACKUP, s -> s.respond(200, "backup"));
  }

  private void failFourTimes() {
    for (int i = 0; i < 4; i++) {
      assertThat(tester.get("/x").send().status()).isEqualTo(500);
    }
  }

  @Test
  void an_open_circuit_answers_503_at_once_without_calling_the_upstream() {
    tester(r -> {});
    failFourTimes();
    var res = tester.get("/x").send();
    assertThat(res.status()).isEqualTo(503);
    assertThat(res.body()).contains("route 'orders' has its circuit open");
    assertThat(tester.upstream(ORDERS).received()).hasSize(4);
  }

  @Test
  void after_open_for_probes_go_through_and_successes_close_the_circuit() {
    tester(r -> {});
    failFourTimes();
    tester.upstream(ORDERS).respond(200, "ok");
    clock.advance(Duration.ofSeconds(11));
    assertThat(tester.get("/x").send().body()).isEqualTo("ok");
    assertThat(tester.get("/x").send().body()).isEqualTo("ok");
    for (int i = 0; i < 5; i++) {
      assertThat(tester.get("/x").send().status()).isEqualTo(200);
    }
  }

  @Test
  void a_failed_probe_opens_the_circuit_again() {
    tester(r -> {});
    failFourTimes();
    clock.advance(Duration.ofSeconds(11));
    tester.get("/x").send();
    tester.get("/x").send();
    assertThat(tester.get("/x").send().status()).isEqualTo(503);
    assertThat(tester.upstream(ORDERS).received()).hasSize(6);
  }

  @Test
  void statuses_outside_the_failure_range_do_not_open_it() {
    tester = GatewayTester.of(Gateway.builder().time(clock).route("orders", r -> r.path("/**").upstream(ORDERS)
            .circuitBreaker(BREAKER.failureStatuses(502, 504))))
        .stubUpstream(ORDERS, s -> s.respond(500));
    for (int i = 0; i < 10; i++) {
      assertThat(tester.get("/x").send().status()).isEqualTo(500);
    }
  }

  @Test
  void a_static_fallback_answers_while_open() {
    tester(r -> r.fallback(StaticResponse.of(200, "application/json", "{\"orders\":[]}")));
    failFourTimes();
    var res = tester.get("/x").send();
    assertThat(res.status()).isEqualTo(200);
    assertThat(res.body()).isEqualTo("{\"orders\":[]}");
  }

  @Test
  void a_fallback_upstream_takes_the_requests_while_open() {
    tester(r -> r.fallback(Upstream.of(BACKUP)));
    failFourTimes();
    assertThat(tester.get("/x").send().body()).isEqualTo("backup");
    assertThat(tester.upstream(BACKUP).received()).hasSize(1);
  }
}

package io.gatehouse.micrometer;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Upstream;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The metrics of a real gateway, in memory: requests through it and the gauges over its upstreams. */
class GatewayMetricsTest {
  private static final String A = "http://orders-a:8080";
  private static final String B = "http://orders-b:8080";

  private final ManualClock clock = ManualClock.create();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GatehouseMetrics metrics = GatehouseMetrics.of(registry);
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  @Test
  void watch_reports_the_health_of_a_built_gateways_targets() {
    tester = GatewayTester.of(Gateway.builder().time(clock).observer(metrics)
            .route("orders", r -> r.path("/api/orders/**").upstream(Upstream.of(A, B).named("orders")
                .outlierDetection(OutlierDetection.consecutiveFailures(3).baseEjection(Duration.ofSeconds(30))))))
        .stubUpstream(A, s -> s.respond(503))
        .stubUpstream(B, s -> s.respond(200, "b"));
    metrics.watch(tester.gateway()); // the tester's own gateway, not one built from the same builder
    assertThat(gauge("gatehouse.upstream.targets", "upstream", "orders", "state", "available")).isEqualTo(2);
    assertThat(gauge("gatehouse.upstream.target.healthy", "upstream", "orders", "target", A)).isEqualTo(1);
    assertThat(gauge("gatehouse.upstream.requests.active", "upstream", "orders", "target", A)).isZero();

    for (int i = 0; i < 6; i++) {
      tester.get("/api/orders/7").send(); // A answers 503 three times and is ejected
    }

    assertThat(gauge("gatehouse.upstream.target.healthy", "upstream", "orders", "target", A)).isZero();
    assertThat(gauge("gatehouse.upstream.target.healthy", "upstream", "orders", "target", B)).isEqualTo(1);
    assertThat(gauge("gatehouse.upstream.targets", "upstream", "orders", "state", "available")).isEqualTo(1);
    assertThat(gauge("gatehouse.upstream.targets", "upstream", "orders", "state", "unavailable")).isEqualTo(1);

    clock.advance(Duration.ofSeconds(31));

    assertThat(gauge("gatehouse.upstream.target.healthy", "upstream", "orders", "target", A)).isEqualTo(1);
  }

  @Test
  void a_routes_own_upstream_is_reported_under_its_group_name() {
    tester = GatewayTester.of(Gateway.builder().observer(metrics)
        .route("orders", r -> r.path("/api/orders/**").upstream(A)));
    metrics.watch(tester.gateway());

    assertThat(gauge("gatehouse.upstream.target.healthy", "upstream", "route:orders", "target", A)).isEqualTo(1);
  }

  @Test
  void times_each_request_through_the_gateway() {
    tester = GatewayTester.of(Gateway.builder().observer(metrics)
            .route("orders", r -> r.path("/api/orders/**").upstream(A)))
        .stubUpstream(A, s -> s.respond(200, "{\"id\":7}"));

    tester.get("/api/orders/7").send();
    tester.post("/api/orders").body("{\"item\":\"book\"}").send();

    Timer get = registry.get("gatehouse.requests")
        .tags("route", "orders", "method", "GET", "status", "200", "outcome", "SUCCESS", "target", A).timer();
    assertThat(get.count()).isEqualTo(1);
    assertThat(registry.get("gatehouse.requests").tags("route", "orders", "method", "POST").timer().count())
        .isEqualTo(1);
    assertThat(registry.get("gatehouse.upstream.duration").tags("route", "orders", "target", A).timer().count())
        .isEqualTo(2);
    assertThat(registry.get("gatehouse.request.size").tag("route", "orders").summary().totalAmount())
        .isEqualTo("{\"item\":\"book\"}".length());
    assertThat(registry.get("gatehouse.response.size").tag("route", "orders").summary().totalAmount())
        .isEqualTo(2 * "{\"id\":7}".length());
  }

  @Test
  void counts_a_request_that_no_route_matches_as_a_rejection() {
    tester = GatewayTester.of(Gateway.builder().observer(metrics)
        .route("orders", r -> r.path("/api/orders/**").upstream(A)));

    assertThat(tester.get("/nowhere").send().status()).isEqualTo(404);

    assertThat(registry.get("gatehouse.rejections").tags("reason", "no_route", "route", "none").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("gatehouse.requests").tags("route", "none", "status", "404", "target", "none")
        .timer().count()).isEqualTo(1);
  }

  @Test
  void shows_a_route_circuit_opening() {
    tester = GatewayTester.of(Gateway.builder().time(clock).observer(metrics)
            .route("orders", r -> r.path("/**").upstream(A)
                .circuitBreaker(CircuitBreaker.of().slidingWindow(4, 4).openFor(Duration.ofSeconds(10)))))
        .stubUpstream(A, s -> s.respond(500));

    for (int i = 0; i < 5; i++) {
      tester.get("/x").send(); // four failures open the circuit; the fifth is refused
    }

    assertThat(gauge("gatehouse.circuit.state", "circuit", "route 'orders'", "state", "open")).isEqualTo(1);
    assertThat(gauge("gatehouse.circuit.state", "circuit", "route 'orders'", "state", "closed")).isZero();
    assertThat(registry.get("gatehouse.rejections").tags("reason", "circuit_open", "route", "orders").counter().count())
        .isEqualTo(1);
  }

  private double gauge(String name, String... tags) {
    return registry.get(name).tags(tags).gauge().value();
  }
}

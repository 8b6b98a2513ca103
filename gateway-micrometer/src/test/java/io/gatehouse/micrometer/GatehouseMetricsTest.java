package io.gatehouse.micrometer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.GatewaySpec;
import io.gatehouse.adapter.SwappableGateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.metering.UsageReport;
import io.gatehouse.observe.GatewayEvent;
import io.gatehouse.observe.Rejection;
import io.gatehouse.route.RouteExplanation;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.upstream.TargetStatus;
import io.gatehouse.upstream.TargetStatus.Circuit;
import io.gatehouse.upstream.TargetStatus.Health;
import io.gatehouse.upstream.UpstreamStatus;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The meters, fed with hand-made records and events on a SimpleMeterRegistry. */
class GatehouseMetricsTest {
  private static final String A = "http://orders-a:8080";
  private static final String B = "http://orders-b:8080";
  private static final List<String> METHODS = List.of("GET", "POST", "PUT");

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final GatehouseMetrics metrics = GatehouseMetrics.of(registry);

  @Test
  void times_a_request_by_route_method_status_outcome_and_target() {
    metrics.onRequest(Records.request().route("orders").method("POST").status(201)
        .target(A, Duration.ofMillis(30)).duration(Duration.ofMillis(40)).build());

    Timer timer = registry.get("gatehouse.requests").timer();
    assertThat(timer.getId().getTags()).containsExactlyInAnyOrder(
        Tag.of("route", "orders"), Tag.of("method", "POST"), Tag.of("status", "201"),
        Tag.of("outcome", "SUCCESS"), Tag.of("target", A));
    assertThat(timer.count()).isEqualTo(1);
    assertThat(timer.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(40);
  }

  @Test
  void tags_a_request_without_route_or_target_with_none() {
    metrics.onRequest(Records.request().rejected(Rejection.NO_ROUTE, 404).build());

    Timer timer = registry.get("gatehouse.requests").timer();
    assertThat(timer.getId().getTag("route")).isEqualTo("none");
    assertThat(timer.getId().getTag("target")).isEqualTo("none");
    assertThat(timer.getId().getTag("outcome")).isEqualTo("CLIENT_ERROR");
  }

  @Test
  void requests_with_the_same_tags_share_one_timer() {
    for (int i = 0; i < 3; i++) {
      metrics.onRequest(Records.request().route("orders").target(A, Duration.ofMillis(5)).build());
    }
    metrics.onRequest(Records.request().route("orders").status(500).target(A, Duration.ofMillis(5)).build());

    assertThat(registry.get("gatehouse.requests").tag("status", "200").timer().count()).isEqualTo(3);
    assertThat(registry.get("gatehouse.requests").tag("status", "500").timer().count()).isEqualTo(1);
    assertThat(registry.get("gatehouse.requests").timers()).hasSize(2);
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "HEAD", "POST", "PUT", "DELETE", "CONNECT", "OPTIONS", "TRACE", "PATCH"})
  void tags_a_standard_method_as_it_is(String method) {
    metrics.onRequest(Records.request().route("orders").method(method).build());

    assertThat(registry.get("gatehouse.requests").timer().getId().getTag("method")).isEqualTo(method);
  }

  @ParameterizedTest
  @ValueSource(strings = {"PROPFIND", "BREW", "get", "X-CUSTOM-1234"})
  void tags_any_other_method_as_OTHER(String method) {
    metrics.onRequest(Records.request().route("orders").method(method).build());

    assertThat(registry.get("gatehouse.requests").timer().getId().getTag("method")).isEqualTo("OTHER");
  }

  @ParameterizedTest
  @CsvSource({"101, INFORMATIONAL", "200, SUCCESS", "204, SUCCESS", "304, REDIRECTION", "429, CLIENT_ERROR",
      "502, SERVER_ERROR", "599, SERVER_ERROR"})
  void tags_the_outcome_of_the_status(int status, String outcome) {
    metrics.onRequest(Records.request().route("orders").status(status).build());

    assertThat(registry.get("gatehouse.requests").timer().getId().getTag("outcome")).isEqualTo(outcome);
  }

  @Test
  void times_upstream_calls_by_route_and_target_only_when_there_were_any() {
    metrics.onRequest(Records.request().route("orders").target(A, Duration.ofMillis(30)).build());
    metrics.onRequest(Records.request().route("orders").rejected(Rejection.RATE_LIMITED, 429).build());

    Timer upstream = registry.get("gatehouse.upstream.duration").timer();
    assertThat(upstream.getId().getTags()).containsExactlyInAnyOrder(Tag.of("route", "orders"), Tag.of("target", A));
    assertThat(upstream.count()).isEqualTo(1);
    assertThat(upstream.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(30);
  }

  @Test
  void sums_request_and_response_body_bytes_per_route() {
    metrics.onRequest(Records.request().route("orders").bytes(100, 2_000).build());
    metrics.onRequest(Records.request().route("orders").bytes(0, 500).build());
    metrics.onRequest(Records.request().route("users").bytes(7, 9).build());

    var requests = registry.get("gatehouse.request.size").tag("route", "orders").summary();
    var responses = registry.get("gatehouse.response.size").tag("route", "orders").summary();
    assertThat(requests.getId().getBaseUnit()).isEqualTo("bytes");
    assertThat(requests.count()).isEqualTo(2);
    assertThat(requests.totalAmount()).isEqualTo(100);
    assertThat(responses.totalAmount()).isEqualTo(2_500);
    assertThat(responses.max()).isEqualTo(2_000);
    assertThat(registry.get("gatehouse.response.size").tag("route", "users").summary().totalAmount()).isEqualTo(9);
  }

  @Test
  void counts_cache_outcomes_by_route_only_for_routes_with_a_cache() {
    metrics.onRequest(Records.request().route("catalog").cache(io.gatehouse.cache.CacheOutcome.HIT).build());
    metrics.onRequest(Records.request().route("catalog").cache(io.gatehouse.cache.CacheOutcome.HIT).build());
    metrics.onRequest(Records.request().route("catalog").cache(io.gatehouse.cache.CacheOutcome.MISS).build());
    metrics.onRequest(Records.request().route("catalog").cache(io.gatehouse.cache.CacheOutcome.STALE).build());
    metrics.onRequest(Records.request().route("orders").build());

    assertThat(registry.get("gatehouse.cache.requests").tags("outcome", "hit", "route", "catalog").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("gatehouse.cache.requests").tags("outcome", "miss", "route", "catalog").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("gatehouse.cache.requests").tags("outcome", "stale", "route", "catalog").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("gatehouse.cache.requests").counters()).hasSize(3);
  }

  @Test
  void counts_rejections_by_reason_and_route() {
    metrics.onRequest(Records.request().route("orders").rejected(Rejection.RATE_LIMITED, 429).build());
    metrics.onRequest(Records.request().route("orders").rejected(Rejection.RATE_LIMITED, 429).build());
    metrics.onRequest(Records.request().route("orders").rejected(Rejection.CIRCUIT_OPEN, 503).build());
    metrics.onRequest(Records.request().rejected(Rejection.NO_ROUTE, 404).build());
    metrics.onRequest(Records.request().route("orders").build());

    assertThat(registry.get("gatehouse.rejections").tags("reason", "rate_limited", "route", "orders").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("gatehouse.rejections").tags("reason", "circuit_open", "route", "orders").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("gatehouse.rejections").tags("reason", "no_route", "route", "none").counter().count())
        .isEqualTo(1);
    assertThat(registry.get("gatehouse.rejections").counters()).hasSize(3);
  }

  @ParameterizedTest(name = "{0}")
  @EnumSource(Rejection.class)
  void every_rejection_reason_is_counted_apart_under_its_lower_case_name(Rejection reason) {
    metrics.onRequest(Records.request().route("orders").rejected(reason, 503).build());
    metrics.onRequest(Records.request().route("orders").rejected(reason, 503).build());
    assertThat(registry.get("gatehouse.rejections")
        .tags("reason", reason.name().toLowerCase(Locale.ROOT), "route", "orders").counter().count())
        .isEqualTo(2);
    assertThat(registry.get("gatehouse.rejections").counters()).hasSize(1);
  }

  @Test
  void circuit_state_gauges_show_1_for_the_current_state_only() {
    metrics.onEvent(new GatewayEvent.CircuitChanged("route 'orders'", Circuit.OPEN));
    assertThat(circuitStates("route 'orders'")).containsExactly(0.0, 1.0, 0.0);

    metrics.onEvent(new GatewayEvent.CircuitChanged("route 'orders'", Circuit.HALF_OPEN));
    assertThat(circuitStates("route 'orders'")).containsExactly(0.0, 0.0, 1.0);

    metrics.onEvent(new GatewayEvent.CircuitChanged("route 'orders'", Circuit.CLOSED));
    assertThat(circuitStates("route 'orders'")).containsExactly(1.0, 0.0, 0.0);
  }

  @Test
  void each_circuit_has_gauges_of_its_own() {
    metrics.onEvent(new GatewayEvent.CircuitChanged("route 'orders'", Circuit.OPEN));
    metrics.onEvent(new GatewayEvent.CircuitChanged("upstream 'users' target " + A, Circuit.CLOSED));

    assertThat(circuitStates("route 'orders'")).containsExactly(0.0, 1.0, 0.0);
    assertThat(circuitStates("upstream 'users' target " + A)).containsExactly(1.0, 0.0, 0.0);
    assertThat(registry.get("gatehouse.circuit.state").gauges()).hasSize(6);
  }

  @Test
  void the_degraded_store_gauge_follows_the_store() {
    assertThat(registry.get("gatehouse.ratelimit.store.degraded").gauge().value()).isZero();

    metrics.onEvent(new GatewayEvent.RateLimitStoreDegraded(true));
    assertThat(registry.get("gatehouse.ratelimit.store.degraded").gauge().value()).isEqualTo(1);

    metrics.onEvent(new GatewayEvent.RateLimitStoreDegraded(false));
    assertThat(registry.get("gatehouse.ratelimit.store.degraded").gauge().value()).isZero();
  }

  @Test
  void counts_each_decision_made_by_the_fallback() {
    assertThat(registry.get("gatehouse.ratelimit.store.degraded.decisions").counter().count()).isZero();

    metrics.onEvent(new GatewayEvent.DegradedDecision());
    metrics.onEvent(new GatewayEvent.DegradedDecision());

    assertThat(registry.get("gatehouse.ratelimit.store.degraded.decisions").counter().count()).isEqualTo(2);
  }

  @Test
  void watch_counts_the_available_and_unavailable_targets_of_each_group() {
    FakeGateway gateway = new FakeGateway(group("orders",
        target(A, Health.HEALTHY, Circuit.CLOSED, 0),
        target(B, Health.EJECTED, Circuit.CLOSED, 0)),
        group("users", target("http://users:8080", Health.HEALTHY, Circuit.OPEN, 0)));
    metrics.watch(gateway);

    assertThat(targets("orders", "available")).isEqualTo(1);
    assertThat(targets("orders", "unavailable")).isEqualTo(1);
    assertThat(targets("users", "available")).isZero();
    assertThat(targets("users", "unavailable")).isEqualTo(1);
  }

  @Test
  void watched_gauges_read_the_gateway_at_each_read() {
    FakeGateway gateway = new FakeGateway(group("orders", target(A, Health.HEALTHY, Circuit.CLOSED, 3)));
    metrics.watch(gateway);
    assertThat(targetGauge("gatehouse.upstream.requests.active", "orders", A)).isEqualTo(3);
    assertThat(targetGauge("gatehouse.upstream.target.healthy", "orders", A)).isEqualTo(1);

    gateway.upstreams = List.of(group("orders", target(A, Health.UNHEALTHY, Circuit.CLOSED, 1)));

    assertThat(targetGauge("gatehouse.upstream.requests.active", "orders", A)).isEqualTo(1);
    assertThat(targetGauge("gatehouse.upstream.target.healthy", "orders", A)).isZero();
    assertThat(targets("orders", "available")).isZero();
    assertThat(targets("orders", "unavailable")).isEqualTo(1);
  }

  @Test
  void an_ejected_target_is_not_healthy() {
    metrics.watch(new FakeGateway(group("orders", target(A, Health.EJECTED, Circuit.CLOSED, 0))));

    assertThat(targetGauge("gatehouse.upstream.target.healthy", "orders", A)).isZero();
  }

  @Test
  void a_discovered_target_appears_with_the_next_health_change() {
    FakeGateway gateway = new FakeGateway(group("orders", target(A, Health.HEALTHY, Circuit.CLOSED, 0)));
    metrics.watch(gateway);
    gateway.upstreams = List.of(group("orders",
        target(A, Health.HEALTHY, Circuit.CLOSED, 0), target(B, Health.UNHEALTHY, Circuit.CLOSED, 0)));
    assertThat(registry.find("gatehouse.upstream.target.healthy").tag("target", B).gauge()).isNull();

    metrics.onEvent(new GatewayEvent.TargetHealthChanged("orders", B, Health.UNHEALTHY));

    assertThat(targetGauge("gatehouse.upstream.target.healthy", "orders", B)).isZero();
  }

  @Test
  void a_discovered_target_appears_when_it_first_answers_a_request() {
    FakeGateway gateway = new FakeGateway(group("orders", target(A, Health.HEALTHY, Circuit.CLOSED, 0)));
    metrics.watch(gateway);
    gateway.upstreams = List.of(group("orders",
        target(A, Health.HEALTHY, Circuit.CLOSED, 0), target(B, Health.HEALTHY, Circuit.CLOSED, 2)));

    metrics.onRequest(Records.request().route("orders").target(B, Duration.ofMillis(5)).build());

    assertThat(targetGauge("gatehouse.upstream.requests.active", "orders", B)).isEqualTo(2);
    assertThat(targets("orders", "available")).isEqualTo(2);
  }

  @Test
  void a_removed_target_disappears_with_the_next_refresh() {
    FakeGateway gateway = new FakeGateway(group("orders",
        target(A, Health.HEALTHY, Circuit.CLOSED, 0), target(B, Health.HEALTHY, Circuit.CLOSED, 0)));
    metrics.watch(gateway);
    gateway.upstreams = List.of(group("orders", target(A, Health.HEALTHY, Circuit.CLOSED, 0)));
    assertThat(targetGauge("gatehouse.upstream.requests.active", "orders", B)).as("read before the refresh").isNaN();

    metrics.onEvent(new GatewayEvent.TargetHealthChanged("orders", A, Health.HEALTHY));

    assertThat(registry.find("gatehouse.upstream.requests.active").tag("target", B).gauge()).isNull();
    assertThat(registry.find("gatehouse.upstream.target.healthy").tag("target", B).gauge()).isNull();
    assertThat(targetGauge("gatehouse.upstream.requests.active", "orders", A)).isZero();
  }

  @Test
  void watching_another_gateway_reports_that_one_instead() {
    metrics.watch(new FakeGateway(group("orders", target(A, Health.HEALTHY, Circuit.CLOSED, 1))));

    metrics.watch(new FakeGateway(group("orders", target(B, Health.HEALTHY, Circuit.CLOSED, 4))));

    assertThat(registry.find("gatehouse.upstream.requests.active").tag("target", A).gauge()).isNull();
    assertThat(targetGauge("gatehouse.upstream.requests.active", "orders", B)).isEqualTo(4);
  }

  @Test
  void the_connection_pool_gauges_read_the_upstream_client_of_the_gateway_watched() {
    assertThat(registry.get("gatehouse.upstream.connections").tag("state", "leased").gauge().value()).isNaN();
    try (Gateway gateway = Gateway.builder().route("r", r -> r.upstream("http://orders:8080")).build()) {
      metrics.watch(gateway);
      assertThat(registry.get("gatehouse.upstream.connections").tag("state", "max").gauge().value()).isEqualTo(256);
      assertThat(registry.get("gatehouse.upstream.connections").tag("state", "leased").gauge().value()).isZero();
      assertThat(registry.get("gatehouse.upstream.connections").tag("state", "pending").gauge().value()).isZero();
    }
  }

  @Test
  void the_config_gauge_carries_the_version_of_the_gateway_watched() {
    Gateway first = Gateway.builder().version("release-41").route("r", r -> r.respond(200, "text/plain", "x")).build();
    Gateway second = Gateway.builder().route("r", r -> r.respond(200, "text/plain", "x")).build();
    try (first; second) {
      metrics.watch(first);
      assertThat(registry.get("gatehouse.config").tag("version", "release-41").gauge().value()).isEqualTo(1);

      metrics.watch(second);
      assertThat(registry.find("gatehouse.config").tag("version", "release-41").gauge()).isNull();
      assertThat(second.version()).matches("\\d{8}T\\d{6}Z-[0-9a-f]{5}");
      assertThat(registry.get("gatehouse.config").tag("version", second.version()).gauge().value()).isEqualTo(1);
    }
  }

  @Test
  void follow_watches_the_current_gateway_and_each_one_swapped_in() {
    SwappableGateway gateways = SwappableGateway.of(new FakeGateway(group("orders", target(A, Health.HEALTHY, Circuit.CLOSED, 1))));

    assertThat(metrics.follow(gateways)).isSameAs(metrics);
    assertThat(targetGauge("gatehouse.upstream.requests.active", "orders", A)).isEqualTo(1);

    gateways.swap(new FakeGateway(group("orders", target(B, Health.HEALTHY, Circuit.CLOSED, 4))));

    assertThat(registry.find("gatehouse.upstream.requests.active").tag("target", A).gauge()).isNull();
    assertThat(targetGauge("gatehouse.upstream.requests.active", "orders", B)).isEqualTo(4);
  }

  @Test
  void a_followed_swap_moves_the_config_version() {
    Gateway first = Gateway.builder().version("release-41").route("r", r -> r.respond(200, "text/plain", "x")).build();
    Gateway second = Gateway.builder().version("release-42").route("r", r -> r.respond(200, "text/plain", "x")).build();
    try (first; second) {
      SwappableGateway gateways = SwappableGateway.of(first);
      metrics.follow(gateways);
      assertThat(registry.get("gatehouse.config").tag("version", "release-41").gauge().value()).isEqualTo(1);

      gateways.swap(second);

      assertThat(registry.find("gatehouse.config").tag("version", "release-41").gauge()).isNull();
      assertThat(registry.get("gatehouse.config").tag("version", "release-42").gauge().value()).isEqualTo(1);
    }
  }

  @Test
  void follow_refuses_a_null_holder() {
    assertThatThrownBy(() -> metrics.follow(null)).isInstanceOf(NullPointerException.class).hasMessage("gateways");
  }

  @Test
  void counts_every_record_sent_from_many_threads_at_once() throws Exception {
    int threads = 8;
    int perThread = 5_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        pool.execute(() -> {
          for (int i = 0; i < perThread; i++) {
            metrics.onRequest(Records.request().route("r" + (i % 4)).method(METHODS.get(i % 3))
                .target((i / 4) % 2 == 0 ? A : B, Duration.ofMillis(1)).rejected(Rejection.RATE_LIMITED, 429).build());
            metrics.onEvent(new GatewayEvent.CircuitChanged("route 'r" + (i % 4) + "'", Circuit.OPEN));
          }
        });
      }
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    }

    long timed = registry.get("gatehouse.requests").timers().stream().mapToLong(Timer::count).sum();
    double rejected = registry.get("gatehouse.rejections").counters().stream().mapToDouble(c -> c.count()).sum();
    assertThat(timed).isEqualTo((long) threads * perThread);
    assertThat(rejected).isEqualTo((double) threads * perThread);
    assertThat(registry.get("gatehouse.requests").timers()).hasSize(4 * 3 * 2);
    assertThat(registry.get("gatehouse.circuit.state").gauges()).hasSize(4 * 3);
  }

  @Test
  void rejects_a_null_registry_or_gateway() {
    assertThatThrownBy(() -> GatehouseMetrics.of(null)).isInstanceOf(NullPointerException.class).hasMessage("registry");
    assertThatThrownBy(() -> metrics.watch(null)).isInstanceOf(NullPointerException.class).hasMessage("gateway");
  }

  private List<Double> circuitStates(String circuit) {
    return List.of("closed", "open", "half_open").stream()
        .map(state -> registry.get("gatehouse.circuit.state").tags("circuit", circuit, "state", state).gauge().value())
        .toList();
  }

  private double targets(String upstream, String state) {
    return registry.get("gatehouse.upstream.targets").tags("upstream", upstream, "state", state).gauge().value();
  }

  private double targetGauge(String name, String upstream, String target) {
    Gauge gauge = registry.get(name).tags("upstream", upstream, "target", target).gauge();
    assertThat(gauge.getId().getType()).isEqualTo(Meter.Type.GAUGE);
    return gauge.value();
  }

  private static UpstreamStatus group(String name, TargetStatus... targets) {
    return new UpstreamStatus(name, List.of(targets));
  }

  private static TargetStatus target(String url, Health health, Circuit circuit, int inFlight) {
    return new TargetStatus(url, 1, health, circuit, inFlight);
  }

  /** A gateway whose upstreams a test sets, as discovery and health checks would change them. */
  private static final class FakeGateway implements Gateway {
    volatile List<UpstreamStatus> upstreams;

    FakeGateway(UpstreamStatus... upstreams) {
      this.upstreams = List.of(upstreams);
    }

    @Override
    public CompletionStage<Response> handle(Request request) {
      throw new UnsupportedOperationException("not a real gateway");
    }

    @Override
    public GatewaySpec spec() {
      throw new UnsupportedOperationException("not a real gateway");
    }

    @Override
    public List<UpstreamStatus> upstreams() {
      return upstreams;
    }

    @Override
    public RouteExplanation explain(Request request) {
      throw new UnsupportedOperationException("not a real gateway");
    }

    @Override
    public Map<String, List<String>> chains() {
      return Map.of();
    }

    @Override
    public UsageReport usage() {
      return UsageReport.empty();
    }

    @Override
    public String version() {
      return "fake";
    }

    @Override
    public Optional<ConnectionPoolStatus> connectionPool() {
      return Optional.empty();
    }

    @Override
    public void takeStateFrom(Gateway previous) {}

    @Override
    public java.util.Optional<io.gatehouse.cache.ResponseCachePurge> responseCache(String name) {
      return java.util.Optional.empty();
    }

    @Override
    public void close() {}
  }
}

package io.gatehouse.upstream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.filter.RequestKey;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;

/**
 * The checks of the upstream values that no public setter can trip (the setters keep the parts
 * consistent), pinned through the package's own constructors, and the setters that keep them so.
 */
class UpstreamInvariantsTest {
  private static final Upstream A = Upstream.of("http://a:1");

  @Test
  void a_hash_key_without_consistent_hashing_is_named_in_the_message() {
    assertThatThrownBy(() -> new Upstream(Optional.empty(), A.targets(), Optional.empty(), Duration.ofSeconds(1),
        LoadBalancing.ROUND_ROBIN, Optional.of(RequestKey.header("X-User")), Optional.empty(), Optional.empty(), false,
        OptionalInt.empty(), Upstream.WhenFull.TRY_ANOTHER, OptionalInt.empty(), Optional.empty(), Optional.empty(),
        Optional.empty()))
        .hasMessage("hashKey: RequestKey[kind=HEADER, name=X-User] (expected: exactly with consistent hashing)");
  }

  @Test
  void consistent_hashing_without_a_key_is_refused() {
    assertThatThrownBy(() -> new Upstream(A.name(), A.targets(), Optional.empty(), Duration.ofSeconds(1),
        LoadBalancing.CONSISTENT_HASH, Optional.empty(), Optional.empty(), Optional.empty(), false, OptionalInt.empty(),
        Upstream.WhenFull.TRY_ANOTHER, OptionalInt.empty(), Optional.empty(), Optional.empty(), Optional.empty()))
        .hasMessage("hashKey: none (expected: exactly with consistent hashing)");
  }

  @Test
  void the_balancing_setters_set_and_clear_the_hash_key_together() {
    Upstream hashed = A.consistentHash(RequestKey.cookie("s"));
    assertThat(hashed.balancing()).isEqualTo(LoadBalancing.CONSISTENT_HASH);
    assertThat(hashed.hashKey()).contains(RequestKey.cookie("s"));
    assertThat(hashed.roundRobin().hashKey()).isEmpty();
    assertThat(hashed.random().hashKey()).isEmpty();
    assertThat(hashed.leastRequests().hashKey()).isEmpty();
  }

  @Test
  void more_connections_per_origin_than_in_all_is_refused() {
    ConnectionPool pool = ConnectionPool.defaults();
    assertThatThrownBy(() -> new ConnectionPool(10, 11, pool.acquireTimeout(), pool.maxLifetime(), pool.idleTimeout(),
        pool.validateAfterInactivity(), pool.resolveTimeout(), pool.negativeDnsTtl()))
        .hasMessage("maxPerOrigin: 11 (expected: <= maxTotal, 10)");
    assertThatThrownBy(() -> new ConnectionPool(2, 3, pool.acquireTimeout(), pool.maxLifetime(), pool.idleTimeout(),
        pool.validateAfterInactivity(), pool.resolveTimeout(), pool.negativeDnsTtl()))
        .hasMessage("maxPerOrigin: 3 (expected: <= maxTotal, 2)");
  }

  @Test
  void replacing_targets_keeps_every_other_setting_and_refuses_none() {
    Upstream u = A.named("orders").leastRequests().maxRequests(5);
    Upstream moved = u.targets(List.of(Target.of("http://b:2")));
    assertThat(moved.targets()).containsExactly(Target.of("http://b:2"));
    assertThat(moved.targets(u.targets())).isEqualTo(u);
    assertThatThrownBy(() -> u.targets(List.of()))
        .hasMessage("targets: 0 with discovery false (expected: static targets or a discovery, not both)");
  }

  @Test
  void a_split_with_its_upstreams_replaced_keeps_rules_weights_and_key() {
    Upstream b = Upstream.of("http://b:2");
    TrafficSplit split = TrafficSplit.of(A, 90).and(A, 10).whenHeader("X-Beta", "on", A).stickyOn(RequestKey.consumer());
    TrafficSplit moved = split.withUpstreams(u -> b);
    assertThat(moved).isEqualTo(TrafficSplit.of(b, 90).and(b, 10).whenHeader("X-Beta", "on", b).stickyOn(RequestKey.consumer()));
    assertThat(moved.withUpstreams(u -> A)).isEqualTo(split).hasSameHashCodeAs(split);
  }

  @Test
  void values_with_equal_settings_are_equal_and_print_as_before() {
    assertThat(Retry.times(2).onStatuses(503)).isEqualTo(Retry.times(2).onStatuses(503)).hasSameHashCodeAs(Retry.times(2).onStatuses(503))
        .isNotEqualTo(Retry.times(2));
    assertThat(CircuitBreaker.of().openFor(Duration.ofSeconds(5))).isEqualTo(CircuitBreaker.of().openFor(Duration.ofSeconds(5)))
        .isNotEqualTo(CircuitBreaker.of());
    assertThat(HealthCheck.http("/h")).isEqualTo(HealthCheck.http("/h")).isNotEqualTo(HealthCheck.http("/h").timeout(Duration.ofSeconds(1)));
    assertThat(OutlierDetection.consecutiveFailures(3)).isEqualTo(OutlierDetection.consecutiveFailures(3))
        .isNotEqualTo(OutlierDetection.consecutiveFailures(4));
    assertThat(Mirror.to(A).fraction(0.5)).isEqualTo(Mirror.to(A).fraction(0.5)).isNotEqualTo(Mirror.to(A));
    assertThat(ConnectionPool.defaults()).isEqualTo(ConnectionPool.defaults()).isNotEqualTo(ConnectionPool.defaults().maxTotal(9));
    assertThat(A.named("x")).isEqualTo(Upstream.of("http://a:1").named("x")).hasSameHashCodeAs(Upstream.of("http://a:1").named("x"));
    assertThat(OutlierDetection.consecutiveFailures(3))
        .hasToString("OutlierDetection[consecutiveFailures=3, baseEjection=PT30S, maxEjection=PT5M]");
    assertThat(Mirror.to(A)).hasToString("Mirror[upstream=" + A + ", fraction=1.0, maxBody=65536]");
    assertThat(HealthCheck.http("/h")).hasToString("HealthCheck[path=/h, interval=PT10S, timeout=PT2S, healthyThreshold=2,"
        + " unhealthyThreshold=3, expectedStatusFrom=200, expectedStatusTo=399]");
  }
}

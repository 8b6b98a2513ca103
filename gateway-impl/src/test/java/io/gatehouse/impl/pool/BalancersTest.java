package io.gatehouse.impl.pool;

import static io.gatehouse.impl.pool.TestTargets.count;
import static io.gatehouse.impl.pool.TestTargets.weighted;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.upstream.LoadBalancing;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class BalancersTest {

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
      "ROUND_ROBIN,     RoundRobinBalancer",
      "RANDOM,          RandomBalancer",
      "LEAST_REQUESTS,  LeastRequestsBalancer",
      "CONSISTENT_HASH, ConsistentHashBalancer"})
  void each_strategy_has_its_balancer(LoadBalancing strategy, String balancer) {
    assertThat(Balancers.create(strategy, weighted(1, 2)).getClass().getSimpleName()).isEqualTo(balancer);
  }

  @ParameterizedTest
  @EnumSource(LoadBalancing.class)
  void no_strategy_picks_an_unusable_target(LoadBalancing strategy) {
    List<LiveTarget> t = weighted(1, 3, 2, 1);
    Balancer balancer = Balancers.create(strategy, t);

    assertThat(count(10_000, () -> balancer.pick(x -> x != t.get(1) && x != t.get(3), null))).containsOnlyKeys(t.get(0), t.get(2));
    AtomicInteger key = new AtomicInteger();
    assertThat(count(10_000, () -> balancer.pick(x -> x != t.get(1) && x != t.get(3), "key-" + key.incrementAndGet())))
        .containsOnlyKeys(t.get(0), t.get(2));
  }

  @ParameterizedTest
  @EnumSource(LoadBalancing.class)
  void every_strategy_returns_null_when_no_target_is_usable(LoadBalancing strategy) {
    assertThat(Balancers.create(strategy, weighted(1, 3)).pick(x -> false, null)).isNull();
    assertThat(Balancers.create(strategy, weighted(1, 3)).pick(x -> false, "key")).isNull();
    assertThat(Balancers.create(strategy, List.of()).pick(x -> true, null)).isNull();
    assertThat(Balancers.create(strategy, List.of()).pick(x -> true, "key")).isNull();
  }
}

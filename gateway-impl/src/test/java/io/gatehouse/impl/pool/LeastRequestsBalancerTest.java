package io.gatehouse.impl.pool;

import static io.gatehouse.impl.pool.TestTargets.count;
import static io.gatehouse.impl.pool.TestTargets.equal;
import static io.gatehouse.impl.pool.TestTargets.target;
import static io.gatehouse.impl.pool.TestTargets.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LeastRequestsBalancerTest {
  private static final int PICKS = 200_000;

  // With two targets both are always the candidates, so the outcome is certain.
  @ParameterizedTest(name = "a {0} in flight, weight {1}; b {2} in flight, weight {3} -> {4}")
  @CsvSource(delimiter = '|', value = {
      "10 | 1 | 0  | 1 | b",
      "0  | 1 | 10 | 1 | a",
      "3  | 3 | 2  | 1 | a", // 1 per unit of weight against 2
      "4  | 1 | 9  | 3 | b", // 4 against 3
      "1  | 1 | 5  | 10 | b"})
  void least_requests_picks_the_target_with_fewer_requests_per_unit_of_weight(
      int inFlightA, int weightA, int inFlightB, int weightB, String expected) {
    LiveTarget a = busy(target("http://a:8080", weightA), inFlightA);
    LiveTarget b = busy(target("http://b:8080", weightB), inFlightB);
    Balancer least = new LeastRequestsBalancer(List.of(a, b));

    Map<LiveTarget, Integer> counts = count(1000, () -> least.pick(x -> true, null));

    assertThat(counts).containsOnlyKeys(expected.equals("a") ? a : b);
  }

  @Test
  void least_requests_sends_nothing_to_a_busy_target_while_two_others_are_idle() {
    List<LiveTarget> t = equal(3);
    busy(t.get(1), 10);
    Balancer least = new LeastRequestsBalancer(t);

    Map<LiveTarget, Integer> counts = count(PICKS, () -> least.pick(x -> true, null));

    assertThat(counts).containsOnlyKeys(t.get(0), t.get(2));
    assertThat((double) counts.get(t.get(0))).isCloseTo(PICKS / 2.0, within(PICKS / 2.0 * 0.05));
  }

  @Test
  void least_requests_shares_an_idle_group_by_weight() {
    List<LiveTarget> t = weighted(6, 1, 3);
    Balancer least = new LeastRequestsBalancer(t);

    Map<LiveTarget, Integer> counts = count(PICKS, () -> least.pick(x -> true, null));

    assertThat((double) counts.get(t.get(0))).isCloseTo(PICKS * 0.6, within(PICKS * 0.6 * 0.05));
    assertThat((double) counts.get(t.get(1))).isCloseTo(PICKS * 0.1, within(PICKS * 0.1 * 0.05));
    assertThat((double) counts.get(t.get(2))).isCloseTo(PICKS * 0.3, within(PICKS * 0.3 * 0.05));
  }

  @Test
  void least_requests_returns_the_only_usable_target_even_when_busy() {
    List<LiveTarget> t = equal(3);
    busy(t.get(2), 50);
    Balancer least = new LeastRequestsBalancer(t);

    assertThat(count(100, () -> least.pick(x -> x == t.get(2), null))).containsOnlyKeys(t.get(2));
    assertThat(least.pick(x -> false, null)).isNull();
    assertThat(new LeastRequestsBalancer(List.of()).pick(x -> true, null)).isNull();
  }

  private static LiveTarget busy(LiveTarget target, int inFlight) {
    for (int i = 0; i < inFlight; i++) {
      target.enter();
    }
    return target;
  }
}

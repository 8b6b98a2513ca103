package io.gatehouse.impl.pool;

import static io.gatehouse.impl.pool.TestTargets.count;
import static io.gatehouse.impl.pool.TestTargets.weighted;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomBalancerTest {
  // 200,000 picks: the smallest expected count (20,000) is then 7 standard deviations from the
  // 5% tolerance, so the test cannot fail by chance.
  private static final int PICKS = 200_000;

  @Test
  void random_picks_in_proportion_to_weight() {
    List<LiveTarget> t = weighted(1, 2, 3, 4);
    Balancer random = new RandomBalancer(t);

    Map<LiveTarget, Integer> counts = count(PICKS, () -> random.pick(x -> true, null));

    for (int i = 0; i < 4; i++) {
      double expected = PICKS * (i + 1) / 10.0;
      assertThat((double) counts.get(t.get(i))).as("picks of %s", t.get(i)).isCloseTo(expected, within(expected * 0.05));
    }
  }

  @Test
  void random_never_picks_an_unusable_target_and_shares_among_the_rest_by_weight() {
    List<LiveTarget> t = weighted(1, 5, 3);
    Balancer random = new RandomBalancer(t);

    Map<LiveTarget, Integer> counts = count(PICKS, () -> random.pick(x -> x != t.get(1), null));

    assertThat(counts).containsOnlyKeys(t.get(0), t.get(2));
    assertThat((double) counts.get(t.get(0))).isCloseTo(PICKS / 4.0, within(PICKS / 4.0 * 0.05));
  }

  @Test
  void random_returns_null_when_no_target_is_usable() {
    assertThat(new RandomBalancer(weighted(1, 2)).pick(x -> false, null)).isNull();
    assertThat(new RandomBalancer(List.of()).pick(x -> true, null)).isNull();
  }
}

package io.gatehouse.impl.pool;

import io.gatehouse.TimeSource;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.upstream.Target;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/** Live targets and pick counting for the balancer tests. */
final class TestTargets {
  private TestTargets() {}

  static LiveTarget target(String url, int weight) {
    return new LiveTarget(Target.of(url, weight), URI.create(url), TimeSource.system(), Optional.empty(), null, "test", Observers.NONE);
  }

  /** Targets http://t0:8080, http://t1:8080, ... with the given weights. */
  static List<LiveTarget> weighted(int... weights) {
    List<LiveTarget> targets = new ArrayList<>();
    for (int i = 0; i < weights.length; i++) {
      targets.add(target("http://t" + i + ":8080", weights[i]));
    }
    return List.copyOf(targets);
  }

  static List<LiveTarget> equal(int count) {
    int[] weights = new int[count];
    Arrays.fill(weights, 1);
    return weighted(weights);
  }

  static Map<LiveTarget, Integer> count(int picks, Supplier<LiveTarget> pick) {
    Map<LiveTarget, Integer> counts = new HashMap<>();
    for (int i = 0; i < picks; i++) {
      counts.merge(pick.get(), 1, Integer::sum);
    }
    return counts;
  }
}

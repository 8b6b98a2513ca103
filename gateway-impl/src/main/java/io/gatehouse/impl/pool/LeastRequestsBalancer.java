package io.gatehouse.impl.pool;

import java.util.List;
import java.util.function.Predicate;

/**
 * Power of two choices: of two distinct usable targets drawn at random, the one with fewer
 * requests in flight per unit of weight. It avoids the busy targets without every request
 * herding to the single least loaded one, and reads no shared state but the in-flight counts.
 */
final class LeastRequestsBalancer implements Balancer {
  private final LiveTarget[] targets;

  LeastRequestsBalancer(List<LiveTarget> targets) {
    this.targets = targets.toArray(new LiveTarget[0]);
  }

  @Override
  public LiveTarget pick(Predicate<LiveTarget> usable, String key) {
    // Weighted draws, ties to the first: an idle group (every pair ties) gets traffic by weight.
    int first = RandomBalancer.draw(targets, usable, -1);
    if (first < 0) {
      return null;
    }
    int second = RandomBalancer.draw(targets, usable, first);
    if (second < 0) {
      return targets[first];
    }
    LiveTarget a = targets[first];
    LiveTarget b = targets[second];
    // b.inFlight / b.weight < a.inFlight / a.weight, without division
    return (long) b.inFlight() * a.weight() < (long) a.inFlight() * b.weight() ? b : a;
  }
}

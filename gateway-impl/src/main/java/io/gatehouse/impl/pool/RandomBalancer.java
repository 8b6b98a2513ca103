package io.gatehouse.impl.pool;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * Weighted random: each usable target is picked with probability proportional to its weight.
 * Two passes over the targets (the usable weight, then the draw) instead of a filtered list, so a
 * pick allocates nothing.
 */
final class RandomBalancer implements Balancer {
  private final LiveTarget[] targets;

  RandomBalancer(List<LiveTarget> targets) {
    this.targets = targets.toArray(new LiveTarget[0]);
  }

  @Override
  public LiveTarget pick(Predicate<LiveTarget> usable, String key) {
    int i = draw(targets, usable, -1);
    return i < 0 ? null : targets[i];
  }

  /**
   * Draws the index of a usable target by weight, leaving out one index.
   *
   * @param excluded an index never drawn, or -1
   * @return the index, or -1 when no other target is usable
   */
  static int draw(LiveTarget[] targets, Predicate<LiveTarget> usable, int excluded) {
    long total = 0;
    for (int i = 0; i < targets.length; i++) {
      if (i != excluded && usable.test(targets[i])) {
        total += targets[i].weight();
      }
    }
    if (total == 0) {
      return -1;
    }
    long point = ThreadLocalRandom.current().nextLong(total);
    int last = -1;
    for (int i = 0; i < targets.length; i++) {
      if (i == excluded || !usable.test(targets[i])) {
        continue;
      }
      last = i;
      point -= targets[i].weight();
      if (point < 0) {
        return i;
      }
    }
    return last; // a target's health changed between the passes; -1 if none is left
  }
}

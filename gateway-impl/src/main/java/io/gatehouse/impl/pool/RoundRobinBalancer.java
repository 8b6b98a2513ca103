package io.gatehouse.impl.pool;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * Smooth weighted round robin (nginx's): each pick adds every usable target's weight to its
 * current score, takes the highest, and lowers it by the total; with weights 5, 1, 1 the order is
 * a a b a c a a, not a a a a a b c. With equal weights it is plain rotation, lock-free.
 * Targets that {@code usable} rejects are left out of a pick, their scores untouched (as nginx
 * does), so the others share the traffic by weight meanwhile.
 */
final class RoundRobinBalancer implements Balancer {
  private final List<LiveTarget> targets;
  private final boolean equalWeights;
  private final AtomicLong next = new AtomicLong();
  private final long[] current; // guarded by this; used only with unequal weights

  RoundRobinBalancer(List<LiveTarget> targets) {
    this.targets = targets;
    this.equalWeights = targets.stream().mapToInt(LiveTarget::weight).distinct().count() <= 1;
    this.current = new long[targets.size()];
  }

  @Override
  public LiveTarget pick(Predicate<LiveTarget> usable, String key) {
    int n = targets.size();
    if (n == 0) {
      return null;
    }
    if (equalWeights) {
      int start = (int) Math.floorMod(next.getAndIncrement(), (long) n);
      for (int i = 0; i < n; i++) {
        LiveTarget t = targets.get((start + i) % n);
        if (usable.test(t)) {
          if (i > 0) {
            // The turns of the skipped targets are used up too; otherwise the target after an
            // unusable one would take its turns as well as its own (a b c with b down: a c c).
            next.getAndAdd(i);
          }
          return t;
        }
      }
      return null;
    }
    synchronized (this) {
      long total = 0;
      int best = -1;
      for (int i = 0; i < n; i++) {
        LiveTarget t = targets.get(i);
        if (!usable.test(t)) {
          continue;
        }
        current[i] += t.weight();
        total += t.weight();
        if (best < 0 || current[i] > current[best]) {
          best = i;
        }
      }
      if (best < 0) {
        return null;
      }
      current[best] -= total;
      return targets.get(best);
    }
  }
}

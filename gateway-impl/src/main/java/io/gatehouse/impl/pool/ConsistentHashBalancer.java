package io.gatehouse.impl.pool;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * A hash ring: each target owns points on it (virtual nodes, by weight), and a key goes to the
 * owner of the first point at or after the key's hash, walking on past targets that are not
 * usable. A point's place depends only on its target's URL, so a target that leaves (or is not
 * usable) only remaps the keys it held, and one that joins only takes keys. Requests without a key
 * go to a weighted random target.
 */
final class ConsistentHashBalancer implements Balancer {
  private static final int POINTS_PER_WEIGHT = 100;
  private static final int MAX_POINTS = 20_000;

  private final LiveTarget[] targets;
  private final long[] hashes; // ascending
  private final int[] owners; // owners[i]: the index in targets of the point at hashes[i]
  private final RandomBalancer withoutKey;

  private record Point(long hash, String url, int owner) {}

  ConsistentHashBalancer(List<LiveTarget> targets) {
    this.targets = targets.toArray(new LiveTarget[0]);
    this.withoutKey = new RandomBalancer(targets);
    long totalWeight = targets.stream().mapToLong(LiveTarget::weight).sum();
    // Big groups are scaled down to keep the ring (and its build) small. A target's points are
    // url#0 .. url#k-1, so when the scale changes with the group, a target only gains or loses
    // its last points and few keys move.
    double scale = Math.min(1.0, (double) MAX_POINTS / Math.max(1, POINTS_PER_WEIGHT * totalWeight));
    int[] counts = new int[this.targets.length];
    int size = 0;
    for (int owner = 0; owner < counts.length; owner++) {
      counts[owner] = Math.max(1, (int) (POINTS_PER_WEIGHT * this.targets[owner].weight() * scale));
      size += counts[owner];
    }
    Point[] points = new Point[size];
    int next = 0;
    for (int owner = 0; owner < counts.length; owner++) {
      String url = this.targets[owner].target().url();
      for (int i = 0; i < counts[owner]; i++) {
        points[next++] = new Point(KeyHash.of(url + "#" + i), url, owner);
      }
    }
    // Equal hashes are all but impossible; ordering them by URL keeps the ring independent of
    // the order of the targets all the same.
    Arrays.sort(points, Comparator.comparingLong(Point::hash).thenComparing(Point::url));
    this.hashes = new long[size];
    this.owners = new int[size];
    for (int i = 0; i < size; i++) {
      hashes[i] = points[i].hash();
      owners[i] = points[i].owner();
    }
  }

  @Override
  public LiveTarget pick(Predicate<LiveTarget> usable, String key) {
    if (key == null) {
      return withoutKey.pick(usable, null);
    }
    int size = hashes.length;
    if (size == 0) {
      return null;
    }
    int start = Arrays.binarySearch(hashes, KeyHash.of(key));
    if (start < 0) {
      start = -start - 1; // the first point after the key; size wraps around to 0 below
    }
    int rejected = -1;
    boolean someUsable = false;
    for (int step = 0; step < size; step++) {
      int owner = owners[(start + step) % size];
      if (owner == rejected) {
        continue;
      }
      if (usable.test(targets[owner])) {
        return targets[owner];
      }
      rejected = owner;
      // Checked once, so that a ring without any usable target is not walked to its end.
      if (!someUsable) {
        if (!anyUsable(usable)) {
          return null;
        }
        someUsable = true;
      }
    }
    return null;
  }

  private boolean anyUsable(Predicate<LiveTarget> usable) {
    for (LiveTarget t : targets) {
      if (usable.test(t)) {
        return true;
      }
    }
    return false;
  }
}

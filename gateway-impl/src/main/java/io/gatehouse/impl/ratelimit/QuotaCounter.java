package io.gatehouse.impl.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import io.gatehouse.TimeSource;
import io.gatehouse.impl.cache.BoundedCaches;
import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.carry.CarryKey;
import io.gatehouse.ratelimit.Quota;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.TimeUnit;

/**
 * One quota's counts: per principal and calendar window (on the wall clock), the requests counted
 * so far. A count is kept one window past its window (see {@link Count}); at most
 * {@link #MAX_KEYS} principals are counted per quota (beyond that, the least recently seen one's
 * count is forgotten: a documented limit of local quotas). A gateway swapped in with the same
 * plan and quota takes the counts over.
 */
final class QuotaCounter implements CarriedState {
  static final int MAX_KEYS = 1_000_000;

  private final Quota quota;
  private final TimeSource time;
  private final String plan;
  private volatile Cache<String, Count> counts;

  /**
   * A principal's count in one window; mutable under the cache's per-key lock only. It is kept
   * until one window length past the window's end, on monotonic time: the slack keeps the count
   * through a step of the wall clock back.
   */
  private static final class Count {
    final long keepUntilNanos;
    long used;

    Count(long keepUntilNanos) {
      this.keepUntilNanos = keepUntilNanos;
    }
  }

  /** The outcome: whether admitted, what is left, when the window ends (millis from now), and its length. */
  record Decision(boolean allowed, long remaining, long resetMillis, long windowMillis) {}

  QuotaCounter(String plan, Quota quota, TimeSource time) {
    this.plan = plan;
    this.quota = quota;
    this.time = time;
    this.counts = BoundedCaches.<String, Count>expiringAt(time, MAX_KEYS, c -> c.keepUntilNanos).build();
  }

  @Override
  public CarryKey carryKey() {
    return new CarryKey("quota", plan, quota);
  }

  @Override
  public void takeOver(CarriedState previous) {
    counts = ((QuotaCounter) previous).counts;
  }

  Quota quota() {
    return quota;
  }

  /** The calendar window the wall clock is in now. */
  record Window(long startEpochSecond, long endEpochMillis, long lengthMillis) {}

  Window window() {
    ZonedDateTime day = Instant.ofEpochMilli(time.wallClock().millis()).atZone(quota.zone()).truncatedTo(ChronoUnit.DAYS);
    ZonedDateTime start = quota.window() == Quota.Window.DAY ? day : day.withDayOfMonth(1);
    ZonedDateTime end = quota.window() == Quota.Window.DAY ? start.plusDays(1) : start.plusMonths(1);
    long startMillis = start.toInstant().toEpochMilli();
    long endMillis = end.toInstant().toEpochMilli();
    return new Window(start.toEpochSecond(), endMillis, endMillis - startMillis);
  }

  /** The decision for a count in a window, counted here or by a shared store. */
  Decision decision(boolean allowed, long used, Window window) {
    return new Decision(allowed, Math.max(0, quota.requests() - used), window.endEpochMillis() - time.wallClock().millis(),
        window.lengthMillis());
  }

  Decision acquire(String principal, long cost) {
    Window window = window();
    boolean[] allowed = new boolean[1];
    long[] used = new long[1];
    counts.asMap().compute(principal + "@" + window.startEpochSecond(), (k, count) -> {
      Count c = count == null ? new Count(keepUntil(window)) : count;
      if (c.used + cost <= quota.requests()) {
        c.used += cost;
        allowed[0] = true;
      }
      used[0] = c.used;
      return c;
    });
    return decision(allowed[0], used[0], window);
  }

  private long keepUntil(Window window) {
    long untilEnd = Math.max(0, window.endEpochMillis() - time.wallClock().millis());
    return time.nanoTime() + TimeUnit.MILLISECONDS.toNanos(untilEnd + window.lengthMillis());
  }

  /** How many counts are kept now; for tests of how long a count lives. */
  long keys() {
    counts.cleanUp();
    return counts.estimatedSize();
  }

  void refund(String principal, long cost) {
    counts.asMap().computeIfPresent(principal + "@" + window().startEpochSecond(), (k, c) -> {
      c.used = Math.max(0, c.used - cost);
      return c;
    });
  }
}

package io.gatehouse.impl.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import io.gatehouse.impl.cache.ClockCaches;
import io.gatehouse.ratelimit.Quota;
import java.time.Clock;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;

/**
 * One quota's counts: per principal and calendar window, the requests counted so far. A count
 * expires with its window; at most {@link #MAX_KEYS} principals are counted per quota (beyond
 * that, the least recently seen one's count is forgotten: a documented limit of local quotas).
 */
final class QuotaCounter {
  static final int MAX_KEYS = 1_000_000;

  private final Quota quota;
  private final Clock clock;
  private final Cache<String, Count> counts;

  /** A principal's count in one window; mutable under the cache's per-key lock only. */
  private static final class Count {
    final long windowEndMillis;
    long used;

    Count(long windowEndMillis) {
      this.windowEndMillis = windowEndMillis;
    }
  }

  /** The outcome: whether admitted, what is left, when the window ends (millis from now), and its length. */
  record Decision(boolean allowed, long remaining, long resetMillis, long windowMillis) {}

  QuotaCounter(Quota quota, Clock clock) {
    this.quota = quota;
    this.clock = clock;
    this.counts = ClockCaches.<String, Count>expiringAt(clock, MAX_KEYS, c -> c.windowEndMillis * 1_000_000L).build();
  }

  Quota quota() {
    return quota;
  }

  /** The calendar window the clock is in now. */
  record Window(long startEpochSecond, long endEpochMillis, long lengthMillis) {}

  Window window() {
    ZonedDateTime day = Instant.ofEpochMilli(clock.millis()).atZone(quota.zone()).truncatedTo(ChronoUnit.DAYS);
    ZonedDateTime start = quota.window() == Quota.Window.DAY ? day : day.withDayOfMonth(1);
    ZonedDateTime end = quota.window() == Quota.Window.DAY ? start.plusDays(1) : start.plusMonths(1);
    long startMillis = start.toInstant().toEpochMilli();
    long endMillis = end.toInstant().toEpochMilli();
    return new Window(start.toEpochSecond(), endMillis, endMillis - startMillis);
  }

  /** The decision for a count in a window, counted here or by a shared store. */
  Decision decision(boolean allowed, long used, Window window) {
    return new Decision(allowed, Math.max(0, quota.requests() - used), window.endEpochMillis() - clock.millis(),
        window.lengthMillis());
  }

  Decision acquire(String principal, long cost) {
    Window window = window();
    boolean[] allowed = new boolean[1];
    long[] used = new long[1];
    counts.asMap().compute(principal + "@" + window.startEpochSecond(), (k, count) -> {
      Count c = count == null ? new Count(window.endEpochMillis()) : count;
      if (c.used + cost <= quota.requests()) {
        c.used += cost;
        allowed[0] = true;
      }
      used[0] = c.used;
      return c;
    });
    return decision(allowed[0], used[0], window);
  }

  void refund(String principal, long cost) {
    counts.asMap().computeIfPresent(principal + "@" + window().startEpochSecond(), (k, c) -> {
      c.used = Math.max(0, c.used - cost);
      return c;
    });
  }
}

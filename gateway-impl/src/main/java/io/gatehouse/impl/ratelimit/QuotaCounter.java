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

  Decision acquire(String principal, long cost) {
    long now = clock.millis();
    ZonedDateTime start = window(Instant.ofEpochMilli(now));
    long end = (quota.window() == Quota.Window.DAY ? start.plusDays(1) : start.plusMonths(1)).toInstant().toEpochMilli();
    boolean[] allowed = new boolean[1];
    long[] used = new long[1];
    counts.asMap().compute(principal + "@" + start.toEpochSecond(), (k, count) -> {
      Count c = count == null ? new Count(end) : count;
      if (c.used + cost <= quota.requests()) {
        c.used += cost;
        allowed[0] = true;
      }
      used[0] = c.used;
      return c;
    });
    return new Decision(allowed[0], Math.max(0, quota.requests() - used[0]), end - now,
        end - start.toInstant().toEpochMilli());
  }

  void refund(String principal, long cost) {
    ZonedDateTime start = window(Instant.ofEpochMilli(clock.millis()));
    counts.asMap().computeIfPresent(principal + "@" + start.toEpochSecond(), (k, c) -> {
      c.used = Math.max(0, c.used - cost);
      return c;
    });
  }

  private ZonedDateTime window(Instant now) {
    ZonedDateTime day = now.atZone(quota.zone()).truncatedTo(ChronoUnit.DAYS);
    return quota.window() == Quota.Window.DAY ? day : day.withDayOfMonth(1);
  }
}

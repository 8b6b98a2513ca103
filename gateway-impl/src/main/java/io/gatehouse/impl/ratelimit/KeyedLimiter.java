package io.gatehouse.impl.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import io.gatehouse.TimeSource;
import io.gatehouse.impl.cache.BoundedCaches;
import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.carry.CarryKey;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitStore.Decision;

/**
 * One rate limit's state: per key, the GCRA "theoretical arrival time" (TAT), the time at which
 * the key's budget is full again, on the gateway's monotonic time (a step of the wall clock neither
 * locks a key out nor refills it). A request of cost {@code c} moves the TAT to
 * {@code max(TAT, now) + c * interval} and is admitted if that stays within
 * {@code now + burst * interval}.
 *
 * <p>Entries expire when their TAT passes (a key with a full budget needs no state) and the cache
 * holds at most {@code maxKeys}; both keep memory bounded whatever keys callers send. Updates are
 * atomic per key (Caffeine's {@code compute}); nothing blocks beyond that. A gateway swapped in
 * with the same limit (scope and settings) takes the buckets over.
 */
final class KeyedLimiter implements CarriedState {
  private final RateLimit limit;
  private final TimeSource time;
  private final long intervalNanos;
  private final long capacityNanos; // the burst plus the longest wait: what a request may reserve
  private final long burstNanos;
  private final long maxCost; // the most permits one request can ever be granted
  private volatile Cache<String, Long> tats;

  private final String scope;

  /**
   * @param scope what keys are namespaced with in a shared store: the limit's name for a global
   *     limit, route id and name for a route's own
   */
  KeyedLimiter(RateLimit limit, String scope, TimeSource time) {
    this.limit = limit;
    this.scope = scope;
    this.time = time;
    this.intervalNanos = limit.window().toNanos() / limit.requests();
    this.burstNanos = Math.multiplyExact(intervalNanos, limit.burst());
    this.capacityNanos = Math.addExact(burstNanos, limit.maxWait().toNanos());
    this.maxCost = capacityNanos / intervalNanos;
    this.tats = BoundedCaches.<String, Long>expiringAt(time, limit.maxKeys(), tat -> tat).build();
  }

  @Override
  public CarryKey carryKey() {
    return new CarryKey("rate-limit", scope, limit);
  }

  @Override
  public void takeOver(CarriedState previous) {
    tats = ((KeyedLimiter) previous).tats;
  }

  RateLimit limit() {
    return limit;
  }

  String scope() {
    return scope;
  }

  long intervalNanos() {
    return intervalNanos;
  }

  /** What a request may reserve: the burst, plus the longest wait of a throttling limit. */
  long capacityNanos() {
    return capacityNanos;
  }

  /** The burst alone: what a key may spend without waiting. */
  long burstNanos() {
    return burstNanos;
  }

  Decision acquire(String key, long cost) {
    long now = time.nanoTime();
    if (cost > maxCost) {
      // Never granted, and never counted: cost * interval could overflow and move the key's time back.
      // (The compiler bounds every cost by the burst; this keeps the arithmetic safe whatever a caller passes.)
      Long tat = tats.getIfPresent(key);
      long used = tat == null || tat - now < 0 ? 0 : tat - now;
      return new Decision(false, (capacityNanos - used) / intervalNanos, used, capacityNanos);
    }
    long[] result = new long[2]; // [0] the TAT after this request, [1] 1 if admitted
    tats.asMap().compute(key, (k, tat) -> {
      long base = tat == null || tat - now < 0 ? now : tat;
      long next = base + cost * intervalNanos;
      if (next - now <= capacityNanos) {
        result[0] = next;
        result[1] = 1;
        return next;
      }
      result[0] = base;
      return tat; // unchanged, or no entry at all
    });
    long used = result[0] - now;
    if (result[1] == 1) {
      return new Decision(true, (capacityNanos - used) / intervalNanos, used, 0);
    }
    long retry = used + cost * intervalNanos - capacityNanos;
    return new Decision(false, Math.max(0, (capacityNanos - used) / intervalNanos), used, retry);
  }

  /** Gives back what an admitted request took, when a later limit turned the request away. */
  void refund(String key, long cost) {
    long now = time.nanoTime();
    tats.asMap().computeIfPresent(key, (k, tat) -> {
      long back = tat - cost * intervalNanos;
      return back - now <= 0 ? null : back;
    });
  }

  /** How many keys hold state now; for tests of the memory bound. */
  long keys() {
    tats.cleanUp();
    return tats.estimatedSize();
  }
}

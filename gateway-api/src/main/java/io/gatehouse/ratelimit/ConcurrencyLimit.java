package io.gatehouse.ratelimit;

import io.gatehouse.internal.Check;
import java.time.Duration;
import java.util.Objects;

/**
 * A bulkhead for a route: at most so many of its requests in flight at once; the rest get 503 at
 * once, or wait in a bounded queue, holding no thread, for a bounded time. A request is in flight
 * from the moment it passes the route's rate limits until its response (status and headers) is
 * ready; a streaming body that follows does not hold the slot.
 *
 * <pre>{@code
 * r.concurrencyLimit(ConcurrencyLimit.of(50))                                   // 51st: 503
 * r.concurrencyLimit(ConcurrencyLimit.of(50).queue(200, Duration.ofSeconds(2))) // then wait
 * }</pre>
 *
 * @param maxInFlight how many requests may be in flight, at least 1
 * @param maxQueued how many more may wait for a slot, zero for none
 * @param maxWait how long one may wait; zero when there is no queue
 * @since 0.1
 */
public record ConcurrencyLimit(int maxInFlight, int maxQueued, Duration maxWait) {

  /**
   * Checks the values.
   *
   * @param maxInFlight how many requests may be in flight, at least 1
   * @param maxQueued how many more may wait for a slot, zero for none
   * @param maxWait how long one may wait; zero when there is no queue
   */
  public ConcurrencyLimit {
    Objects.requireNonNull(maxWait, "maxWait");
    Check.atLeast("maxInFlight", maxInFlight, 1);
    Check.atLeast("maxQueued", maxQueued, 0);
    if (maxWait.isNegative() || (maxQueued > 0 && maxWait.isZero())) {
      throw Check.invalid("maxWait", maxWait, "> 0 with a queue, >= 0 without");
    }
  }

  /**
   * At most this many in flight; the rest get 503 at once.
   *
   * @param maxInFlight at least 1
   * @return the limit
   */
  public static ConcurrencyLimit of(int maxInFlight) {
    return new ConcurrencyLimit(maxInFlight, 0, Duration.ZERO);
  }

  /**
   * Lets requests beyond the limit wait for a slot.
   *
   * @param maxQueued how many may wait, at least 1; beyond them, 503 at once
   * @param maxWait how long each may wait before it gets 503
   * @return a changed copy
   */
  public ConcurrencyLimit queue(int maxQueued, Duration maxWait) {
    Check.atLeast("maxQueued", maxQueued, 1);
    return new ConcurrencyLimit(maxInFlight, maxQueued, maxWait);
  }
}

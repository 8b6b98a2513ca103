package io.gatehouse.ratelimit;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
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
 * @since 0.1
 */
public final class ConcurrencyLimit {
  private final int maxInFlight;
  private final int maxQueued;
  private final Duration maxWait;

  // Package-private, not private: RateLimitValuesTest pins the check that no setter can trip.
  ConcurrencyLimit(int maxInFlight, int maxQueued, Duration maxWait) {
    Objects.requireNonNull(maxWait, "maxWait");
    Check.atLeast("maxInFlight", maxInFlight, 1);
    Check.atLeast("maxQueued", maxQueued, 0);
    if (maxWait.isNegative() || (maxQueued > 0 && maxWait.isZero())) {
      throw Check.invalid("maxWait", maxWait, "> 0 with a queue, >= 0 without");
    }
    this.maxInFlight = maxInFlight;
    this.maxQueued = maxQueued;
    this.maxWait = maxWait;
  }

  /**
   * How many requests may be in flight, at least 1.
   *
   * @return the setting
   */
  public int maxInFlight() {
    return maxInFlight;
  }

  /**
   * How many more may wait for a slot, zero for none.
   *
   * @return the setting
   */
  public int maxQueued() {
    return maxQueued;
  }

  /**
   * How long one may wait; zero when there is no queue.
   *
   * @return the setting
   */
  public Duration maxWait() {
    return maxWait;
  }

  /**
   * Whether another ConcurrencyLimit has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof ConcurrencyLimit o && maxInFlight == o.maxInFlight
        && maxQueued == o.maxQueued
        && maxWait.equals(o.maxWait);
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(maxInFlight, maxQueued, maxWait);
  }

  @Override
  public String toString() {
    return Text.fields(this, "maxInFlight", maxInFlight, "maxQueued", maxQueued, "maxWait", maxWait);
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

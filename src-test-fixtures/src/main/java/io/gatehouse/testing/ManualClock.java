package io.gatehouse.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that moves only when a test moves it. Give it to {@code Gateway.builder().clock(...)}
 * and everything time-based in the gateway follows it. Thread-safe.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.of(Instant.parse("2026-01-01T00:00:00Z"));
 * Gateway gateway = Gateway.builder().clock(clock)...build();
 * clock.advance(Duration.ofSeconds(1));
 * }</pre>
 *
 * @since 0.1
 */
public final class ManualClock extends Clock {
  private final AtomicReference<Instant> now;
  private final ZoneId zone;

  private ManualClock(AtomicReference<Instant> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * A clock standing at an instant, in UTC.
   *
   * @param start the initial instant
   * @return the clock
   */
  public static ManualClock of(Instant start) {
    return new ManualClock(new AtomicReference<>(Objects.requireNonNull(start, "start")), ZoneOffset.UTC);
  }

  /**
   * A clock standing at 2026-01-01T00:00:00Z, in UTC.
   *
   * @return the clock
   */
  public static ManualClock create() {
    return of(Instant.parse("2026-01-01T00:00:00Z"));
  }

  /**
   * Moves the clock forward.
   *
   * @param amount zero or more
   * @return the new instant
   */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount: " + amount + " (expected: >= 0; use set() to go back)");
    }
    return now.updateAndGet(t -> t.plus(amount));
  }

  /**
   * Sets the clock to an instant, forward or back.
   *
   * @param instant the new instant
   */
  public void set(Instant instant) {
    now.set(Objects.requireNonNull(instant, "instant"));
  }

  @Override
  public Instant instant() {
    return now.get();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new ManualClock(now, Objects.requireNonNull(zone, "zone"));
  }

  @Override
  public String toString() {
    return "ManualClock[" + now.get() + "]";
  }
}

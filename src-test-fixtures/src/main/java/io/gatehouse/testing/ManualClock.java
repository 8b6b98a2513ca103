package io.gatehouse.testing;

import io.gatehouse.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Time that moves only when a test moves it, of both kinds a gateway reads (see
 * {@link TimeSource}): {@link #advance} moves the wall clock and the monotonic time together, as
 * time passing does; {@link #set} steps the wall clock alone, forward or back, as NTP or an
 * operator does, so tests can show that limits and breakers ignore such steps while quota windows
 * and token expiry follow them. Give it to {@code Gateway.builder().time(...)}. Thread-safe.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.of(Instant.parse("2026-01-01T00:00:00Z"));
 * Gateway gateway = Gateway.builder().time(clock)...build();
 * clock.advance(Duration.ofSeconds(1));                      // a second passes
 * clock.set(Instant.parse("2025-12-31T23:00:00Z"));          // the wall clock steps back an hour
 * }</pre>
 *
 * @since 0.1
 */
public final class ManualClock extends Clock implements TimeSource {
  /** Both readings, moved together by {@link #advance}. */
  private record Now(Instant wall, long nanos) {}

  private final AtomicReference<Now> now;
  private final ZoneId zone;

  private ManualClock(AtomicReference<Now> now, ZoneId zone) {
    this.now = now;
    this.zone = zone;
  }

  /**
   * A clock standing at an instant, in UTC; its monotonic time starts at zero.
   *
   * @param start the initial instant
   * @return the clock
   */
  public static ManualClock of(Instant start) {
    return new ManualClock(new AtomicReference<>(new Now(Objects.requireNonNull(start, "start"), 0)), ZoneOffset.UTC);
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
   * Lets time pass: the wall clock and the monotonic time both move forward.
   *
   * @param amount zero or more
   * @return the new wall-clock instant
   */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount: " + amount + " (expected: >= 0; use set() to step the wall clock back)");
    }
    long nanos = amount.toNanos();
    return now.updateAndGet(n -> new Now(n.wall().plus(amount), n.nanos() + nanos)).wall();
  }

  /**
   * Steps the wall clock to an instant, forward or back; the monotonic time does not move, so
   * durations the gateway measures do not see the step.
   *
   * @param instant the new wall-clock instant
   */
  public void set(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    now.updateAndGet(n -> new Now(instant, n.nanos()));
  }

  @Override
  public long nanoTime() {
    return now.get().nanos();
  }

  @Override
  public Clock wallClock() {
    return this;
  }

  @Override
  public Instant instant() {
    return now.get().wall();
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
    Now n = now.get();
    return "ManualClock[" + n.wall() + ", monotonic " + Duration.ofNanos(n.nanos()) + "]";
  }
}

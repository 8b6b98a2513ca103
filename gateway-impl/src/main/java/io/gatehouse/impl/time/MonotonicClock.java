package io.gatehouse.impl.time;

import io.gatehouse.TimeSource;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A {@link Clock} view of a time source's monotonic time, for libraries that measure durations on
 * a {@code Clock} (resilience4j's circuit breaker): its instants move only as
 * {@link TimeSource#nanoTime()} does, from the epoch at the time source's origin. They are not
 * calendar instants; never show them to anyone.
 */
public final class MonotonicClock extends Clock {
  private final TimeSource time;

  private MonotonicClock(TimeSource time) {
    this.time = time;
  }

  /**
   * The monotonic view of a time source.
   *
   * @param time the time source
   * @return a clock whose differences are the time source's durations
   */
  public static Clock of(TimeSource time) {
    return new MonotonicClock(time);
  }

  @Override
  public Instant instant() {
    long nanos = time.nanoTime();
    return Instant.ofEpochSecond(Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L));
  }

  @Override
  public long millis() {
    return Math.floorDiv(time.nanoTime(), 1_000_000L);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  /** The same clock: its instants stand for durations, which no zone changes. */
  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}

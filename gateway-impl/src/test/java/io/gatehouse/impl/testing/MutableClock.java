package io.gatehouse.impl.testing;

import io.gatehouse.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Time tests move by hand, as the fixtures' ManualClock (out of reach of gateway-impl) does:
 * {@link #advance} moves the wall clock and the monotonic time, {@link #set} steps the wall clock
 * alone.
 */
public final class MutableClock extends Clock implements TimeSource {
  private record Now(Instant wall, long nanos) {}

  private volatile Now now = new Now(Instant.parse("2026-11-25T12:00:00Z"), 0);

  public synchronized void advance(Duration d) {
    now = new Now(now.wall().plus(d), now.nanos() + d.toNanos());
  }

  public synchronized void set(Instant instant) {
    now = new Now(instant, now.nanos());
  }

  @Override
  public long nanoTime() {
    return now.nanos();
  }

  @Override
  public Clock wallClock() {
    return this;
  }

  @Override
  public Instant instant() {
    return now.wall();
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}

package io.gatehouse.impl.time;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The Clock view of monotonic time: its differences are the time source's, whatever the wall clock does. */
class MonotonicClockTest {

  /** A time source whose readings the test sets. */
  private static final class Readings implements TimeSource {
    long nanos;
    final Clock wall = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);

    @Override
    public long nanoTime() {
      return nanos;
    }

    @Override
    public Clock wallClock() {
      return wall;
    }
  }

  @ParameterizedTest(name = "from {0} ns")
  @ValueSource(longs = {0, -1, 1, -1_500_000_001L, 999_999_999L, Long.MIN_VALUE / 4, Long.MAX_VALUE / 4})
  void instants_and_millis_move_exactly_as_the_monotonic_time_does(long origin) {
    Readings time = new Readings();
    time.nanos = origin;
    Clock clock = MonotonicClock.of(time);
    Instant first = clock.instant();
    long firstMillis = clock.millis();

    time.nanos = origin + 2_500_000_123L;
    assertThat(Duration.between(first, clock.instant())).isEqualTo(Duration.ofNanos(2_500_000_123L));
    assertThat(clock.millis() - firstMillis).isBetween(2_500L, 2_501L);
    assertThat(clock.instant().toEpochMilli()).isEqualTo(clock.millis());
  }

  @ParameterizedTest(name = "from {0} ns")
  @ValueSource(longs = {0, -7})
  void the_wall_clock_is_not_read(long origin) {
    Readings time = new Readings();
    time.nanos = origin;
    assertThat(MonotonicClock.of(time).instant()).isNotEqualTo(time.wall.instant());
    assertThat(MonotonicClock.of(time).withZone(ZoneId.of("Europe/Paris")).instant()).isEqualTo(MonotonicClock.of(time).instant());
  }
}

package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Both kinds of time of the manual clock: advance moves both, set steps only the wall clock. */
class ManualClockTest {
  private static final Instant START = Instant.parse("2026-03-29T00:30:00Z");

  @Test
  void advance_moves_the_wall_clock_and_the_monotonic_time_together() {
    ManualClock clock = ManualClock.of(START);
    long before = clock.nanoTime();
    assertThat(clock.advance(Duration.ofMillis(1_500))).isEqualTo(START.plusMillis(1_500));
    assertThat(clock.instant()).isEqualTo(START.plusMillis(1_500));
    assertThat(clock.nanoTime() - before).isEqualTo(1_500_000_000L);
    assertThat(clock.advance(Duration.ZERO)).isEqualTo(START.plusMillis(1_500));
  }

  @Test
  void set_steps_the_wall_clock_either_way_and_leaves_the_monotonic_time_alone() {
    ManualClock clock = ManualClock.of(START);
    clock.advance(Duration.ofSeconds(5));
    long monotonic = clock.nanoTime();
    clock.set(START.minus(Duration.ofHours(1)));
    assertThat(clock.instant()).isEqualTo(START.minus(Duration.ofHours(1)));
    assertThat(clock.nanoTime()).isEqualTo(monotonic);
    clock.set(START.plus(Duration.ofDays(400)));
    assertThat(clock.now()).isEqualTo(START.plus(Duration.ofDays(400)));
    assertThat(clock.nanoTime()).isEqualTo(monotonic);
  }

  @Test
  void time_cannot_go_back_through_advance() {
    ManualClock clock = ManualClock.of(START);
    assertThatThrownBy(() -> clock.advance(Duration.ofNanos(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("expected: >= 0");
    assertThat(clock.instant()).isEqualTo(START);
    assertThat(clock.nanoTime()).isZero();
  }

  @Test
  void its_wall_clock_is_itself_and_a_zoned_view_shares_its_time() {
    ManualClock clock = ManualClock.of(START);
    assertThat(clock.wallClock()).isSameAs(clock);
    Clock paris = clock.withZone(ZoneId.of("Europe/Paris"));
    clock.advance(Duration.ofMinutes(1));
    assertThat(paris.instant()).isEqualTo(START.plus(Duration.ofMinutes(1)));
    assertThat(paris.getZone()).isEqualTo(ZoneId.of("Europe/Paris"));
    assertThat(((ManualClock) paris).nanoTime()).isEqualTo(clock.nanoTime());
  }

  @Test
  void advances_from_many_threads_all_count() throws Exception {
    ManualClock clock = ManualClock.of(START);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        done.add(pool.submit(() -> {
          for (int i = 0; i < 1_000; i++) {
            clock.advance(Duration.ofMillis(1));
          }
        }));
      }
      for (Future<?> f : done) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(clock.instant()).isEqualTo(START.plusSeconds(4));
    assertThat(clock.nanoTime()).isEqualTo(4_000_000_000L);
  }
}

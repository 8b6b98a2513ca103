package io.gatehouse.undertow.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BodyPaceTest {
  private static final long MS = 1_000_000;
  private final BodyPace pace = new BodyPace(new ClientTimeouts(Duration.ofMillis(1000), 100, Duration.ofMillis(2000),
      Duration.ofSeconds(1)));

  @Test
  void a_pause_is_judged_only_while_waiting_on_the_client() {
    assertThat(pace.verdict(50_000 * MS)).isEmpty();
    pace.waiting(0);
    assertThat(pace.verdict(999 * MS)).isEmpty();
    assertThat(pace.verdict(1000 * MS)).hasValueSatisfying(why -> assertThat(why).contains("no request body bytes for 1000 ms"));
    pace.received(1000 * MS, 500);
    assertThat(pace.verdict(5000 * MS)).isEmpty();
    assertThat(pace.isWaiting()).isFalse();
  }

  @Test
  void a_wait_that_starts_again_does_not_move_its_start() {
    pace.waiting(0);
    pace.waiting(900 * MS);
    assertThat(pace.verdict(1000 * MS)).isPresent();
  }

  @Test
  void time_while_nobody_reads_is_not_the_clients() {
    pace.waiting(0);
    pace.paused(500 * MS);
    assertThat(pace.verdict(10_000 * MS)).isEmpty();
    pace.waiting(10_000 * MS);
    assertThat(pace.verdict(10_900 * MS)).isEmpty();
  }

  @Test
  void the_average_rate_counts_once_the_grace_time_of_waiting_has_passed() {
    // 150 bytes over 2 s of waiting = 75 B/s, under 100 B/s, but only after the grace of 2 s.
    for (int i = 0; i < 4; i++) {
      pace.waiting(i * 500 * MS);
      pace.received((i * 500 + 499) * MS, i == 0 ? 150 : 0);
    }
    pace.waiting(2000 * MS);
    assertThat(pace.verdict(2000 * MS)).isEmpty(); // 1996 ms waited: within the grace
    assertThat(pace.verdict(2010 * MS)).hasValueSatisfying(why -> assertThat(why).contains("75 bytes/s (expected: at least 100)"));
  }

  @Test
  void a_fast_enough_body_passes_the_rate() {
    pace.waiting(0);
    pace.received(2500 * MS, 300);
    pace.waiting(2500 * MS);
    assertThat(pace.verdict(2600 * MS)).isEmpty(); // 300 bytes over 2.6 s of waiting: 115 B/s
  }

  @Test
  void the_next_check_is_at_the_idle_deadline_or_within_a_second_for_the_rate() {
    pace.waiting(0);
    assertThat(pace.nextCheck(0)).isEqualTo(1000 * MS);
    assertThat(pace.nextCheck(400 * MS)).isEqualTo(600 * MS);
    BodyPace noRate = new BodyPace(new ClientTimeouts(Duration.ofSeconds(30), 0, Duration.ZERO, Duration.ofSeconds(1)));
    noRate.waiting(0);
    assertThat(noRate.nextCheck(0)).isEqualTo(30_000 * MS);
    assertThat(noRate.nextCheck(30_000 * MS)).isEqualTo(1);
  }
}

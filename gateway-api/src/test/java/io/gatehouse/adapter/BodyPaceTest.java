package io.gatehouse.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BodyPaceTest {
  private static final long MS = 1_000_000;
  private final BodyPace pace = BodyPace.of(new BodyPace.Limits(Duration.ofMillis(1000), 100, Duration.ofMillis(2000)));

  @Test
  void a_pause_is_judged_only_while_waiting_on_the_client() {
    assertThat(pace.verdict(50_000 * MS)).isEmpty();
    assertThat(pace.isWaiting()).isFalse();
    pace.waiting(0);
    assertThat(pace.isWaiting()).isTrue();
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
    BodyPace noRate = BodyPace.of(new BodyPace.Limits(Duration.ofSeconds(30), 0, Duration.ZERO));
    noRate.waiting(0);
    assertThat(noRate.nextCheck(0)).isEqualTo(30_000 * MS);
    assertThat(noRate.nextCheck(30_000 * MS)).isEqualTo(1);
  }

  @Test
  void the_end_of_the_grace_passes() {
    BodyPace graced = BodyPace.of(new BodyPace.Limits(Duration.ofSeconds(10), 100, Duration.ofMillis(2000)));
    graced.waiting(0);
    graced.received(1000 * MS, 100);
    graced.waiting(1000 * MS);

    assertThat(graced.verdict(2000 * MS)).as("2 s waited: the grace is reached, not passed").isEmpty();
    assertThat(graced.verdict(2000 * MS + 1)).hasValue("the request body arrives at 50 bytes/s (expected: at least 100)");
  }

  @Test
  void exactly_the_minimum_rate_passes() {
    BodyPace exact = BodyPace.of(new BodyPace.Limits(Duration.ofSeconds(10), 100, Duration.ofMillis(1000)));
    exact.waiting(0);
    exact.received(2000 * MS, 200);
    exact.waiting(2000 * MS);

    assertThat(exact.verdict(2000 * MS)).as("200 bytes in 2 s").isEmpty();
    assertThat(exact.verdict(2010 * MS)).hasValue("the request body arrives at 100 bytes/s (expected: at least 100)");
  }

  @Test
  void waits_add_up_across_pauses_and_bytes() {
    BodyPace sum = BodyPace.of(new BodyPace.Limits(Duration.ofSeconds(10), 100, Duration.ofMillis(1000)));
    sum.waiting(0);
    sum.paused(600 * MS);
    sum.waiting(5000 * MS);
    sum.received(5600 * MS, 150);
    sum.waiting(9000 * MS);

    // 1.2 s waited before, 0.3 s now: 150 bytes over 1.5 s = 100 B/s, not under the minimum.
    assertThat(sum.verdict(9300 * MS)).isEmpty();
    assertThat(sum.verdict(9600 * MS)).hasValue("the request body arrives at 83 bytes/s (expected: at least 100)");
    assertThat(sum.verdict(19_000 * MS)).hasValue("no request body bytes for 10000 ms");
    assertThat(sum.nextCheck(9600 * MS)).isEqualTo(1000 * MS);
    assertThat(sum.nextCheck(18_500 * MS)).isEqualTo(500 * MS);
  }

  @Test
  void without_a_minimum_rate_only_the_idle_timeout_counts() {
    BodyPace idleOnly = BodyPace.of(new BodyPace.Limits(Duration.ofSeconds(30), 0, Duration.ZERO));
    idleOnly.waiting(0);

    assertThat(idleOnly.verdict(29_999 * MS)).isEmpty();
    assertThat(idleOnly.nextCheck(10_000 * MS)).isEqualTo(20_000 * MS);
  }

  @Test
  void limits_out_of_range_are_refused_naming_the_field() {
    assertThatThrownBy(() -> new BodyPace.Limits(Duration.ZERO, 0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("body pace: idle: PT0S (expected: > 0)");
    assertThatThrownBy(() -> new BodyPace.Limits(Duration.ofSeconds(1), -1, Duration.ZERO))
        .hasMessage("body pace: minBytesPerSecond: -1 (expected: >= 0)");
    assertThatThrownBy(() -> new BodyPace.Limits(Duration.ofSeconds(1), 0, Duration.ofMillis(-1)))
        .hasMessage("body pace: grace: PT-0.001S (expected: >= 0)");
    assertThat(BodyPace.Limits.DEFAULTS).isEqualTo(new BodyPace.Limits(Duration.ofSeconds(30), 240, Duration.ofSeconds(5)));
  }

  @Test
  void check_fails_only_a_body_being_read_too_slowly_and_says_whether_to_look_again() {
    RequestBodyPublisherTest.FakeInput input = new RequestBodyPublisherTest.FakeInput();
    RequestBodyPublisher body = RequestBodyPublisher.of(input, -1, Runnable::run);
    BodyPace pace = BodyPace.of(new BodyPace.Limits(Duration.ofSeconds(1), 0, Duration.ZERO));
    pace.waiting(0);
    assertThat(pace.check(body, 2_000_000_000L)).as("nobody reads the body: no verdict, no second look").isFalse();
    assertThat(input.failedWith).isNull();

    RequestBodyPublisherTest.Recorder reader = new RequestBodyPublisherTest.Recorder();
    body.subscribe(reader);
    reader.subscription.request(1); // the read finds nothing: the body waits on the client
    assertThat(body.reading()).isTrue();
    pace.paused(0);
    pace.waiting(0);
    assertThat(pace.check(body, 999_999_999L)).as("within the idle timeout: look again").isTrue();
    assertThat(reader.error).isNull();
    assertThat(pace.check(body, 1_000_000_000L)).isFalse();
    assertThat(reader.error).isInstanceOf(BodyPace.TooSlowException.class)
        .hasMessage("request body: no request body bytes for 1000 ms");
    assertThat(input.failedWith).isSameAs(reader.error);
  }
}

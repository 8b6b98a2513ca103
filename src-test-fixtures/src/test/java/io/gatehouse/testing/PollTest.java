package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollTest {

  @Test
  void returns_the_first_value_that_meets_the_condition_without_waiting() {
    AtomicInteger reads = new AtomicInteger();
    long start = System.nanoTime();

    int value = Poll.within(Duration.ofSeconds(10)).until(reads::incrementAndGet, n -> n >= 1);

    assertThat(value).isEqualTo(1);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void waits_for_a_value_that_another_thread_sets() throws Exception {
    AtomicInteger value = new AtomicInteger();
    Thread setter = new Thread(() -> {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        return;
      }
      value.set(7);
    }, "poll-test-setter");
    setter.start();
    try {
      assertThat(Poll.within(Duration.ofSeconds(10)).until(value::get, n -> n == 7)).isEqualTo(7);
    } finally {
      setter.interrupt();
      setter.join(5_000);
    }
  }

  @Test
  void returns_the_last_value_read_once_the_time_is_up() {
    AtomicInteger reads = new AtomicInteger();
    long start = System.nanoTime();

    int last = Poll.within(Duration.ofMillis(100)).until(reads::incrementAndGet, n -> false);

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    assertThat(last).isEqualTo(reads.get()).isGreaterThan(1);
  }

  @Test
  void a_zero_timeout_reads_once() {
    AtomicInteger reads = new AtomicInteger();

    assertThat(Poll.within(Duration.ZERO).until(reads::incrementAndGet, n -> false)).isEqualTo(1);
    assertThat(reads).hasValue(1);
  }

  @Test
  void an_interrupted_wait_returns_at_once_and_keeps_the_interrupt() {
    long start = System.nanoTime();
    Thread.currentThread().interrupt();
    try {
      assertThat(Poll.within(Duration.ofSeconds(30)).until(() -> "not yet", s -> false)).isEqualTo("not yet");
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void rejects_a_negative_timeout_and_missing_arguments_naming_them() {
    assertThatThrownBy(() -> Poll.within(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> Poll.within(null)).isInstanceOf(NullPointerException.class).hasMessage("timeout");
    Poll poll = Poll.within(Duration.ofSeconds(1));
    assertThatThrownBy(() -> poll.until(null, v -> true)).isInstanceOf(NullPointerException.class).hasMessage("value");
    assertThatThrownBy(() -> poll.until(() -> 1, null)).isInstanceOf(NullPointerException.class).hasMessage("condition");
    assertThat(poll).hasToString("Poll[within PT1S]");
  }
}

package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.TimeSource;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The manual clock as a gateway's timer: tasks run in advance(), on the advancing thread, in due order. */
class ManualClockSchedulerTest {
  private static final Instant START = Instant.parse("2026-03-29T00:30:00Z");

  private final ManualClock clock = ManualClock.of(START);
  private final TimeSource.Scheduler scheduler = clock.newScheduler("test-timer");
  private final List<String> ran = new ArrayList<>();

  @Test
  void a_task_runs_when_advance_reaches_its_time_and_not_before() {
    scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("2 s"));

    clock.advance(Duration.ofMillis(1999));
    assertThat(ran).isEmpty();
    assertThat(clock.pendingTasks()).isEqualTo(1);
    clock.advance(Duration.ofMillis(1));

    assertThat(ran).containsExactly("2 s");
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void tasks_run_in_due_order_and_those_due_together_in_the_order_scheduled() {
    scheduler.schedule(Duration.ofSeconds(3), () -> ran.add("3 s"));
    scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("1 s, first"));
    scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("1 s, second"));
    clock.newScheduler("another").schedule(Duration.ofSeconds(2), () -> ran.add("2 s, another scheduler"));

    clock.advance(Duration.ofSeconds(10));

    assertThat(ran).containsExactly("1 s, first", "1 s, second", "2 s, another scheduler", "3 s");
  }

  @Test
  void each_task_sees_the_clock_at_its_own_time_and_advance_ends_at_the_target() {
    List<Long> seen = new ArrayList<>();
    List<Instant> seenWall = new ArrayList<>();
    scheduler.schedule(Duration.ofSeconds(1), () -> seen.add(clock.nanoTime()));
    scheduler.schedule(Duration.ofSeconds(3), () -> seenWall.add(clock.instant()));

    Instant reached = clock.advance(Duration.ofSeconds(5));

    assertThat(seen).containsExactly(1_000_000_000L);
    assertThat(seenWall).containsExactly(START.plusSeconds(3));
    assertThat(reached).isEqualTo(START.plusSeconds(5));
    assertThat(clock.nanoTime()).isEqualTo(5_000_000_000L);
  }

  @Test
  void tasks_run_on_the_advancing_thread() {
    List<Thread> threads = new ArrayList<>();
    scheduler.schedule(Duration.ofMillis(1), () -> threads.add(Thread.currentThread()));

    clock.advance(Duration.ofMillis(1));

    assertThat(threads).containsExactly(Thread.currentThread());
  }

  @Test
  void a_task_scheduled_by_a_task_runs_in_the_same_advance_if_it_falls_due_within_it() {
    scheduler.schedule(Duration.ofSeconds(1), () -> {
      ran.add("at 1 s");
      scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("at 2 s, scheduled at 1 s"));
      scheduler.schedule(Duration.ZERO, () -> ran.add("at 1 s, scheduled at 1 s"));
      scheduler.schedule(Duration.ofSeconds(5), () -> ran.add("at 6 s"));
    });

    clock.advance(Duration.ofSeconds(3));

    assertThat(ran).containsExactly("at 1 s", "at 1 s, scheduled at 1 s", "at 2 s, scheduled at 1 s");
    assertThat(clock.pendingTasks()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(3));
    assertThat(ran).endsWith("at 6 s");
  }

  @Test
  void a_task_due_now_runs_at_the_next_advance_even_by_zero_and_a_negative_delay_means_now() {
    scheduler.schedule(Duration.ZERO, () -> ran.add("zero"));
    scheduler.schedule(Duration.ofSeconds(-1), () -> ran.add("negative"));
    assertThat(ran).as("scheduling runs nothing").isEmpty();

    clock.advance(Duration.ZERO);

    assertThat(ran).containsExactly("zero", "negative");
  }

  @Test
  void a_cancelled_task_never_runs_and_cancel_says_whether_it_stopped_it() {
    TimeSource.Scheduled cancelled = scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("cancelled"));
    TimeSource.Scheduled kept = scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("kept"));

    assertThat(cancelled.cancel()).as("first cancel").isTrue();
    assertThat(cancelled.cancel()).as("second cancel").isFalse();
    assertThat(clock.pendingTasks()).isEqualTo(1);
    clock.advance(Duration.ofSeconds(1));

    assertThat(ran).containsExactly("kept");
    assertThat(kept.cancel()).as("cancel after it ran").isFalse();
  }

  @Test
  void a_task_may_cancel_a_later_one_due_in_the_same_advance() {
    List<TimeSource.Scheduled> later = new ArrayList<>();
    scheduler.schedule(Duration.ofSeconds(1), () -> later.get(0).cancel());
    later.add(scheduler.schedule(Duration.ofSeconds(2), () -> ran.add("cancelled by the first")));

    clock.advance(Duration.ofSeconds(5));

    assertThat(ran).isEmpty();
  }

  @Test
  void a_task_that_throws_does_not_stop_the_others_and_advance_throws_its_failure_at_the_end() {
    scheduler.schedule(Duration.ofSeconds(1), () -> {
      throw new IllegalStateException("first failure");
    });
    scheduler.schedule(Duration.ofSeconds(2), () -> {
      throw new IllegalArgumentException("second failure");
    });
    scheduler.schedule(Duration.ofSeconds(3), () -> ran.add("after the failures"));

    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(5)))
        .isInstanceOf(IllegalStateException.class).hasMessage("first failure")
        .satisfies(e -> assertThat(e.getSuppressed()).extracting(Throwable::getMessage).containsExactly("second failure"));

    assertThat(ran).containsExactly("after the failures");
    assertThat(clock.nanoTime()).as("the advance still reached its target").isEqualTo(5_000_000_000L);
    scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("later"));
    clock.advance(Duration.ofSeconds(1));
    assertThat(ran).endsWith("later");
  }

  @Test
  void set_steps_the_wall_clock_and_runs_no_task() {
    scheduler.schedule(Duration.ofSeconds(1), () -> ran.add("1 s"));

    clock.set(START.plusSeconds(3600));

    assertThat(ran).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    assertThat(ran).containsExactly("1 s");
  }

  @Test
  void close_runs_its_own_tasks_at_once_in_due_order_leaves_other_schedulers_alone_and_refuses_new_ones() {
    TimeSource.Scheduler other = clock.newScheduler("other");
    scheduler.schedule(Duration.ofHours(2), () -> ran.add("in two hours"));
    scheduler.schedule(Duration.ofHours(1), () -> ran.add("in an hour"));
    scheduler.schedule(Duration.ofHours(1), () -> ran.add("cancelled")).cancel();
    other.schedule(Duration.ofHours(1), () -> ran.add("other scheduler"));

    scheduler.close();
    scheduler.close(); // idempotent

    assertThat(ran).containsExactly("in an hour", "in two hours");
    assertThat(clock.nanoTime()).as("closing moves no time").isZero();
    assertThat(clock.pendingTasks()).isEqualTo(1);
    assertThatThrownBy(() -> scheduler.schedule(Duration.ZERO, () -> { }))
        .isInstanceOf(RejectedExecutionException.class).hasMessageContaining("test-timer");
    clock.advance(Duration.ofHours(1));
    assertThat(ran).endsWith("other scheduler");
  }

  @Test
  void a_zoned_view_shares_the_timeline() {
    AtomicInteger count = new AtomicInteger();
    ManualClock paris = (ManualClock) clock.withZone(java.time.ZoneId.of("Europe/Paris"));
    paris.newScheduler("paris").schedule(Duration.ofSeconds(1), count::incrementAndGet);

    clock.advance(Duration.ofSeconds(1));

    assertThat(count).hasValue(1);
  }

  @Test
  void advance_rejects_a_negative_amount_and_runs_nothing() {
    scheduler.schedule(Duration.ZERO, () -> ran.add("due now"));

    assertThatThrownBy(() -> clock.advance(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("amount: PT-1S (expected: >= 0");
    assertThat(ran).isEmpty();
  }
}

package io.gatehouse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** The real timers of {@link TimeSource#system()}: one daemon thread per scheduler, ended by close. */
class SystemSchedulerTest {
  private static final Duration WAIT = Duration.ofSeconds(5);

  private final List<TimeSource.Scheduler> schedulers = new ArrayList<>();

  private TimeSource.Scheduler scheduler(String name) {
    TimeSource.Scheduler scheduler = TimeSource.system().newScheduler(name);
    schedulers.add(scheduler);
    return scheduler;
  }

  @AfterEach
  void close() {
    schedulers.forEach(TimeSource.Scheduler::close);
  }

  @Test
  void a_task_runs_after_its_delay_on_the_schedulers_own_daemon_thread(TestInfo test) throws Exception {
    String name = "gatehouse-timer-" + test.getTestMethod().orElseThrow().getName();
    TimeSource.Scheduler scheduler = scheduler(name);
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    long scheduled = System.nanoTime();

    scheduler.schedule(Duration.ofMillis(50), () -> ranOn.complete(Thread.currentThread()));

    Thread thread = ranOn.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(Duration.ofNanos(System.nanoTime() - scheduled)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
    assertThat(thread.getName()).isEqualTo(name);
    assertThat(thread.isDaemon()).isTrue();
    assertThat(thread).isNotSameAs(Thread.currentThread());
  }

  @Test
  void tasks_run_in_due_order_and_those_due_together_in_the_order_scheduled() throws Exception {
    TimeSource.Scheduler scheduler = scheduler("gatehouse-timer-order");
    List<String> ran = new CopyOnWriteArrayList<>();
    CountDownLatch all = new CountDownLatch(4);
    CountDownLatch hold = new CountDownLatch(1);
    // The thread is held, so that every task below is queued before any of them can run.
    scheduler.schedule(Duration.ZERO, () -> await(hold));

    scheduler.schedule(Duration.ofMillis(60), () -> record(ran, "60 ms", all));
    scheduler.schedule(Duration.ofMillis(20), () -> record(ran, "20 ms, first", all));
    scheduler.schedule(Duration.ofMillis(20), () -> record(ran, "20 ms, second", all));
    scheduler.schedule(Duration.ofMillis(-5), () -> record(ran, "negative: at once", all));
    hold.countDown();

    assertThat(all.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
    assertThat(ran).containsExactly("negative: at once", "20 ms, first", "20 ms, second", "60 ms");
  }

  @Test
  void a_cancelled_task_never_runs_and_cancel_says_whether_it_stopped_it() throws Exception {
    TimeSource.Scheduler scheduler = scheduler("gatehouse-timer-cancel");
    AtomicInteger cancelledRan = new AtomicInteger();
    CompletableFuture<Void> other = new CompletableFuture<>();

    TimeSource.Scheduled cancelled = scheduler.schedule(Duration.ofMillis(30), cancelledRan::incrementAndGet);
    assertThat(cancelled.cancel()).as("first cancel").isTrue();
    assertThat(cancelled.cancel()).as("second cancel").isFalse();
    TimeSource.Scheduled ran = scheduler.schedule(Duration.ofMillis(60), () -> other.complete(null));
    other.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    assertThat(cancelledRan).hasValue(0);
    assertThat(ran.cancel()).as("cancel after it ran").isFalse();
  }

  @Test
  void a_task_may_schedule_another() throws Exception {
    TimeSource.Scheduler scheduler = scheduler("gatehouse-timer-chain");
    CompletableFuture<String> second = new CompletableFuture<>();

    scheduler.schedule(Duration.ofMillis(5), () -> scheduler.schedule(Duration.ofMillis(5), () -> second.complete("ran")));

    assertThat(second.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("ran");
  }

  @Test
  void a_task_that_throws_does_not_stop_the_timer() throws Exception {
    TimeSource.Scheduler scheduler = scheduler("gatehouse-timer-throws");
    CompletableFuture<Thread> after = new CompletableFuture<>();
    CompletableFuture<Thread> failing = new CompletableFuture<>();

    scheduler.schedule(Duration.ZERO, () -> {
      failing.complete(Thread.currentThread());
      throw new IllegalStateException("a bug in a task (this failure is logged on purpose)");
    });
    scheduler.schedule(Duration.ofMillis(20), () -> after.complete(Thread.currentThread()));

    Thread ranAfter = after.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(ranAfter).as("the thread that ran the next task").isSameAs(failing.get(WAIT.toSeconds(), TimeUnit.SECONDS));
    assertThat(ranAfter.isAlive()).isTrue();
  }

  @Test
  void no_thread_starts_before_the_first_task(TestInfo test) {
    String name = "gatehouse-timer-" + test.getTestMethod().orElseThrow().getName();

    scheduler(name);

    assertThat(threadsNamed(name)).isEmpty();
  }

  @Test
  void close_runs_the_tasks_not_yet_run_on_the_closing_thread_in_due_order() {
    TimeSource.Scheduler scheduler = scheduler("gatehouse-timer-close-runs");
    List<String> ran = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    AtomicInteger cancelledRan = new AtomicInteger();
    scheduler.schedule(Duration.ofHours(2), () -> {
      ran.add("in two hours");
      threads.add(Thread.currentThread());
    });
    scheduler.schedule(Duration.ofHours(1), () -> {
      ran.add("in an hour");
      threads.add(Thread.currentThread());
    });
    scheduler.schedule(Duration.ofHours(1), cancelledRan::incrementAndGet).cancel();

    scheduler.close();

    assertThat(ran).containsExactly("in an hour", "in two hours");
    assertThat(threads).containsOnly(Thread.currentThread());
    assertThat(cancelledRan).hasValue(0);
  }

  @Test
  void close_ends_the_thread_and_later_tasks_are_refused(TestInfo test) throws Exception {
    String name = "gatehouse-timer-" + test.getTestMethod().orElseThrow().getName();
    TimeSource.Scheduler scheduler = scheduler(name);
    AtomicReference<Thread> thread = new AtomicReference<>();
    CompletableFuture<Void> ran = new CompletableFuture<>();
    scheduler.schedule(Duration.ZERO, () -> {
      thread.set(Thread.currentThread());
      ran.complete(null);
    });
    ran.get(WAIT.toSeconds(), TimeUnit.SECONDS);

    scheduler.close();
    scheduler.close(); // idempotent

    // The executor reports termination just before its thread exits: join it.
    thread.get().join(WAIT.toMillis());
    assertThat(thread.get().isAlive()).isFalse();
    assertThat(threadsNamed(name)).isEmpty();
    assertThatThrownBy(() -> scheduler.schedule(Duration.ZERO, () -> { }))
        .isInstanceOf(RejectedExecutionException.class);
  }

  @Test
  void a_scheduler_closed_before_any_task_refuses_tasks_and_starts_no_thread(TestInfo test) {
    String name = "gatehouse-timer-" + test.getTestMethod().orElseThrow().getName();
    TimeSource.Scheduler scheduler = scheduler(name);

    scheduler.close();

    assertThatThrownBy(() -> scheduler.schedule(Duration.ZERO, () -> { }))
        .isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining(name + ": the scheduler is closed");
    assertThat(threadsNamed(name)).isEmpty();
  }

  @Test
  void a_task_may_close_its_own_scheduler() throws Exception {
    TimeSource.Scheduler scheduler = scheduler("gatehouse-timer-closes-itself");
    CompletableFuture<Void> closed = new CompletableFuture<>();
    AtomicInteger later = new AtomicInteger();
    scheduler.schedule(Duration.ofHours(1), later::incrementAndGet);

    scheduler.schedule(Duration.ZERO, () -> {
      scheduler.close();
      closed.complete(null);
    });

    closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(later).as("the pending task, run by close").hasValue(1);
  }

  @Test
  void schedulers_are_independent() throws Exception {
    TimeSource.Scheduler first = scheduler("gatehouse-timer-first");
    TimeSource.Scheduler second = scheduler("gatehouse-timer-second");
    CompletableFuture<String> ran = new CompletableFuture<>();
    AtomicInteger firstRan = new AtomicInteger();
    first.schedule(Duration.ofHours(1), firstRan::incrementAndGet);

    second.close();

    assertThat(firstRan).as("the other scheduler's task, not run by this close").hasValue(0);
    first.schedule(Duration.ZERO, () -> ran.complete(Thread.currentThread().getName()));
    assertThat(ran.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("gatehouse-timer-first");
  }

  private static void record(List<String> ran, String what, CountDownLatch done) {
    ran.add(what);
    done.countDown();
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static Set<Thread> threadsNamed(String name) {
    Set<Thread> named = new java.util.HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().equals(name)) {
        named.add(t);
      }
    }
    return named;
  }
}

package io.gatehouse.testing;

import io.gatehouse.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Time that moves only when a test moves it, of both kinds a gateway reads (see
 * {@link TimeSource}): {@link #advance} moves the wall clock and the monotonic time together, as
 * time passing does; {@link #set} steps the wall clock alone, forward or back, as NTP or an
 * operator does, so tests can show that limits and breakers ignore such steps while quota windows
 * and token expiry follow them. Give it to {@code Gateway.builder().time(...)}. Thread-safe.
 *
 * <p>It is also the gateway's timer ({@link #newScheduler}): route deadlines, retry backoff,
 * throttle and queue waits, health-check and discovery intervals fire when {@link #advance}
 * passes their time, <b>on the thread that advances</b>, in due order; {@code advance} stops the
 * clock at each task's time while the task runs, and runs tasks that tasks schedule if they fall
 * due within the same advance. A request that waits for such a timer therefore waits until the
 * test advances the clock: send it with {@link TestRequest#sendAsync()} (or
 * {@code gateway.handle(...)}), advance, then read the answer.
 *
 * <pre>{@code
 * ManualClock clock = ManualClock.of(Instant.parse("2026-01-01T00:00:00Z"));
 * Gateway gateway = Gateway.builder().time(clock)...build();
 * clock.advance(Duration.ofSeconds(1));                      // a second passes; due timers fire
 * clock.set(Instant.parse("2025-12-31T23:00:00Z"));          // the wall clock steps back an hour
 * }</pre>
 *
 * @since 0.1
 */
public final class ManualClock extends Clock implements TimeSource {
  /** Both readings, moved together by {@link #advance}. */
  private record Now(Instant wall, long nanos) {}

  private final Timeline timeline;
  private final ZoneId zone;

  private ManualClock(Timeline timeline, ZoneId zone) {
    this.timeline = timeline;
    this.zone = zone;
  }

  /**
   * A clock standing at an instant, in UTC; its monotonic time starts at zero.
   *
   * @param start the initial instant
   * @return the clock
   */
  public static ManualClock of(Instant start) {
    return new ManualClock(new Timeline(new Now(Objects.requireNonNull(start, "start"), 0)), ZoneOffset.UTC);
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
   * Lets time pass: the wall clock and the monotonic time both move forward, and every scheduled
   * task that falls due runs on this thread, in due order (tasks due at the same time in the
   * order they were scheduled), with the clock standing at the task's time. If tasks throw, the
   * others still run and the first failure is thrown at the end, with the rest suppressed.
   *
   * @param amount zero or more; zero runs the tasks due now
   * @return the new wall-clock instant
   */
  public Instant advance(Duration amount) {
    Objects.requireNonNull(amount, "amount");
    if (amount.isNegative()) {
      throw new IllegalArgumentException("amount: " + amount + " (expected: >= 0; use set() to step the wall clock back)");
    }
    return timeline.advance(amount.toNanos());
  }

  /**
   * Steps the wall clock to an instant, forward or back; the monotonic time does not move, so
   * durations the gateway measures do not see the step, and no scheduled task falls due.
   *
   * @param instant the new wall-clock instant
   */
  public void set(Instant instant) {
    Objects.requireNonNull(instant, "instant");
    timeline.set(instant);
  }

  /**
   * How many scheduled tasks wait for their time, over every scheduler of this clock: a test can
   * see that a request waits for a timer, or that a cancelled one left nothing behind.
   *
   * @return the number of tasks not yet run nor cancelled
   */
  public int pendingTasks() {
    return timeline.pending();
  }

  /**
   * A scheduler whose tasks run when {@link #advance} passes their time, on the advancing thread.
   * Closing it runs its own tasks not yet run at once, on the closing thread, in due order, and
   * leaves the other schedulers of this clock alone.
   *
   * @param name the scheduler's name, for its {@code toString}
   * @return the scheduler
   */
  @Override
  public Scheduler newScheduler(String name) {
    return new ManualScheduler(timeline, Objects.requireNonNull(name, "name"));
  }

  @Override
  public long nanoTime() {
    return timeline.now().nanos();
  }

  @Override
  public Clock wallClock() {
    return this;
  }

  @Override
  public Instant instant() {
    return timeline.now().wall();
  }

  @Override
  public ZoneId getZone() {
    return zone;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return new ManualClock(timeline, Objects.requireNonNull(zone, "zone"));
  }

  @Override
  public String toString() {
    Now n = timeline.now();
    return "ManualClock[" + n.wall() + ", monotonic " + Duration.ofNanos(n.nanos()) + "]";
  }

  /** One task: due at a monotonic time, run at most once. */
  private static final class Task implements Scheduled {
    final ManualScheduler owner;
    final long due;
    final long sequence;
    final Runnable body;
    private final AtomicBoolean claimed = new AtomicBoolean();

    Task(ManualScheduler owner, long due, long sequence, Runnable body) {
      this.owner = owner;
      this.due = due;
      this.sequence = sequence;
      this.body = body;
    }

    /** Whether this caller is the one that runs or cancels the task. */
    boolean claim() {
      return claimed.compareAndSet(false, true);
    }

    @Override
    public boolean cancel() {
      if (!claim()) {
        return false;
      }
      owner.timeline.remove(this);
      return true;
    }
  }

  private static final Comparator<Task> DUE_ORDER = Comparator.<Task>comparingLong(t -> t.due).thenComparingLong(t -> t.sequence);

  /** The time, and the tasks of every scheduler of the clock; shared by its zone views. */
  private static final class Timeline {
    private final Object lock = new Object();
    private final PriorityQueue<Task> tasks = new PriorityQueue<>(DUE_ORDER); // guarded by lock
    private final ReentrantLock advancing = new ReentrantLock(); // one advance at a time
    private volatile Now now;
    private long sequence; // guarded by lock

    Timeline(Now start) {
      this.now = start;
    }

    Now now() {
      return now;
    }

    void set(Instant instant) {
      synchronized (lock) {
        now = new Now(instant, now.nanos());
      }
    }

    Task add(ManualScheduler owner, long delayNanos, Runnable body) {
      synchronized (lock) {
        if (owner.closed) {
          throw new RejectedExecutionException(owner + ": the scheduler is closed");
        }
        long at = now.nanos();
        long due = delayNanos <= 0 ? at : (at + delayNanos < at ? Long.MAX_VALUE : at + delayNanos);
        Task task = new Task(owner, due, sequence++, body);
        tasks.add(task);
        return task;
      }
    }

    void remove(Task task) {
      synchronized (lock) {
        tasks.remove(task);
      }
    }

    int pending() {
      synchronized (lock) {
        return tasks.size();
      }
    }

    /** Closes a scheduler: every task of it, in due order, taken off the timeline; null if it was closed. */
    List<Task> close(ManualScheduler owner) {
      synchronized (lock) {
        if (owner.closed) {
          return null;
        }
        owner.closed = true;
        List<Task> mine = new ArrayList<>();
        tasks.removeIf(t -> t.owner == owner && mine.add(t));
        mine.sort(DUE_ORDER);
        return mine;
      }
    }

    Instant advance(long nanos) {
      advancing.lock();
      try {
        long target;
        synchronized (lock) {
          target = now.nanos() + nanos;
        }
        RuntimeException failure = null;
        while (true) {
          Task next;
          synchronized (lock) {
            Task head = tasks.peek();
            if (head == null || head.due > target) {
              break;
            }
            next = tasks.poll();
            if (next.due > now.nanos()) {
              moveTo(next.due);
            }
          }
          if (next.claim()) {
            failure = run(next, failure);
          }
        }
        Instant reached;
        synchronized (lock) {
          moveTo(target);
          reached = now.wall();
        }
        if (failure != null) {
          throw failure;
        }
        return reached;
      } finally {
        advancing.unlock();
      }
    }

    /** Moves both readings forward to a monotonic time; called under lock. */
    private void moveTo(long nanos) {
      Now n = now;
      now = new Now(n.wall().plusNanos(nanos - n.nanos()), nanos);
    }
  }

  /** Runs a task; keeps the first failure to throw and adds later ones to it. */
  private static RuntimeException run(Task task, RuntimeException failure) {
    try {
      task.body.run();
      return failure;
    } catch (RuntimeException | Error e) {
      RuntimeException wrapped = e instanceof RuntimeException r ? r
          : new IllegalStateException(task.owner + ": a scheduled task failed", e);
      if (failure == null) {
        return wrapped;
      }
      failure.addSuppressed(e);
      return failure;
    }
  }

  /** One owner's view of the timeline: closing it runs its tasks and refuses new ones. */
  private static final class ManualScheduler implements Scheduler {
    final Timeline timeline;
    private final String name;
    boolean closed; // guarded by the timeline's lock

    ManualScheduler(Timeline timeline, String name) {
      this.timeline = timeline;
      this.name = name;
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable task) {
      Objects.requireNonNull(delay, "delay");
      Objects.requireNonNull(task, "task");
      long nanos;
      try {
        nanos = delay.toNanos();
      } catch (ArithmeticException tooLong) {
        nanos = delay.isNegative() ? 0 : Long.MAX_VALUE;
      }
      return timeline.add(this, nanos, task);
    }

    @Override
    public void close() {
      List<Task> left = timeline.close(this);
      if (left == null) {
        return;
      }
      RuntimeException failure = null;
      for (Task task : left) {
        if (task.claim()) {
          failure = run(task, failure);
        }
      }
      if (failure != null) {
        throw failure;
      }
    }

    @Override
    public String toString() {
      return "ManualClock scheduler[" + name + "]";
    }
  }
}

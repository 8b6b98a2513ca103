package io.gatehouse.impl.testing;

import io.gatehouse.TimeSource;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Time tests move by hand, as the fixtures' ManualClock (out of reach of gateway-impl) does:
 * {@link #advance} moves the wall clock and the monotonic time and runs the scheduled tasks that
 * fall due, on the advancing thread, in due order, with the clock at each task's time;
 * {@link #set} steps the wall clock alone. Closing a scheduler runs its tasks at once.
 */
public final class MutableClock extends Clock implements TimeSource {
  private record Now(Instant wall, long nanos) {}

  private record Task(Timer owner, long due, long sequence, Runnable body, AtomicBoolean claimed) implements Scheduled {
    @Override
    public boolean cancel() {
      if (!claimed.compareAndSet(false, true)) {
        return false;
      }
      owner.clock.remove(this);
      return true;
    }
  }

  private final PriorityQueue<Task> tasks = new PriorityQueue<>(
      Comparator.comparingLong(Task::due).thenComparingLong(Task::sequence)); // guarded by this
  private long sequence; // guarded by this
  private volatile Now now = new Now(Instant.parse("2026-11-25T12:00:00Z"), 0);

  /** Lets {@code d} pass, running the tasks that fall due; throws the first task failure at the end. */
  public void advance(Duration d) {
    long target;
    synchronized (this) {
      target = now.nanos() + d.toNanos();
    }
    RuntimeException failure = null;
    while (true) {
      Task next;
      synchronized (this) {
        Task head = tasks.peek();
        if (head == null || head.due() > target) {
          break;
        }
        next = tasks.poll();
        moveTo(Math.max(next.due(), now.nanos()));
      }
      failure = run(next, failure);
    }
    synchronized (this) {
      moveTo(target);
    }
    if (failure != null) {
      throw failure;
    }
  }

  public synchronized void set(Instant instant) {
    now = new Now(instant, now.nanos());
  }

  /** How many scheduled tasks wait for their time. */
  public synchronized int pendingTasks() {
    return tasks.size();
  }

  private void moveTo(long nanos) {
    Now n = now;
    now = new Now(n.wall().plusNanos(nanos - n.nanos()), nanos);
  }

  private synchronized Task add(Timer owner, long delayNanos, Runnable body) {
    if (owner.closed) {
      throw new RejectedExecutionException(owner.name + ": the scheduler is closed");
    }
    long at = now.nanos();
    long due = delayNanos <= 0 ? at : (at + delayNanos < at ? Long.MAX_VALUE : at + delayNanos);
    Task task = new Task(owner, due, sequence++, body, new AtomicBoolean());
    tasks.add(task);
    return task;
  }

  private synchronized void remove(Task task) {
    tasks.remove(task);
  }

  private synchronized List<Task> close(Timer owner) {
    if (owner.closed) {
      return List.of();
    }
    owner.closed = true;
    List<Task> mine = new ArrayList<>();
    tasks.removeIf(t -> t.owner() == owner && mine.add(t));
    mine.sort(tasks.comparator());
    return mine;
  }

  private static RuntimeException run(Task task, RuntimeException failure) {
    if (!task.claimed().compareAndSet(false, true)) {
      return failure;
    }
    try {
      task.body().run();
      return failure;
    } catch (RuntimeException e) {
      if (failure == null) {
        return e;
      }
      failure.addSuppressed(e);
      return failure;
    }
  }

  @Override
  public Scheduler newScheduler(String name) {
    return new Timer(this, name);
  }

  private static final class Timer implements Scheduler {
    final MutableClock clock;
    final String name;
    boolean closed; // guarded by clock

    Timer(MutableClock clock, String name) {
      this.clock = clock;
      this.name = name;
    }

    @Override
    public Scheduled schedule(Duration delay, Runnable task) {
      return clock.add(this, delay.toNanos(), task);
    }

    @Override
    public void close() {
      RuntimeException failure = null;
      for (Task task : clock.close(this)) {
        failure = run(task, failure);
      }
      if (failure != null) {
        throw failure;
      }
    }
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

package io.gatehouse;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Real timers: one daemon thread, started by the first task, stopped by {@link #close()}. A
 * {@link ScheduledThreadPoolExecutor} underneath, with cancelled tasks removed at once so that
 * per-request deadlines cancelled by the answer leave nothing queued. The tasks not yet run are
 * also kept here, because close() runs them itself and the executor will not run a task once it
 * is shut down.
 */
final class SystemScheduler implements TimeSource.Scheduler {
  private static final System.Logger LOG = System.getLogger(TimeSource.class.getName());
  /** How long close() waits for a task still running on the thread. */
  private static final long CLOSE_WAIT_MILLIS = 1000;

  private final String name;
  private final Set<Entry> pending = ConcurrentHashMap.newKeySet();
  private final AtomicLong sequence = new AtomicLong();
  private final long origin = System.nanoTime(); // due times count from here, so they never overflow
  private volatile ScheduledThreadPoolExecutor executor; // written under this; null until the first task
  private volatile Thread thread; // the executor's one thread, once started
  private boolean closed; // guarded by this

  SystemScheduler(String name) {
    this.name = Objects.requireNonNull(name, "name");
  }

  @Override
  public TimeSource.Scheduled schedule(Duration delay, Runnable task) {
    Objects.requireNonNull(delay, "delay");
    Objects.requireNonNull(task, "task");
    long nanos = Math.max(0, saturatedNanos(delay));
    ScheduledThreadPoolExecutor e = executor();
    long now = System.nanoTime() - origin;
    Entry entry = new Entry(task, nanos > Long.MAX_VALUE - now ? Long.MAX_VALUE : now + nanos, sequence.getAndIncrement());
    pending.add(entry);
    try {
      entry.future = e.schedule(entry, nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException closed) {
      if (entry.claimed.compareAndSet(false, true)) {
        pending.remove(entry);
        throw closed;
      }
      // else close() took it from pending and ran it: it is done, not refused
    }
    return entry;
  }

  /** A task not yet run; whoever claims it first runs it or cancels it. */
  private final class Entry implements Runnable, TimeSource.Scheduled {
    final Runnable task;
    final long due;
    final long order;
    final AtomicBoolean claimed = new AtomicBoolean();
    volatile ScheduledFuture<?> future;

    Entry(Runnable task, long due, long order) {
      this.task = task;
      this.due = due;
      this.order = order;
    }

    @Override
    public void run() {
      if (claimed.compareAndSet(false, true)) {
        pending.remove(this);
        SystemScheduler.this.run(task);
      }
    }

    @Override
    public boolean cancel() {
      if (!claimed.compareAndSet(false, true)) {
        return false;
      }
      pending.remove(this);
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
      return true;
    }
  }

  private ScheduledThreadPoolExecutor executor() {
    ScheduledThreadPoolExecutor e = executor;
    if (e != null) {
      return e; // a closed one rejects the task itself
    }
    synchronized (this) {
      if (closed) {
        throw new RejectedExecutionException(name + ": the scheduler is closed");
      }
      if (executor == null) {
        ScheduledThreadPoolExecutor created = new ScheduledThreadPoolExecutor(1, runnable -> {
          Thread t = new Thread(runnable, name);
          t.setDaemon(true); // a gateway nobody closes must not keep the JVM alive
          thread = t;
          return t;
        });
        created.setRemoveOnCancelPolicy(true);
        executor = created;
      }
      return executor;
    }
  }

  private void run(Runnable task) {
    try {
      task.run();
    } catch (Throwable t) {
      // A one-shot task's failure would vanish into its future: say it, and keep the thread for the next task.
      LOG.log(System.Logger.Level.ERROR, name + ": a scheduled task failed", t);
    }
  }

  @Override
  public void close() {
    ScheduledThreadPoolExecutor e;
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      e = executor;
    }
    if (e == null) {
      return;
    }
    e.shutdownNow();
    List<Entry> left = new ArrayList<>(pending);
    left.sort(Comparator.<Entry>comparingLong(entry -> entry.due).thenComparingLong(entry -> entry.order));
    left.forEach(Entry::run); // never throws
    if (Thread.currentThread() != thread) {
      try {
        e.awaitTermination(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
      } catch (InterruptedException interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static long saturatedNanos(Duration d) {
    try {
      return d.toNanos();
    } catch (ArithmeticException tooLong) {
      return d.isNegative() ? Long.MIN_VALUE : Long.MAX_VALUE;
    }
  }

  @Override
  public String toString() {
    return "Scheduler[" + name + "]";
  }
}

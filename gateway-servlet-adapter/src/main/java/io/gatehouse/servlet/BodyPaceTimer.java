package io.gatehouse.servlet;

import io.gatehouse.adapter.BodyPace;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * One mount's request body pace: its {@link BodyPace.Limits}, and the one timer thread that looks
 * at bodies waiting on their clients (a daemon named {@value #THREAD}, started at the first wait,
 * stopped with the mount). The timer never runs an exchange's work itself beyond handing it to the
 * exchange's {@link Serial}; a container thread never waits on it.
 */
final class BodyPaceTimer {
  static final String THREAD = "gatehouse-servlet-pace";

  private final BodyPace.Limits limits;
  private ScheduledThreadPoolExecutor timer; // guarded by this
  private boolean stopped;                   // guarded by this

  BodyPaceTimer(BodyPace.Limits limits) {
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** A pace for one request body. */
  BodyPace newPace() {
    return BodyPace.of(limits);
  }

  /** Runs the task after the delay on the timer thread; null once the mount has stopped. Any thread. */
  Future<?> after(long nanos, Runnable task) {
    ScheduledExecutorService t = timer();
    if (t == null) {
      return null;
    }
    try {
      return t.schedule(task, nanos, TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException stopping) {
      return null;
    }
  }

  private synchronized ScheduledExecutorService timer() {
    if (stopped) {
      return null;
    }
    if (timer == null) {
      ScheduledThreadPoolExecutor t = new ScheduledThreadPoolExecutor(1, r -> {
        Thread thread = new Thread(r, THREAD);
        thread.setDaemon(true);
        return thread;
      });
      t.setRemoveOnCancelPolicy(true); // a body that moves on cancels its check: don't keep it queued
      timer = t;
    }
    return timer;
  }

  /** Stops the timer thread, if it started; later bodies are not timed. */
  synchronized void stop() {
    stopped = true;
    if (timer != null) {
      timer.shutdownNow();
    }
  }

  static Duration checkIdle(Duration timeout) {
    Objects.requireNonNull(timeout, "requestBodyIdleTimeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("requestBodyIdleTimeout: " + timeout + " (expected: > 0 and <= "
          + Integer.MAX_VALUE + " ms)");
    }
    return timeout;
  }

  static void checkMinRate(long bytesPerSecond, Duration grace) {
    Objects.requireNonNull(grace, "grace");
    if (bytesPerSecond < 0) {
      throw new IllegalArgumentException("minRequestBodyRate: " + bytesPerSecond + " (expected: >= 0)");
    }
    if (grace.isNegative()) {
      throw new IllegalArgumentException("minRequestBodyRate grace: " + grace + " (expected: >= 0)");
    }
  }
}

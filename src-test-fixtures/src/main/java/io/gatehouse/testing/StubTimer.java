package io.gatehouse.testing;

import io.gatehouse.spi.UpstreamException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Delays stub answers and bounds them by the call's response timeout, on real time, without a
 * thread per request: one daemon thread, started on first use and stopped by {@link #close()}.
 * A future that completes or is cancelled first removes its task, so nothing is left behind.
 */
final class StubTimer implements AutoCloseable {
  static final String THREAD_NAME = "gatehouse-stub-timer";

  /** Delayed answers not given yet; close() fails them so no caller waits forever. */
  private final Set<CompletableFuture<?>> pending = ConcurrentHashMap.newKeySet();
  private ScheduledThreadPoolExecutor executor; // guarded by this; null until first use
  private boolean closed; // guarded by this

  /** The answer the supplier makes, made and given {@code delay} from now. */
  <T> CompletableFuture<T> after(Duration delay, Supplier<? extends CompletionStage<T>> answer) {
    CompletableFuture<T> delayed = new CompletableFuture<>();
    pending.add(delayed);
    delayed.whenComplete((value, failure) -> pending.remove(delayed));
    try {
      ScheduledFuture<?> task = schedule(() -> {
        try {
          answer.get().whenComplete((value, failure) -> {
            if (failure == null) {
              delayed.complete(value);
            } else {
              delayed.completeExceptionally(failure);
            }
          });
        } catch (RuntimeException e) {
          delayed.completeExceptionally(e);
        }
      }, delay);
      delayed.whenComplete((value, failure) -> task.cancel(false));
    } catch (RejectedExecutionException e) {
      delayed.completeExceptionally(closedFailure());
    }
    return delayed;
  }

  /**
   * Fails {@code call} with what {@code timeoutFailure} makes if it is not complete {@code timeout}
   * from now, as a real upstream that stays silent would.
   */
  <T> void bound(CompletableFuture<T> call, Duration timeout, Supplier<? extends Throwable> timeoutFailure) {
    if (call.isDone()) {
      return;
    }
    try {
      ScheduledFuture<?> task = schedule(() -> call.completeExceptionally(timeoutFailure.get()), timeout);
      call.whenComplete((value, failure) -> task.cancel(false));
    } catch (RejectedExecutionException e) {
      call.completeExceptionally(closedFailure());
    }
  }

  private synchronized ScheduledFuture<?> schedule(Runnable task, Duration delay) {
    if (closed) {
      throw new RejectedExecutionException("the stub timer is closed");
    }
    if (executor == null) {
      executor = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, THREAD_NAME);
        // Daemon, so a test that forgets to close its tester does not keep the JVM alive.
        thread.setDaemon(true);
        return thread;
      });
      executor.setRemoveOnCancelPolicy(true);
    }
    return executor.schedule(task, nanos(delay), TimeUnit.NANOSECONDS);
  }

  /** How many tasks wait to run: a cancelled or completed call leaves none behind. */
  synchronized int waiting() {
    return executor == null ? 0 : executor.getQueue().size();
  }

  /** Whether the thread was ever started. */
  synchronized boolean started() {
    return executor != null;
  }

  /** Stops the thread, and fails answers still waiting for their delay. Idempotent. */
  @Override
  public void close() {
    ScheduledThreadPoolExecutor stopping;
    synchronized (this) {
      closed = true;
      stopping = executor;
    }
    if (stopping != null) {
      stopping.shutdownNow();
      try {
        stopping.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    for (CompletableFuture<?> waiting : List.copyOf(pending)) {
      waiting.completeExceptionally(closedFailure());
    }
  }

  private static UpstreamException closedFailure() {
    return new UpstreamException(UpstreamException.Kind.CONNECTION_RESET, "the stub transport is closed");
  }

  // Durations beyond ~292 years do not fit in nanoseconds; they mean "never" here.
  private static long nanos(Duration duration) {
    if (duration.isNegative()) {
      return 0;
    }
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }
}

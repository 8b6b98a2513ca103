package io.gatehouse;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;

/**
 * Where a gateway reads time, of two kinds. <b>Durations</b> (rate limits and throttles, circuit
 * breakers, outlier ejections, retry budgets, key and token caches, name-resolution caches) are
 * measured on the monotonic {@link #nanoTime()}, so a step of the wall clock (NTP, a VM resumed, an
 * operator) neither locks clients out of their limits nor grants them a fresh burst, and an open
 * circuit still half-opens on time. <b>Calendar</b> things (quota windows such as "per day", token
 * {@code exp}/{@code nbf}/{@code iat}, metering windows, HTTP dates, the times in request records)
 * are read from the {@link #wallClock()}, and follow its steps by design.
 *
 * <p>The default is {@link #system()}. Tests give the gateway a {@code ManualClock} from the test
 * fixtures, which is a time source whose {@code advance} moves both kinds of time and whose
 * {@code set} steps only the wall clock:
 *
 * <p>{@code Gateway gateway = Gateway.builder().time(manualClock).route(...).build();}
 *
 * <p>Everything the gateway itself <b>waits for</b> (route deadlines, retry backoff, throttle and
 * queue waits, health-check and discovery intervals, key-fetch timeouts) runs on a
 * {@link Scheduler} of the same time source, one per gateway ({@link #newScheduler}), so a manual
 * clock drives those too: with it, a backoff ends when the test advances the clock past it.
 *
 * <p>Implementations must be thread-safe; {@code nanoTime()} must never go back.
 *
 * @since 0.1
 */
public interface TimeSource {

  /**
   * Monotonic time in nanoseconds, for durations: only the difference of two readings means
   * anything, as with {@link System#nanoTime()}.
   *
   * @return nanoseconds since an arbitrary origin; never less than an earlier reading
   */
  long nanoTime();

  /**
   * The wall clock, for calendar time: it may step forward or back.
   *
   * @return the clock
   */
  Clock wallClock();

  /**
   * The wall clock's instant now.
   *
   * @return {@code wallClock().instant()}
   */
  default Instant now() {
    return wallClock().instant();
  }

  /**
   * A new scheduler on this time source's timeline, owned by whoever asked for it (a gateway asks
   * for one when it is built and closes it in {@code Gateway.close()}).
   *
   * <p>The default runs tasks on <b>real time</b>: one daemon thread, named {@code name}, started
   * on the first task and stopped by {@link Scheduler#close()}. That is right for any time source
   * whose {@link #nanoTime()} advances with the machine's; one that moves otherwise (as a manual
   * clock does) overrides this method and runs the tasks as its own time passes.
   *
   * @param name names the scheduler's thread, if it has one, as {@code gatehouse-timer}
   * @return a scheduler with no task
   * @since 0.1
   */
  default Scheduler newScheduler(String name) {
    return new SystemScheduler(name);
  }

  /**
   * The machine's time: {@link System#nanoTime()} and {@link Clock#systemUTC()}.
   *
   * @return the system time source
   */
  static TimeSource system() {
    return SystemTime.INSTANCE;
  }

  /**
   * Runs tasks once a delay of its time source's time has passed: the gateway's timer for
   * everything it waits for. Tasks must be short and must not block: they complete futures and
   * start non-blocking work.
   *
   * <p><b>Threads:</b> a scheduler of {@link TimeSource#system()} (and the default
   * {@link TimeSource#newScheduler}) runs its tasks one at a time on its own daemon thread; a
   * manual clock runs them on the thread that advances it. A task that throws does not stop
   * the scheduler: the system scheduler logs the failure (to the {@link System.Logger} named
   * {@code io.gatehouse.TimeSource}) and runs the next task.
   *
   * <pre>{@code
   * TimeSource.Scheduler timer = time.newScheduler("gatehouse-timer");
   * TimeSource.Scheduled deadline = timer.schedule(Duration.ofSeconds(2), () -> call.cancel(true));
   * call.whenComplete((r, e) -> deadline.cancel());
   * timer.close(); // when the owner closes
   * }</pre>
   *
   * <p>Thread-safe.
   *
   * @since 0.1
   */
  interface Scheduler extends AutoCloseable {

    /**
     * Runs a task once, when {@code delay} has passed on the time source's
     * {@link TimeSource#nanoTime() monotonic time}. Tasks due at the same time run in the order
     * they were scheduled.
     *
     * @param delay how long from now; zero or negative means as soon as possible (for a manual
     *     clock: at its next advance, even by zero)
     * @param task what to run
     * @return the handle that cancels the task
     * @throws RejectedExecutionException if the scheduler is closed
     */
    Scheduled schedule(Duration delay, Runnable task);

    /**
     * Closes the scheduler: every task not yet run runs at once on the calling thread, in due
     * order, so that nothing waits for a timer that would never fire (a throttled request goes
     * on, a queued one is refused, a deadline passes); afterwards {@link #schedule} throws
     * {@link RejectedExecutionException}, and the scheduler's thread, if it has one, ends. Later
     * calls do nothing.
     */
    @Override
    void close();
  }

  /**
   * A task given to a {@link Scheduler}, which can be kept from running.
   *
   * @since 0.1
   */
  @FunctionalInterface
  interface Scheduled {

    /**
     * Keeps the task from running, if it has not started.
     *
     * @return true if this call kept it from running; false if it had run, started or been
     *     cancelled already
     */
    boolean cancel();
  }
}

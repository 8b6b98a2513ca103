package io.gatehouse.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits, bounded, for what a test is not told about: something another thread does, such as a
 * metric recorded a moment after a client over a socket has read the last byte of its response,
 * or a connection that a server accepts on a thread of its own. It reads a value every 10 ms until
 * a condition holds or the time is up, and returns the last value it read either way, so that the
 * assertion that follows shows what was there when it fails.
 *
 * <pre>{@code
 * String scrape = Poll.within(Duration.ofSeconds(10)).until(this::scrape, text -> text.contains("status=\"200\""));
 * assertThat(scrape).contains("gatehouse_requests_seconds_count");
 * }</pre>
 *
 * <p>Counts that the fixtures' servers keep have waits of their own, woken at once instead of
 * polled: {@link UpstreamServer#awaitRequests} and {@link JwksServer#awaitFetches}. Immutable and
 * thread-safe.
 *
 * @since 0.1
 */
public final class Poll {
  /** How often the value is read. */
  static final Duration EVERY = Duration.ofMillis(10);
  /** How often a value that should settle is read. */
  static final Duration SETTLE_EVERY = Duration.ofMillis(50);

  private final Duration timeout;

  private Poll(Duration timeout) {
    this.timeout = timeout;
  }

  /**
   * A wait of at most {@code timeout}.
   *
   * <p>{@code Poll.within(Duration.ofSeconds(10))}
   *
   * @param timeout zero or more; zero reads the value once
   * @return the wait
   * @throws IllegalArgumentException if the timeout is negative
   */
  public static Poll within(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
    }
    return new Poll(timeout);
  }

  /**
   * Reads {@code value} until {@code condition} holds for what it read, or the time is up; both
   * run on the calling thread.
   *
   * <p>{@code int accepted = Poll.within(Duration.ofSeconds(5)).until(sockets::size, n -> n >= 2);}
   *
   * @param value reads what is awaited
   * @param condition whether a value is the one awaited
   * @param <T> the type of the value
   * @return the first value that met the condition; else the last one read, once the time was up
   *     or the thread was interrupted (whose interrupt status is then set again)
   */
  public <T> T until(Supplier<? extends T> value, Predicate<? super T> condition) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(condition, "condition");
    long deadline = System.nanoTime() + nanos(timeout);
    T last = value.get();
    while (!condition.test(last)) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return last;
      }
      try {
        TimeUnit.NANOSECONDS.sleep(Math.min(left, EVERY.toNanos()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return last;
      }
      last = value.get();
    }
    return last;
  }

  /**
   * Reads a count every 50 ms until it has not changed for {@code quiet}, and returns it: where a
   * flow stalls (a buffer filled, back-pressure reached), with no event to wait for. Unlike
   * {@link #until}, a count that keeps changing for the whole wait fails the test.
   *
   * <p>{@code long stuckAt = Poll.within(Duration.ofSeconds(20)).settled(upload::written, Duration.ofMillis(750));}
   *
   * @param value reads the count, on the calling thread
   * @param quiet how long it must stay the same
   * @return the settled count
   * @throws AssertionError if it never stayed the same for {@code quiet} within the wait, or the
   *     thread was interrupted (whose interrupt status is then set again)
   */
  public long settled(LongSupplier value, Duration quiet) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(quiet, "quiet");
    long deadline = System.nanoTime() + nanos(timeout);
    long last = value.getAsLong();
    long stableSince = System.nanoTime();
    while (System.nanoTime() < deadline) {
      try {
        TimeUnit.NANOSECONDS.sleep(SETTLE_EVERY.toNanos());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted while waiting for the value to settle; last " + last, e);
      }
      long now = value.getAsLong();
      if (now != last) {
        last = now;
        stableSince = System.nanoTime();
      } else if (System.nanoTime() - stableSince > nanos(quiet)) {
        return now;
      }
    }
    throw new AssertionError("the value kept changing for " + timeout.toSeconds() + " s; last " + last);
  }

  @Override
  public String toString() {
    return "Poll[within " + timeout + "]";
  }

  // Durations beyond ~292 years do not fit in nanoseconds; they mean "no end" here.
  private static long nanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE / 2;
    }
  }
}

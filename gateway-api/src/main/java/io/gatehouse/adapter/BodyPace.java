package io.gatehouse.adapter;

import io.gatehouse.Unstable;
import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * Decides when a request body arrives too slowly: no byte for longer than the idle timeout, or an
 * average rate under the minimum once the grace time has passed. Only time spent waiting on the
 * client counts: while nobody asks for bytes (the upstream reads slowly), the client is not to
 * blame. Times are {@link System#nanoTime()} values passed in, so the rule is plain arithmetic;
 * the adapter keeps the timer and decides what a verdict means for its exchange.
 *
 * <pre>{@code
 * BodyPace pace = BodyPace.of(BodyPace.Limits.DEFAULTS);
 * pace.waiting(now);            // a read found nothing
 * pace.received(now, n);        // bytes arrived
 * pace.paused(now);             // nobody wants bytes now
 * pace.verdict(now).ifPresent(why -> ...);
 * }</pre>
 *
 * <p>Not thread-safe: one per request body, used on its exchange's thread or serial executor.
 *
 * @since 0.1
 */
@Unstable
public final class BodyPace {
  private final long idleNanos;
  private final long minBytesPerSecond;
  private final long graceNanos;
  private long waitingSince = -1; // when the current wait for the client began, or -1
  private long waitedNanos;       // waits that have ended, added up
  private long bytes;

  private BodyPace(Limits limits) {
    this.idleNanos = limits.idle().toNanos();
    this.minBytesPerSecond = limits.minBytesPerSecond();
    this.graceNanos = limits.grace().toNanos();
  }

  /**
   * A pace for one request body, not waiting yet.
   *
   * <pre>{@code
   * BodyPace pace = BodyPace.of(new BodyPace.Limits(Duration.ofSeconds(30), 240, Duration.ofSeconds(5)));
   * }</pre>
   *
   * @param limits the idle timeout and the minimum rate
   * @return a new pace
   */
  public static BodyPace of(Limits limits) {
    return new BodyPace(Objects.requireNonNull(limits, "limits"));
  }

  /**
   * How slow a request body may be.
   *
   * <pre>{@code
   * new BodyPace.Limits(Duration.ofSeconds(10), 1024, Duration.ofSeconds(2));
   * }</pre>
   *
   * @param idle the longest wait for the next byte while one is wanted; more than zero
   * @param minBytesPerSecond the slowest average rate, in bytes per second of waiting on the
   *     client, tolerated once {@code grace} of waiting has passed; 0 turns the check off
   * @param grace the waiting time before the average rate counts; zero or more
   * @since 0.1
   */
  @Unstable
  public record Limits(Duration idle, long minBytesPerSecond, Duration grace) {
    /** 30 s idle (nginx: client_body_timeout 60 s), 240 B/s after 5 s (Kestrel's MinRequestBodyDataRate). */
    public static final Limits DEFAULTS = new Limits(Duration.ofSeconds(30), 240, Duration.ofSeconds(5));

    /**
     * Checks the values.
     *
     * @param idle more than zero
     * @param minBytesPerSecond zero or more
     * @param grace zero or more
     * @throws IllegalArgumentException if one is out of range
     */
    public Limits {
      Objects.requireNonNull(idle, "idle");
      Objects.requireNonNull(grace, "grace");
      if (idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException("body pace: idle: " + idle + " (expected: > 0)");
      }
      if (minBytesPerSecond < 0) {
        throw new IllegalArgumentException("body pace: minBytesPerSecond: " + minBytesPerSecond + " (expected: >= 0)");
      }
      if (grace.isNegative()) {
        throw new IllegalArgumentException("body pace: grace: " + grace + " (expected: >= 0)");
      }
    }
  }

  /**
   * A read found no bytes while some are wanted: the body waits on the client from now, if it
   * did not already.
   *
   * @param now {@link System#nanoTime()}
   */
  public void waiting(long now) {
    if (waitingSince < 0) {
      waitingSince = now;
    }
  }

  /**
   * Bytes arrived: the wait, if any, ends.
   *
   * @param now {@link System#nanoTime()}
   * @param n how many bytes
   */
  public void received(long now, long n) {
    endWait(now);
    bytes += n;
  }

  /**
   * Nobody wants bytes now, or the body has ended: the wait, if any, ends without blame.
   *
   * @param now {@link System#nanoTime()}
   */
  public void paused(long now) {
    endWait(now);
  }

  private void endWait(long now) {
    if (waitingSince >= 0) {
      waitedNanos += now - waitingSince;
      waitingSince = -1;
    }
  }

  /**
   * Whether the body is waiting on the client now.
   *
   * @return true between {@link #waiting} and the next {@link #received} or {@link #paused}
   */
  public boolean isWaiting() {
    return waitingSince >= 0;
  }

  /**
   * Why the body is too slow at {@code now}, if it is.
   *
   * @param now {@link System#nanoTime()}
   * @return the reason, for a log line or an exception; empty while the pace is fine or nobody waits
   */
  public Optional<String> verdict(long now) {
    if (waitingSince < 0) {
      return Optional.empty();
    }
    if (now - waitingSince >= idleNanos) {
      return Optional.of("no request body bytes for " + (now - waitingSince) / 1_000_000 + " ms");
    }
    long waited = waitedNanos + (now - waitingSince);
    if (minBytesPerSecond > 0 && waited > graceNanos && bytes * 1_000_000_000.0 / waited < minBytesPerSecond) {
      return Optional.of("the request body arrives at " + Math.round(bytes * 1_000_000_000.0 / waited)
          + " bytes/s (expected: at least " + minBytesPerSecond + ")");
    }
    return Optional.empty();
  }

  /**
   * When to look again while waiting: at the idle deadline, and at least once a second while a
   * minimum rate is set.
   *
   * @param now {@link System#nanoTime()}
   * @return nanoseconds from {@code now}, at least 1
   */
  public long nextCheck(long now) {
    long untilIdle = Math.max(1, waitingSince + idleNanos - now);
    return minBytesPerSecond > 0 ? Math.min(untilIdle, 1_000_000_000L) : untilIdle;
  }

  /**
   * The timer's turn for a body being read: fails it with {@link TooSlowException} if the client
   * is too slow, and says whether to look again ({@link #nextCheck}). Nothing happens to a body
   * no longer being read. On the body's thread or serial executor, like the rest of the pace.
   *
   * <pre>{@code
   * paceCheck = null;
   * if (pace.check(publisher, System.nanoTime())) {
   *   paceCheck = timer.after(pace.nextCheck(System.nanoTime()), this::checkPace);
   * }
   * }</pre>
   *
   * @param body the request body this pace watches
   * @param now {@link System#nanoTime()}
   * @return true if the body still waits on the client and is not too slow yet
   */
  public boolean check(RequestBodyPublisher body, long now) {
    if (!body.reading()) {
      return false;
    }
    Optional<String> tooSlow = verdict(now);
    if (tooSlow.isPresent()) {
      body.readFailed(new TooSlowException("request body: " + tooSlow.get()));
      return false;
    }
    return isWaiting();
  }

  /**
   * How a body fails when its client sends it too slowly; an adapter answers it with 408 (or
   * cuts the connection once its response has started).
   *
   * @since 0.1
   */
  @Unstable
  public static final class TooSlowException extends IOException {
    private static final long serialVersionUID = 1L;

    /**
     * A failure with its reason.
     *
     * @param message why the body is too slow
     */
    public TooSlowException(String message) {
      super(message);
    }
  }
}

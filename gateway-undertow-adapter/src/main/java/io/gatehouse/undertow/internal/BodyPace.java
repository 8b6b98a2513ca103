package io.gatehouse.undertow.internal;

import java.util.Optional;

/**
 * Decides when a request body arrives too slowly: no byte for longer than the idle timeout, or an
 * average rate under the minimum once the grace time has passed. Only time spent waiting on the
 * client counts: while nobody asks for bytes (the upstream reads slowly), the client is not to
 * blame. Times are {@link System#nanoTime()} values passed in, so the rule is plain arithmetic.
 *
 * <pre>{@code
 * pace.waiting(now);            // a read found nothing
 * pace.received(now, n);        // bytes arrived
 * pace.verdict(now).ifPresent(why -> ...);
 * }</pre>
 *
 * <p>Not thread-safe: one per request body, used on its I/O thread.
 */
final class BodyPace {
  private final long idleNanos;
  private final long minBytesPerSecond;
  private final long graceNanos;
  private long waitingSince = -1; // when the current wait for the client began, or -1
  private long waitedNanos;       // waits that have ended, added up
  private long bytes;

  BodyPace(ClientTimeouts timeouts) {
    this.idleNanos = timeouts.bodyIdle().toNanos();
    this.minBytesPerSecond = timeouts.minBodyRate();
    this.graceNanos = timeouts.minBodyRateGrace().toNanos();
  }

  /** A read found no bytes while some are wanted: the body waits on the client from now (if not already). */
  void waiting(long now) {
    if (waitingSince < 0) {
      waitingSince = now;
    }
  }

  /** Bytes arrived: the wait, if any, ends. */
  void received(long now, long n) {
    endWait(now);
    bytes += n;
  }

  /** Nobody wants bytes now, or the body has ended: the wait, if any, ends without blame. */
  void paused(long now) {
    endWait(now);
  }

  private void endWait(long now) {
    if (waitingSince >= 0) {
      waitedNanos += now - waitingSince;
      waitingSince = -1;
    }
  }

  /** Whether the body is waiting on the client now. */
  boolean isWaiting() {
    return waitingSince >= 0;
  }

  /** Why the body is too slow at {@code now}, if it is. */
  Optional<String> verdict(long now) {
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

  /** When to look again, in nanoseconds from {@code now}: at the idle deadline, and at least once a second for the rate. */
  long nextCheck(long now) {
    long untilIdle = Math.max(1, waitingSince + idleNanos - now);
    return minBytesPerSecond > 0 ? Math.min(untilIdle, 1_000_000_000L) : untilIdle;
  }
}

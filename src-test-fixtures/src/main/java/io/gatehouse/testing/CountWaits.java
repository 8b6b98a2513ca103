package io.gatehouse.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/** Waits, bounded, until a count the fixtures' servers keep under a monitor reaches a number. */
final class CountWaits {
  private CountWaits() {}

  /**
   * Waits until {@code count} reaches {@code n}; whoever changes it calls {@code notifyAll} on the
   * monitor while holding it.
   *
   * @return whether it was reached in time; false also if the thread was interrupted, whose
   *     interrupt status is then set again
   */
  static boolean await(Object monitor, IntSupplier count, int n, Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (n < 0) {
      throw new IllegalArgumentException("n: " + n + " (expected: >= 0)");
    }
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: >= 0)");
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (monitor) {
      long left = timeout.toNanos();
      while (count.getAsInt() < n && left > 0) {
        try {
          TimeUnit.NANOSECONDS.timedWait(monitor, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return count.getAsInt() >= n;
        }
        left = deadline - System.nanoTime();
      }
      return count.getAsInt() >= n;
    }
  }
}

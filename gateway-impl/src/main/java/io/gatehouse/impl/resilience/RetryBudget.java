package io.gatehouse.impl.resilience;

import io.gatehouse.TimeSource;

/**
 * Keeps a route's retries under a share of its requests over the last 10 seconds, plus a floor
 * per second, so that retries cannot multiply the load on a failing upstream (the retry budget of
 * Finagle and Linkerd). Ten one-second buckets on the gateway's monotonic time; thread-safe.
 */
public final class RetryBudget {
  private static final int SECONDS = 10;

  private final double ratio;
  private final int minPerSecond;
  private final TimeSource time;
  private final long[] bucketSecond = new long[SECONDS];
  private final long[] requests = new long[SECONDS];
  private final long[] retries = new long[SECONDS];

  /**
   * Creates a budget.
   *
   * @param ratio retries allowed per request
   * @param minPerSecond retries allowed per second whatever the ratio
   * @param time the gateway's time source
   */
  public RetryBudget(double ratio, int minPerSecond, TimeSource time) {
    this.ratio = ratio;
    this.minPerSecond = minPerSecond;
    this.time = time;
  }

  /** Counts a request (a first attempt). */
  public synchronized void onRequest() {
    requests[bucket()]++;
  }

  /**
   * Spends one retry if the budget allows it.
   *
   * @return true if the retry may go; it is then counted
   */
  public synchronized boolean tryRetry() {
    int current = bucket();
    long now = bucketSecond[current];
    long requestCount = 0;
    long retryCount = 0;
    for (int i = 0; i < SECONDS; i++) {
      if (now - bucketSecond[i] < SECONDS) {
        requestCount += requests[i];
        retryCount += retries[i];
      }
    }
    double allowed = ratio * requestCount + (double) minPerSecond * SECONDS;
    if (retryCount + 1 > allowed) {
      return false;
    }
    retries[current]++;
    return true;
  }

  /** The bucket of the current second, emptied if it held an older second. */
  private int bucket() {
    long second = Math.floorDiv(time.nanoTime(), 1_000_000_000L);
    int index = (int) Math.floorMod(second, SECONDS);
    if (bucketSecond[index] != second) {
      bucketSecond[index] = second;
      requests[index] = 0;
      retries[index] = 0;
    }
    return index;
  }
}

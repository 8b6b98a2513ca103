package io.gatehouse.impl.ratelimit;

import io.gatehouse.ratelimit.RateLimitStore.Decision;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Where the permits of the gateway's limits come from: this JVM, or a store shared by instances. */
interface Permits {

  /**
   * Takes permits for one key of one limit.
   *
   * @return the decision; null when the shared store cannot answer and the gateway is to reject
   */
  CompletionStage<Decision> acquire(KeyedLimiter limiter, String key, long cost);

  /** Gives back what {@link #acquire} took; best effort. */
  void release(KeyedLimiter limiter, String key, long cost);

  /** Permits from each limit's in-memory state. */
  Permits LOCAL = new Permits() {
    @Override
    public CompletionStage<Decision> acquire(KeyedLimiter limiter, String key, long cost) {
      return CompletableFuture.completedFuture(limiter.acquire(key, cost));
    }

    @Override
    public void release(KeyedLimiter limiter, String key, long cost) {
      limiter.refund(key, cost);
    }
  };
}

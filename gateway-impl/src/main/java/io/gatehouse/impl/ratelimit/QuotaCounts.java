package io.gatehouse.impl.ratelimit;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Where quota counts live: this JVM, or a store shared by instances. */
interface QuotaCounts {

  /**
   * Counts one request of a principal against one quota of its plan.
   *
   * @return the decision; null when the shared store cannot answer and the gateway is to reject
   */
  CompletionStage<QuotaCounter.Decision> count(QuotaCounter counter, String plan, String principal, long cost);

  /** Takes back what {@link #count} counted; best effort. */
  void uncount(QuotaCounter counter, String plan, String principal, long cost);

  /** Counts in each quota's in-memory state. */
  QuotaCounts LOCAL = new QuotaCounts() {
    @Override
    public CompletionStage<QuotaCounter.Decision> count(QuotaCounter counter, String plan, String principal, long cost) {
      return CompletableFuture.completedFuture(counter.acquire(principal, cost));
    }

    @Override
    public void uncount(QuotaCounter counter, String plan, String principal, long cost) {
      counter.refund(principal, cost);
    }
  };
}

package io.gatehouse.impl.pool;

import io.gatehouse.impl.resilience.CallOutcome;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A target taken for one call: it counts as in flight (to the target and its group) and holds a
 * circuit permission until {@link #complete} is called, exactly once, with how the call ended.
 */
public final class Lease implements Pick {
  private final TargetPool pool;
  private final LiveTarget target;
  private final AtomicBoolean done = new AtomicBoolean();

  Lease(TargetPool pool, LiveTarget target) {
    this.pool = pool;
    this.target = target;
  }

  public LiveTarget target() {
    return target;
  }

  /**
   * Ends the lease: the target's circuit and outlier detection learn the outcome, and the
   * request stops counting as in flight. Later calls do nothing.
   *
   * @param outcome how the call ended
   * @param status the response status, or 0 without a response
   * @param nanos how long the call took
   */
  public void complete(CallOutcome outcome, int status, long nanos) {
    if (done.compareAndSet(false, true)) {
      target.leave();
      pool.leave();
      target.record(outcome, status, nanos);
    }
  }
}

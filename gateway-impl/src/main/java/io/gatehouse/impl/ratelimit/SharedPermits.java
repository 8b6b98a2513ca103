package io.gatehouse.impl.ratelimit;

import io.gatehouse.TimeSource;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.observe.GatewayEvent;
import io.gatehouse.ratelimit.RateLimitStore;
import io.gatehouse.ratelimit.RateLimitStore.Decision;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Permits and quota counts from a {@link RateLimitStore} shared by gateway instances. When the store fails, the
 * request is decided by the fallback: the local limiter, or a rejection (null, which the stage
 * answers with 503). Degraded mode is never silent: the transition into it is logged as a warning
 * and the way out as information, once each, and observers are told of each decision made in it.
 */
final class SharedPermits implements Permits, QuotaCounts {
  private static final Logger log = LoggerFactory.getLogger(SharedPermits.class);

  /** However the store times out, a call that takes longer than this counts as failed. */
  static final Duration GUARD = Duration.ofSeconds(1);

  private final RateLimitStore store;
  private final RateLimitStore.Fallback fallback;
  private final AtomicBoolean degraded = new AtomicBoolean();
  private final Observers observers;

  private final TimeSource.Scheduler timer;

  SharedPermits(RateLimitStore store, RateLimitStore.Fallback fallback, Observers observers, TimeSource.Scheduler timer) {
    this.timer = timer;
    this.observers = observers;
    this.store = store;
    this.fallback = fallback;
  }

  @Override
  public CompletionStage<Decision> acquire(KeyedLimiter limiter, String key, long cost) {
    return guarded(() -> store.acquire(limiter.scope() + ":" + key, limiter.intervalNanos(), limiter.capacityNanos(), cost),
        () -> limiter.acquire(key, cost));
  }

  @Override
  public CompletionStage<QuotaCounter.Decision> count(QuotaCounter counter, String plan, String principal, long cost) {
    QuotaCounter.Window window = counter.window();
    String key = "quota:" + plan + ":" + counter.quota().name() + ":" + principal + "@" + window.startEpochSecond();
    return guarded(() -> store.count(key, cost, counter.quota().requests(), window.endEpochMillis())
            .thenApply(c -> counter.decision(c.allowed(), c.used(), window)),
        () -> counter.acquire(principal, cost));
  }

  @Override
  public void uncount(QuotaCounter counter, String plan, String principal, long cost) {
    QuotaCounter.Window window = counter.window();
    try {
      store.uncount("quota:" + plan + ":" + counter.quota().name() + ":" + principal + "@" + window.startEpochSecond(), cost);
    } catch (RuntimeException e) {
      // Best effort, as release.
    }
  }

  /**
   * A store call with the failure handling every shared decision gets: the guard, the degraded
   * mode's log lines and count, and the fallback (the local answer, or null to reject).
   */
  private <T> CompletionStage<T> guarded(Supplier<CompletionStage<T>> call, Supplier<T> local) {
    CompletionStage<T> pending;
    try {
      pending = call.get();
    } catch (RuntimeException e) {
      pending = CompletableFuture.failedFuture(e);
    }
    return guard(pending.toCompletableFuture()).handle((answer, failure) -> {
      if (failure == null && answer != null) {
        if (degraded.compareAndSet(true, false)) {
          log.info("rate-limit store {} answers again; shared limits apply again", store);
          observers.event(new GatewayEvent.RateLimitStoreDegraded(false));
        }
        return answer;
      }
      boolean entering = degraded.compareAndSet(false, true);
      if (entering) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        log.warn("rate-limit store {} failed ({}); {} until it answers", store, cause,
            fallback == RateLimitStore.Fallback.LOCAL ? "each instance applies the limits on its own"
                : "rate-limited requests get 503");
        observers.event(new GatewayEvent.RateLimitStoreDegraded(true));
      }
      observers.event(new GatewayEvent.DegradedDecision());
      return fallback == RateLimitStore.Fallback.LOCAL ? local.get() : null;
    });
  }

  /** The call, failed with a timeout if it has not answered within {@link #GUARD} of the gateway's time. */
  private <T> CompletableFuture<T> guard(CompletableFuture<T> call) {
    if (call.isDone()) {
      return call;
    }
    CompletableFuture<T> guarded = new CompletableFuture<>();
    TimeSource.Scheduled expiry;
    try {
      expiry = timer.schedule(GUARD, () -> guarded.completeExceptionally(
          new TimeoutException("the rate-limit store did not answer within " + GUARD)));
    } catch (RejectedExecutionException closing) {
      return call; // the gateway is closing: the store's own timeout bounds the call
    }
    call.whenComplete((answer, failure) -> {
      expiry.cancel();
      if (failure == null) {
        guarded.complete(answer);
      } else {
        guarded.completeExceptionally(failure);
      }
    });
    return guarded;
  }

  @Override
  public void release(KeyedLimiter limiter, String key, long cost) {
    try {
      store.release(limiter.scope() + ":" + key, limiter.intervalNanos(), cost);
    } catch (RuntimeException e) {
      // Best effort: the permits come back by themselves within one interval per permit.
    }
  }
}

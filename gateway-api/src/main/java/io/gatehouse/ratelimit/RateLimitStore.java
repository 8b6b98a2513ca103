package io.gatehouse.ratelimit;

import io.gatehouse.Unstable;
import java.util.concurrent.CompletionStage;

/**
 * Where rate-limit state lives when several gateway instances share it (the {@code gateway-redis}
 * module implements this on Redis). The gateway calls it once per limit and request; it must
 * apply GCRA atomically, on its own clock (all instances must read one clock, such as the Redis
 * server's), and never block the calling thread.
 *
 * <p>GCRA, as the local limiter does it: a key's state is its "theoretical arrival time" (TAT).
 * With {@code now} the store's time, a request of cost {@code c} computes
 * {@code next = max(TAT, now) + c * intervalNanos}; it is admitted, and TAT becomes {@code next},
 * if {@code next - now <= capacityNanos}; otherwise TAT is unchanged. A key's state may be dropped
 * once its TAT has passed.
 *
 * <p>{@code Gateway.builder().rateLimitStore(store, RateLimitStore.Fallback.LOCAL)}
 *
 * <p>The gateway does not close the store: several gateways (one swapped in for another) may share
 * it. Close it after the last of them.
 *
 * @since 0.1
 */
@Unstable
public interface RateLimitStore extends AutoCloseable {

  /**
   * Applies GCRA to one key, atomically.
   *
   * @param key the key, already namespaced by the gateway (limit name and key)
   * @param intervalNanos the time one request's permit takes to come back
   * @param capacityNanos {@code burst * intervalNanos}
   * @param cost permits this request takes, at least 1
   * @return the decision; completes exceptionally when the store cannot answer
   */
  CompletionStage<Decision> acquire(String key, long intervalNanos, long capacityNanos, long cost);

  /**
   * Gives back permits an admitted request took, when another limit turned the request away:
   * {@code TAT -= cost * intervalNanos}, dropping the state if that is not after now.
   *
   * @param key the key
   * @param intervalNanos the interval the permits were taken with
   * @param cost the permits to give back
   * @return completes when done; failures may be ignored by the caller
   */
  CompletionStage<Void> release(String key, long intervalNanos, long cost);

  /**
   * Counts a request against a quota's fixed window, atomically: the key's count grows by
   * {@code cost} only if it then stays within {@code limit}. The key must expire at the window's
   * end (the gateway names a new key for each window).
   *
   * @param key the key, already namespaced by the gateway (plan, quota, principal and window)
   * @param cost what the request counts, at least 1
   * @param limit the quota, at least 1
   * @param windowEndEpochMillis when the window ends, in milliseconds since the epoch
   * @return whether the request was counted, and the count after it; completes exceptionally
   *     when the store cannot answer
   */
  CompletionStage<QuotaCount> count(String key, long cost, long limit, long windowEndEpochMillis);

  /**
   * Takes back a count, when another quota or limit turned the request away.
   *
   * @param key the key
   * @param cost what the request counted
   * @return completes when done; failures may be ignored by the caller
   */
  CompletionStage<Void> uncount(String key, long cost);

  /** Releases connections and threads. */
  @Override
  void close();

  /**
   * What the gateway does when the store cannot answer (an error or its timeout).
   *
   * @since 0.1
   */
  enum Fallback {
    /** Fail open: each instance applies the limits on its own, as if there were no store. */
    LOCAL,
    /** Fail closed: a request that a limit applies to gets 503 until the store answers again. */
    REJECT
  }

  /**
   * A store's answer for one request.
   *
   * @param allowed whether the request is admitted
   * @param remaining the permits left after it: {@code (capacity - (TAT - now)) / interval}, at least 0
   * @param fullAfterNanos how long until the key's budget is full again: {@code TAT - now}
   * @param retryAfterNanos when rejected, how long until this request would be admitted; else 0
   * @since 0.1
   */
  record Decision(boolean allowed, long remaining, long fullAfterNanos, long retryAfterNanos) {}

  /**
   * A store's answer for one request against a quota.
   *
   * @param allowed whether the request was counted
   * @param used the window's count after it (unchanged when not allowed)
   * @since 0.1
   */
  record QuotaCount(boolean allowed, long used) {}
}

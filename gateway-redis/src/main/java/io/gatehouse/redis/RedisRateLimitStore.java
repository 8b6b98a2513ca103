package io.gatehouse.redis;

import io.gatehouse.ratelimit.RateLimitStore;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link RateLimitStore} on Redis, so that every gateway instance draws on one budget per key.
 * Each request is one round trip: a Lua script applies GCRA atomically on the Redis server's
 * clock ({@code TIME}), so the instances need not agree on the time, and gives the same answers as
 * the gateway's local limiter. A key's state is one string that expires when its budget is full
 * again.
 *
 * <pre>{@code
 * try (RedisRateLimitStore store = RedisRateLimitStore.builder("redis://cache:6379")
 *         .timeout(Duration.ofMillis(50))
 *         .build()) {
 *   store.acquire("burst:alice", intervalNanos, capacityNanos, 1)
 *       .thenAccept(decision -> System.out.println(decision.allowed()));
 * }
 * }</pre>
 *
 * <p><b>Redis being down</b> never stalls a request: every command has the {@linkplain
 * Builder#timeout(Duration) timeout}, commands issued while the connection is down fail at once
 * instead of queueing, and {@link Builder#build() build()} does not wait for Redis. The stages then
 * complete exceptionally (with Lettuce's {@code RedisException}s, {@code RedisCommandTimeoutException}
 * after the timeout); the connection is remade in the background. A command that timed out may
 * still run when Redis answers again, so a failed acquire may have taken its permits: the error
 * is on the side of limiting.
 *
 * <p><b>Threads.</b> Nothing blocks the caller. Returned stages complete on a Lettuce I/O thread
 * (or its timer thread, for a timeout), so callbacks chained on them must not block either.
 * {@link #close()} stops every thread and connection the store started.
 *
 * <p>Works with one Redis node ({@code redis://}, {@code rediss://} for TLS), a master found through
 * Sentinel ({@code redis-sentinel://}) and Redis Cluster ({@link #cluster(String...)}); each key
 * is one Redis key, so cluster slots need no hash tags. Needs Redis 5 or later (tested on 6.2).
 *
 * @since 0.1
 */
public final class RedisRateLimitStore implements RateLimitStore {
  private static final Logger log = LoggerFactory.getLogger(RedisRateLimitStore.class);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
  private static final String DEFAULT_KEY_PREFIX = "gatehouse:rl:";

  private final RedisLink<RedisClusterAsyncCommands<String, String>> link;
  private final String keyPrefix;

  private RedisRateLimitStore(RedisLink<RedisClusterAsyncCommands<String, String>> link, String keyPrefix) {
    this.link = link;
    this.keyPrefix = keyPrefix;
  }

  /**
   * A builder for a store on one Redis node, or on the master that Sentinel names.
   *
   * @param uri {@code redis://[[user:]password@]host[:port][/database]}, {@code rediss://...} for
   *     TLS, or {@code redis-sentinel://[password@]host[:port][,host2[:port2]][/database]#masterName}
   * @return the builder
   * @throws IllegalArgumentException if the URI is not one of those
   */
  public static Builder builder(String uri) {
    return new Builder(RedisClients.node(uri));
  }

  /**
   * A builder for a store on Redis Cluster.
   *
   * @param seedUris one or more nodes to learn the cluster's topology from, {@code redis://} or
   *     {@code rediss://}
   * @return the builder
   * @throws IllegalArgumentException if there is no URI, or one is not of those
   */
  public static Builder cluster(String... seedUris) {
    return new Builder(RedisClients.cluster(seedUris));
  }

  /**
   * Applies GCRA to {@code keyPrefix + key} in one round trip, on the Redis server's clock.
   *
   * @param key the key, already namespaced by the gateway
   * @param intervalNanos the time one permit takes to come back, at least 1
   * @param capacityNanos {@code burst * intervalNanos}, at least 0
   * @param cost permits this request takes, at least 1
   * @return the decision; completes exceptionally when Redis does not answer within the timeout,
   *     is unreachable, or the store is closed
   * @throws IllegalArgumentException if an argument is out of range, or {@code cost * intervalNanos}
   *     exceeds a {@code long}
   */
  @Override
  public CompletionStage<Decision> acquire(String key, long intervalNanos, long capacityNanos, long cost) {
    Objects.requireNonNull(key, "key");
    if (capacityNanos < 0) {
      throw new IllegalArgumentException("capacityNanos: " + capacityNanos + " (expected: >= 0)");
    }
    long costNanos = costNanos(intervalNanos, cost);
    String[] keys = {keyPrefix + key};
    String costArg = Long.toString(costNanos);
    String capacityArg = Long.toString(capacityNanos);
    return this.<List<Object>>run(GcraScripts.ACQUIRE, ScriptOutputType.MULTI, keys, costArg, capacityArg)
        .thenApply(reply -> GcraScripts.decision(reply, intervalNanos, capacityNanos, costNanos));
  }

  /**
   * Gives back permits: moves the key's TAT back by {@code cost * intervalNanos}, deleting the key
   * when that is not after the Redis server's now.
   *
   * @param key the key
   * @param intervalNanos the interval the permits were taken with, at least 1
   * @param cost the permits to give back, at least 1
   * @return completes when done; fails like {@link #acquire acquire}
   * @throws IllegalArgumentException if an argument is out of range
   */
  @Override
  public CompletionStage<Void> release(String key, long intervalNanos, long cost) {
    Objects.requireNonNull(key, "key");
    String[] keys = {keyPrefix + key};
    String costArg = Long.toString(costNanos(intervalNanos, cost));
    return this.<Long>run(GcraScripts.RELEASE, ScriptOutputType.INTEGER, keys, costArg).thenApply(kept -> null);
  }

  /**
   * Counts a request against a quota window: INCRBY if the count stays within the limit, and an
   * expiry at the window's end, in one script.
   *
   * @param key the key
   * @param cost what the request counts, at least 1
   * @param limit the quota, at least 1
   * @param windowEndEpochMillis when the key expires
   * @return whether it was counted and the count; fails like {@link #acquire acquire}
   * @throws IllegalArgumentException if an argument is out of range
   */
  @Override
  public CompletionStage<QuotaCount> count(String key, long cost, long limit, long windowEndEpochMillis) {
    Objects.requireNonNull(key, "key");
    if (cost < 1 || limit < 1) {
      throw new IllegalArgumentException("cost: " + cost + ", limit: " + limit + " (expected: both >= 1)");
    }
    String[] keys = {keyPrefix + key};
    return this.<List<Object>>run(QuotaScripts.COUNT, ScriptOutputType.MULTI, keys, Long.toString(cost),
        Long.toString(limit), Long.toString(windowEndEpochMillis)).thenApply(QuotaScripts::count);
  }

  /**
   * Takes a count back (DECRBY, deleting the key at zero).
   *
   * @param key the key
   * @param cost what the request counted, at least 1
   * @return completes when done; fails like {@link #acquire acquire}
   * @throws IllegalArgumentException if the cost is out of range
   */
  @Override
  public CompletionStage<Void> uncount(String key, long cost) {
    Objects.requireNonNull(key, "key");
    if (cost < 1) {
      throw new IllegalArgumentException("cost: " + cost + " (expected: >= 1)");
    }
    String[] keys = {keyPrefix + key};
    return this.<Long>run(QuotaScripts.UNCOUNT, ScriptOutputType.INTEGER, keys, Long.toString(cost)).thenApply(kept -> null);
  }

  private static long costNanos(long intervalNanos, long cost) {
    if (intervalNanos < 1) {
      throw new IllegalArgumentException("intervalNanos: " + intervalNanos + " (expected: >= 1)");
    }
    if (cost < 1) {
      throw new IllegalArgumentException("cost: " + cost + " (expected: >= 1)");
    }
    if (cost > Long.MAX_VALUE / intervalNanos) {
      throw new IllegalArgumentException(
          "cost: " + cost + " (expected: cost * intervalNanos (" + intervalNanos + ") <= " + Long.MAX_VALUE + ")");
    }
    return cost * intervalNanos;
  }

  /** EVALSHA, or EVAL when Redis has lost the script (restart, SCRIPT FLUSH, failover). */
  private <T> CompletionStage<T> run(GcraScripts.Script script, ScriptOutputType type, String[] keys, String... args) {
    Function<RedisScriptingAsyncCommands<String, String>, CompletionStage<T>> call = redis ->
        redis.<T>evalsha(script.sha(), type, keys, args).exceptionallyCompose(error -> {
          if (RedisLink.unwrap(error) instanceof RedisNoScriptException) {
            return redis.<T>eval(script.source(), type, keys, args);
          }
          return CompletableFuture.failedFuture(RedisLink.unwrap(error));
        });
    RedisScriptingAsyncCommands<String, String> ready = link.ready();
    if (ready != null) {
      return call.apply(ready);
    }
    return link.commands().thenCompose(call::apply);
  }

  /** Closes the connection and stops the store's threads, waiting at most a few seconds. */
  @Override
  public void close() {
    link.close();
  }

  @Override
  public String toString() {
    return "RedisRateLimitStore[" + link.target() + ", keyPrefix=" + keyPrefix + "]";
  }

  /**
   * Builds a {@link RedisRateLimitStore}. Setters check their argument at once.
   *
   * @since 0.1
   */
  public static final class Builder {
    private final RedisClients.Target target;
    private Duration timeout = DEFAULT_TIMEOUT;
    private String keyPrefix = DEFAULT_KEY_PREFIX;

    private Builder(RedisClients.Target target) {
      this.target = target;
    }

    /**
     * How long any command may take, including waiting for a connection; the stage fails after
     * it. Defaults to 100 ms: a rate limit that waits long for Redis costs more than it saves.
     *
     * @param timeout greater than zero, at most a minute
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = RedisClients.checkTimeout(timeout);
      return this;
    }

    /**
     * What every Redis key of the store starts with. Defaults to {@code gatehouse:rl:}.
     *
     * @param keyPrefix not empty
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = RedisClients.checkKeyPrefix(keyPrefix);
      return this;
    }

    /**
     * Creates the store and starts connecting, without waiting for Redis: until it answers,
     * {@code acquire} fails within the timeout.
     *
     * @return the store; close it when done
     */
    public RedisRateLimitStore build() {
      List<GcraScripts.Script> scripts =
          List.of(GcraScripts.ACQUIRE, GcraScripts.RELEASE, QuotaScripts.COUNT, QuotaScripts.UNCOUNT);
      return new RedisRateLimitStore(RedisClients.link("RedisRateLimitStore", target, timeout, StringCodec.UTF8,
          redis -> loadScripts(redis, scripts)), keyPrefix);
    }
  }

  private static void loadScripts(RedisScriptingAsyncCommands<String, String> redis, List<GcraScripts.Script> scripts) {
    for (GcraScripts.Script script : scripts) {
      // An optimisation only: EVALSHA falls back to EVAL when the script is missing.
      redis.scriptLoad(script.source()).exceptionally(e -> {
        log.debug("RedisRateLimitStore: SCRIPT LOAD failed: {}", e.toString());
        return null;
      });
    }
  }
}

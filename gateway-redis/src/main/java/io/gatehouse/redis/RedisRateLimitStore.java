package io.gatehouse.redis;

import io.gatehouse.ratelimit.RateLimitStore;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisScriptingAsyncCommands;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.netty.util.HashedWheelTimer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.Collectors;

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
  private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel");
  private static final Set<String> CLUSTER_SCHEMES = Set.of("redis", "rediss");
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
  private static final String DEFAULT_KEY_PREFIX = "gatehouse:rl:";
  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
  private static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);

  private final RedisLink link;
  private final String keyPrefix;

  private RedisRateLimitStore(RedisLink link, String keyPrefix) {
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
    Objects.requireNonNull(uri, "uri");
    return new Builder(List.of(parse("uri", uri, SCHEMES, "a redis://, rediss:// or redis-sentinel:// URI")), false);
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
    Objects.requireNonNull(seedUris, "seedUris");
    if (seedUris.length == 0) {
      throw new IllegalArgumentException("seedUris: [] (expected: at least one redis:// or rediss:// URI)");
    }
    List<RedisURI> uris = new ArrayList<>();
    for (int i = 0; i < seedUris.length; i++) {
      String field = "seedUris[" + i + "]";
      uris.add(parse(field, Objects.requireNonNull(seedUris[i], field), CLUSTER_SCHEMES, "a redis:// or rediss:// URI"));
    }
    return new Builder(List.copyOf(uris), true);
  }

  private static RedisURI parse(String field, String uri, Set<String> schemes, String expected) {
    int colon = uri.indexOf("://");
    String scheme = colon < 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
    IllegalArgumentException invalid = new IllegalArgumentException(
        field + ": '" + redact(uri) + "' (expected: " + expected + ")");
    if (!schemes.contains(scheme)) {
      throw invalid;
    }
    try {
      RedisURI parsed = RedisURI.create(uri);
      boolean sentinel = !parsed.getSentinels().isEmpty();
      if (sentinel ? isEmpty(parsed.getSentinelMasterId()) : isEmpty(parsed.getHost())) {
        throw invalid;
      }
      return parsed;
    } catch (IllegalArgumentException | IllegalStateException e) {
      if (e != invalid) {
        invalid.initCause(e);
      }
      throw invalid;
    }
  }

  private static boolean isEmpty(String s) {
    return s == null || s.isEmpty();
  }

  /** The URI without its password, for messages. */
  private static String redact(String uri) {
    int start = uri.indexOf("://");
    int at = uri.lastIndexOf('@');
    return start < 0 || at < start ? uri : uri.substring(0, start + 3) + "***" + uri.substring(at);
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
    return link.commands().thenCompose(call);
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
    private final List<RedisURI> uris;
    private final boolean cluster;
    private Duration timeout = DEFAULT_TIMEOUT;
    private String keyPrefix = DEFAULT_KEY_PREFIX;

    private Builder(List<RedisURI> uris, boolean cluster) {
      this.uris = uris;
      this.cluster = cluster;
    }

    /**
     * How long any command may take, including waiting for a connection; the stage fails after
     * it. Defaults to 100 ms: a rate limit that waits long for Redis costs more than it saves.
     *
     * @param timeout greater than zero, at most a minute
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      Objects.requireNonNull(timeout, "timeout");
      if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
        throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0 and <= " + MAX_TIMEOUT + ")");
      }
      this.timeout = timeout;
      return this;
    }

    /**
     * What every Redis key of the store starts with. Defaults to {@code gatehouse:rl:}.
     *
     * @param keyPrefix not empty
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      Objects.requireNonNull(keyPrefix, "keyPrefix");
      if (keyPrefix.isEmpty()) {
        throw new IllegalArgumentException("keyPrefix: '' (expected: not empty)");
      }
      this.keyPrefix = keyPrefix;
      return this;
    }

    /**
     * Creates the store and starts connecting, without waiting for Redis: until it answers,
     * {@code acquire} fails within the timeout.
     *
     * @return the store; close it when done
     */
    public RedisRateLimitStore build() {
      // Lettuce's default timer ticks every 100 ms, which would let a 100 ms timeout fire at 200.
      HashedWheelTimer timer = new HashedWheelTimer(daemonThreads("gatehouse-redis-timer"), 10, TimeUnit.MILLISECONDS);
      ClientResources resources = ClientResources.builder()
          .timer(timer)
          .reconnectDelay(Delay.exponential(Duration.ZERO, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
          .build();
      SocketOptions socket = SocketOptions.builder().connectTimeout(RedisLink.CONNECT_TIMEOUT).build();
      TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
      for (RedisURI uri : uris) {
        uri.setTimeout(RedisLink.CONNECT_TIMEOUT); // bounds the handshake; commands have TimeoutOptions
      }
      try {
        return new RedisRateLimitStore(link(resources, timer, socket, timeouts), keyPrefix);
      } catch (RuntimeException e) {
        resources.shutdown(0, 0, TimeUnit.MILLISECONDS);
        timer.stop();
        throw e;
      }
    }

    private RedisLink link(ClientResources resources, HashedWheelTimer timer, SocketOptions socket,
        TimeoutOptions timeouts) {
      String target = uris.stream().map(RedisRateLimitStore::describe).collect(Collectors.joining(","));
      List<GcraScripts.Script> scripts =
          List.of(GcraScripts.ACQUIRE, GcraScripts.RELEASE, QuotaScripts.COUNT, QuotaScripts.UNCOUNT);
      if (cluster) {
        RedisClusterClient client = RedisClusterClient.create(resources, uris);
        client.setOptions(ClusterClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(timeouts)
            .socketOptions(socket)
            // Lettuce 7 refreshes the topology on MOVED/ASK and reconnects by default; a periodic
            // refresh also catches failovers that no command of ours ran into.
            .topologyRefreshOptions(ClusterTopologyRefreshOptions.builder()
                .enablePeriodicRefresh(Duration.ofMinutes(1))
                .build())
            .build());
        // connectAsync needs the topology first; refreshPartitionsAsync loads it without blocking.
        return new RedisLink("cluster " + target, timeout, resources, timer, client,
            () -> client.refreshPartitionsAsync()
                .thenCompose(loaded -> client.connectAsync(StringCodec.UTF8))
                .thenCompose(RedisRateLimitStore::connectToMasters)
                .thenApply(RedisRateLimitStore::clusterConnected),
            scripts);
      } else {
        RedisClient client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
            .autoReconnect(true)
            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
            .timeoutOptions(timeouts)
            .socketOptions(socket)
            .build());
        RedisURI uri = uris.get(0);
        return new RedisLink(target, timeout, resources, timer, client,
            () -> client.connectAsync(StringCodec.UTF8, uri).thenApply(RedisRateLimitStore::nodeConnected), scripts);
      }
    }
  }

  private static RedisLink.Connected nodeConnected(StatefulRedisConnection<String, String> connection) {
    return new RedisLink.Connected(connection, connection.async());
  }

  /**
   * Opens the connection to every master up front: a command for a node whose connection is still
   * being opened is rejected, with {@code REJECT_COMMANDS}, rather than made to wait for it.
   */
  private static CompletionStage<StatefulRedisClusterConnection<String, String>> connectToMasters(
      StatefulRedisClusterConnection<String, String> connection) {
    CompletableFuture<?>[] masters = connection.getPartitions().getPartitions().stream()
        .filter(node -> !node.hasNoSlots())
        .map(node -> connection.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort())
            .exceptionally(unreachable -> null)) // that node's commands fail until Lettuce reaches it
        .toArray(CompletableFuture<?>[]::new);
    return CompletableFuture.allOf(masters).thenApply(all -> connection);
  }

  private static RedisLink.Connected clusterConnected(StatefulRedisClusterConnection<String, String> connection) {
    return new RedisLink.Connected(connection, connection.async());
  }

  private static String describe(RedisURI uri) {
    if (!uri.getSentinels().isEmpty()) {
      return "sentinel " + uri.getSentinels().stream().map(s -> s.getHost() + ":" + s.getPort())
          .collect(Collectors.joining(",")) + " master " + uri.getSentinelMasterId();
    }
    return uri.getHost() + ":" + uri.getPort();
  }

  private static ThreadFactory daemonThreads(String name) {
    AtomicInteger count = new AtomicInteger();
    return runnable -> {
      Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }
}

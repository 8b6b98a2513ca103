package io.gatehouse.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.cluster.ClusterClientOptions;
import io.lettuce.core.cluster.ClusterTopologyRefreshOptions;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.StatefulRedisClusterConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.RedisCodec;
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
import java.util.function.Consumer;
import java.util.stream.Collectors;

/**
 * What the stores share about reaching Redis: URI checks, the client's options (commands fail at
 * once while disconnected, every command has the store's timeout, a 10 ms timer) and connecting
 * to a node, a Sentinel-managed master or a cluster without blocking.
 */
final class RedisClients {
  private static final Set<String> SCHEMES = Set.of("redis", "rediss", "redis-sentinel");
  private static final Set<String> CLUSTER_SCHEMES = Set.of("redis", "rediss");
  private static final Duration MAX_RECONNECT_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_TIMEOUT = Duration.ofMinutes(1);

  /** Where a store connects: one node or master, or a cluster's seeds. */
  record Target(List<RedisURI> uris, boolean cluster) {}

  private RedisClients() {}

  /** One node, or the master that Sentinel names. */
  static Target node(String uri) {
    Objects.requireNonNull(uri, "uri");
    return new Target(List.of(parse("uri", uri, SCHEMES, "a redis://, rediss:// or redis-sentinel:// URI")), false);
  }

  /** A cluster, from its seeds. */
  static Target cluster(String... seedUris) {
    Objects.requireNonNull(seedUris, "seedUris");
    if (seedUris.length == 0) {
      throw new IllegalArgumentException("seedUris: [] (expected: at least one redis:// or rediss:// URI)");
    }
    List<RedisURI> uris = new ArrayList<>();
    for (int i = 0; i < seedUris.length; i++) {
      String field = "seedUris[" + i + "]";
      uris.add(parse(field, Objects.requireNonNull(seedUris[i], field), CLUSTER_SCHEMES, "a redis:// or rediss:// URI"));
    }
    return new Target(List.copyOf(uris), true);
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

  static Duration checkTimeout(Duration timeout) {
    Objects.requireNonNull(timeout, "timeout");
    if (timeout.isNegative() || timeout.isZero() || timeout.compareTo(MAX_TIMEOUT) > 0) {
      throw new IllegalArgumentException("timeout: " + timeout + " (expected: > 0 and <= " + MAX_TIMEOUT + ")");
    }
    return timeout;
  }

  static String checkKeyPrefix(String keyPrefix) {
    Objects.requireNonNull(keyPrefix, "keyPrefix");
    if (keyPrefix.isEmpty()) {
      throw new IllegalArgumentException("keyPrefix: '' (expected: not empty)");
    }
    return keyPrefix;
  }

  /**
   * A client and its link, connecting in the background.
   *
   * @param store the store's class name, for messages
   * @param onConnect runs on each new connection (loads scripts); must not block
   */
  static <K, V> RedisLink<RedisClusterAsyncCommands<K, V>> link(String store, Target target, Duration timeout,
      RedisCodec<K, V> codec, Consumer<RedisClusterAsyncCommands<K, V>> onConnect) {
    // Lettuce's default timer ticks every 100 ms, which would let a 100 ms timeout fire at 200.
    HashedWheelTimer timer = new HashedWheelTimer(daemonThreads("gatehouse-redis-timer"), 10, TimeUnit.MILLISECONDS);
    ClientResources resources = ClientResources.builder()
        .timer(timer)
        .reconnectDelay(Delay.exponential(Duration.ZERO, MAX_RECONNECT_DELAY, 2, TimeUnit.MILLISECONDS))
        .build();
    SocketOptions socket = SocketOptions.builder().connectTimeout(RedisLink.CONNECT_TIMEOUT).build();
    TimeoutOptions timeouts = TimeoutOptions.enabled(timeout);
    for (RedisURI uri : target.uris()) {
      uri.setTimeout(RedisLink.CONNECT_TIMEOUT); // bounds the handshake; commands have TimeoutOptions
    }
    try {
      return link(store, target, timeout, codec, onConnect, resources, timer, socket, timeouts);
    } catch (RuntimeException e) {
      resources.shutdown(0, 0, TimeUnit.MILLISECONDS);
      timer.stop();
      throw e;
    }
  }

  private static <K, V> RedisLink<RedisClusterAsyncCommands<K, V>> link(String store, Target target,
      Duration timeout, RedisCodec<K, V> codec, Consumer<RedisClusterAsyncCommands<K, V>> onConnect,
      ClientResources resources, HashedWheelTimer timer, SocketOptions socket, TimeoutOptions timeouts) {
    String where = target.uris().stream().map(RedisClients::describe).collect(Collectors.joining(","));
    if (target.cluster()) {
      RedisClusterClient client = RedisClusterClient.create(resources, target.uris());
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
      return new RedisLink<>(store, "cluster " + where, timeout, resources, timer, client,
          () -> client.refreshPartitionsAsync()
              .thenCompose(loaded -> client.connectAsync(codec))
              .thenCompose(RedisClients::connectToMasters)
              .thenApply(c -> new RedisLink.Connected<RedisClusterAsyncCommands<K, V>>(c, c.async())),
          onConnect);
    }
    RedisClient client = RedisClient.create(resources);
    client.setOptions(ClientOptions.builder()
        .autoReconnect(true)
        .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
        .timeoutOptions(timeouts)
        .socketOptions(socket)
        .build());
    RedisURI uri = target.uris().get(0);
    return new RedisLink<>(store, where, timeout, resources, timer, client,
        () -> client.connectAsync(codec, uri)
            .thenApply(c -> new RedisLink.Connected<RedisClusterAsyncCommands<K, V>>(c, c.async())),
        onConnect);
  }

  /**
   * Opens the connection to every master up front: a command for a node whose connection is still
   * being opened is rejected, with {@code REJECT_COMMANDS}, rather than made to wait for it.
   */
  private static <K, V> CompletionStage<StatefulRedisClusterConnection<K, V>> connectToMasters(
      StatefulRedisClusterConnection<K, V> connection) {
    CompletableFuture<?>[] masters = connection.getPartitions().getPartitions().stream()
        .filter(node -> !node.hasNoSlots())
        .map(node -> connection.getConnectionAsync(node.getUri().getHost(), node.getUri().getPort())
            .exceptionally(unreachable -> null)) // that node's commands fail until Lettuce reaches it
        .toArray(CompletableFuture<?>[]::new);
    return CompletableFuture.allOf(masters).thenApply(all -> connection);
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

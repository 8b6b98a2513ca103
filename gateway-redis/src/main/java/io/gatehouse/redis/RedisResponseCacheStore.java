package io.gatehouse.redis;

import io.gatehouse.cache.CachedResponse;
import io.gatehouse.cache.ResponseCacheStore;
import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.SetArgs;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiPredicate;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ResponseCacheStore} on Redis, so that several gateway instances share one response
 * cache: what one instance stored, the others serve, and a purge on one is seen by all. A key's
 * variants are one Redis string under {@code keyPrefix + key}, in a compact binary form with a
 * version byte, that Redis expires after the time the gateway keeps it for ({@code PX}).
 *
 * <pre>{@code
 * RedisResponseCacheStore store = RedisResponseCacheStore.builder("redis://cache:6379")
 *     .timeout(Duration.ofMillis(50))
 *     .maxValueBytes(2 * 1024 * 1024)
 *     .build();
 * Gateway gateway = Gateway.builder()
 *     .route("products", r -> r.path("/products/**").upstream("http://catalog:8080")
 *         .cache(ResponseCache.shared("products").store(store)))
 *     .build();
 * }</pre>
 *
 * <p><b>Sizes.</b> A key's variants together (headers, bodies and times of up to {@value
 * ResponseCacheStore#MAX_VARIANTS} variants) are stored only if they encode to at most {@link
 * Builder#maxValueBytes(int) maxValueBytes}; a larger set is not stored (the response was served
 * all the same), which is logged at debug and counted by {@link #valuesTooLarge()}. Reads never
 * take more than that from Redis.
 *
 * <p><b>What is in Redis is not trusted.</b> A value that does not decode (corrupt, written by
 * another version, written for another key, or hostile: framing fields, bad header text, lengths
 * that do not add up) is a miss, never an error of the request; it is removed, logged at debug and
 * counted by {@link #valuesUndecodable()}.
 *
 * <p><b>Redis being down</b> never stalls a request: every command has the {@linkplain
 * Builder#timeout(Duration) timeout}, commands issued while the connection is down fail at once
 * instead of queueing, and {@link Builder#build() build()} does not wait for Redis. The stages then
 * complete exceptionally and the gateway serves the request from the upstream, without caching
 * ({@code Cache-Status: gatehouse; fwd=bypass; detail=store-failed}).
 *
 * <p><b>Purges</b> ({@link #removeIf removeIf}) walk the store's keys with {@code SCAN} (on every
 * master, in a cluster), a batch at a time, never with {@code KEYS}: they take time in proportion
 * to the keys under the prefix, are not on a request's path, and do not block Redis.
 *
 * <p><b>Threads.</b> Nothing blocks the caller. Returned stages complete on a Lettuce I/O thread
 * (or its timer thread, for a timeout). {@link #close()} stops every thread and connection the
 * store started.
 *
 * <p>Works with one Redis node, a master found through Sentinel and Redis Cluster, like {@link
 * RedisRateLimitStore}. Use one store (or one key prefix) per cache name: a purge of a cache
 * removes what its store holds. Needs Redis 5 or later (tested on 6.2).
 *
 * @since 0.2
 */
public final class RedisResponseCacheStore implements ResponseCacheStore, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(RedisResponseCacheStore.class);
  private static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(100);
  private static final String DEFAULT_KEY_PREFIX = "gatehouse:cache:";
  private static final int DEFAULT_MAX_VALUE_BYTES = 1024 * 1024;
  private static final int MIN_VALUE_BYTES = 1024;
  /** Redis's default {@code proto-max-bulk-len}. */
  private static final int MAX_VALUE_BYTES = 512 * 1024 * 1024;
  /** Longer than any entry is worth keeping; and far from overflowing Redis's expiry arithmetic. */
  private static final Duration MAX_KEEP = Duration.ofSeconds(1L << 31);
  /** Keys a purge asks each SCAN for. */
  static final int SCAN_COUNT = 256;
  /** Values a purge reads at once: bounds its memory by this many times {@code maxValueBytes}. */
  static final int READ_AT_ONCE = 16;
  private static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

  private final RedisLink<RedisClusterAsyncCommands<String, byte[]>> link;
  private final String keyPrefix;
  private final int maxValueBytes;
  private final AtomicLong tooLarge = new AtomicLong();
  private final AtomicLong undecodable = new AtomicLong();

  private RedisResponseCacheStore(RedisLink<RedisClusterAsyncCommands<String, byte[]>> link, String keyPrefix,
      int maxValueBytes) {
    this.link = link;
    this.keyPrefix = keyPrefix;
    this.maxValueBytes = maxValueBytes;
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
   * Reads a key's variants ({@code GETRANGE}, so at most {@code maxValueBytes} come back).
   *
   * @param key the key
   * @return the variants, newest first, or empty when there are none or the value does not decode;
   *     completes exceptionally when Redis does not answer within the timeout, is unreachable, or
   *     the store is closed
   */
  @Override
  public CompletionStage<List<CachedResponse>> get(String key) {
    Objects.requireNonNull(key, "key");
    String redisKey = keyPrefix + key;
    return run(redis -> read(redis, redisKey).thenCompose(value -> {
      List<CachedResponse> variants = decodeOrNull(key, value);
      if (variants != null) {
        return CompletableFuture.completedFuture(variants);
      }
      discard(redis, redisKey);
      return CompletableFuture.completedFuture(List.<CachedResponse>of());
    }));
  }

  /**
   * Stores a key's variants ({@code SET ... PX}), unless they encode to more than {@code
   * maxValueBytes}: then nothing is stored, what the key held stays, and the stage completes
   * normally.
   *
   * @param key the key
   * @param variants the variants, newest first; 1 to {@value ResponseCacheStore#MAX_VARIANTS}
   * @param keepFor how long Redis keeps them, more than zero (at most 2<sup>31</sup> seconds)
   * @return completes when stored; fails like {@link #get get}
   * @throws IllegalArgumentException if there are no or too many variants, {@code keepFor} is not
   *     positive, or a variant holds a framing, connection or {@code Set-Cookie} field
   */
  @Override
  public CompletionStage<Void> put(String key, List<CachedResponse> variants, Duration keepFor) {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(variants, "variants");
    Objects.requireNonNull(keepFor, "keepFor");
    if (variants.isEmpty() || variants.size() > MAX_VARIANTS) {
      throw new IllegalArgumentException(
          "variants: " + variants.size() + " variants (expected: 1 to " + MAX_VARIANTS + ")");
    }
    if (keepFor.isNegative() || keepFor.isZero()) {
      throw new IllegalArgumentException("keepFor: " + keepFor + " (expected: > 0)");
    }
    byte[] value;
    try {
      value = CachedResponseCodec.encode(key, variants, maxValueBytes);
    } catch (CachedResponseCodec.TooLarge e) {
      tooLarge.incrementAndGet();
      log.debug("RedisResponseCacheStore: not storing {} variant(s) of a key: {} (maxValueBytes)", variants.size(),
          e.getMessage());
      return CompletableFuture.completedFuture(null);
    }
    long millis = Math.max(1, (keepFor.compareTo(MAX_KEEP) > 0 ? MAX_KEEP : keepFor).toMillis());
    String redisKey = keyPrefix + key;
    return run(redis -> redis.set(redisKey, value, SetArgs.Builder.px(millis)).thenApply(ok -> (Void) null));
  }

  /**
   * Removes a key ({@code UNLINK}).
   *
   * @param key the key
   * @return completes when removed; fails like {@link #get get}
   */
  @Override
  public CompletionStage<Void> remove(String key) {
    Objects.requireNonNull(key, "key");
    String redisKey = keyPrefix + key;
    return run(redis -> redis.unlink(redisKey).thenApply(n -> (Void) null));
  }

  /**
   * Removes every key under the prefix for which the test holds: {@code SCAN}s the keys (256
   * asked for at a time; on every master of a cluster), reads their values 16 at a time, and
   * {@code UNLINK}s the matches. Values that do not decode are
   * removed too, without being counted. A key stored while the purge runs may or may not be seen.
   *
   * @param test given each key and its variants, on a Lettuce I/O thread; must not block
   * @return how many keys the test matched and were removed; fails when a command fails or times
   *     out, or the test throws, having removed what it had matched by then
   */
  @Override
  public CompletionStage<Long> removeIf(BiPredicate<String, List<CachedResponse>> test) {
    Objects.requireNonNull(test, "test");
    ScanArgs args = ScanArgs.Builder.matches(globEscaped(keyPrefix) + "*").limit(SCAN_COUNT);
    return run(redis -> {
      Purge purge = new Purge(redis, test);
      purge.scan(ScanCursor.INITIAL, args);
      return purge.done;
    });
  }

  /** One purge's walk over the keys; each step starts when the one before has ended. */
  private final class Purge {
    private final RedisClusterAsyncCommands<String, byte[]> redis;
    private final BiPredicate<String, List<CachedResponse>> test;
    private final CompletableFuture<Long> done = new CompletableFuture<>();
    private long removed;

    Purge(RedisClusterAsyncCommands<String, byte[]> redis, BiPredicate<String, List<CachedResponse>> test) {
      this.redis = redis;
      this.test = test;
    }

    void scan(ScanCursor cursor, ScanArgs args) {
      redis.scan(cursor, args).thenCompose(page -> examine(page.getKeys(), 0).thenApply(n -> page))
          .whenComplete((KeyScanCursor<String> page, Throwable error) -> {
            if (error != null) {
              done.completeExceptionally(RedisLink.unwrap(error));
            } else if (page.isFinished()) {
              done.complete(removed);
            } else {
              scan(page, args);
            }
          });
    }

    /** Reads the keys from {@code from} on, a few at a time, and removes those the test matches. */
    private CompletionStage<Void> examine(List<String> keys, int from) {
      if (from >= keys.size()) {
        return CompletableFuture.completedFuture(null);
      }
      List<String> chunk = keys.subList(from, Math.min(keys.size(), from + READ_AT_ONCE));
      List<CompletableFuture<byte[]>> reads = new ArrayList<>(chunk.size());
      for (String redisKey : chunk) {
        reads.add(read(redis, redisKey).toCompletableFuture());
      }
      return CompletableFuture.allOf(reads.toArray(CompletableFuture<?>[]::new)).thenCompose(all -> {
        List<String> matched = new ArrayList<>();
        List<String> garbage = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
          String redisKey = chunk.get(i);
          byte[] value = reads.get(i).join();
          if (value.length == 0) {
            continue; // expired or removed since the scan
          }
          String key = redisKey.startsWith(keyPrefix) ? redisKey.substring(keyPrefix.length()) : redisKey;
          List<CachedResponse> variants = decodeOrNull(key, value);
          if (variants == null) {
            garbage.add(redisKey);
          } else if (test.test(key, variants)) {
            matched.add(redisKey);
          }
        }
        List<String> gone = new ArrayList<>(matched);
        gone.addAll(garbage);
        if (gone.isEmpty()) {
          return examine(keys, from + chunk.size());
        }
        return redis.unlink(gone.toArray(String[]::new)).thenCompose(n -> {
          removed += matched.size();
          return examine(keys, from + chunk.size());
        });
      });
    }
  }

  /**
   * The value of a key, at most {@code maxValueBytes + 1} bytes of it (more than the cap means it
   * does not decode); empty when there is none. A key of another type reads as one byte that
   * does not decode, so that it is removed like any other value that is not ours.
   */
  private CompletionStage<byte[]> read(RedisClusterAsyncCommands<String, byte[]> redis, String redisKey) {
    return redis.getrange(redisKey, 0, maxValueBytes).exceptionallyCompose(error -> {
      Throwable cause = RedisLink.unwrap(error);
      if (cause instanceof RedisCommandExecutionException && String.valueOf(cause.getMessage()).startsWith("WRONGTYPE")) {
        return CompletableFuture.completedFuture(new byte[] {0});
      }
      return CompletableFuture.failedFuture(cause);
    });
  }

  /** The variants, an empty list for no value, or null when the value does not decode (counted). */
  private List<CachedResponse> decodeOrNull(String key, byte[] value) {
    if (value.length == 0) {
      return List.of();
    }
    try {
      if (value.length > maxValueBytes) {
        throw new CachedResponseCodec.Undecodable("over maxValueBytes " + maxValueBytes);
      }
      return CachedResponseCodec.decode(key, value);
    } catch (CachedResponseCodec.Undecodable e) {
      undecodable.incrementAndGet();
      log.debug("RedisResponseCacheStore: removing a value under {} that does not decode: {}", keyPrefix, e.getMessage());
      return null;
    }
  }

  private void discard(RedisClusterAsyncCommands<String, byte[]> redis, String redisKey) {
    redis.unlink(redisKey).exceptionally(e -> {
      log.debug("RedisResponseCacheStore: could not remove a value that does not decode: {}", e.toString());
      return null;
    });
  }

  /** The prefix as a SCAN MATCH pattern that matches it literally. */
  static String globEscaped(String prefix) {
    StringBuilder s = new StringBuilder(prefix.length() + 4);
    for (int i = 0; i < prefix.length(); i++) {
      char c = prefix.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        s.append('\\');
      }
      s.append(c);
    }
    return s.toString();
  }

  private <T> CompletionStage<T> run(Function<RedisClusterAsyncCommands<String, byte[]>, CompletionStage<T>> call) {
    RedisClusterAsyncCommands<String, byte[]> ready = link.ready();
    if (ready != null) {
      return call.apply(ready);
    }
    return link.commands().thenCompose(call::apply);
  }

  /**
   * Key-variant sets that were not stored because they encode to more than {@code maxValueBytes}.
   *
   * @return the count since the store was built
   */
  public long valuesTooLarge() {
    return tooLarge.get();
  }

  /**
   * Values read from Redis that did not decode, and were removed.
   *
   * @return the count since the store was built
   */
  public long valuesUndecodable() {
    return undecodable.get();
  }

  /** Closes the connection and stops the store's threads, waiting at most a few seconds. */
  @Override
  public void close() {
    link.close();
  }

  @Override
  public String toString() {
    return "RedisResponseCacheStore[" + link.target() + ", keyPrefix=" + keyPrefix + ", maxValueBytes="
        + maxValueBytes + "]";
  }

  /**
   * Builds a {@link RedisResponseCacheStore}. Setters check their argument at once.
   *
   * @since 0.2
   */
  public static final class Builder {
    private final RedisClients.Target target;
    private Duration timeout = DEFAULT_TIMEOUT;
    private String keyPrefix = DEFAULT_KEY_PREFIX;
    private int maxValueBytes = DEFAULT_MAX_VALUE_BYTES;

    private Builder(RedisClients.Target target) {
      this.target = target;
    }

    /**
     * How long any command may take, including waiting for a connection; the stage fails after
     * it, and the request goes to the upstream. Defaults to 100 ms.
     *
     * @param timeout greater than zero, at most a minute
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = RedisClients.checkTimeout(timeout);
      return this;
    }

    /**
     * What every Redis key of the store starts with. Defaults to {@code gatehouse:cache:}.
     *
     * @param keyPrefix not empty
     * @return this builder
     */
    public Builder keyPrefix(String keyPrefix) {
      this.keyPrefix = RedisClients.checkKeyPrefix(keyPrefix);
      return this;
    }

    /**
     * The most bytes one key's variants may take in Redis, encoded; a larger set is not stored.
     * Defaults to 1 MiB. Make it larger than the cache's {@code maxEntryBytes} (plus a few KiB for
     * the headers) for the largest responses to be stored.
     *
     * @param maxValueBytes 1024 to 536870912 (512 MiB, Redis's largest string)
     * @return this builder
     */
    public Builder maxValueBytes(int maxValueBytes) {
      if (maxValueBytes < MIN_VALUE_BYTES || maxValueBytes > MAX_VALUE_BYTES) {
        throw new IllegalArgumentException("maxValueBytes: " + maxValueBytes + " (expected: >= " + MIN_VALUE_BYTES
            + " and <= " + MAX_VALUE_BYTES + ")");
      }
      this.maxValueBytes = maxValueBytes;
      return this;
    }

    /**
     * Creates the store and starts connecting, without waiting for Redis: until it answers,
     * every call fails within the timeout.
     *
     * @return the store; close it when done
     */
    public RedisResponseCacheStore build() {
      return new RedisResponseCacheStore(
          RedisClients.link("RedisResponseCacheStore", target, timeout, CODEC, redis -> { }), keyPrefix, maxValueBytes);
    }
  }
}

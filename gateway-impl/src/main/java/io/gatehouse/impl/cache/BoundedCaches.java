package io.gatehouse.impl.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.gatehouse.TimeSource;
import java.time.Duration;
import java.util.function.ToLongFunction;

/**
 * Bounded Caffeine caches whose entries expire on the gateway's monotonic time (so a step of the
 * wall clock neither keeps nor drops entries, and tests with a manual clock control expiry),
 * running maintenance on the calling thread (no pool of Caffeine's own).
 */
public final class BoundedCaches {
  private BoundedCaches() {}

  /**
   * A bounded cache whose entries expire a fixed time after they are written.
   *
   * @param time the gateway's time source
   * @param maximumSize the most entries kept
   * @param ttl how long an entry lives
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder, to build a cache or an async cache from
   */
  public static <K, V> Caffeine<K, V> expiringAfterWrite(TimeSource time, long maximumSize, Duration ttl) {
    @SuppressWarnings("unchecked")
    Caffeine<K, V> builder = (Caffeine<K, V>) (Caffeine<?, ?>) Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .expireAfterWrite(ttl)
        .ticker(time::nanoTime)
        .executor(Runnable::run);
    return builder;
  }

  /**
   * A bounded cache whose entries expire at a time their value names.
   *
   * @param time the gateway's time source
   * @param maximumSize the most entries kept
   * @param deadlineNanos a value's expiry, on the scale of {@link TimeSource#nanoTime()}
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder, to build a cache or an async cache from
   */
  public static <K, V> Caffeine<K, V> expiringAt(TimeSource time, long maximumSize, ToLongFunction<V> deadlineNanos) {
    return expiring(time, maximumSize, (value, now) -> deadlineNanos.applyAsLong(value) - now);
  }

  /**
   * A bounded cache whose entries expire a time after they are written that each value names.
   *
   * @param time the gateway's time source
   * @param maximumSize the most entries kept
   * @param lifetimeNanos how long a value lives after it is written, in nanoseconds; Caffeine caps
   *     it (at about 150 years), so {@link Long#MAX_VALUE} means as long as possible
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder, to build a cache or an async cache from
   */
  public static <K, V> Caffeine<K, V> expiringAfter(TimeSource time, long maximumSize, ToLongFunction<V> lifetimeNanos) {
    return expiring(time, maximumSize, (value, now) -> lifetimeNanos.applyAsLong(value));
  }

  /** How long a value has left to live, written at {@code now}. */
  private interface Lifetime<V> {
    long nanosFrom(V value, long now);
  }

  /** Each entry lives as long as its value says when written (or rewritten); reads do not extend it. */
  private static <K, V> Caffeine<K, V> expiring(TimeSource time, long maximumSize, Lifetime<V> lifetime) {
    return Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .executor(Runnable::run)
        .ticker(time::nanoTime)
        .expireAfter(new Expiry<K, V>() {
          @Override
          public long expireAfterCreate(K key, V value, long now) {
            return Math.max(0, lifetime.nanosFrom(value, now));
          }

          @Override
          public long expireAfterUpdate(K key, V value, long now, long current) {
            return expireAfterCreate(key, value, now);
          }

          @Override
          public long expireAfterRead(K key, V value, long now, long current) {
            return current;
          }
        });
  }
}

package io.gatehouse.impl.cache;

import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.function.ToLongFunction;

/**
 * Caffeine caches on the gateway's clock (so tests with a manual clock control expiry), bounded,
 * running maintenance on the calling thread (no pool of Caffeine's own).
 */
public final class ClockCaches {
  private ClockCaches() {}

  /**
   * A bounded cache whose entries expire a fixed time after they are written.
   *
   * @param clock the gateway's clock
   * @param maximumSize the most entries kept
   * @param ttl how long an entry lives
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder, to build a cache or an async cache from
   */
  public static <K, V> Caffeine<K, V> expiringAfterWrite(Clock clock, long maximumSize, Duration ttl) {
    @SuppressWarnings("unchecked")
    Caffeine<K, V> builder = (Caffeine<K, V>) (Caffeine<?, ?>) Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .expireAfterWrite(ttl)
        .ticker(ticker(clock))
        .executor(Runnable::run);
    return builder;
  }

  /**
   * A bounded cache whose entries expire at an instant their value names.
   *
   * @param clock the gateway's clock
   * @param maximumSize the most entries kept
   * @param deadlineNanos a value's expiry, in nanoseconds since the epoch on that clock
   * @param <K> the key type
   * @param <V> the value type
   * @return the builder, to build a cache or an async cache from
   */
  public static <K, V> Caffeine<K, V> expiringAt(Clock clock, long maximumSize, ToLongFunction<V> deadlineNanos) {
    return Caffeine.newBuilder()
        .maximumSize(maximumSize)
        .executor(Runnable::run)
        .ticker(ticker(clock))
        .expireAfter(new Expiry<K, V>() {
          @Override
          public long expireAfterCreate(K key, V value, long now) {
            return Math.max(0, deadlineNanos.applyAsLong(value) - now);
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

  /**
   * The clock's instant in nanoseconds since the epoch: the time scale of {@link #expiringAt}.
   *
   * @param clock the clock
   * @return nanoseconds since the epoch
   */
  public static long epochNanos(Clock clock) {
    Instant now = clock.instant();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  private static Ticker ticker(Clock clock) {
    return () -> epochNanos(clock);
  }
}

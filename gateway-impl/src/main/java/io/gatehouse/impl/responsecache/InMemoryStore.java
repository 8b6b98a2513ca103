package io.gatehouse.impl.responsecache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import io.gatehouse.TimeSource;
import io.gatehouse.cache.CachedResponse;
import io.gatehouse.cache.ResponseCacheStore;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.BiPredicate;

/**
 * The built-in store: a Caffeine cache bounded by the bytes its entries weigh (bodies, header text,
 * keys), whose entries expire on the gateway's monotonic time (so a manual clock drives expiry, and
 * a wall-clock step neither keeps nor drops them). Maintenance runs on the calling thread.
 */
final class InMemoryStore implements ResponseCacheStore {
  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);
  private static final CompletableFuture<List<CachedResponse>> NONE = CompletableFuture.completedFuture(List.of());

  private final Cache<String, Held> entries;

  /** What one key holds, and until when. */
  private record Held(List<CachedResponse> variants, long keepNanos, int weight) {}

  InMemoryStore(TimeSource time, long maxBytes) {
    this.entries = Caffeine.newBuilder()
        .maximumWeight(maxBytes)
        .<String, Held>weigher((key, held) -> held.weight())
        .expireAfter(new Expiry<String, Held>() {
          @Override
          public long expireAfterCreate(String key, Held held, long now) {
            return held.keepNanos();
          }

          @Override
          public long expireAfterUpdate(String key, Held held, long now, long current) {
            return held.keepNanos();
          }

          @Override
          public long expireAfterRead(String key, Held held, long now, long current) {
            return current;
          }
        })
        .ticker(time::nanoTime)
        .executor(Runnable::run)
        .build();
  }

  @Override
  public CompletionStage<List<CachedResponse>> get(String key) {
    Held held = entries.getIfPresent(key);
    return held == null ? NONE : CompletableFuture.completedFuture(held.variants());
  }

  @Override
  public CompletionStage<Void> put(String key, List<CachedResponse> variants, Duration keepFor) {
    long weight = key.length() * 2L + 64;
    for (CachedResponse v : variants) {
      weight += v.weight();
    }
    long keep = keepFor.compareTo(Duration.ofDays(365 * 100)) > 0 ? Long.MAX_VALUE : keepFor.toNanos();
    entries.put(key, new Held(List.copyOf(variants), keep, (int) Math.min(Integer.MAX_VALUE, weight)));
    return DONE;
  }

  @Override
  public CompletionStage<Void> remove(String key) {
    entries.invalidate(key);
    return DONE;
  }

  @Override
  public CompletionStage<Long> removeIf(BiPredicate<String, List<CachedResponse>> test) {
    long[] removed = {0};
    for (Map.Entry<String, Held> e : entries.asMap().entrySet()) {
      if (test.test(e.getKey(), e.getValue().variants()) && entries.asMap().remove(e.getKey(), e.getValue())) {
        removed[0]++;
      }
    }
    return CompletableFuture.completedFuture(removed[0]);
  }

  /** {@return the weight of what is held now, in bytes (after pending maintenance)} */
  long weightedSize() {
    entries.cleanUp();
    return entries.policy().eviction().orElseThrow().weightedSize().orElse(0);
  }

  @Override
  public String toString() {
    return "in-memory response store (" + entries.estimatedSize() + " keys)";
  }
}

package io.gatehouse.impl.responsecache;

import io.gatehouse.TimeSource;
import io.gatehouse.cache.CachedResponse;
import io.gatehouse.cache.ResponseCacheStore;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One named cache as every route that names it shares it: the store, the upstream calls in flight
 * per key that other requests for the key may wait for (coalescing), and the keys being refreshed
 * in the background (stale-while-revalidate: one refresh per key at a time).
 */
final class SharedCache {
  final String name;
  final ResponseCacheStore store;
  final TimeSource.Scheduler scheduler;
  final ConcurrentHashMap<String, CompletableFuture<Optional<CachedResponse>>> inFlight = new ConcurrentHashMap<>();
  final Set<String> refreshing = ConcurrentHashMap.newKeySet();

  SharedCache(String name, ResponseCacheStore store, TimeSource.Scheduler scheduler) {
    this.name = name;
    this.store = store;
    this.scheduler = scheduler;
  }

  @Override
  public String toString() {
    return "response cache '" + name + "' (" + store + ")";
  }
}

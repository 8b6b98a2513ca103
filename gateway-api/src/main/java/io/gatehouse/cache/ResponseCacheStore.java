package io.gatehouse.cache;

import io.gatehouse.Unstable;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletionStage;
import java.util.function.BiPredicate;

/**
 * Where a {@link ResponseCache} keeps its entries. The gateway has one in memory, bounded by bytes;
 * a store shared by several gateway instances (such as one on Redis) implements this. Under one key
 * (a route, host, path and query, already made by the gateway) live that resource's variants,
 * one per combination of the values its {@code Vary} names, at most
 * {@value #MAX_VARIANTS}, newest first. The gateway decides freshness itself: a store only keeps
 * entries for as long as it is told, or less.
 *
 * <p>Calls come from the request's thread, which may be an I/O thread: they must not block. A
 * store that cannot answer completes exceptionally; the gateway then treats the request as a miss
 * and does not store.
 *
 * <p>{@code ResponseCache.shared("products").store(new MyStore())}
 *
 * @since 0.2
 */
@Unstable
public interface ResponseCacheStore {
  /** The most variants the gateway keeps under one key. */
  int MAX_VARIANTS = 8;

  /**
   * The variants stored under a key.
   *
   * @param key the key
   * @return the variants, newest first; empty when none
   */
  CompletionStage<List<CachedResponse>> get(String key);

  /**
   * Stores a key's variants, replacing what it held.
   *
   * @param key the key
   * @param variants the variants, newest first; at least one
   * @param keepFor how long to keep them at most
   * @return completes when stored
   */
  CompletionStage<Void> put(String key, List<CachedResponse> variants, Duration keepFor);

  /**
   * Removes a key and its variants.
   *
   * @param key the key
   * @return completes when removed
   */
  CompletionStage<Void> remove(String key);

  /**
   * Removes every key for which the test holds (purges by prefix, route or tag). May take time in
   * proportion to the store's size: it is not on the path of a request.
   *
   * @param test given each key and its variants
   * @return how many keys were removed
   */
  CompletionStage<Long> removeIf(BiPredicate<String, List<CachedResponse>> test);
}

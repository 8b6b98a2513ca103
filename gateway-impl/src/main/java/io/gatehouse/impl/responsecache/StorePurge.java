package io.gatehouse.impl.responsecache;

import io.gatehouse.cache.CachedResponse;
import io.gatehouse.cache.ResponseCachePurge;
import io.gatehouse.cache.ResponseCacheStore;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.BiPredicate;

/**
 * Purges a store by reading its keys as {@link CacheStage#key} writes them: fields separated by a
 * line feed, the route first, the path sixth and the query (with its {@code ?}) seventh.
 */
final class StorePurge implements ResponseCachePurge {
  private static final int ROUTE = 0;
  private static final int PATH = 5;
  private static final int QUERY = 6;

  private final ResponseCacheStore store;

  StorePurge(ResponseCacheStore store) {
    this.store = store;
  }

  @Override
  public CompletionStage<Long> all() {
    return store.removeIf((key, variants) -> true);
  }

  @Override
  public CompletionStage<Long> route(String routeId) {
    Objects.requireNonNull(routeId, "routeId");
    return store.removeIf(byField(ROUTE, routeId::equals));
  }

  @Override
  public CompletionStage<Long> url(String pathAndQuery) {
    Objects.requireNonNull(pathAndQuery, "pathAndQuery");
    int q = pathAndQuery.indexOf('?');
    String path = q < 0 ? pathAndQuery : pathAndQuery.substring(0, q);
    String query = q < 0 ? "" : pathAndQuery.substring(q);
    return store.removeIf((key, variants) -> path.equals(field(key, PATH)) && query.equals(field(key, QUERY)));
  }

  @Override
  public CompletionStage<Long> pathPrefix(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return store.removeIf(byField(PATH, path -> path.startsWith(prefix)));
  }

  @Override
  public CompletionStage<Long> tag(String tag) {
    Objects.requireNonNull(tag, "tag");
    return store.removeIf((key, variants) -> variants.stream().anyMatch(v -> tagged(v, tag)));
  }

  private static boolean tagged(CachedResponse entry, String tag) {
    for (String line : entry.headers().all(CacheStage.SURROGATE_KEY)) {
      for (String t : line.trim().split("[ \t]+")) {
        if (t.equals(tag)) {
          return true;
        }
      }
    }
    return false;
  }

  private static BiPredicate<String, List<CachedResponse>> byField(int index, java.util.function.Predicate<String> test) {
    return (key, variants) -> {
      String value = field(key, index);
      return value != null && test.test(value);
    };
  }

  /** A key's field, or null if the key has fewer fields (a key some other writer made). */
  static String field(String key, int index) {
    int start = 0;
    for (int i = 0; i < index; i++) {
      int nl = key.indexOf('\n', start);
      if (nl < 0) {
        return null;
      }
      start = nl + 1;
    }
    int end = key.indexOf('\n', start);
    return end < 0 ? key.substring(start) : key.substring(start, end);
  }

  @Override
  public String toString() {
    return "purge of " + store;
  }
}

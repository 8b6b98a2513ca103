package io.gatehouse.examples.cache;

import io.gatehouse.Gateway;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.redis.RedisResponseCacheStore;
import java.time.Duration;

/**
 * A response cache that several gateway instances share on Redis: each instance builds its store
 * on the same Redis ({@link #store(String)}; close it after the last gateway that uses it) and
 * its gateway with that store ({@link #gateway(RedisResponseCacheStore, String)}). The README
 * quotes it and its test runs it.
 */
public final class SharedCacheGateway {
  private SharedCacheGateway() {}

  // tag::redis-cache[]
  public static RedisResponseCacheStore store(String redisUri) {
    return RedisResponseCacheStore.builder(redisUri)
        .timeout(Duration.ofMillis(50))          // slower than this: a miss, and the upstream answers
        .maxValueBytes(2 * 1024 * 1024)          // a key's variants together; larger sets are not stored
        .build();                                // does not wait for Redis
  }

  public static Gateway.Builder gateway(RedisResponseCacheStore store, String catalogUrl) {
    return Gateway.builder()
        .route("catalog", r -> r
            .path("/catalog/**")
            .cache(ResponseCache.shared("catalog").maxEntryBytes(1024 * 1024).store(store))
            .upstream(catalogUrl));
  }
  // end::redis-cache[]
}

package io.gatehouse.redis;

import static io.gatehouse.redis.RedisRateLimitStoreTest.acquire;
import static io.gatehouse.redis.RedisResponseCacheStoreTest.entry;
import static io.gatehouse.redis.RedisResponseCacheStoreTest.join;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.ratelimit.RateLimitStore.Decision;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The stores on Redis Cluster: a one-node cluster that owns every slot. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RedisClusterStoreTest {
  private static final long SECOND = 1_000_000_000L;

  /** A one-node cluster that owns every slot, ready. */
  private static RedisServerProcess cluster() throws InterruptedException {
    RedisServerProcess redis = RedisServerProcess.start(RedisServerProcess.clusterSettings());
    redis.admin().clusterAddSlots(IntStream.range(0, 16384).toArray());
    long deadline = System.nanoTime() + 10 * SECOND;
    while (!redis.admin().clusterInfo().contains("cluster_state:ok") && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(redis.admin().clusterInfo()).contains("cluster_state:ok");
    return redis;
  }

  @Test
  void applies_gcra_on_a_cluster() throws InterruptedException {
    try (RedisServerProcess redis = cluster()) {

      try (RedisRateLimitStore store = RedisRateLimitStore.cluster(redis.uri()).timeout(Duration.ofSeconds(2)).build()) {
        for (String key : new String[] {"alice", "bob"}) { // two keys, two slots
          assertThat(acquire(store, key, SECOND, 2 * SECOND, 1)).isEqualTo(new Decision(true, 1, SECOND, 0));
          assertThat(acquire(store, key, SECOND, 2 * SECOND, 1).remaining()).isZero();
          assertThat(acquire(store, key, SECOND, 2 * SECOND, 1).allowed()).isFalse();
        }
        store.release("alice", SECOND, 1).toCompletableFuture().join();
        assertThat(acquire(store, "alice", SECOND, 2 * SECOND, 1).allowed()).isTrue();
        assertThat(redis.admin().exists("gatehouse:rl:bob")).isOne();
      }
    }
  }

  @Test
  void stores_reads_and_purges_cached_responses_on_a_cluster() throws InterruptedException {
    try (RedisServerProcess redis = cluster();
        RedisResponseCacheStore store = RedisResponseCacheStore.cluster(redis.uri()).timeout(Duration.ofSeconds(2)).build()) {
      for (int i = 0; i < 300; i++) { // keys in many slots
        join(store.put("r\n/items/" + i, List.of(entry("item " + i)), Duration.ofMinutes(1)));
      }
      assertThat(join(store.get("r\n/items/42"))).hasSize(1);
      assertThat(redis.admin().pttl("gatehouse:cache:r\n/items/42")).isPositive();

      assertThat(join(store.removeIf((key, variants) -> key.endsWith("0")))).isEqualTo(30);
      assertThat(join(store.get("r\n/items/40"))).isEmpty();
      assertThat(join(store.get("r\n/items/41"))).hasSize(1);
      assertThat(redis.admin().dbsize()).isEqualTo(270);
    }
  }
}

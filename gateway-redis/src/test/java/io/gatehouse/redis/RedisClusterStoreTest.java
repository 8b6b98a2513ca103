package io.gatehouse.redis;

import static io.gatehouse.redis.RedisRateLimitStoreTest.acquire;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.ratelimit.RateLimitStore.Decision;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The store on Redis Cluster: a one-node cluster that owns every slot. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RedisClusterStoreTest {
  private static final long SECOND = 1_000_000_000L;

  @Test
  void applies_gcra_on_a_cluster() throws InterruptedException {
    try (RedisServerProcess redis = RedisServerProcess.start(RedisServerProcess.clusterSettings())) {
      redis.admin().clusterAddSlots(IntStream.range(0, 16384).toArray());
      long deadline = System.nanoTime() + 10 * SECOND;
      while (!redis.admin().clusterInfo().contains("cluster_state:ok") && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(redis.admin().clusterInfo()).contains("cluster_state:ok");

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
}

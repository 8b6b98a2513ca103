package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Builder and argument validation: every message pinned. No Redis needed. */
class RedisRateLimitStoreBuilderTest {

  @ParameterizedTest
  @ValueSource(strings = {
      "redis://cache",
      "redis://cache:6380/2",
      "redis://:secret@cache:6379",
      "rediss://user:secret@cache:6380",
      "redis-sentinel://s1:26379,s2:26379/0#mymaster",
  })
  void accepts_redis_rediss_and_sentinel_uris(String uri) {
    assertThatNoException().isThrownBy(() -> RedisRateLimitStore.builder(uri));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://cache:6379", "cache:6379", "", "redis-socket:///tmp/redis.sock", "redis://",
      "redis-sentinel://s1:26379"})
  void rejects_other_uris(String uri) {
    assertThatThrownBy(() -> RedisRateLimitStore.builder(uri))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uri: '" + uri + "' (expected: a redis://, rediss:// or redis-sentinel:// URI)");
  }

  @ParameterizedTest
  @CsvSource({
      "http://admin:s3cret@cache:6379, http://***@cache:6379",
      "redis://admin:s3cret@, redis://***@",
  })
  void never_repeats_a_password_in_a_message(String uri, String shown) {
    assertThatThrownBy(() -> RedisRateLimitStore.builder(uri))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uri: '" + shown + "' (expected: a redis://, rediss:// or redis-sentinel:// URI)")
        .hasMessageNotContaining("s3cret");
  }

  @Test
  void cluster_needs_at_least_one_seed_and_no_sentinel() {
    assertThatNoException().isThrownBy(() -> RedisRateLimitStore.cluster("redis://a:7000", "rediss://b:7001"));
    assertThatThrownBy(RedisRateLimitStore::cluster)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seedUris: [] (expected: at least one redis:// or rediss:// URI)");
    assertThatThrownBy(() -> RedisRateLimitStore.cluster("redis://a:7000", "redis-sentinel://s:26379#m"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("seedUris[1]: 'redis-sentinel://s:26379#m' (expected: a redis:// or rediss:// URI)");
    assertThatThrownBy(() -> RedisRateLimitStore.cluster("redis://a:7000", null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("seedUris[1]");
  }

  @ParameterizedTest
  @CsvSource({"PT0S", "PT-0.001S", "PT1M0.001S"})
  void timeout_is_positive_and_at_most_a_minute(Duration timeout) {
    assertThatThrownBy(() -> RedisRateLimitStore.builder("redis://cache").timeout(timeout))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout: " + timeout + " (expected: > 0 and <= PT1M)");
  }

  @Test
  void key_prefix_is_not_empty() {
    assertThatThrownBy(() -> RedisRateLimitStore.builder("redis://cache").keyPrefix(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keyPrefix: '' (expected: not empty)");
  }

  @Test
  void null_arguments_are_named() {
    assertThatThrownBy(() -> RedisRateLimitStore.builder(null)).hasMessage("uri");
    assertThatThrownBy(() -> RedisRateLimitStore.cluster((String[]) null)).hasMessage("seedUris");
    assertThatThrownBy(() -> RedisRateLimitStore.builder("redis://cache").timeout(null)).hasMessage("timeout");
    assertThatThrownBy(() -> RedisRateLimitStore.builder("redis://cache").keyPrefix(null)).hasMessage("keyPrefix");
  }

  @Test
  void acquire_and_release_check_their_arguments_at_once() {
    // Port 1: nothing listens, and nothing here needs an answer.
    try (RedisRateLimitStore store = RedisRateLimitStore.builder("redis://127.0.0.1:1").build()) {
      assertThatThrownBy(() -> store.acquire("k", 0, 10, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("intervalNanos: 0 (expected: >= 1)");
      assertThatThrownBy(() -> store.acquire("k", 10, -1, 1))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("capacityNanos: -1 (expected: >= 0)");
      assertThatThrownBy(() -> store.acquire("k", 10, 10, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("cost: 0 (expected: >= 1)");
      assertThatThrownBy(() -> store.acquire("k", Long.MAX_VALUE / 2, 10, 3))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("cost: 3 (expected: cost * intervalNanos (4611686018427387903) <= 9223372036854775807)");
      assertThatThrownBy(() -> store.acquire(null, 10, 10, 1)).hasMessage("key");
      assertThatThrownBy(() -> store.release("k", 10, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessage("cost: 0 (expected: >= 1)");
      assertThat(store.toString()).isEqualTo("RedisRateLimitStore[127.0.0.1:1, keyPrefix=gatehouse:rl:]");
    }
  }
}

package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.cache.CachedResponse;
import io.gatehouse.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The store against a real redis-server: what is stored, for how long, what is refused, and purges. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class RedisResponseCacheStoreTest {
  private static final Instant SENT = Instant.parse("2026-12-07T12:00:00Z");
  private static RedisServerProcess redis;
  private static RedisResponseCacheStore store;

  @BeforeAll
  static void start() {
    redis = RedisServerProcess.start();
    store = RedisResponseCacheStore.builder(redis.uri()).timeout(Duration.ofSeconds(2)).maxValueBytes(8 * 1024).build();
  }

  @AfterAll
  static void stop() {
    store.close();
    redis.close();
  }

  @BeforeEach
  void empty() {
    redis.admin().flushall();
  }

  static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().orTimeout(5, TimeUnit.SECONDS).join();
  }

  static CachedResponse entry(String body, String... headers) {
    return CachedResponse.of(200, HttpHeaders.of(headers), body.getBytes(StandardCharsets.UTF_8), SENT,
        SENT.plusMillis(5), Map.of());
  }

  private static String text(CachedResponse entry) {
    return StandardCharsets.UTF_8.decode(entry.body()).toString();
  }

  @Test
  void a_stored_key_reads_back_newest_first_under_the_prefix_with_its_ttl() {
    List<CachedResponse> variants = List.of(entry("de", "Vary", "Accept-Language"), entry("en", "Vary", "Accept-Language"));
    join(store.put("r\n/a", variants, Duration.ofSeconds(90)));

    List<CachedResponse> back = join(store.get("r\n/a"));
    assertThat(back).extracting(RedisResponseCacheStoreTest::text).containsExactly("de", "en");
    assertThat(back.get(0).headers()).isEqualTo(HttpHeaders.of("Vary", "Accept-Language"));
    assertThat(redis.admin().pttl("gatehouse:cache:r\n/a")).isBetween(85_000L, 90_000L);
    assertThat(join(store.get("r\n/b"))).isEmpty();
  }

  @Test
  void a_put_replaces_what_the_key_held() {
    join(store.put("k", List.of(entry("old")), Duration.ofSeconds(10)));
    join(store.put("k", List.of(entry("new")), Duration.ofSeconds(10)));
    assertThat(join(store.get("k"))).extracting(RedisResponseCacheStoreTest::text).containsExactly("new");
  }

  @Test
  void redis_expires_an_entry_after_keep_for() throws InterruptedException {
    join(store.put("k", List.of(entry("x")), Duration.ofMillis(50)));
    Thread.sleep(150);
    assertThat(join(store.get("k"))).isEmpty();
    assertThat(redis.admin().exists("gatehouse:cache:k")).isZero();
  }

  @Test
  void a_variant_set_over_the_cap_is_not_stored_and_is_counted() {
    long before = store.valuesTooLarge();
    join(store.put("k", List.of(entry("small")), Duration.ofSeconds(10)));
    join(store.put("k", List.of(entry("x".repeat(8 * 1024))), Duration.ofSeconds(10)));

    assertThat(store.valuesTooLarge()).isEqualTo(before + 1);
    assertThat(join(store.get("k"))).as("what the key held stays").extracting(RedisResponseCacheStoreTest::text)
        .containsExactly("small");
  }

  @Test
  void a_value_that_does_not_decode_is_a_miss_and_is_removed() {
    for (byte[] junk : List.of(new byte[] {1, 2, 3}, "{\"json\":true}".getBytes(StandardCharsets.UTF_8), new byte[] {9})) {
      long before = store.valuesUndecodable();
      redis.admin().set("gatehouse:cache:k", new String(junk, StandardCharsets.ISO_8859_1));

      assertThat(join(store.get("k"))).isEmpty();
      assertThat(store.valuesUndecodable()).isEqualTo(before + 1);
      awaitGone("gatehouse:cache:k");
    }
  }

  @Test
  void a_value_longer_than_the_cap_is_read_no_further_and_removed() {
    join(store.put("k", List.of(entry("ok")), Duration.ofSeconds(10)));
    redis.admin().append("gatehouse:cache:k", "z".repeat(20_000)); // a valid start, then far too much

    assertThat(join(store.get("k"))).isEmpty();
    awaitGone("gatehouse:cache:k");
  }

  @Test
  void a_value_written_under_another_key_name_is_a_miss() {
    join(store.put("a", List.of(entry("for a")), Duration.ofSeconds(10)));
    redis.admin().copy("gatehouse:cache:a", "gatehouse:cache:b");

    assertThat(join(store.get("b"))).isEmpty();
    assertThat(join(store.get("a"))).hasSize(1);
  }

  @Test
  void a_key_of_another_type_is_a_miss_and_is_removed() {
    redis.admin().hset("gatehouse:cache:k", "field", "value");

    assertThat(join(store.get("k"))).isEmpty();
    awaitGone("gatehouse:cache:k");
  }

  @Test
  void remove_takes_a_key_and_its_variants() {
    join(store.put("k", List.of(entry("a"), entry("b")), Duration.ofSeconds(10)));
    join(store.remove("k"));
    join(store.remove("never-there"));
    assertThat(join(store.get("k"))).isEmpty();
  }

  @Test
  void remove_if_walks_every_key_in_batches_and_removes_only_matches_under_the_prefix() {
    int keys = 3 * RedisResponseCacheStore.SCAN_COUNT + 17;
    for (int i = 0; i < keys; i++) {
      String tag = i % 3 == 0 ? "red" : "blue";
      join(store.put("r\n/items/" + i, List.of(entry("item " + i, "Surrogate-Key", tag)), Duration.ofMinutes(1)));
    }
    redis.admin().set("other:r\n/items/0", "not the store's");
    redis.admin().set("gatehouse:cache:junk", "not a value of the store");

    long removed = join(store.removeIf((key, variants) -> variants.get(0).headers().first("Surrogate-Key")
        .orElseThrow().equals("red")));

    assertThat(removed).isEqualTo((keys + 2) / 3);
    assertThat(join(store.get("r\n/items/0"))).isEmpty();
    assertThat(join(store.get("r\n/items/1"))).hasSize(1);
    assertThat(redis.admin().exists("other:r\n/items/0")).as("outside the prefix").isOne();
    assertThat(redis.admin().exists("gatehouse:cache:junk")).as("undecodable, removed, not counted").isZero();
    assertThat(join(store.removeIf((key, variants) -> key.startsWith("r\n/items/")))).isEqualTo(keys - (keys + 2) / 3);
    assertThat(redis.admin().dbsize()).isOne();
  }

  @Test
  void the_test_of_remove_if_gets_the_key_without_the_prefix() {
    join(store.put("route\n/x", List.of(entry("x")), Duration.ofMinutes(1)));
    List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
    assertThat(join(store.removeIf((key, variants) -> seen.add(key) && false))).isZero();
    assertThat(seen).containsExactly("route\n/x");
  }

  @Test
  void a_prefix_with_glob_characters_matches_only_itself() {
    try (RedisResponseCacheStore globby = RedisResponseCacheStore.builder(redis.uri()).keyPrefix("c[a]*?\\:")
        .timeout(Duration.ofSeconds(2)).build()) {
      join(globby.put("k", List.of(entry("mine")), Duration.ofMinutes(1)));
      redis.admin().set("ca-other:k", "x");
      redis.admin().set("c[a]zz\\:k", "x");

      assertThat(join(globby.removeIf((key, variants) -> true))).isOne();
      assertThat(redis.admin().dbsize()).isEqualTo(2);
    }
    assertThat(RedisResponseCacheStore.globEscaped("a*b?c[d]e\\f")).isEqualTo("a\\*b\\?c\\[d\\]e\\\\f");
  }

  @Test
  void a_failing_test_fails_the_purge() {
    join(store.put("k", List.of(entry("x")), Duration.ofMinutes(1)));
    assertThatThrownBy(() -> join(store.removeIf((key, variants) -> {
      throw new IllegalStateException("boom");
    }))).hasRootCauseMessage("boom");
  }

  @Test
  void put_checks_its_arguments() {
    assertThatThrownBy(() -> store.put("k", List.of(), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("variants: 0 variants (expected: 1 to 8)");
    List<CachedResponse> nine = java.util.Collections.nCopies(9, entry("x"));
    assertThatThrownBy(() -> store.put("k", nine, Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("variants: 9 variants (expected: 1 to 8)");
    assertThatThrownBy(() -> store.put("k", List.of(entry("x")), Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("keepFor: PT0S (expected: > 0)");
    assertThatThrownBy(() -> store.put("k", List.of(entry("x", "Set-Cookie", "a=b")), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("variants: header 'Set-Cookie'");
  }

  @Test
  void a_keep_for_of_centuries_is_capped() {
    join(store.put("k", List.of(entry("x")), Duration.ofDays(365L * 1000)));
    assertThat(redis.admin().pttl("gatehouse:cache:k")).isBetween((1L << 31) * 1000 - 60_000, (1L << 31) * 1000);
  }

  @Test
  void the_builder_checks_each_setting() {
    assertThatThrownBy(() -> RedisResponseCacheStore.builder("http://cache:6379"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("uri: 'http://cache:6379' (expected: a redis://, rediss:// or redis-sentinel:// URI)");
    assertThatThrownBy(() -> RedisResponseCacheStore.cluster())
        .hasMessage("seedUris: [] (expected: at least one redis:// or rediss:// URI)");
    RedisResponseCacheStore.Builder builder = RedisResponseCacheStore.builder("redis://cache:6379");
    assertThatThrownBy(() -> builder.maxValueBytes(1023))
        .hasMessage("maxValueBytes: 1023 (expected: >= 1024 and <= 536870912)");
    assertThatThrownBy(() -> builder.maxValueBytes(536870913))
        .hasMessage("maxValueBytes: 536870913 (expected: >= 1024 and <= 536870912)");
    assertThatThrownBy(() -> builder.timeout(Duration.ZERO)).hasMessage("timeout: PT0S (expected: > 0 and <= PT1M)");
    assertThatThrownBy(() -> builder.keyPrefix("")).hasMessage("keyPrefix: '' (expected: not empty)");
    try (RedisResponseCacheStore built = builder.maxValueBytes(1024).keyPrefix("p:").build()) {
      assertThat(built).hasToString("RedisResponseCacheStore[cache:6379, keyPrefix=p:, maxValueBytes=1024]");
    }
  }

  private static void awaitGone(String key) {
    io.gatehouse.testing.Poll.within(Duration.ofSeconds(2)).until(() -> redis.admin().exists(key), n -> n == 0);
  }
}

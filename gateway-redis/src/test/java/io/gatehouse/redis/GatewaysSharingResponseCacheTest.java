package io.gatehouse.redis;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.cache.CacheOutcome;
import io.gatehouse.cache.ResponseCache;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.Poll;
import io.gatehouse.testing.TestResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Two gateway instances, each with its own store (its own Redis client), on one real redis-server:
 * what one stores the other serves, a purge on one is seen by the other, and a Redis that is down
 * or stuck sends requests to the upstream, never fails them.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class GatewaysSharingResponseCacheTest {
  private static final String UP = "http://catalog:8080";
  private final List<AutoCloseable> resources = new ArrayList<>();

  @AfterEach
  void close() throws Exception {
    for (int i = resources.size() - 1; i >= 0; i--) {
      resources.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T resource) {
    resources.add(resource);
    return resource;
  }

  private GatewayTester instance(RedisServerProcess redis, Duration timeout) {
    RedisResponseCacheStore store = keep(RedisResponseCacheStore.builder(redis.uri()).timeout(timeout).build());
    Poll.within(Duration.ofSeconds(10)).until(() -> store.get("probe").toCompletableFuture()
        .handle((v, e) -> e == null).join(), connected -> connected);
    GatewayTester tester = keep(GatewayTester.of(Gateway.builder()
        .route("catalog", r -> r.path("/catalog/**").upstream(UP)
            .cache(ResponseCache.shared("catalog").store(store)))));
    tester.stubUpstream(UP, s -> s.respond(Response.builder(200)
        .headers(HttpHeaders.of("Cache-Control", "max-age=300", "Content-Type", "text/plain", "Surrogate-Key", "items"))
        .body(Body.of("item")).build()));
    return tester;
  }

  private static void awaitStored(RedisServerProcess redis, int keys) {
    Poll.within(Duration.ofSeconds(5)).until(() -> redis.admin().keys("gatehouse:cache:*").size(), n -> n == keys);
  }

  @Test
  void a_miss_on_one_instance_is_a_hit_on_the_other() {
    RedisServerProcess redis = keep(RedisServerProcess.start());
    GatewayTester a = instance(redis, Duration.ofSeconds(1));
    GatewayTester b = instance(redis, Duration.ofSeconds(1));

    assertThat(a.get("/catalog/7").send()).hasStatus(200).wasCacheMiss().upstreamCalls(1);
    awaitStored(redis, 1);
    assertThat(b.get("/catalog/7").send()).hasStatus(200).hasBody("item").wasCacheHit().wasNotProxied()
        .hasHeader("Content-Type", "text/plain").doesNotHaveHeader("Surrogate-Key");
    assertThat(b.get("/catalog/8").send()).wasCacheMiss();
  }

  @Test
  void a_purge_on_one_instance_is_seen_by_the_other() throws Exception {
    RedisServerProcess redis = keep(RedisServerProcess.start());
    GatewayTester a = instance(redis, Duration.ofSeconds(1));
    GatewayTester b = instance(redis, Duration.ofSeconds(1));
    a.get("/catalog/7").send();
    a.get("/catalog/8").send();
    awaitStored(redis, 2);
    assertThat(b.get("/catalog/7").send()).wasCacheHit();

    long purged = a.gateway().responseCache("catalog").orElseThrow().tag("items").toCompletableFuture()
        .get(5, TimeUnit.SECONDS);

    org.assertj.core.api.Assertions.assertThat(purged).isEqualTo(2);
    assertThat(b.get("/catalog/7").send()).wasCacheMiss().upstreamCalls(1);
    awaitStored(redis, 1);
    long byUrl = b.gateway().responseCache("catalog").orElseThrow().url("/catalog/7").toCompletableFuture()
        .get(5, TimeUnit.SECONDS);
    org.assertj.core.api.Assertions.assertThat(byUrl).isOne();
    assertThat(a.get("/catalog/7").send()).wasCacheMiss();
  }

  @Test
  void with_redis_killed_requests_go_to_the_upstream_at_once_and_the_cache_works_again_after_a_restart() {
    RedisServerProcess redis = keep(RedisServerProcess.start());
    GatewayTester a = instance(redis, Duration.ofMillis(200));
    a.get("/catalog/7").send();
    awaitStored(redis, 1);

    redis.kill();
    for (int i = 0; i < 3; i++) {
      assertThat(timed(() -> a.get("/catalog/7").send(), Duration.ofMillis(1_000))).as("request %d", i)
          .hasStatus(200).hasBody("item").hasCacheOutcome(CacheOutcome.BYPASS)
          .hasHeader("Cache-Status", "gatehouse; fwd=bypass; detail=store-failed");
    }

    redis.startAgain();
    Poll.within(Duration.ofSeconds(10)).until(() -> a.get("/catalog/9").send().header("Cache-Status").orElse(""),
        status -> status.contains("stored"));
    awaitStored(redis, 1);
    assertThat(a.get("/catalog/9").send()).wasCacheHit();
  }

  @Test
  void a_redis_that_does_not_answer_sends_the_request_to_the_upstream_after_the_timeout() {
    RedisServerProcess redis = keep(RedisServerProcess.start());
    GatewayTester a = instance(redis, Duration.ofMillis(150));
    a.get("/catalog/7").send();
    awaitStored(redis, 1);
    redis.admin().clientPause(1_500); // connected, but silent

    long start = System.nanoTime();
    TestResponse response = a.get("/catalog/7").send();
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(response).hasStatus(200).hasBody("item").hasCacheOutcome(CacheOutcome.BYPASS).upstreamCalls(1);
    org.assertj.core.api.Assertions.assertThat(took).isBetween(Duration.ofMillis(140), Duration.ofMillis(1_200));
  }

  private static TestResponse timed(java.util.function.Supplier<TestResponse> send, Duration within) {
    long start = System.nanoTime();
    TestResponse response = send.get();
    org.assertj.core.api.Assertions.assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(within);
    return response;
  }
}

package io.gatehouse.redis;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitStore;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.TestResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two gateway instances, each with its own Redis client, on one real redis-server: one limit
 * together, and what each fallback does when Redis is killed mid-test.
 */
class GatewaysOnRedisTest {
  private static final String UP = "http://up:8080";
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

  private GatewayTester instance(RedisServerProcess redis, RateLimitStore.Fallback fallback) {
    RedisRateLimitStore store = keep(RedisRateLimitStore.builder(redis.uri()).timeout(Duration.ofMillis(200)).build());
    awaitConnected(store);
    GatewayTester tester = keep(GatewayTester.of(Gateway.builder()
        .rateLimitStore(store, fallback)
        .rateLimit(RateLimit.perClientIp(3).per(Duration.ofMinutes(10)).named("ip"))
        .route("r", r -> r.path("/**").upstream(UP))));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    return tester;
  }

  @Test
  void two_instances_enforce_one_limit_together() {
    RedisServerProcess redis = keep(RedisServerProcess.start());
    GatewayTester one = instance(redis, RateLimitStore.Fallback.LOCAL);
    GatewayTester two = instance(redis, RateLimitStore.Fallback.LOCAL);

    assertThat(one.get("/x").send()).hasStatus(200);
    assertThat(two.get("/x").send()).hasStatus(200);
    assertThat(one.get("/x").send()).hasStatus(200).hasHeader("RateLimit", "\"ip\";r=0;t=600");
    assertThat(two.get("/x").send()).hasStatus(429).hasHeader("Retry-After", "200");
    assertThat(one.get("/x").send()).hasStatus(429);
  }

  @Test
  void with_redis_killed_failing_open_applies_local_limits_and_never_hangs() {
    RedisServerProcess redis = keep(RedisServerProcess.start());
    GatewayTester one = instance(redis, RateLimitStore.Fallback.LOCAL);
    assertThat(one.get("/x").send()).hasStatus(200);
    assertThat(one.get("/x").send()).hasStatus(200);

    redis.kill();
    for (int i = 0; i < 3; i++) {
      assertThat(timed(() -> one.get("/x").send())).as("local limit, request %d", i).hasStatus(200);
    }
    assertThat(timed(() -> one.get("/x").send())).as("the local limit holds").hasStatus(429);

    redis.startAgain();
    assertThat(eventually(() -> one.get("/x").send(), 200)).as("shared limits again, on a fresh Redis").hasStatus(200);
  }

  @Test
  void with_redis_killed_failing_closed_gives_503_and_never_hangs() {
    RedisServerProcess redis = keep(RedisServerProcess.start());
    GatewayTester one = instance(redis, RateLimitStore.Fallback.REJECT);
    assertThat(one.get("/x").send()).hasStatus(200);

    redis.kill();
    for (int i = 0; i < 5; i++) {
      assertThat(timed(() -> one.get("/x").send())).hasStatus(503).isProblem().wasNotProxied();
    }

    redis.startAgain();
    assertThat(eventually(() -> one.get("/x").send(), 200)).hasStatus(200);
  }

  @Test
  void two_instances_share_a_consumers_daily_quota() {
    RedisServerProcess redis = keep(RedisServerProcess.start());
    GatewayTester one = quotaInstance(redis);
    GatewayTester two = quotaInstance(redis);

    assertThat(one.get("/x").header("X-API-Key", KEY).send()).hasStatus(200);
    assertThat(two.get("/x").header("X-API-Key", KEY).send()).hasStatus(200);
    assertThat(one.get("/x").header("X-API-Key", KEY).send()).hasStatus(429).bodyContains("quota 'daily' of plan 'free'");
    assertThat(two.get("/x").header("X-API-Key", KEY).send()).hasStatus(429);
  }

  private static final String KEY = "acme-key-0123456789abcdef";

  private GatewayTester quotaInstance(RedisServerProcess redis) {
    RedisRateLimitStore store = keep(RedisRateLimitStore.builder(redis.uri()).timeout(Duration.ofMillis(200)).build());
    awaitConnected(store);
    GatewayTester tester = keep(GatewayTester.of(Gateway.builder()
        .rateLimitStore(store, RateLimitStore.Fallback.REJECT)
        .auth(Auth.apiKey())
        .consumer(ApiConsumer.builder("acme").plan("free").apiKey(KEY).build())
        .usagePlan("free", Quota.perDay(2))
        .route("r", r -> r.path("/**").upstream(UP))));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    return tester;
  }

  /** build() does not wait for Redis: wait here (bounded) so no request is decided by the fallback. */
  private static void awaitConnected(RedisRateLimitStore store) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        store.acquire("warm-up", 1, 1_000_000, 1).toCompletableFuture().get(2, TimeUnit.SECONDS);
        return;
      } catch (Exception notYet) {
        // still connecting
      }
    }
    throw new AssertionError("Redis did not answer within 10 s");
  }

  /** Sends, and checks the answer came well within the one-second guard plus slack. */
  private static TestResponse timed(Supplier<TestResponse> send) {
    long start = System.nanoTime();
    TestResponse response = send.get();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    return response;
  }

  /** Retries for up to ten seconds until the status is the expected one (Redis reconnecting). */
  private static TestResponse eventually(Supplier<TestResponse> send, int status) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    TestResponse response = send.get();
    while (response.status() != status && System.nanoTime() < deadline) {
      try {
        Thread.sleep(100);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
      response = send.get();
    }
    return response;
  }
}

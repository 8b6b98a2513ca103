package io.gatehouse.ratelimit;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.observe.GatewayEvent;
import io.gatehouse.observe.GatewayObserver;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Gateways sharing a {@link RateLimitStore}, and what they do while it is down. The store here is
 * an in-memory GCRA on the test's clock, so the gateway side is tested without Redis; the Redis
 * store has its own tests in gateway-redis.
 */
class SharedRateLimitTest {
  private static final String UP = "http://up:8080";
  private final ManualClock clock = ManualClock.of(Instant.parse("2026-11-25T12:00:00Z"));
  private final InMemoryStore store = new InMemoryStore(clock);
  private GatewayTester one;
  private GatewayTester two;

  @AfterEach
  void close() {
    one.close();
    if (two != null) {
      two.close();
    }
  }

  private GatewayTester gateway(RateLimitStore.Fallback fallback) {
    GatewayTester tester = GatewayTester.of(Gateway.builder().time(clock)
        .rateLimitStore(store, fallback)
        .rateLimit(RateLimit.perClientIp(4).per(Duration.ofMinutes(1)).named("ip"))
        .route("r", r -> r.path("/**").upstream(UP)));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    return tester;
  }

  @Test
  void two_gateways_enforce_one_limit_together() {
    one = gateway(RateLimitStore.Fallback.LOCAL);
    two = gateway(RateLimitStore.Fallback.LOCAL);

    assertThat(one.get("/x").send()).hasStatus(200);
    assertThat(two.get("/x").send()).hasStatus(200);
    assertThat(one.get("/x").send()).hasStatus(200);
    assertThat(two.get("/x").send()).hasStatus(200).hasHeader("RateLimit", "\"ip\";r=0;t=60");
    assertThat(one.get("/x").send()).hasStatus(429).hasHeader("Retry-After", "15");
    assertThat(two.get("/x").send()).hasStatus(429);
    assertThat(store.keys()).containsExactly("ip:127.0.0.1");
  }

  @Test
  void failing_open_the_local_limits_take_over_and_the_shared_ones_come_back() {
    one = gateway(RateLimitStore.Fallback.LOCAL);
    assertThat(one.get("/x").send()).hasStatus(200);

    store.down = true;
    for (int i = 0; i < 4; i++) {
      assertThat(one.get("/x").send()).as("local limit, request %d", i).hasStatus(200);
    }
    assertThat(one.get("/x").send()).as("the local limit holds too").hasStatus(429);

    store.down = false;
    assertThat(one.get("/x").send()).as("the store remembers its own count").hasStatus(200)
        .hasHeader("RateLimit", "\"ip\";r=2;t=30");
  }

  @Test
  void observers_see_degraded_mode_begin_and_end_and_every_decision_made_in_it() {
    List<GatewayEvent> events = new CopyOnWriteArrayList<>();
    GatewayObserver observer = new GatewayObserver() {
      @Override
      public void onRequest(RequestRecord record) {}

      @Override
      public void onEvent(GatewayEvent event) {
        events.add(event);
      }
    };
    one = GatewayTester.of(Gateway.builder().time(clock).observer(observer)
        .rateLimitStore(store, RateLimitStore.Fallback.LOCAL)
        .rateLimit(RateLimit.perClientIp(4).per(Duration.ofMinutes(1)).named("ip"))
        .route("r", r -> r.path("/**").upstream(UP)));
    one.stubUpstream(UP, s -> s.respond(200, "ok"));

    one.get("/x").send();
    store.down = true;
    one.get("/x").send();
    one.get("/x").send();
    store.down = false;
    one.get("/x").send();

    assertThat(events).containsExactly(
        new GatewayEvent.RateLimitStoreDegraded(true), new GatewayEvent.DegradedDecision(),
        new GatewayEvent.DegradedDecision(), new GatewayEvent.RateLimitStoreDegraded(false));
  }

  @Test
  void failing_closed_limited_requests_get_503_until_the_store_answers() {
    one = gateway(RateLimitStore.Fallback.REJECT);
    store.down = true;
    assertThat(one.get("/x").send()).hasStatus(503).isProblem().bodyContains("rate limits cannot be checked now")
        .wasNotProxied();

    store.down = false;
    assertThat(one.get("/x").send()).hasStatus(200);
  }

  @Test
  void a_store_that_never_answers_counts_as_failed_within_a_second() {
    one = gateway(RateLimitStore.Fallback.REJECT);
    store.hang = true;

    CompletableFuture<TestResponse> pending = one.get("/x").sendAsync();
    clock.advance(Duration.ofMillis(999));
    assertThat(pending).as("a millisecond before the guard").isNotDone();
    clock.advance(Duration.ofMillis(1));
    assertThat(pending).as("at the guard's second").isDone();
    assertThat(pending.join()).hasStatus(503);
  }

  @Test
  void two_gateways_share_a_consumers_quota_and_fail_open_to_local_counts() {
    one = quotaGateway();
    two = quotaGateway();

    assertThat(one.get("/x").header("X-API-Key", KEY).send()).hasStatus(200);
    assertThat(two.get("/x").header("X-API-Key", KEY).send()).hasStatus(200).hasHeader("RateLimit", "\"daily\";r=1;t=43200");
    assertThat(one.get("/x").header("X-API-Key", KEY).send()).hasStatus(200);
    assertThat(two.get("/x").header("X-API-Key", KEY).send()).as("3 per day across both").hasStatus(429);
    assertThat(store.quotaKeys()).containsExactly("quota:free:daily:acme@1795564800");

    store.down = true;
    assertThat(two.get("/x").header("X-API-Key", KEY).send()).as("instance two counts on its own now").hasStatus(200);
  }

  @Test
  void failing_closed_counted_requests_get_503_until_the_store_answers_and_a_refused_one_is_uncounted() {
    one = GatewayTester.of(Gateway.builder().time(clock)
        .rateLimitStore(store, RateLimitStore.Fallback.REJECT)
        .auth(Auth.apiKey())
        .consumer(ApiConsumer.builder("acme").plan("free").apiKey(KEY).build())
        .usagePlan("free", Quota.perDay(3).named("daily"), Quota.perDay(1).named("tight"))
        .route("r", r -> r.path("/**").upstream(UP)));
    one.stubUpstream(UP, s -> s.respond(200, "ok"));

    store.down = true;
    assertThat(one.get("/x").header("X-API-Key", KEY).send()).hasStatus(503).isProblem()
        .bodyContains("quotas cannot be checked now").wasNotProxied();
    store.down = false;
    assertThat(one.get("/x").header("X-API-Key", KEY).send()).hasStatus(200);
    assertThat(one.get("/x").header("X-API-Key", KEY).send()).hasStatus(429).bodyContains("quota 'tight'");
    assertThat(store.quotaCount("quota:free:daily:acme@1795564800")).as("the daily count given back").isEqualTo(1);
  }

  private static final String KEY = "acme-key-0123456789abcdef";

  private GatewayTester quotaGateway() {
    GatewayTester tester = GatewayTester.of(Gateway.builder().time(clock)
        .rateLimitStore(store, RateLimitStore.Fallback.LOCAL)
        .auth(Auth.apiKey())
        .consumer(ApiConsumer.builder("acme").plan("free").apiKey(KEY).build())
        .usagePlan("free", Quota.perDay(3))
        .route("r", r -> r.path("/**").upstream(UP)));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    return tester;
  }

  /** GCRA as the SPI states it, on the test's clock, that can be made to fail or hang. */
  static final class InMemoryStore implements RateLimitStore {
    private final ManualClock clock;
    private final Map<String, Long> tats = new HashMap<>();
    volatile boolean down;
    volatile boolean hang;

    InMemoryStore(ManualClock clock) {
      this.clock = clock;
    }

    private long now() {
      Instant i = clock.instant();
      return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    synchronized Set<String> keys() {
      return tats.keySet();
    }

    @Override
    public synchronized CompletionStage<Decision> acquire(String key, long intervalNanos, long capacityNanos, long cost) {
      if (hang) {
        return new CompletableFuture<>();
      }
      if (down) {
        return CompletableFuture.failedFuture(new IllegalStateException("store down"));
      }
      long now = now();
      long base = Math.max(tats.getOrDefault(key, now), now);
      long next = base + cost * intervalNanos;
      if (next - now <= capacityNanos) {
        tats.put(key, next);
        return CompletableFuture.completedFuture(new Decision(true, (capacityNanos - (next - now)) / intervalNanos, next - now, 0));
      }
      return CompletableFuture.completedFuture(new Decision(false, Math.max(0, (capacityNanos - (base - now)) / intervalNanos),
          base - now, next - now - capacityNanos));
    }

    @Override
    public synchronized CompletionStage<Void> release(String key, long intervalNanos, long cost) {
      tats.computeIfPresent(key, (k, tat) -> tat - cost * intervalNanos <= now() ? null : tat - cost * intervalNanos);
      return CompletableFuture.completedFuture(null);
    }

    private final Map<String, Long> counts = new HashMap<>();

    @Override
    public synchronized CompletionStage<QuotaCount> count(String key, long cost, long limit, long windowEndEpochMillis) {
      if (down) {
        return CompletableFuture.failedFuture(new IllegalStateException("store down"));
      }
      long used = counts.getOrDefault(key, 0L);
      if (used + cost > limit) {
        return CompletableFuture.completedFuture(new QuotaCount(false, used));
      }
      counts.put(key, used + cost);
      return CompletableFuture.completedFuture(new QuotaCount(true, used + cost));
    }

    @Override
    public synchronized CompletionStage<Void> uncount(String key, long cost) {
      counts.computeIfPresent(key, (k, used) -> used - cost <= 0 ? null : used - cost);
      return CompletableFuture.completedFuture(null);
    }

    synchronized long quotaCount(String key) {
      return counts.getOrDefault(key, 0L);
    }

    synchronized Set<String> quotaKeys() {
      return counts.keySet();
    }

    @Override
    public void close() {}

    @Override
    public String toString() {
      return "in-memory test store";
    }
  }
}

package io.gatehouse.redis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gatehouse.ratelimit.RateLimitStore;
import io.gatehouse.ratelimit.RateLimitStore.Decision;
import io.lettuce.core.api.sync.RedisCommands;
import java.math.BigInteger;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/** GCRA on a real redis-server: the contract's answers, atomicity, sharing, release, expiry, NOSCRIPT. */
@Timeout(value = 20, unit = TimeUnit.SECONDS)
class RedisRateLimitStoreTest {
  private static final long MS = 1_000_000L;
  private static final long SECOND = 1_000 * MS;
  /** Real time that may pass between the script's now and the test's reading of it. */
  private static final long SLACK = 500 * MS;
  private static final String PREFIX = "gatehouse:rl:";

  private static RedisServerProcess redis;
  private static RedisRateLimitStore store;
  private String key;

  @BeforeAll
  static void startRedis() {
    redis = RedisServerProcess.start();
    // A generous timeout here: these tests are about answers, RedisOutageTest about timeouts.
    store = RedisRateLimitStore.builder(redis.uri()).timeout(Duration.ofSeconds(2)).build();
  }

  @AfterAll
  static void stopRedis() {
    if (store != null) {
      store.close();
    }
    if (redis != null) {
      redis.close();
    }
  }

  @BeforeEach
  void keyPerTest(TestInfo test) {
    key = test.getTestMethod().orElseThrow().getName();
  }

  static Decision acquire(RateLimitStore store, String key, long interval, long capacity, long cost) {
    try {
      return store.acquire(key, interval, capacity, cost).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("acquire(" + key + ") failed", e);
    }
  }

  private static void release(RateLimitStore store, String key, long interval, long cost) {
    try {
      store.release(key, interval, cost).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("release(" + key + ") failed", e);
    }
  }

  /** The identities of the SPI's Decision, which hold exactly whatever the time was. */
  private static void assertConsistent(Decision d, long interval, long capacity, long cost) {
    if (d.allowed()) {
      assertThat(d.remaining()).isEqualTo((capacity - d.fullAfterNanos()) / interval);
      assertThat(d.retryAfterNanos()).isZero();
    } else {
      assertThat(d.remaining()).isEqualTo(Math.max(0, (capacity - d.fullAfterNanos()) / interval));
      assertThat(d.retryAfterNanos()).isEqualTo(d.fullAfterNanos() + cost * interval - capacity);
    }
  }

  private static RedisCommands<String, String> admin() {
    return redis.admin();
  }

  @Test
  void admits_the_burst_at_once_then_rejects_with_retry_after_about_one_interval() {
    long interval = SECOND;
    long capacity = 5 * interval;
    for (int i = 1; i <= 5; i++) {
      Decision d = acquire(store, key, interval, capacity, 1);
      assertThat(d.allowed()).as("request %d", i).isTrue();
      assertThat(d.remaining()).as("remaining after request %d", i).isEqualTo(5 - i);
      assertThat(d.fullAfterNanos()).as("fullAfter after request %d", i).isBetween(i * interval - SLACK, i * interval);
      assertConsistent(d, interval, capacity, 1);
    }
    Decision rejected = acquire(store, key, interval, capacity, 1);
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.remaining()).isZero();
    assertThat(rejected.fullAfterNanos()).isBetween(capacity - SLACK, capacity);
    assertThat(rejected.retryAfterNanos()).isBetween(interval - SLACK, interval);
    assertConsistent(rejected, interval, capacity, 1);
  }

  @Test
  void a_costly_request_takes_several_permits() {
    long interval = SECOND;
    long capacity = 5 * interval;
    Decision first = acquire(store, key, interval, capacity, 3);
    assertThat(first.allowed()).isTrue();
    assertThat(first.remaining()).isEqualTo(2);
    assertThat(first.fullAfterNanos()).isEqualTo(3 * interval);

    Decision tooMuch = acquire(store, key, interval, capacity, 3);
    assertThat(tooMuch.allowed()).isFalse();
    assertThat(tooMuch.retryAfterNanos()).isBetween(interval - SLACK, interval);
    assertConsistent(tooMuch, interval, capacity, 3);

    Decision rest = acquire(store, key, interval, capacity, 2);
    assertThat(rest.allowed()).isTrue();
    assertThat(rest.remaining()).isZero();
    assertConsistent(rest, interval, capacity, 2);
  }

  @Test
  void a_request_costing_more_than_the_burst_is_rejected_on_a_full_budget_without_state() {
    long interval = SECOND;
    Decision d = acquire(store, key, interval, 5 * interval, 6);
    // As the local limiter: nothing used, all 5 remaining, admitted one interval from now (never, in practice).
    assertThat(d).isEqualTo(new Decision(false, 5, 0, interval));
    assertThat(admin().exists(PREFIX + key)).isZero();
  }

  @Test
  void permits_come_back_one_interval_apart() throws InterruptedException {
    long interval = 100 * MS;
    long capacity = 2 * interval;
    assertThat(acquire(store, key, interval, capacity, 1).allowed()).isTrue();
    assertThat(acquire(store, key, interval, capacity, 1).allowed()).isTrue();
    Decision rejected = acquire(store, key, interval, capacity, 1);
    assertThat(rejected.allowed()).isFalse();
    Thread.sleep(rejected.retryAfterNanos() / MS + 20);
    assertThat(acquire(store, key, interval, capacity, 1).allowed()).isTrue();
  }

  @Test
  void the_tat_is_exact_to_the_nanosecond_beyond_two_to_the_53() {
    // 400 days and 7 ns: the interval alone is past 2^53 ns, where a double would round.
    long interval = Duration.ofDays(400).toNanos() + 7;
    long capacity = 3 * interval;
    assertThat(interval).isGreaterThan(1L << 53);
    acquire(store, key, interval, capacity, 1);
    BigInteger first = new BigInteger(admin().get(PREFIX + key));
    Decision second = acquire(store, key, interval, capacity, 1);
    BigInteger after = new BigInteger(admin().get(PREFIX + key));

    assertThat(after.subtract(first)).isEqualTo(BigInteger.valueOf(interval));
    // Redis's now has whole microseconds, so the TAT's last three digits are the interval's.
    assertThat(first.mod(BigInteger.valueOf(1000))).isEqualTo(BigInteger.valueOf(7));
    assertThat(second.allowed()).isTrue();
    assertThat(second.remaining()).isEqualTo(1);
    assertThat(second.fullAfterNanos()).isBetween(2 * interval - SLACK, 2 * interval);
    assertThat(admin().pttl(PREFIX + key)).isCloseTo(second.fullAfterNanos() / MS, within(1_000L));
  }

  @Test
  void eight_threads_racing_for_one_key_get_exactly_the_capacity() throws Exception {
    long interval = 60 * SECOND; // nothing comes back during the test
    long capacity = 1000 * interval;
    int threads = 8;
    int perThread = 500;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<CompletableFuture<List<Decision>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(CompletableFuture.supplyAsync(() -> {
          try {
            go.await();
          } catch (InterruptedException e) {
            throw new IllegalStateException(e);
          }
          List<CompletableFuture<Decision>> mine = new ArrayList<>();
          for (int i = 0; i < perThread; i++) {
            mine.add(store.acquire(key, interval, capacity, 1).toCompletableFuture());
          }
          return mine.stream().map(f -> f.orTimeout(10, TimeUnit.SECONDS).join()).toList();
        }, pool));
      }
      go.countDown();
      AtomicInteger admitted = new AtomicInteger();
      AtomicInteger rejected = new AtomicInteger();
      for (CompletableFuture<List<Decision>> result : results) {
        for (Decision d : result.get(15, TimeUnit.SECONDS)) {
          (d.allowed() ? admitted : rejected).incrementAndGet();
        }
      }
      assertThat(admitted.get()).isEqualTo(1000);
      assertThat(rejected.get()).isEqualTo(threads * perThread - 1000);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    }
  }

  @Test
  void two_stores_on_two_clients_share_one_budget() {
    long interval = SECOND;
    long capacity = 4 * interval;
    try (RedisRateLimitStore other = RedisRateLimitStore.builder(redis.uri()).timeout(Duration.ofSeconds(2)).build()) {
      assertThat(acquire(store, key, interval, capacity, 1).remaining()).isEqualTo(3);
      assertThat(acquire(other, key, interval, capacity, 1).remaining()).isEqualTo(2);
      assertThat(acquire(store, key, interval, capacity, 1).remaining()).isEqualTo(1);
      assertThat(acquire(other, key, interval, capacity, 1).remaining()).isEqualTo(0);
      assertThat(acquire(store, key, interval, capacity, 1).allowed()).isFalse();
      assertThat(acquire(other, key, interval, capacity, 1).allowed()).isFalse();
    }
  }

  @Test
  void release_gives_permits_back_and_drops_a_key_whose_budget_is_full() {
    long interval = SECOND;
    long capacity = 2 * interval;
    acquire(store, key, interval, capacity, 2);
    assertThat(acquire(store, key, interval, capacity, 1).allowed()).isFalse();

    release(store, key, interval, 1);
    Decision again = acquire(store, key, interval, capacity, 1);
    assertThat(again.allowed()).isTrue();
    assertThat(again.remaining()).isZero();

    release(store, key, interval, 2);
    assertThat(admin().exists(PREFIX + key)).as("key with a full budget").isZero();
    release(store, key, interval, 1); // nothing to give back: a no-op
    assertThat(acquire(store, key, interval, capacity, 1).remaining()).isEqualTo(1);
  }

  @Test
  void a_release_keeps_the_expiry_at_the_new_tat() {
    long interval = 10 * SECOND;
    acquire(store, key, interval, 3 * interval, 3);
    release(store, key, interval, 1);
    assertThat(admin().pttl(PREFIX + key)).isBetween(20_000L - 1_000, 20_000L);
  }

  @Test
  void a_key_expires_when_its_budget_is_full_again() throws InterruptedException {
    long interval = 10 * SECOND;
    Decision d = acquire(store, key, interval, 3 * interval, 2);
    long fullAfterMillis = (d.fullAfterNanos() + MS - 1) / MS;
    assertThat(admin().pttl(PREFIX + key)).isBetween(fullAfterMillis - 1_000, fullAfterMillis);

    String shortLived = key + ":short";
    acquire(store, shortLived, 50 * MS, 50 * MS, 1);
    long deadline = System.nanoTime() + 2 * SECOND;
    while (admin().exists(PREFIX + shortLived) == 1 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(admin().exists(PREFIX + shortLived)).as("key 50 ms after its TAT, waited up to 2 s").isZero();
  }

  @Test
  void keys_carry_the_configured_prefix() {
    try (RedisRateLimitStore prefixed = RedisRateLimitStore.builder(redis.uri()).keyPrefix("test:rl:")
        .timeout(Duration.ofSeconds(2)).build()) {
      acquire(prefixed, key, SECOND, SECOND, 1);
      assertThat(admin().exists("test:rl:" + key)).isOne();
      assertThat(admin().exists(PREFIX + key)).isZero();
    }
  }

  @Test
  void falls_back_to_eval_when_redis_has_lost_the_scripts() {
    long interval = SECOND;
    long capacity = 3 * interval;
    acquire(store, key, interval, capacity, 1);
    admin().scriptFlush();
    assertThat(admin().scriptExists(GcraScripts.ACQUIRE.sha(), GcraScripts.RELEASE.sha())).containsExactly(false, false);

    Decision d = acquire(store, key, interval, capacity, 1);
    assertThat(d.allowed()).isTrue();
    assertThat(d.remaining()).isEqualTo(1);
    release(store, key, interval, 1);
    assertThat(acquire(store, key, interval, capacity, 1).remaining()).isEqualTo(1);
    // EVAL put them back in the cache, so the next EVALSHA finds them.
    assertThat(admin().scriptExists(GcraScripts.ACQUIRE.sha(), GcraScripts.RELEASE.sha())).containsExactly(true, true);
  }

  @Test
  void loads_the_scripts_on_connecting() throws InterruptedException {
    admin().scriptFlush();
    try (RedisRateLimitStore fresh = RedisRateLimitStore.builder(redis.uri()).timeout(Duration.ofSeconds(2)).build()) {
      acquire(fresh, key, SECOND, SECOND, 1);
      long deadline = System.nanoTime() + 2 * SECOND;
      List<Boolean> loaded = admin().scriptExists(GcraScripts.ACQUIRE.sha(), GcraScripts.RELEASE.sha());
      while (loaded.contains(false) && System.nanoTime() < deadline) {
        Thread.sleep(10);
        loaded = admin().scriptExists(GcraScripts.ACQUIRE.sha(), GcraScripts.RELEASE.sha());
      }
      assertThat(loaded).containsExactly(true, true);
    }
  }

  private static RateLimitStore.QuotaCount count(String key, long cost, long limit, long windowEnd) {
    try {
      return store.count(key, cost, limit, windowEnd).toCompletableFuture().get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("count(" + key + ") failed", e);
    }
  }

  @Test
  void quota_counts_stop_at_the_limit_expire_at_the_window_end_and_can_be_taken_back() throws Exception {
    long windowEnd = System.currentTimeMillis() + 60_000;

    assertThat(count(key, 2, 5, windowEnd)).isEqualTo(new RateLimitStore.QuotaCount(true, 2));
    assertThat(count(key, 3, 5, windowEnd)).isEqualTo(new RateLimitStore.QuotaCount(true, 5));
    assertThat(count(key, 1, 5, windowEnd)).isEqualTo(new RateLimitStore.QuotaCount(false, 5));
    assertThat(admin().pttl(PREFIX + key)).isBetween(55_000L, 60_000L);

    store.uncount(key, 3).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(count(key, 3, 5, windowEnd)).isEqualTo(new RateLimitStore.QuotaCount(true, 5));
    store.uncount(key, 5).toCompletableFuture().get(5, TimeUnit.SECONDS);
    assertThat(admin().exists(PREFIX + key)).as("a count back at zero leaves no key").isZero();
  }

  @Test
  void eight_threads_counting_one_quota_get_exactly_the_limit() throws Exception {
    long windowEnd = System.currentTimeMillis() + 60_000;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> results = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        results.add(pool.submit(() -> {
          int counted = 0;
          for (int i = 0; i < 100; i++) {
            if (count(key, 1, 250, windowEnd).allowed()) {
              counted++;
            }
          }
          return counted;
        }));
      }
      int total = 0;
      for (Future<Integer> f : results) {
        total += f.get(30, TimeUnit.SECONDS);
      }
      assertThat(total).isEqualTo(250);
    } finally {
      pool.shutdownNow();
    }
  }
}

package io.gatehouse.impl.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.impl.testing.MutableClock;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class KeyedLimiterTest {
  private static final MutableClock FIXED = new MutableClock(); // never moved

  @Test
  void in_any_window_a_key_gets_at_most_requests_plus_burst() {
    MutableClock clock = new MutableClock();
    KeyedLimiter limiter = new KeyedLimiter(RateLimit.perRoute(10).per(Duration.ofSeconds(1)), "test", clock);
    long admitted = 0;
    for (int ms = 0; ms < 1_000; ms++) {
      for (int i = 0; i < 5; i++) {
        if (limiter.acquire("k", 1).allowed()) {
          admitted++;
        }
      }
      clock.advance(Duration.ofMillis(1));
    }
    assertThat(admitted).as("10 at once, then one per 100 ms over the rest of the second").isEqualTo(19);
  }

  @Test
  void concurrent_callers_on_one_key_get_exactly_the_burst() throws Exception {
    KeyedLimiter limiter = new KeyedLimiter(RateLimit.perRoute(1_000).per(Duration.ofHours(1)), "test", FIXED);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Callable<Integer>> tasks = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        tasks.add(() -> {
          int ok = 0;
          for (int i = 0; i < 1_000; i++) {
            if (limiter.acquire("k", 1).allowed()) {
              ok++;
            }
          }
          return ok;
        });
      }
      int total = 0;
      for (Future<Integer> f : pool.invokeAll(tasks, 30, TimeUnit.SECONDS)) {
        total += f.get();
      }
      assertThat(total).isEqualTo(1_000);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void a_refund_gives_back_what_was_taken() {
    KeyedLimiter limiter = new KeyedLimiter(RateLimit.perRoute(2).per(Duration.ofMinutes(1)), "test", FIXED);
    assertThat(limiter.acquire("k", 1).remaining()).isEqualTo(1);
    limiter.refund("k", 1);
    assertThat(limiter.keys()).isZero();
    assertThat(limiter.acquire("k", 1).remaining()).isEqualTo(1);
    assertThat(limiter.acquire("k", 1).remaining()).isZero();
    RateLimitStore.Decision rejected = limiter.acquire("k", 1);
    assertThat(rejected.allowed()).isFalse();
    assertThat(rejected.retryAfterNanos()).isEqualTo(Duration.ofSeconds(30).toNanos());
  }
}

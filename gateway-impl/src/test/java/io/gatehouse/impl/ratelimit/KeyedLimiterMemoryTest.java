package io.gatehouse.impl.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.impl.testing.MutableClock;
import io.gatehouse.ratelimit.RateLimit;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A million distinct keys, as an attacker rotating addresses would send, run in the small-heap
 * surefire execution: the heap the limiter retains stays under a fixed bound (with the cap raised
 * to hold them all, it grows past it: tried).
 */
class KeyedLimiterMemoryTest {

  @Test
  void a_million_distinct_keys_keep_state_for_at_most_max_keys_and_idle_keys_go_away() {
    MutableClock clock = new MutableClock();
    KeyedLimiter limiter = new KeyedLimiter(RateLimit.perClientIp(10).per(Duration.ofHours(1)).maxKeys(50_000), "test", clock);
    long[] held = new long[1];
    long before = usedAfterGc();

    for (int i = 0; i < 1_000_000; i++) {
      // Long, distinct keys: about 60 bytes each as Strings, before the cache's own entry.
      String key = "2001:db8:" + Integer.toHexString(i) + "::attacker-rotating-keys-" + i;
      assertThat(limiter.acquire(key, 1).allowed()).isTrue();
      if (i % 100_000 == 0) {
        held[0] = Math.max(held[0], limiter.keys());
      }
    }

    long retained = usedAfterGc() - before;
    assertThat(limiter.keys()).isLessThanOrEqualTo(50_000);
    assertThat(retained).as("heap retained after a million keys").isLessThan(24L << 20);
    assertThat(held[0]).isLessThanOrEqualTo(50_000);
    clock.advance(Duration.ofMinutes(7));
    assertThat(limiter.keys()).as("a key whose budget is full again needs no state").isZero();
  }

  private static long usedAfterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long used = Long.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      System.gc();
      used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
    }
    return used;
  }
}

package io.gatehouse.impl.metering;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.impl.testing.MutableClock;
import io.gatehouse.metering.Metering;
import io.gatehouse.metering.Usage;
import io.gatehouse.metering.UsageReport;
import io.gatehouse.observe.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The meter on its own: exact under concurrency and across a window's end, bounded, and steady when the clock steps back. */
class UsageMeterTest {
  private static final Instant T0 = Instant.parse("2026-03-02T10:00:00Z");

  private final MutableClock clock = new MutableClock();

  {
    clock.set(T0);
  }

  private static RequestRecord record(String consumer, String route, int status) {
    return new RequestRecord(T0, "req", "0".repeat(32), "127.0.0.1", Optional.of(consumer), Optional.of(route), "GET",
        "/x", Optional.empty(), status, 3, 5, Duration.ZERO, Optional.empty(), Optional.empty(), 0);
  }

  @Test
  void counts_from_many_threads_across_a_window_end_add_up_exactly() throws Exception {
    UsageMeter meter = new UsageMeter(Metering.every(Duration.ofMinutes(1)).maxKeys(50), clock);
    int threads = 8;
    int perThread = 20_000;
    int[] statuses = {101, 200, 304, 404, 503};
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<?>> done = new ArrayList<>();
    try {
      for (int t = 0; t < threads; t++) {
        int thread = t;
        done.add(pool.submit(() -> {
          go.await();
          for (int i = 0; i < perThread; i++) {
            if (thread == 0 && i == perThread / 2) {
              clock.set(T0.plusSeconds(60));
            }
            meter.onRequest(record("c" + (i % 100), "r" + thread, statuses[i % statuses.length]));
          }
          return null;
        }));
      }
      go.countDown();
      for (Future<?> f : done) {
        f.get(30, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }

    UsageReport report = meter.report();
    Usage all = report.totals();
    long total = (long) threads * perThread;
    assertThat(all.requests()).isEqualTo(total);
    assertThat(all.informational()).isEqualTo(total / 5);
    assertThat(all.serverErrors()).isEqualTo(total / 5);
    assertThat(all.bytesIn()).isEqualTo(3 * total);
    assertThat(all.bytesOut()).isEqualTo(5 * total);
    assertThat(report.windows()).hasSizeBetween(1, 2).allSatisfy(w ->
        assertThat(w.usage()).as("50 pairs and one (other) per route at most").hasSizeLessThanOrEqualTo(50 + threads));
  }

  @Test
  void when_the_clock_steps_back_requests_count_in_the_newest_window() {
    UsageMeter meter = new UsageMeter(Metering.every(Duration.ofMinutes(1)), clock);
    clock.set(T0.plusSeconds(90));
    meter.onRequest(record("acme", "orders", 200));
    clock.set(T0);
    meter.onRequest(record("acme", "orders", 200));

    assertThat(meter.report().windows()).singleElement().satisfies(w -> {
      assertThat(w.start()).isEqualTo(T0.plusSeconds(60));
      assertThat(w.totals().requests()).isEqualTo(2);
    });
  }

  @Test
  void a_report_before_any_request_is_empty() {
    UsageMeter meter = new UsageMeter(Metering.every(Duration.ofHours(1)), clock);
    assertThat(meter.report()).isEqualTo(UsageReport.empty());
  }
}

package io.gatehouse.impl.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.TimeSource;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.ratelimit.ConcurrencyLimit;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitHeaders;
import io.gatehouse.ratelimit.RateLimitStore.Decision;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The numbers behind every limit, exactly: a limiter's decisions and waits to the nanosecond, a
 * quota's counts and how long they are kept, the bulkhead's slots and queue, and the rounding of
 * what clients are told. The gateway-level tests show the behaviour; these pin the arithmetic, so
 * an off-by-one or a sign slip cannot hide behind a rounded header.
 */
class LimitArithmeticTest {
  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
  private final ManualClock clock = ManualClock.of(Instant.parse("2026-11-25T18:00:00Z"));

  /** 60 per minute: one permit per second, 3 at once. */
  private KeyedLimiter oneASecondBurstThree() {
    return new KeyedLimiter(RateLimit.perRoute(60).per(Duration.ofMinutes(1)).burst(3), "test", clock);
  }

  @Test
  void a_limiter_grants_its_burst_then_refuses_with_the_exact_wait() {
    KeyedLimiter limiter = oneASecondBurstThree();

    assertThat(limiter.acquire("k", 1)).isEqualTo(new Decision(true, 2, SECOND, 0));
    assertThat(limiter.acquire("k", 2)).isEqualTo(new Decision(true, 0, 3 * SECOND, 0));
    assertThat(limiter.acquire("k", 1)).as("refused: one more permit comes in a second")
        .isEqualTo(new Decision(false, 0, 3 * SECOND, SECOND));
    assertThat(limiter.acquire("k", 2)).as("two more permits come in two seconds")
        .isEqualTo(new Decision(false, 0, 3 * SECOND, 2 * SECOND));

    clock.advance(Duration.ofMillis(500));
    assertThat(limiter.acquire("k", 1)).as("half a permit back is none yet")
        .isEqualTo(new Decision(false, 0, 2_500_000_000L, 500_000_000L));
    clock.advance(Duration.ofMillis(500));
    assertThat(limiter.acquire("k", 1)).isEqualTo(new Decision(true, 0, 3 * SECOND, 0));
    assertThat(limiter.acquire("other", 3)).as("each key has its own budget").isEqualTo(new Decision(true, 0, 3 * SECOND, 0));
  }

  @Test
  void a_limiter_refills_one_permit_per_interval_and_never_past_its_burst() {
    KeyedLimiter limiter = oneASecondBurstThree();
    limiter.acquire("k", 3);

    clock.advance(Duration.ofSeconds(2));
    assertThat(limiter.acquire("k", 1)).isEqualTo(new Decision(true, 1, 2 * SECOND, 0));
    clock.advance(Duration.ofHours(1));
    assertThat(limiter.acquire("k", 1)).as("an hour idle is a full burst, not more").isEqualTo(new Decision(true, 2, SECOND, 0));
    assertThat(limiter.keys()).isOne();
  }

  @Test
  void a_cost_above_what_a_limiter_can_ever_grant_is_refused_without_touching_the_key() {
    KeyedLimiter limiter = oneASecondBurstThree();
    limiter.acquire("k", 1);

    for (long cost : new long[] {4, 5_124_095, Integer.MAX_VALUE, Long.MAX_VALUE / 2, Long.MAX_VALUE}) {
      assertThat(limiter.acquire("k", cost)).as("cost %d", cost).isEqualTo(new Decision(false, 2, SECOND, 3 * SECOND));
      assertThat(limiter.acquire("fresh", cost)).as("cost %d on a fresh key", cost).isEqualTo(new Decision(false, 3, 0, 3 * SECOND));
    }
    assertThat(limiter.acquire("k", 2)).as("the budget is as it was").isEqualTo(new Decision(true, 0, 3 * SECOND, 0));
    assertThat(limiter.acquire("k", 1).allowed()).isFalse();
    assertThat(limiter.keys()).as("refused costs leave no state for new keys").isOne();
  }

  @Test
  void a_throttling_limiter_reserves_up_to_its_wait_beyond_the_burst() {
    KeyedLimiter limiter = new KeyedLimiter(
        RateLimit.perRoute(60).per(Duration.ofMinutes(1)).burst(2).throttle(Duration.ofSeconds(2)), "test", clock);

    assertThat(limiter.burstNanos()).isEqualTo(2 * SECOND);
    assertThat(limiter.capacityNanos()).isEqualTo(4 * SECOND);
    assertThat(limiter.acquire("k", 2)).isEqualTo(new Decision(true, 2, 2 * SECOND, 0));
    assertThat(limiter.acquire("k", 2)).as("the burst spent, two more wait their turns")
        .isEqualTo(new Decision(true, 0, 4 * SECOND, 0));
    assertThat(limiter.acquire("k", 1)).isEqualTo(new Decision(false, 0, 4 * SECOND, SECOND));
    assertThat(limiter.acquire("k", 5)).as("more than burst and wait together").isEqualTo(new Decision(false, 0, 4 * SECOND, 4 * SECOND));
  }

  @Test
  void a_refund_gives_back_exactly_what_was_taken_and_drops_a_key_left_full() {
    KeyedLimiter limiter = oneASecondBurstThree();
    limiter.acquire("k", 3);

    limiter.refund("k", 1);
    assertThat(limiter.acquire("k", 1)).isEqualTo(new Decision(true, 0, 3 * SECOND, 0));
    limiter.refund("k", 2);
    assertThat(limiter.keys()).as("one second still reserved").isOne();
    assertThat(limiter.acquire("k", 2)).isEqualTo(new Decision(true, 0, 3 * SECOND, 0));

    limiter.refund("k", 3);
    assertThat(limiter.keys()).as("refunded to exactly now: a full budget needs no state").isZero();
    limiter.refund("k", 1);
    assertThat(limiter.keys()).as("a refund for a key without state adds none").isZero();
    assertThat(limiter.acquire("k", 3).allowed()).isTrue();

    clock.advance(Duration.ofSeconds(1));
    limiter.refund("k", 5);
    assertThat(limiter.keys()).as("refunded past now").isZero();
  }

  @Test
  void a_key_is_forgotten_when_its_budget_is_full_again() {
    KeyedLimiter limiter = oneASecondBurstThree();
    limiter.acquire("k", 2);

    clock.advance(Duration.ofNanos(2 * SECOND - 1));
    assertThat(limiter.keys()).isOne();
    // The cache drops expired entries on its timer wheel's ticks (about a second each); lookups see expiry exactly.
    clock.advance(Duration.ofSeconds(2));
    assertThat(limiter.keys()).isZero();
  }

  // ---------------------------------------------------------------- quotas

  @Test
  void a_quota_counts_up_to_its_requests_and_tells_the_window_left() {
    QuotaCounter daily = new QuotaCounter("free", Quota.perDay(5), clock);
    long sixHours = Duration.ofHours(6).toMillis();
    long day = Duration.ofDays(1).toMillis();

    assertThat(daily.acquire("alice", 2)).isEqualTo(new QuotaCounter.Decision(true, 3, sixHours, day));
    assertThat(daily.acquire("alice", 4)).as("not counted: it would pass the quota")
        .isEqualTo(new QuotaCounter.Decision(false, 3, sixHours, day));
    assertThat(daily.acquire("alice", 3)).isEqualTo(new QuotaCounter.Decision(true, 0, sixHours, day));
    assertThat(daily.acquire("alice", 1).allowed()).isFalse();
    assertThat(daily.acquire("bob", 5).allowed()).as("each principal counts alone").isTrue();

    clock.advance(Duration.ofHours(6));
    assertThat(daily.acquire("alice", 1)).as("a new day").isEqualTo(new QuotaCounter.Decision(true, 4, day, day));
  }

  @Test
  void a_quota_refund_takes_back_only_what_it_names() {
    QuotaCounter daily = new QuotaCounter("free", Quota.perDay(5), clock);
    daily.acquire("alice", 4);

    daily.refund("alice", 1);
    assertThat(daily.acquire("alice", 1).remaining()).isEqualTo(1);
    daily.refund("alice", 10);
    assertThat(daily.acquire("alice", 5).remaining()).as("never below zero").isZero();
    daily.refund("nobody", 1);
    assertThat(daily.keys()).isOne();
  }

  @Test
  void the_local_stores_count_and_give_back_through_the_limiters_own_state() {
    QuotaCounter daily = new QuotaCounter("free", Quota.perDay(5), clock);
    assertThat(QuotaCounts.LOCAL.count(daily, "free", "alice", 3).toCompletableFuture().join().remaining()).isEqualTo(2);
    QuotaCounts.LOCAL.uncount(daily, "free", "alice", 2);
    assertThat(daily.acquire("alice", 1).remaining()).isEqualTo(3);

    KeyedLimiter limiter = oneASecondBurstThree();
    assertThat(Permits.LOCAL.acquire(limiter, "k", 3).toCompletableFuture().join()).isEqualTo(new Decision(true, 0, 3 * SECOND, 0));
    Permits.LOCAL.release(limiter, "k", 2);
    assertThat(limiter.acquire("k", 2)).isEqualTo(new Decision(true, 0, 3 * SECOND, 0));
  }

  @Test
  void a_quota_count_is_kept_one_window_past_its_end_and_no_longer() {
    QuotaCounter daily = new QuotaCounter("free", Quota.perDay(5), clock);
    daily.acquire("alice", 1);

    clock.advance(Duration.ofHours(6 + 24).minusNanos(1));
    assertThat(daily.keys()).isOne();
    clock.advance(Duration.ofSeconds(2)); // past the cache's timer-wheel tick
    assertThat(daily.keys()).isZero();
  }

  @Test
  void a_monthly_quota_runs_from_the_first_to_the_first() {
    QuotaCounter monthly = new QuotaCounter("pro", Quota.perMonth(10), clock);

    QuotaCounter.Window window = monthly.window();
    assertThat(window.startEpochSecond()).isEqualTo(Instant.parse("2026-11-01T00:00:00Z").getEpochSecond());
    assertThat(window.endEpochMillis()).isEqualTo(Instant.parse("2026-12-01T00:00:00Z").toEpochMilli());
    assertThat(window.lengthMillis()).isEqualTo(Duration.ofDays(30).toMillis());
    assertThat(monthly.acquire("acme", 1)).isEqualTo(
        new QuotaCounter.Decision(true, 9, Duration.ofDays(5).plusHours(6).toMillis(), Duration.ofDays(30).toMillis()));
  }

  // ---------------------------------------------------------------- what clients are told

  @ParameterizedTest(name = "{0} ns is {1} s")
  @CsvSource({"-5, 0", "0, 0", "1, 1", "999999999, 1", "1000000000, 1", "1000000001, 2", "9223372036854775807, 9223372037"})
  void waits_are_told_in_whole_seconds_rounded_up(long nanos, long seconds) {
    assertThat(LimitReport.ceilSeconds(nanos)).isEqualTo(seconds);
  }

  @Test
  void the_legacy_headers_tell_the_limit_closest_to_its_end_and_the_first_of_a_tie() {
    LimitReport report = new LimitReport();
    report.add(new LimitReport.Item("a", 10, 1, 4, 5));
    report.add(new LimitReport.Item("b", 20, 60, 2, 9));
    report.add(new LimitReport.Item("c", 30, 60, 2, 7));
    report.add(new LimitReport.Item("d", 40, 60, 3, 1));

    HttpHeaders h = report.render(HttpHeaders.builder(), RateLimitHeaders.X_RATELIMIT).build();

    assertThat(h.first("X-RateLimit-Limit")).hasValue("20");
    assertThat(h.first("X-RateLimit-Remaining")).hasValue("2");
    assertThat(h.first("X-RateLimit-Reset")).hasValue("9");
    assertThat(h.first("RateLimit")).isEmpty();
  }

  @Test
  void the_standard_headers_list_every_limit_in_order_and_replace_an_upstreams() {
    LimitReport report = new LimitReport();
    assertThat(report.isEmpty()).isTrue();
    report.add(new LimitReport.Item("ip", 10, 1, 4, 1));
    report.add(new LimitReport.Item("daily", 1000, 86400, 999, 3600));
    assertThat(report.isEmpty()).isFalse();

    HttpHeaders h = report.render(HttpHeaders.builder().add("RateLimit", "forged").add("RateLimit-Policy", "forged"),
        RateLimitHeaders.IETF_DRAFT_09).build();

    assertThat(h.all("RateLimit-Policy")).containsExactly("\"ip\";q=10;w=1, \"daily\";q=1000;w=86400");
    assertThat(h.all("RateLimit")).containsExactly("\"ip\";r=4;t=1, \"daily\";r=999;t=3600");
    assertThat(h.first("X-RateLimit-Limit")).isEmpty();
  }

  @Test
  void the_stages_name_themselves_in_route_explanations() {
    assertThat(new ConcurrencyStage("orders", new Bulkhead("orders", ConcurrencyLimit.of(1), clock.newScheduler("b"))))
        .hasToString("concurrency stage of route 'orders'");
    assertThat(new QuotaStage(Map.of(), Optional.empty(), 1, QuotaCounts.LOCAL)).hasToString("quota stage");
  }

  // ---------------------------------------------------------------- the bulkhead

  @Test
  void a_bulkhead_admits_its_slots_queues_its_queue_and_refuses_the_rest() {
    TimeSource.Scheduler timer = clock.newScheduler("bulkhead");
    Bulkhead bulkhead = new Bulkhead("r", ConcurrencyLimit.of(1).queue(1, Duration.ofSeconds(1)), timer);

    Bulkhead.Grant first = bulkhead.acquire().join();
    assertThat(first.admitted()).isTrue();
    assertThat(bulkhead.inFlight()).isOne();
    CompletableFuture<Bulkhead.Grant> queued = bulkhead.acquire();
    assertThat(queued).isNotDone();
    assertThat(bulkhead.acquire()).as("the queue is full").isCompletedWithValueMatching(g -> !g.admitted());

    first.release();
    assertThat(queued).as("the freed slot goes to the waiter").isCompletedWithValueMatching(Bulkhead.Grant::admitted);
    assertThat(bulkhead.inFlight()).isOne();
    assertThat(clock.pendingTasks()).as("the admitted waiter's expiry is cancelled").isZero();
    queued.join().release();
    assertThat(bulkhead.inFlight()).isZero();
  }

  @Test
  void a_waiter_whose_time_runs_out_is_refused_and_frees_its_place_in_the_queue() {
    TimeSource.Scheduler timer = clock.newScheduler("bulkhead");
    Bulkhead bulkhead = new Bulkhead("r", ConcurrencyLimit.of(1).queue(1, Duration.ofSeconds(1)), timer);
    Bulkhead.Grant held = bulkhead.acquire().join();

    CompletableFuture<Bulkhead.Grant> waiting = bulkhead.acquire();
    clock.advance(Duration.ofSeconds(1));
    assertThat(waiting).isCompletedWithValueMatching(g -> !g.admitted());

    CompletableFuture<Bulkhead.Grant> next = bulkhead.acquire();
    assertThat(next).as("its place in the queue is free again").isNotDone();
    held.release();
    assertThat(next).isCompletedWithValueMatching(Bulkhead.Grant::admitted);
    assertThat(bulkhead.inFlight()).as("the timed-out waiter holds no slot").isOne();
  }

  @Test
  void a_bulkhead_without_a_queue_refuses_at_once_and_a_closed_timer_refuses_waiters() {
    Bulkhead noQueue = new Bulkhead("r", ConcurrencyLimit.of(2), clock.newScheduler("bulkhead"));
    Bulkhead.Grant a = noQueue.acquire().join();
    Bulkhead.Grant b = noQueue.acquire().join();
    assertThat(a.admitted() && b.admitted()).isTrue();
    assertThat(noQueue.acquire()).isCompletedWithValueMatching(g -> !g.admitted());
    b.release();
    assertThat(noQueue.acquire()).isCompletedWithValueMatching(Bulkhead.Grant::admitted);

    TimeSource.Scheduler closed = clock.newScheduler("closed");
    Bulkhead closing = new Bulkhead("r", ConcurrencyLimit.of(1).queue(1, Duration.ofSeconds(1)), closed);
    Bulkhead.Grant held = closing.acquire().join();
    closed.close();
    assertThat(closing.acquire()).as("the gateway is closing: no wait").isCompletedWithValueMatching(g -> !g.admitted());

    Bulkhead successor = new Bulkhead("r", ConcurrencyLimit.of(1).queue(1, Duration.ofSeconds(1)), clock.newScheduler("successor"));
    successor.takeOver(closing);
    CompletableFuture<Bulkhead.Grant> queued = successor.acquire();
    assertThat(queued).as("the refused waiter left the shared queue whole").isNotDone();
    held.release();
    assertThat(queued).isCompletedWithValueMatching(Bulkhead.Grant::admitted);
    queued.join().release();
    assertThat(successor.inFlight()).as("no slot was taken by the refused waiter").isZero();
  }

  @Test
  void a_slot_freed_while_a_request_joins_the_queue_is_not_lost() {
    Bulkhead.Grant[] held = new Bulkhead.Grant[1];
    TimeSource.Scheduler real = clock.newScheduler("bulkhead");
    // The slot is released after the joining request found none free and before it is in the queue.
    TimeSource.Scheduler releasingMeanwhile = new TimeSource.Scheduler() {
      @Override
      public TimeSource.Scheduled schedule(Duration delay, Runnable task) {
        held[0].release();
        return real.schedule(delay, task);
      }

      @Override
      public void close() {
        real.close();
      }
    };
    Bulkhead bulkhead = new Bulkhead("r", ConcurrencyLimit.of(1).queue(1, Duration.ofSeconds(1)), releasingMeanwhile);
    held[0] = bulkhead.acquire().join();

    assertThat(bulkhead.acquire()).as("admitted at once, not after its wait").isCompletedWithValueMatching(Bulkhead.Grant::admitted);
    assertThat(bulkhead.inFlight()).isOne();
  }
}

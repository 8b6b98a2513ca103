package io.gatehouse.impl.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.gatehouse.TimeSource;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.ratelimit.RateLimitStore;
import io.gatehouse.ratelimit.RateLimitStore.Decision;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Decisions from a shared store whose answers come later, fail later, never come, or come while
 * the gateway closes; and the log lines that say when the gateway stops and starts trusting it.
 */
class SharedPermitsTest {
  private final ManualClock clock = ManualClock.of(Instant.parse("2026-11-25T18:00:00Z"));
  private final TimeSource.Scheduler timer = clock.newScheduler("shared-permits-test");
  private final ScriptedStore store = new ScriptedStore();
  private final KeyedLimiter limiter = new KeyedLimiter(RateLimit.perRoute(60).per(Duration.ofMinutes(1)).burst(3), "test", clock);
  private final Logger log = (Logger) org.slf4j.LoggerFactory.getLogger(SharedPermits.class);
  private final ListAppender<ILoggingEvent> lines = new ListAppender<>();

  @BeforeEach
  void listen() {
    lines.start();
    // The suite's root logger shows errors only; classes running beside this one log through the same
    // logger, so only lines naming this test's store are read.
    log.setLevel(Level.INFO);
    log.setAdditive(false);
    log.addAppender(lines);
  }

  @AfterEach
  void stop() {
    log.detachAppender(lines);
    log.setAdditive(true);
    log.setLevel(null);
    timer.close();
  }

  private List<ILoggingEvent> linesOfThisStore() {
    synchronized (lines) {
      return lines.list.stream().filter(e -> e.getFormattedMessage().contains(store.toString())).toList();
    }
  }

  private SharedPermits permits(RateLimitStore.Fallback fallback, TimeSource.Scheduler timer) {
    return new SharedPermits(store, fallback, Observers.NONE, timer);
  }

  @Test
  void an_answer_that_comes_later_within_the_guard_is_the_decision() {
    CompletableFuture<Decision> later = store.next(new CompletableFuture<>());
    CompletableFuture<Decision> decided = permits(RateLimitStore.Fallback.LOCAL, timer).acquire(limiter, "k", 1).toCompletableFuture();

    clock.advance(Duration.ofMillis(999));
    assertThat(decided).isNotDone();
    Decision shared = new Decision(true, 41, 7, 0);
    later.complete(shared);

    assertThat(decided).isCompletedWithValue(shared);
    assertThat(clock.pendingTasks()).as("the guard's timer is cancelled").isZero();
    assertThat(limiter.keys()).as("the local limiter was not asked").isZero();
    assertThat(store.keys).containsExactly("test:k");
  }

  @Test
  void a_failure_that_comes_later_falls_back_to_the_local_limiter() {
    CompletableFuture<Decision> later = store.next(new CompletableFuture<>());
    CompletableFuture<Decision> decided = permits(RateLimitStore.Fallback.LOCAL, timer).acquire(limiter, "k", 1).toCompletableFuture();

    later.completeExceptionally(new IllegalStateException("connection reset"));

    assertThat(decided).isCompletedWithValue(new Decision(true, 2, 1_000_000_000L, 0));
    assertThat(clock.pendingTasks()).isZero();
  }

  @Test
  void no_answer_within_the_guard_fails_closed_when_told_to() {
    store.next(new CompletableFuture<>());
    CompletableFuture<Decision> decided = permits(RateLimitStore.Fallback.REJECT, timer).acquire(limiter, "k", 1).toCompletableFuture();

    clock.advance(SharedPermits.GUARD);

    assertThat(decided).as("null: the stage answers 503").isCompletedWithValue(null);
    assertThat(limiter.keys()).isZero();
  }

  @Test
  void while_the_gateway_closes_the_call_is_left_to_the_stores_own_timeout() {
    TimeSource.Scheduler closed = clock.newScheduler("closed");
    closed.close();
    CompletableFuture<Decision> later = store.next(new CompletableFuture<>());
    CompletableFuture<Decision> decided = permits(RateLimitStore.Fallback.REJECT, closed).acquire(limiter, "k", 1).toCompletableFuture();

    clock.advance(SharedPermits.GUARD.multipliedBy(10));
    assertThat(decided).as("no guard could be set").isNotDone();
    Decision shared = new Decision(false, 0, 3, 5);
    later.complete(shared);
    assertThat(decided).isCompletedWithValue(shared);
  }

  @Test
  void degraded_mode_is_logged_once_with_the_stores_own_failure_and_its_end_once() {
    SharedPermits permits = permits(RateLimitStore.Fallback.LOCAL, timer);
    QuotaCounter daily = new QuotaCounter("free", Quota.perDay(5), clock);
    store.quotaFailure = new IllegalStateException("store down");

    assertThat(permits.count(daily, "free", "alice", 1).toCompletableFuture().join().remaining()).as("counted locally").isEqualTo(4);
    assertThat(permits.count(daily, "free", "alice", 1).toCompletableFuture().join().remaining()).isEqualTo(3);
    store.quotaFailure = null;
    assertThat(permits.count(daily, "free", "alice", 1).toCompletableFuture().join().remaining()).as("the store's count").isEqualTo(4);
    assertThat(permits.count(daily, "free", "alice", 1).toCompletableFuture().join().remaining()).isEqualTo(3);

    List<ILoggingEvent> logged = linesOfThisStore();
    assertThat(logged).extracting(ILoggingEvent::getLevel).containsExactly(Level.WARN, Level.INFO);
    assertThat(logged.get(0).getFormattedMessage())
        .isEqualTo("rate-limit store " + store + " failed (java.lang.IllegalStateException: store down);"
            + " each instance applies the limits on its own until it answers");
    assertThat(logged.get(1).getFormattedMessage()).isEqualTo("rate-limit store " + store + " answers again; shared limits apply again");
  }

  @Test
  void failing_closed_the_warning_says_limited_requests_get_503() {
    store.next(CompletableFuture.failedFuture(new IllegalStateException("store down")));
    assertThat(permits(RateLimitStore.Fallback.REJECT, timer).acquire(limiter, "k", 1).toCompletableFuture().join()).isNull();

    assertThat(linesOfThisStore()).singleElement().extracting(ILoggingEvent::getFormattedMessage)
        .isEqualTo("rate-limit store " + store + " failed (java.lang.IllegalStateException: store down);"
            + " rate-limited requests get 503 until it answers");
  }

  /** Answers each acquire with the next scripted stage; counts quotas in memory unless told to fail. */
  private static final class ScriptedStore implements RateLimitStore {
    final Deque<CompletableFuture<Decision>> answers = new ArrayDeque<>();
    final List<String> keys = new java.util.ArrayList<>();
    volatile RuntimeException quotaFailure;
    private long used;

    CompletableFuture<Decision> next(CompletableFuture<Decision> answer) {
      answers.add(answer);
      return answer;
    }

    @Override
    public CompletionStage<Decision> acquire(String key, long intervalNanos, long capacityNanos, long cost) {
      keys.add(key);
      return answers.remove();
    }

    @Override
    public CompletionStage<Void> release(String key, long intervalNanos, long cost) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public CompletionStage<QuotaCount> count(String key, long cost, long limit, long windowEndEpochMillis) {
      if (quotaFailure != null) {
        return CompletableFuture.failedFuture(quotaFailure);
      }
      used += cost;
      return CompletableFuture.completedFuture(new QuotaCount(true, used));
    }

    @Override
    public CompletionStage<Void> uncount(String key, long cost) {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void close() {}

    private final String name = "scripted-store-" + java.util.UUID.randomUUID();

    @Override
    public String toString() {
      return name;
    }
  }
}

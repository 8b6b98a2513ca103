package io.gatehouse.impl.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.gatehouse.TimeSource;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.testing.MutableClock;
import io.gatehouse.upstream.ServiceDiscovery;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.Upstream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * Discovery lookups on the poller's own thread, applied to a real pool; the intervals between
 * them on a manual clock, so each test says when the next lookup is due.
 */
class DiscoveryPollerTest {
  private static final Duration INTERVAL = Duration.ofMillis(50);
  private static final Target A = Target.of("http://10.0.0.1:8080");
  private static final Target B = Target.of("http://10.0.0.2:8080");
  private static final Target C = Target.of("http://10.0.0.3:8080");

  private final AtomicReference<List<Target>> answer = new AtomicReference<>(List.of(A, B));
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final AtomicInteger lookups = new AtomicInteger();
  private final ServiceDiscovery discovery = () -> {
    lookups.incrementAndGet();
    Exception e = failure.get();
    if (e != null) {
      throw e;
    }
    return answer.get();
  };

  private final MutableClock clock = new MutableClock();
  private final TimeSource.Scheduler scheduler = clock.newScheduler("discovery-test-timer");
  private String name;
  private TargetPool pool;
  private DiscoveryPoller poller;

  @BeforeEach
  void createPool(TestInfo test) {
    name = test.getTestMethod().orElseThrow().getName();
    pool = TargetPool.of(name, Upstream.discover(discovery, INTERVAL), TimeSource.system(), Observers.NONE);
    poller = new DiscoveryPoller(pool, discovery, INTERVAL, scheduler);
  }

  @AfterEach
  void closePoller() {
    poller.close();
    scheduler.close();
  }

  /** Lets the interval after the last lookup pass, and waits for the lookup that follows to end. */
  private void nextLookup() {
    await(() -> clock.pendingTasks() == 1); // the last lookup has ended and scheduled the next
    int before = lookups.get();
    clock.advance(INTERVAL);
    await(() -> lookups.get() > before && clock.pendingTasks() == 1);
  }

  @Test
  void the_targets_appear_after_start() {
    assertThat(pool.targets()).isEmpty();

    poller.start();

    await(() -> urls().equals(List.of(A.url(), B.url())));
  }

  @Test
  void added_and_removed_targets_are_applied_at_the_next_lookup() {
    poller.start();
    await(() -> urls().equals(List.of(A.url(), B.url())));

    answer.set(List.of(A, B, C));
    await(() -> clock.pendingTasks() == 1); // the first lookup has ended and the interval begun
    clock.advance(INTERVAL.minusNanos(1));
    assertThat(urls()).as("before the interval has passed").isEqualTo(List.of(A.url(), B.url()));
    assertThat(lookups).as("lookups before the interval has passed").hasValue(1);
    clock.advance(Duration.ofNanos(1));
    await(() -> urls().equals(List.of(A.url(), B.url(), C.url())));

    answer.set(List.of(B, C));
    nextLookup();
    assertThat(urls()).isEqualTo(List.of(B.url(), C.url()));
  }

  @Test
  void a_target_that_stays_keeps_its_live_target_and_its_state() {
    poller.start();
    await(() -> urls().equals(List.of(A.url(), B.url())));
    LiveTarget a = pool.targets().get(0);
    a.recordCheck(false, 1, 1, "down in this test");

    answer.set(List.of(A, C));
    nextLookup();
    assertThat(urls()).isEqualTo(List.of(A.url(), C.url()));

    assertThat(pool.targets().get(0)).isSameAs(a);
    assertThat(pool.targets().get(0).healthy()).isFalse();
  }

  @Test
  void a_failing_lookup_keeps_the_last_targets_until_it_answers_again() {
    poller.start();
    await(() -> urls().equals(List.of(A.url(), B.url())));
    List<LiveTarget> before = pool.targets();

    failure.set(new IOException("consul is down"));
    int failedFrom = lookups.get();
    for (int i = 0; i < 3; i++) {
      nextLookup();
    }
    assertThat(lookups.get()).isEqualTo(failedFrom + 3);
    assertThat(pool.targets()).isSameAs(before);

    failure.set(null);
    answer.set(List.of(C));
    nextLookup();
    assertThat(urls()).isEqualTo(List.of(C.url()));
  }

  @Test
  void a_lookup_that_answers_null_keeps_the_last_targets() {
    poller.start();
    await(() -> urls().equals(List.of(A.url(), B.url())));
    List<LiveTarget> before = pool.targets();

    answer.set(null);
    int nullFrom = lookups.get();
    for (int i = 0; i < 3; i++) {
      nextLookup();
    }
    assertThat(lookups.get()).isEqualTo(nullFrom + 3);

    assertThat(pool.targets()).isSameAs(before);
  }

  @Test
  void a_lookup_slower_than_the_interval_does_not_pile_up() {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    Semaphore finish = new Semaphore(0);
    ServiceDiscovery slow = () -> {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      lookups.incrementAndGet();
      finish.acquire(); // the lookup lasts until the test lets it end
      running.decrementAndGet();
      return List.of(A);
    };
    DiscoveryPoller slowPoller = new DiscoveryPoller(pool, slow, INTERVAL, scheduler);
    try {
      slowPoller.start();
      for (int n = 1; n <= 3; n++) {
        int started = n;
        await(() -> lookups.get() == started);
        clock.advance(INTERVAL.multipliedBy(10)); // ten intervals pass while the lookup runs
        assertThat(clock.pendingTasks()).as("lookups due while one runs").isZero();
        finish.release();
        await(() -> clock.pendingTasks() == 1);
        clock.advance(INTERVAL);
      }
    } finally {
      finish.release(100);
      slowPoller.close();
    }

    assertThat(lookups.get()).isGreaterThanOrEqualTo(3);
    assertThat(mostAtOnce.get()).isEqualTo(1);
  }

  @Test
  void dns_discovery_of_localhost_finds_a_loopback_target() {
    ServiceDiscovery dns = ServiceDiscovery.dns("http", "localhost", 8080);
    TargetPool dnsPool = TargetPool.of(name, Upstream.discover(dns, INTERVAL), TimeSource.system(), Observers.NONE);
    DiscoveryPoller dnsPoller = new DiscoveryPoller(dnsPool, dns, INTERVAL, scheduler);
    try {
      dnsPoller.start();
      await(() -> !dnsPool.targets().isEmpty());
    } finally {
      dnsPoller.close();
    }

    assertThat(dnsPool.targets())
        .extracting(t -> t.target().url())
        .isSubsetOf("http://127.0.0.1:8080", "http://[0:0:0:0:0:0:0:1]:8080", "http://[::1]:8080");
  }

  @Test
  void close_stops_the_lookups_and_ends_the_pollers_thread() throws InterruptedException {
    poller.start();
    await(() -> lookups.get() >= 1);
    nextLookup();
    assertThat(threadNames()).contains("gatehouse-discovery-" + name);
    List<Thread> pollerThreads = threadsNamed("gatehouse-discovery-" + name);

    poller.close();
    int afterClose = lookups.get();
    assertThat(clock.pendingTasks()).as("the interval before the next lookup, cancelled").isZero();
    clock.advance(INTERVAL.multipliedBy(3));

    assertThat(lookups.get()).isEqualTo(afterClose);
    // close() waits for the executor, which reports termination just before its thread has exited.
    for (Thread thread : pollerThreads) {
      thread.join(5_000);
    }
    assertThat(threadNames()).doesNotContain("gatehouse-discovery-" + name);
    poller.close(); // idempotent
  }

  @Test
  void start_twice_or_after_close_fails() {
    poller.start();

    assertThatThrownBy(poller::start).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("upstream '" + name + "': discovery poller already started");
    poller.close();
    assertThatThrownBy(poller::start).hasMessageContaining("discovery poller already closed");
  }

  @Test
  void rejects_a_refresh_interval_that_is_not_positive() {
    assertThatThrownBy(() -> new DiscoveryPoller(pool, discovery, Duration.ZERO, scheduler))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("refreshInterval: PT0S (expected: > 0)");
  }

  private List<String> urls() {
    return pool.targets().stream().map(t -> t.target().url()).toList();
  }

  private static List<String> threadNames() {
    return Thread.getAllStackTraces().keySet().stream().map(Thread::getName).toList();
  }

  private static List<Thread> threadsNamed(String threadName) {
    return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(threadName)).toList();
  }

  private static void await(BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        fail("condition not met within 3 s");
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        fail("interrupted");
      }
    }
  }
}

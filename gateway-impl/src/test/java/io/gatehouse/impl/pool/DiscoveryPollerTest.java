package io.gatehouse.impl.pool;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import io.gatehouse.TimeSource;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.upstream.ServiceDiscovery;
import io.gatehouse.upstream.Target;
import io.gatehouse.upstream.Upstream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/** Discovery lookups on the poller's own thread, applied to a real pool. */
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

  private String name;
  private TargetPool pool;
  private DiscoveryPoller poller;

  @BeforeEach
  void createPool(TestInfo test) {
    name = test.getTestMethod().orElseThrow().getName();
    pool = TargetPool.of(name, Upstream.discover(discovery, INTERVAL), TimeSource.system(), Observers.NONE);
    poller = new DiscoveryPoller(pool, discovery, INTERVAL);
  }

  @AfterEach
  void closePoller() {
    poller.close();
  }

  @Test
  void the_targets_appear_after_start() {
    assertThat(pool.targets()).isEmpty();

    poller.start();

    await(() -> urls().equals(List.of(A.url(), B.url())));
  }

  @Test
  void added_and_removed_targets_are_applied_within_a_few_intervals() {
    poller.start();
    await(() -> urls().equals(List.of(A.url(), B.url())));

    answer.set(List.of(A, B, C));
    await(() -> urls().equals(List.of(A.url(), B.url(), C.url())));

    answer.set(List.of(B, C));
    await(() -> urls().equals(List.of(B.url(), C.url())));
  }

  @Test
  void a_target_that_stays_keeps_its_live_target_and_its_state() {
    poller.start();
    await(() -> urls().equals(List.of(A.url(), B.url())));
    LiveTarget a = pool.targets().get(0);
    a.recordCheck(false, 1, 1, "down in this test");

    answer.set(List.of(A, C));
    await(() -> urls().equals(List.of(A.url(), C.url())));

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
    await(() -> lookups.get() >= failedFrom + 3);
    assertThat(pool.targets()).isSameAs(before);

    failure.set(null);
    answer.set(List.of(C));
    await(() -> urls().equals(List.of(C.url())));
  }

  @Test
  void a_lookup_that_answers_null_keeps_the_last_targets() {
    poller.start();
    await(() -> urls().equals(List.of(A.url(), B.url())));
    List<LiveTarget> before = pool.targets();

    answer.set(null);
    int nullFrom = lookups.get();
    await(() -> lookups.get() >= nullFrom + 3);

    assertThat(pool.targets()).isSameAs(before);
  }

  @Test
  void a_lookup_slower_than_the_interval_does_not_pile_up() throws InterruptedException {
    AtomicInteger running = new AtomicInteger();
    AtomicInteger mostAtOnce = new AtomicInteger();
    ServiceDiscovery slow = () -> {
      mostAtOnce.accumulateAndGet(running.incrementAndGet(), Math::max);
      lookups.incrementAndGet();
      Thread.sleep(3 * INTERVAL.toMillis());
      running.decrementAndGet();
      return List.of(A);
    };
    DiscoveryPoller slowPoller = new DiscoveryPoller(pool, slow, INTERVAL);
    try {
      slowPoller.start();
      await(() -> lookups.get() >= 3);
    } finally {
      slowPoller.close();
    }

    assertThat(mostAtOnce.get()).isEqualTo(1);
  }

  @Test
  void dns_discovery_of_localhost_finds_a_loopback_target() {
    ServiceDiscovery dns = ServiceDiscovery.dns("http", "localhost", 8080);
    TargetPool dnsPool = TargetPool.of(name, Upstream.discover(dns, INTERVAL), TimeSource.system(), Observers.NONE);
    DiscoveryPoller dnsPoller = new DiscoveryPoller(dnsPool, dns, INTERVAL);
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
    await(() -> lookups.get() >= 2);
    assertThat(threadNames()).contains("gatehouse-discovery-" + name);
    List<Thread> pollerThreads = threadsNamed("gatehouse-discovery-" + name);

    poller.close();
    int afterClose = lookups.get();
    Thread.sleep(3 * INTERVAL.toMillis());

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
    assertThatThrownBy(() -> new DiscoveryPoller(pool, discovery, Duration.ZERO))
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

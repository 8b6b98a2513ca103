package io.gatehouse.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.groups.Tuple.tuple;

import io.gatehouse.Gateway;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SwappableGatewayTest {
  private final StubGateway a = new StubGateway("A");
  private final StubGateway b = new StubGateway("B");
  private final StubGateway c = new StubGateway("C");

  // Without gateway-impl on the class path the holder logs through the JDK's System.Logger, that
  // is java.util.logging: captured here rather than printed.
  private final Logger jul = Logger.getLogger("io.gatehouse.adapter.SwappableGateway");
  private final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  private final Handler capture = new Handler() {
    @Override
    public void publish(LogRecord record) {
      logged.add(record);
    }

    @Override
    public void flush() {}

    @Override
    public void close() {}
  };

  @BeforeEach
  void captureTheLog() {
    jul.setUseParentHandlers(false);
    jul.addHandler(capture);
  }

  @AfterEach
  void restoreTheLog() {
    jul.removeHandler(capture);
    jul.setUseParentHandlers(true);
  }

  private static boolean isDone(CompletionStage<?> stage) {
    return stage.toCompletableFuture().isDone();
  }

  @Test
  void swap_publishes_the_next_gateway_and_returns_the_previous_one() {
    SwappableGateway gateways = SwappableGateway.of(a);

    assertThat(gateways.current()).isSameAs(a);
    assertThat(gateways.swap(b)).isSameAs(a);
    assertThat(gateways.current()).isSameAs(b);
    assertThat(gateways.acquire().gateway()).isSameAs(b);
  }

  @Test
  void a_swap_is_logged_at_info_with_both_versions() {
    SwappableGateway.of(a).swap(b);

    assertThat(logged).extracting(LogRecord::getLevel, LogRecord::getMessage)
        .containsExactly(tuple(Level.INFO, "gateway configuration swapped: version A -> B"));
  }

  @Test
  void the_next_gateway_takes_the_previous_ones_state_before_it_is_published() {
    SwappableGateway gateways = SwappableGateway.of(a);

    gateways.swap(b);
    gateways.swap(b);

    assertThat(b.tookStateFrom).as("swapping in the current gateway again takes nothing").containsExactly(a);
    assertThat(a.closed).as("a swap never closes").isFalse();
  }

  @Test
  void a_lease_keeps_the_gateway_it_was_given_across_swaps() {
    SwappableGateway gateways = SwappableGateway.of(a);
    SwappableGateway.Lease lease = gateways.acquire();

    gateways.swap(b);

    assertThat(lease.gateway()).isSameAs(a);
    assertThat(gateways.inFlight(a)).isEqualTo(1);
    assertThat(gateways.inFlight(b)).isZero();
  }

  @Test
  void drained_completes_only_after_the_last_request_on_the_old_gateway_ends() throws Exception {
    SwappableGateway gateways = SwappableGateway.of(a);
    SwappableGateway.Lease first = gateways.acquire();
    SwappableGateway.Lease second = gateways.acquire();

    Gateway previous = gateways.swap(b);
    CompletionStage<Gateway> drained = gateways.drained(previous);
    SwappableGateway.Lease onB = gateways.acquire();

    assertThat(isDone(drained)).isFalse();
    first.release();
    first.release(); // idempotent: counts once
    assertThat(isDone(drained)).as("one request still in flight on A").isFalse();
    assertThat(gateways.inFlight(a)).isEqualTo(1);
    second.release();
    assertThat(drained.toCompletableFuture().get(1, TimeUnit.SECONDS)).isSameAs(a);
    assertThat(gateways.inFlight(a)).isZero();
    assertThat(isDone(gateways.drained(b))).as("B is current, with a request in flight").isFalse();
    onB.release();
  }

  @Test
  void drained_of_a_gateway_without_requests_completes_at_the_swap() {
    SwappableGateway gateways = SwappableGateway.of(a);
    CompletionStage<Gateway> beforeSwap = gateways.drained(a);

    assertThat(isDone(beforeSwap)).as("A is current").isFalse();
    gateways.swap(b);

    assertThat(isDone(beforeSwap)).isTrue();
    assertThat(isDone(gateways.drained(a))).isTrue();
    assertThat(isDone(gateways.drained(c))).as("a gateway the holder never had").isTrue();
  }

  @Test
  void a_gateway_swapped_back_in_before_it_drained_is_not_reported_drained() {
    SwappableGateway gateways = SwappableGateway.of(a);
    SwappableGateway.Lease onA = gateways.acquire();
    gateways.swap(b);
    CompletionStage<Gateway> drainedA = gateways.drained(a);

    gateways.swap(a);
    onA.release();
    assertThat(isDone(drainedA)).as("A is current again").isFalse();
    SwappableGateway.Lease again = gateways.acquire();
    assertThat(again.gateway()).isSameAs(a);

    gateways.swap(c);
    assertThat(isDone(drainedA)).as("swapped out, one request in flight").isFalse();
    again.release();
    assertThat(isDone(drainedA)).isTrue();
  }

  @Test
  void the_stage_that_drained_returns_cannot_be_completed_by_its_caller() {
    SwappableGateway gateways = SwappableGateway.of(a);
    SwappableGateway.Lease lease = gateways.acquire();
    gateways.swap(b);

    gateways.drained(a).toCompletableFuture().complete(c);

    assertThat(isDone(gateways.drained(a))).isFalse();
    lease.release();
    assertThat(gateways.drained(a).toCompletableFuture().join()).isSameAs(a);
  }

  @Test
  void listeners_hear_of_every_swap_in_the_order_they_were_added() {
    SwappableGateway gateways = SwappableGateway.of(a);
    List<String> heard = new ArrayList<>();
    gateways.addListener((previous, next) -> heard.add("1:" + previous.version() + "->" + next.version()));
    gateways.addListener((previous, next) -> {
      assertThat(gateways.current()).as("published before listeners run").isSameAs(next);
      heard.add("2:" + previous.version() + "->" + next.version());
    });

    gateways.swap(b);
    gateways.swap(c);

    assertThat(heard).containsExactly("1:A->B", "2:A->B", "1:B->C", "2:B->C");
  }

  @Test
  void a_failing_listener_neither_undoes_the_swap_nor_silences_the_others() {
    SwappableGateway gateways = SwappableGateway.of(a);
    AtomicInteger told = new AtomicInteger();
    gateways.addListener((previous, next) -> {
      throw new IllegalStateException("listener broke");
    });
    gateways.addListener((previous, next) -> told.incrementAndGet());

    assertThat(gateways.swap(b)).isSameAs(a);

    assertThat(gateways.current()).isSameAs(b);
    assertThat(told).hasValue(1);
  }

  @Test
  void a_failing_state_takeover_leaves_the_previous_gateway_in_place() {
    SwappableGateway gateways = SwappableGateway.of(a);
    StubGateway refusing = new StubGateway("R") {
      @Override
      public void takeStateFrom(Gateway previous) {
        throw new IllegalStateException("cannot take over");
      }
    };

    assertThatThrownBy(() -> gateways.swap(refusing)).hasMessage("cannot take over");
    assertThat(gateways.current()).isSameAs(a);
    assertThat(isDone(gateways.drained(a))).isFalse();
  }

  @Test
  void null_arguments_are_refused_naming_the_parameter() {
    SwappableGateway gateways = SwappableGateway.of(a);

    assertThatThrownBy(() -> SwappableGateway.of(null)).hasMessage("initial");
    assertThatThrownBy(() -> gateways.swap(null)).hasMessage("next");
    assertThatThrownBy(() -> gateways.drained(null)).hasMessage("gateway");
    assertThatThrownBy(() -> gateways.addListener(null)).hasMessage("listener");
  }

  @Test
  void every_request_counts_on_exactly_one_gateway_while_swaps_race_with_acquires() throws Exception {
    SwappableGateway gateways = SwappableGateway.of(a);
    List<Gateway> all = List.of(a, b, c);
    int threads = 4;
    int perThread = 20_000;
    ExecutorService pool = Executors.newFixedThreadPool(threads + 1);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < perThread; i++) {
            SwappableGateway.Lease lease = gateways.acquire();
            assertThat(all).contains(lease.gateway());
            lease.release();
          }
          return null;
        }));
      }
      Future<?> swapper = pool.submit(() -> {
        start.await();
        for (int i = 0; i < 2_000; i++) {
          gateways.swap(all.get(i % 3));
        }
        return null;
      });
      start.countDown();
      for (Future<?> w : workers) {
        w.get(30, TimeUnit.SECONDS);
      }
      swapper.get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    Gateway current = gateways.current();
    for (Gateway g : all) {
      assertThat(gateways.inFlight(g)).as("in flight on %s", g).isZero();
      assertThat(isDone(gateways.drained(g))).as("drained %s", g).isEqualTo(g != current);
    }
  }

  @Test
  void drained_runs_dependent_actions_on_the_thread_that_ends_the_last_request() throws Exception {
    SwappableGateway gateways = SwappableGateway.of(a);
    SwappableGateway.Lease lease = gateways.acquire();
    gateways.swap(b);
    CompletableFuture<Thread> ranOn = new CompletableFuture<>();
    gateways.drained(a).thenRun(() -> ranOn.complete(Thread.currentThread()));

    Thread releaser = new Thread(lease::release, "io-thread-stand-in");
    releaser.start();
    releaser.join(10_000);

    assertThat(ranOn.get(1, TimeUnit.SECONDS)).isSameAs(releaser);
  }

  @Test
  void the_holder_and_its_leases_print_the_gateway_they_hold() {
    SwappableGateway gateways = SwappableGateway.of(a);
    SwappableGateway.Lease lease = gateways.acquire();

    assertThat(gateways).hasToString("SwappableGateway[StubGateway[A]]");
    assertThat(lease).hasToString("Lease[StubGateway[A]]");
    lease.release();
    assertThat(lease).hasToString("Lease[StubGateway[A], released]");
  }
}

package io.gatehouse.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.testing.ManualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Bulkheads, driven through {@code Gateway.handle}: a route filter stands in for a slow upstream
 * and completes its responses when the test says so.
 */
class ConcurrencyLimitTest {
  private final ConcurrentLinkedQueue<CompletableFuture<Response>> pending = new ConcurrentLinkedQueue<>();
  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  /** Queue waits time out on this clock: only when a test advances it. */
  private final ManualClock clock = ManualClock.create();
  private Gateway gateway;

  @AfterEach
  void close() {
    pending.forEach(f -> f.complete(Response.of(200)));
    gateway.close();
  }

  private Gateway gateway(ConcurrencyLimit limit) {
    gateway = Gateway.builder().time(clock).observer(records::add)
        .route("slow", r -> r.path("/**").concurrencyLimit(limit)
            .filter((exchange, chain) -> {
              CompletableFuture<Response> answer = new CompletableFuture<>();
              pending.add(answer);
              return answer;
            })
            .respond(200, "text/plain", "never used"))
        .build();
    return gateway;
  }

  private CompletableFuture<Response> send() {
    return gateway.handle(Request.builder("GET", "/x").build()).toCompletableFuture();
  }

  private static int status(CompletableFuture<Response> f) throws Exception {
    return f.get(10, TimeUnit.SECONDS).status();
  }

  @Test
  void beyond_the_limit_requests_get_503_at_once_and_a_finished_one_frees_its_slot() throws Exception {
    gateway(ConcurrencyLimit.of(2));
    CompletableFuture<Response> first = send();
    CompletableFuture<Response> second = send();

    CompletableFuture<Response> third = send();
    assertThat(status(third)).isEqualTo(503);
    assertThat(third.get().headers().first("Retry-After")).hasValue("1");
    assertThat(records).singleElement().satisfies(r -> assertThat(r.rejection()).contains(Rejection.CONCURRENCY_LIMITED));
    assertThat(third.get().body().bytes(4096).toCompletableFuture().get(10, TimeUnit.SECONDS))
        .asString().contains("route 'slow' has 2 requests in flight, its limit");

    pending.poll().complete(Response.of(200));
    assertThat(status(first)).isEqualTo(200);
    assertThat(send()).isNotDone();
    assertThat(status(send())).isEqualTo(503);
    assertThat(second).isNotDone();
  }

  @Test
  void queued_requests_take_freed_slots_in_order_and_the_rest_time_out() throws Exception {
    gateway(ConcurrencyLimit.of(1).queue(2, Duration.ofMillis(300)));
    CompletableFuture<Response> running = send();
    CompletableFuture<Response> waitingA = send();
    CompletableFuture<Response> waitingB = send();
    assertThat(status(send())).as("the queue is full").isEqualTo(503);
    assertThat(waitingA).isNotDone();
    assertThat(pending).hasSize(1);

    pending.poll().complete(Response.of(200));
    assertThat(status(running)).isEqualTo(200);
    assertThat(pending).as("A got the slot, handed over on this thread").hasSize(1);
    clock.advance(Duration.ofMillis(299));
    assertThat(waitingB).as("B a millisecond before its wait ends").isNotDone();
    clock.advance(Duration.ofMillis(1));
    assertThat(waitingB).isDone();
    assertThat(status(waitingB)).as("B waited 300 ms, then gave up").isEqualTo(503);
    pending.poll().complete(Response.of(201));
    assertThat(status(waitingA)).isEqualTo(201);
  }

  @Test
  void many_concurrent_requests_never_exceed_the_limit() throws Exception {
    gateway(ConcurrencyLimit.of(5).queue(1_000, Duration.ofSeconds(10)));
    List<CompletableFuture<Response>> all = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      all.add(send());
    }
    int done = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (done < 200) {
      assertThat(System.nanoTime()).as("all 200 served within 20 s").isLessThan(deadline);
      assertThat(pending.size()).isLessThanOrEqualTo(5);
      CompletableFuture<Response> next = pending.poll();
      if (next != null) {
        next.complete(Response.of(200));
        done++;
      }
    }
    for (CompletableFuture<Response> f : all) {
      assertThat(status(f)).isEqualTo(200);
    }
  }

  @Test
  void values_are_checked_at_once() {
    assertThatThrownBy(() -> ConcurrencyLimit.of(0)).hasMessage("maxInFlight: 0 (expected: >= 1)");
    assertThatThrownBy(() -> ConcurrencyLimit.of(1).queue(0, Duration.ofSeconds(1))).hasMessage("maxQueued: 0 (expected: >= 1)");
    assertThatThrownBy(() -> ConcurrencyLimit.of(1).queue(1, Duration.ZERO))
        .hasMessage("maxWait: PT0S (expected: > 0 with a queue, >= 0 without)");
    gateway(ConcurrencyLimit.of(1));
  }
}

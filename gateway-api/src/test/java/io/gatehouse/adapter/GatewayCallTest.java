package io.gatehouse.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GatewayCallTest {
  private final ManualExecutor io = new ManualExecutor();
  private final GatewayCall call = GatewayCall.create(io);
  private final List<String> answers = new ArrayList<>();
  private final Consumer<Response> writer = response -> answers.add(response.status() == 599
      ? "problem " + response.headers().first("X-Detail").orElseThrow()
      : "respond " + response.status());
  private final BiFunction<Integer, String, Response> problems = (status, detail) -> {
    assertThat(status).isEqualTo(502);
    return Response.builder(599).header("X-Detail", status + " " + detail).build();
  };
  private final Request request = Request.builder("GET", "/x").build();

  /** A streaming body that counts the subscriptions cancelled. */
  static final class CountingBody implements Flow.Publisher<ByteBuffer> {
    final AtomicInteger cancelled = new AtomicInteger();

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          throw new AssertionError("a discarded body is never read");
        }

        @Override
        public void cancel() {
          cancelled.incrementAndGet();
        }
      });
    }
  }

  @Test
  void writes_a_final_response_on_the_executor() {
    CompletableFuture<Response> stage = new CompletableFuture<>();

    assertThat(call.call(r -> stage, request, writer, problems)).isTrue();
    stage.complete(Response.of(200));
    assertThat(answers).as("not before the executor runs").isEmpty();
    io.runAll();

    assertThat(answers).containsExactly("respond 200");
    assertThat(call.isWaiting()).isFalse();
  }

  @Test
  void a_handler_that_throws_is_answered_with_a_502_problem_at_once() {
    assertThat(call.call(r -> {
      throw new IllegalStateException("bug");
    }, request, writer, problems)).isFalse();

    assertThat(answers).containsExactly("problem 502 The gateway failed to produce a response.");
  }

  @Test
  void a_virtual_machine_error_of_the_handler_is_not_swallowed() {
    assertThatThrownBy(() -> call.call(r -> {
      throw new OutOfMemoryError("test");
    }, request, writer, problems)).isInstanceOf(OutOfMemoryError.class);
    assertThat(answers).isEmpty();
  }

  @Test
  void a_handler_that_returns_null_is_answered_with_a_502_problem() {
    assertThat(call.call(r -> null, request, writer, problems)).isFalse();

    assertThat(answers).containsExactly("problem 502 The gateway failed to produce a response.");
  }

  @Test
  void a_stage_that_completes_exceptionally_or_with_null_is_answered_with_a_502_problem() {
    call.call(r -> CompletableFuture.failedFuture(new IllegalStateException("bug")), request, writer, problems);
    GatewayCall second = GatewayCall.create(io);
    second.call(r -> CompletableFuture.completedFuture(null), request, writer, problems);
    io.runAll();

    assertThat(answers).containsExactly("problem 502 The gateway failed to produce a response.",
        "problem 502 The gateway failed to produce a response.");
  }

  @ParameterizedTest
  @ValueSource(ints = {100, 101, 103, 199})
  void an_interim_status_is_answered_with_a_502_problem_and_its_body_released(int status) {
    CountingBody body = new CountingBody();
    call.call(r -> CompletableFuture.completedFuture(
        Response.builder(status).body(Body.ofPublisher(body, -1)).build()), request, writer, problems);
    io.runAll();

    assertThat(answers).containsExactly("problem 502 The gateway answered with an interim status.");
    assertThat(body.cancelled).hasValue(1);
  }

  @Test
  void an_abort_cancels_the_stage_and_the_late_response_is_discarded_not_written() {
    CompletableFuture<Response> stage = new CompletableFuture<>();
    call.call(r -> stage, request, writer, problems);
    assertThat(call.isWaiting()).isTrue();

    assertThat(call.abort()).isTrue();
    assertThat(stage).isCancelled();
    assertThat(call.isAborted()).isTrue();
    io.runAll();
    assertThat(answers).isEmpty();
  }

  @Test
  void an_abort_before_the_call_cancels_the_stage_as_soon_as_the_handler_returns_it() {
    CompletableFuture<Response> stage = new CompletableFuture<>();
    call.abort();

    assertThat(call.call(r -> stage, request, writer, problems)).isFalse();
    assertThat(stage).isCancelled();
    io.runAll();
    assertThat(answers).isEmpty();
  }

  @Test
  void once_the_adapter_answers_on_its_own_a_late_response_has_its_body_released() {
    CountingBody body = new CountingBody();
    CompletableFuture<Response> stage = new CompletableFuture<>();
    call.call(r -> stage, request, writer, problems);
    call.markResponding();
    assertThat(call.isResponding()).isTrue();
    stage.complete(Response.builder(200).body(Body.ofPublisher(body, -1)).build());
    io.runAll();

    assertThat(answers).isEmpty();
    assertThat(body.cancelled).hasValue(1);
  }

  @Test
  void cancel_call_cancels_the_stage_without_aborting() {
    CompletableFuture<Response> stage = new CompletableFuture<>();
    call.cancelCall();
    call.call(r -> stage, request, writer, problems);
    call.cancelCall();

    assertThat(stage).isCancelled();
    assertThat(call.isAborted()).isFalse();
  }

  @Test
  void a_stage_without_a_future_view_cannot_be_cancelled_and_counts_as_waiting() {
    CompletableFuture<Response> stage = new CompletableFuture<>();
    call.call(r -> stage.minimalCompletionStage(), request, writer, problems);

    assertThat(call.abort()).isTrue();
    assertThat(stage).isNotCancelled();
  }

  @Test
  void abort_and_end_each_happen_once_however_many_threads_race() throws Exception {
    int threads = 8;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int round = 0; round < 200; round++) {
        GatewayCall racing = GatewayCall.create(io);
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Integer>> wins = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          wins.add(pool.submit(() -> {
            start.await(10, TimeUnit.SECONDS);
            return (racing.abort() ? 1 : 0) + (racing.end() ? 10 : 0);
          }));
        }
        int total = 0;
        for (Future<Integer> w : wins) {
          total += w.get(10, TimeUnit.SECONDS);
        }
        assertThat(total).as("round %d: one abort and one end won", round).isEqualTo(11);
        assertThat(racing.isAborted()).isTrue();
        assertThat(racing.isEnded()).isTrue();
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void an_abort_racing_the_handler_always_leaves_the_stage_cancelled() throws Exception {
    ExecutorService pool = Executors.newSingleThreadExecutor();
    try {
      for (int round = 0; round < 500; round++) {
        GatewayCall racing = GatewayCall.create(io);
        CompletableFuture<Response> stage = new CompletableFuture<>();
        CountDownLatch go = new CountDownLatch(1);
        Future<?> aborter = pool.submit(() -> {
          go.await();
          return racing.abort();
        });
        go.countDown();
        racing.call(r -> stage, request, writer, problems);
        aborter.get(10, TimeUnit.SECONDS);
        assertThat(stage).as("round %d", round).isCancelled();
      }
    } finally {
      pool.shutdownNow();
    }
    io.runAll();
    assertThat(answers).isEmpty();
  }

  @Test
  void discard_cancels_a_streaming_body_and_leaves_one_in_memory_alone() {
    CountingBody streaming = new CountingBody();
    GatewayCall.discard(Body.ofPublisher(streaming, 10));
    GatewayCall.discard(Body.of("in memory"));

    assertThat(streaming.cancelled).hasValue(1);
  }

  @Test
  void discard_swallows_a_body_whose_subscribe_throws() {
    GatewayCall.discard(Body.ofPublisher(s -> {
      throw new IllegalStateException("already consumed");
    }, -1));
  }
}

package io.gatehouse.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.Response;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class GracefulStopTest {
  private static void awaitDraining(GracefulStop gate) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!gate.isDraining()) {
      assertThat(System.nanoTime()).as("draining within 10 s").isLessThan(deadline);
      Thread.sleep(2);
    }
  }

  @Test
  void admits_and_counts_requests_until_a_drain_begins() throws Exception {
    GracefulStop gate = GracefulStop.create();

    assertThat(gate.enter()).isTrue();
    assertThat(gate.enter()).isTrue();
    assertThat(gate.inFlight()).isEqualTo(2);
    gate.exit();
    gate.exit();

    assertThat(gate.drain(Duration.ZERO)).isTrue();
    assertThat(gate.isDraining()).isTrue();
    assertThat(gate.enter()).as("refused while draining").isFalse();
    assertThat(gate.inFlight()).isZero();
  }

  @Test
  void drain_waits_for_the_requests_in_flight_and_says_they_all_ended() throws Exception {
    GracefulStop gate = GracefulStop.create();
    assertThat(gate.enter()).isTrue();

    CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> {
      try {
        return gate.drain(Duration.ofSeconds(10));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    awaitDraining(gate);
    assertThat(drained).isNotDone();
    assertThat(gate.enter()).isFalse();

    gate.exit();
    assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
  }

  @Test
  void drain_gives_up_at_the_timeout_when_a_request_is_still_in_flight() throws Exception {
    GracefulStop gate = GracefulStop.create();
    assertThat(gate.enter()).isTrue();

    long start = System.nanoTime();
    assertThat(gate.drain(Duration.ofMillis(100))).isFalse();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    assertThat(gate.inFlight()).isEqualTo(1);
  }

  @Test
  void the_refusal_is_a_closing_503_problem_with_the_time_left_of_the_drain() throws Exception {
    GracefulStop gate = GracefulStop.create();
    assertThat(gate.enter()).isTrue();
    CompletableFuture.runAsync(() -> {
      try {
        gate.drain(Duration.ofSeconds(30));
      } catch (InterruptedException e) {
        throw new IllegalStateException(e);
      }
    });
    awaitDraining(gate);

    Response refusal = gate.refusal("req-7");

    assertThat(refusal.status()).isEqualTo(503);
    assertThat(refusal.headers().first("Connection")).contains("close");
    assertThat(refusal.headers().first("Content-Type")).contains("application/problem+json");
    assertThat(refusal.headers().first("X-Request-Id")).contains("req-7");
    assertThat(Long.parseLong(refusal.headers().first("Retry-After").orElseThrow())).isBetween(25L, 30L);
    assertThat(new String(refusal.body().inMemory().orElseThrow(), StandardCharsets.UTF_8))
        .contains("\"detail\":\"The server is shutting down.\"");
    gate.exit();
  }

  @Test
  void exit_without_a_request_in_flight_fails_loudly() {
    GracefulStop gate = GracefulStop.create();

    assertThatThrownBy(gate::exit)
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("exit: no request in flight (expected: one exit per admitted enter())");
  }

  @Test
  void a_negative_timeout_is_refused() {
    assertThatThrownBy(() -> GracefulStop.create().drain(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("timeout: PT-1S (expected: >= 0)");
  }
}

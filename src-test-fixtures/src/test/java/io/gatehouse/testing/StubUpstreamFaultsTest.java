package io.gatehouse.testing;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static io.gatehouse.testing.assertj.GatewayAssertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StubUpstreamFaultsTest {
  private static final String ORDERS = "http://orders:8080";

  private final GatewayTester tester = GatewayTester.of(Gateway.builder()
      .route("r", r -> r.path("/**").upstream(ORDERS).responseTimeout(Duration.ofMillis(200))));
  private final StubUpstream orders = tester.upstream(ORDERS);

  @AfterEach
  void close() {
    tester.close();
  }

  @Test
  void fail_next_gives_the_status_that_many_times_then_the_standing_answer() {
    orders.respond(200, "fine").failNext(2, 503);
    assertThat(tester.get("/a").send()).hasStatus(503).hasBody("");
    assertThat(tester.get("/a").send()).hasStatus(503);
    assertThat(tester.get("/a").send()).hasStatus(200).hasBody("fine");
    assertThat(orders.received()).hasSize(3);
  }

  @Test
  void fail_next_queues_after_answers_already_queued() {
    orders.thenRespond(Response.of(201)).failNext(1, 500);
    assertThat(tester.get("/a").send()).hasStatus(201);
    assertThat(tester.get("/a").send()).hasStatus(500);
    assertThat(tester.get("/a").send()).hasStatus(200);
  }

  @Test
  void a_refusing_upstream_gives_502_until_it_answers_again() {
    orders.refuse();
    assertThat(tester.get("/a").send()).hasStatus(502).isProblem().bodyContains("could not be reached");
    orders.respond(200);
    assertThat(tester.get("/a").send()).hasStatus(200);
  }

  @Test
  void reset_next_resets_only_that_many_requests() {
    orders.respond(200, "fine").resetNext(2);
    assertThat(tester.get("/a").send()).hasStatus(502).isProblem();
    assertThat(tester.get("/a").send()).hasStatus(502);
    assertThat(tester.get("/a").send()).hasStatus(200).hasBody("fine");
  }

  @Test
  void a_respond_with_function_that_returns_null_fails_that_call() {
    orders.respondWith(request -> request.path().equals("/null") ? null : Response.of(204));
    assertThat(tester.get("/null").send()).hasStatus(502).isProblem();
    assertThat(tester.get("/a").send()).hasStatus(204);
  }

  @Test
  void a_resetting_upstream_gives_502() {
    orders.reset();
    assertThat(tester.get("/a").send()).hasStatus(502).isProblem().bodyContains("closed the connection");
    assertThat(orders.received()).hasSize(1);
  }

  @Test
  void a_delay_within_the_response_timeout_holds_the_answer_back() {
    orders.respond(200, "late").delay(Duration.ofMillis(50));
    long start = System.nanoTime();
    TestResponse res = tester.get("/a").send();
    long elapsed = System.nanoTime() - start;
    assertThat(res).hasStatus(200).hasBody("late");
    assertThat(Duration.ofNanos(elapsed)).isGreaterThanOrEqualTo(Duration.ofMillis(50));
  }

  @Test
  void a_delay_beyond_the_response_timeout_gives_504_when_the_timeout_ends() {
    orders.delay(Duration.ofSeconds(2));
    long start = System.nanoTime();
    TestResponse res = tester.get("/a").send();
    long elapsed = System.nanoTime() - start;
    assertThat(res).hasStatus(504).isProblem().bodyContains("did not answer in time");
    assertThat(Duration.ofNanos(elapsed)).isBetween(Duration.ofMillis(200), Duration.ofMillis(1500));
  }

  @Test
  void a_delay_holds_back_queued_answers_and_failures_too() {
    orders.delay(Duration.ofMillis(50)).failNext(1, 503).thenFail(UpstreamException.Kind.CONNECTION_RESET);
    long start = System.nanoTime();
    assertThat(tester.get("/a").send()).hasStatus(503);
    assertThat(tester.get("/a").send()).hasStatus(502);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(100));
    orders.delay(Duration.ZERO);
    assertThat(tester.get("/a").send()).hasStatus(200);
  }

  @Test
  void a_cancelled_call_leaves_no_timer_task_behind() {
    orders.delay(Duration.ofSeconds(10));
    StubTransport transport = tester.transport();
    UpstreamCall call = new UpstreamCall(URI.create(ORDERS), Request.builder("GET", "/a").build(),
        Duration.ofSeconds(1), Duration.ofSeconds(10));
    CompletableFuture<Response> sent = transport.send(call).toCompletableFuture();
    assertThat(transport.timer().waiting()).isEqualTo(2); // the delayed answer and the timeout
    sent.cancel(true);
    assertThat(transport.timer().waiting()).isZero();
  }

  @Test
  void closing_the_tester_fails_delayed_answers_and_stops_the_timer_thread() throws Exception {
    orders.delay(Duration.ofSeconds(10));
    StubTransport transport = tester.transport();
    UpstreamCall call = new UpstreamCall(URI.create(ORDERS), Request.builder("GET", "/a").build(),
        Duration.ofSeconds(1), Duration.ofSeconds(10));
    CompletableFuture<Response> sent = transport.send(call).toCompletableFuture();
    List<Thread> timers = Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().equals(StubTimer.THREAD_NAME)).toList();
    assertThat(timers).isNotEmpty();

    tester.close();

    assertThatThrownBy(() -> sent.get(1, TimeUnit.SECONDS))
        .hasCauseInstanceOf(UpstreamException.class)
        .hasMessageContaining("the stub transport is closed");
    for (Thread timer : timers) {
      timer.join(5_000); // an executor reports termination just before its last thread has exited
    }
    assertThat(timers).noneMatch(Thread::isAlive);
  }

  @Test
  void without_a_delay_no_timer_thread_starts() {
    assertThat(tester.get("/a").send()).hasStatus(200);
    assertThat(tester.transport().timer().started()).isFalse();
  }

  @Test
  void fail_next_rejects_a_negative_count() {
    assertThatThrownBy(() -> orders.failNext(-1, 503)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("n: -1 (expected: >= 0)");
    assertThatThrownBy(() -> orders.failNext(1, 99)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("status: 99 (expected: 100 to 599)");
  }

  @Test
  void delay_rejects_a_negative_duration() {
    assertThatThrownBy(() -> orders.delay(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("delay: PT-1S (expected: >= 0)");
  }
}

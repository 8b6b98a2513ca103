package io.gatehouse.time;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.ratelimit.ConcurrencyLimit;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestResponse;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Everything a gateway waits for runs on its time source's scheduler, so a manual clock decides
 * when a route's deadline passes, a backoff ends, a throttled request goes on and a queued one
 * gives up: each test holds the clock a millisecond short of the moment, then moves it there.
 */
class ManualClockDrivesTheGatewayTest {
  private static final String UP = "http://orders:8080";

  private final ManualClock clock = ManualClock.create();
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private CompletableFuture<TestResponse> sendAndHoldBefore(Duration moment) {
    CompletableFuture<TestResponse> pending = tester.get("/x").sendAsync();
    clock.advance(moment.minusMillis(1));
    org.assertj.core.api.Assertions.assertThat(pending).as("a millisecond before %s", moment).isNotDone();
    clock.advance(Duration.ofMillis(1));
    org.assertj.core.api.Assertions.assertThat(pending).as("at %s", moment).isDone();
    return pending;
  }

  @Test
  void a_route_deadline_passes_when_the_clock_passes_it() {
    tester = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(UP).timeout(Duration.ofSeconds(2))))
        .stubUpstream(UP, s -> s.delay(Duration.ofMinutes(1)).respond(200, "late"));

    TestResponse res = sendAndHoldBefore(Duration.ofSeconds(2)).join();

    assertThat(res).hasStatus(504).isProblem().bodyContains("within the route's timeout");
  }

  @Test
  void a_retry_waits_for_its_backoff_on_the_clock() {
    tester = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(UP)
                .retry(Retry.times(1).onStatuses(503).backoff(Duration.ofMillis(200), Duration.ofMillis(200)))))
        .stubUpstream(UP, s -> s.failNext(1, 503).respond(200, "ok"));

    CompletableFuture<TestResponse> pending = tester.get("/x").sendAsync();
    // The backoff is jittered, from 0 to 200 ms: the retry waits until the clock has moved.
    org.assertj.core.api.Assertions.assertThat(pending).as("while the clock stands still").isNotDone();
    org.assertj.core.api.Assertions.assertThat(tester.upstream(UP).received()).as("before the backoff").hasSize(1);
    clock.advance(Duration.ofMillis(200));

    org.assertj.core.api.Assertions.assertThat(pending).isDone();
    assertThat(pending.join()).hasStatus(200);
    org.assertj.core.api.Assertions.assertThat(tester.upstream(UP).received()).hasSize(2);
  }

  @Test
  void a_throttled_request_goes_on_when_its_turn_comes_on_the_clock() {
    tester = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(UP)
                .rateLimit(RateLimit.perRoute(1).per(Duration.ofSeconds(1)).throttle(Duration.ofSeconds(2)))))
        .stubUpstream(UP, s -> s.respond(200, "ok"));
    assertThat(tester.get("/x").send()).hasStatus(200);

    TestResponse res = sendAndHoldBefore(Duration.ofSeconds(1)).join();

    assertThat(res).hasStatus(200);
  }

  @Test
  void a_queued_request_gives_up_when_its_wait_ends_on_the_clock() {
    CompletableFuture<Void> hold = new CompletableFuture<>();
    tester = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(UP)
                .concurrencyLimit(ConcurrencyLimit.of(1).queue(1, Duration.ofMillis(500)))
                .filter((exchange, chain) -> exchange.request().path().equals("/held")
                    ? hold.thenCompose(v -> chain.proceed(exchange)) : chain.proceed(exchange))))
        .stubUpstream(UP, s -> s.respond(200, "ok"));
    CompletableFuture<TestResponse> held = tester.get("/held").sendAsync();

    TestResponse res = sendAndHoldBefore(Duration.ofMillis(500)).join();

    assertThat(res).hasStatus(503);
    hold.complete(null);
    assertThat(held.join()).hasStatus(200);
  }

  @Test
  void closing_the_gateway_answers_a_request_that_waits_for_the_clock() throws Exception {
    tester = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(UP)
                .retry(Retry.times(1).onStatuses(503).backoff(Duration.ofHours(1), Duration.ofHours(1)))
                .timeout(Duration.ofHours(3))))
        .stubUpstream(UP, s -> s.respond(503));
    CompletableFuture<TestResponse> pending = tester.get("/x").sendAsync();
    org.assertj.core.api.Assertions.assertThat(pending).as("waiting for an hour's backoff").isNotDone();
    org.assertj.core.api.Assertions.assertThat(clock.pendingTasks()).as("the backoff").isEqualTo(1);

    tester.gateway().close();

    assertThat(pending.get(5, TimeUnit.SECONDS).status()).as("answered at close, not in an hour").isBetween(500, 599);
    org.assertj.core.api.Assertions.assertThat(clock.pendingTasks()).as("timers left behind").isZero();
  }

  @Test
  void two_gateways_on_one_clock_each_close_only_their_own_timers() {
    tester = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(UP).timeout(Duration.ofSeconds(2))))
        .stubUpstream(UP, s -> s.delay(Duration.ofMinutes(1)).respond(200, "late"));
    GatewayTester other = GatewayTester.of(Gateway.builder().time(clock)
            .route("orders", r -> r.path("/**").upstream(UP).timeout(Duration.ofSeconds(2))))
        .stubUpstream(UP, s -> s.delay(Duration.ofMinutes(1)).respond(200, "late"));
    CompletableFuture<TestResponse> pending = tester.get("/x").sendAsync();
    CompletableFuture<TestResponse> closing = other.get("/x").sendAsync();

    other.close();

    org.assertj.core.api.Assertions.assertThat(closing).as("the closed gateway's request").isDone();
    org.assertj.core.api.Assertions.assertThat(pending).as("the other gateway's request").isNotDone();
    clock.advance(Duration.ofSeconds(2));
    assertThat(pending.join()).hasStatus(504);
  }
}

package io.gatehouse.swap;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.metering.Metering;
import io.gatehouse.ratelimit.ConcurrencyLimit;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestResponse;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Retry;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A gateway that takes over from another ({@code takeStateFrom}, what an adapter's swap does) keeps
 * the state of every limit, quota, breaker, retry budget, target and meter whose definition is
 * unchanged; changed ones start fresh. In memory, on one manual clock.
 */
class StateAcrossSwapTest {
  private static final String UP = "http://api:8080";
  private static final String A = "http://api-a:8080";
  private static final String B = "http://api-b:8080";

  private final ManualClock clock = ManualClock.create();
  private final List<GatewayTester> testers = new ArrayList<>();

  @AfterEach
  void close() {
    testers.forEach(GatewayTester::close);
  }

  private GatewayTester tester(UnaryOperator<Gateway.Builder> config) {
    GatewayTester tester = GatewayTester.of(config.apply(Gateway.builder().time(clock)));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    tester.stubUpstream(A, s -> s.respond(200, "a"));
    tester.stubUpstream(B, s -> s.respond(200, "b"));
    testers.add(tester);
    return tester;
  }

  /** A successor built from the same or another configuration, having taken over from {@code previous}. */
  private GatewayTester successor(GatewayTester previous, UnaryOperator<Gateway.Builder> config) {
    GatewayTester next = tester(config);
    next.gateway().takeStateFrom(previous.gateway());
    return next;
  }

  private static UnaryOperator<Gateway.Builder> routeLimit(long perMinute) {
    return b -> b.route("api", r -> r.path("/**").upstream(UP).rateLimit(RateLimit.perRoute(perMinute).per(Duration.ofMinutes(1))));
  }

  @Test
  void an_unchanged_route_limit_keeps_its_buckets_and_both_gateways_share_them() {
    GatewayTester before = tester(routeLimit(2));
    assertThat(before.get("/x").send()).hasStatus(200);
    assertThat(before.get("/x").send()).hasStatus(200);
    assertThat(before.get("/x").send()).hasStatus(429);

    GatewayTester after = successor(before, routeLimit(2));
    assertThat(after.get("/x").send()).hasStatus(429).hasHeader("Retry-After", "30");
    clock.advance(Duration.ofSeconds(30));
    assertThat(after.get("/x").send()).hasStatus(200);
    assertThat(before.get("/x").send()).as("the old gateway counts in the same bucket").hasStatus(429);
  }

  @Test
  void an_unchanged_global_limit_keeps_its_buckets_even_when_routes_change() {
    UnaryOperator<Gateway.Builder> one = b -> b.rateLimit(RateLimit.perClientIp(1).per(Duration.ofMinutes(1)))
        .route("api", r -> r.path("/**").upstream(UP));
    GatewayTester before = tester(one);
    assertThat(before.get("/x").send()).hasStatus(200);
    assertThat(before.get("/x").send()).hasStatus(429);

    GatewayTester after = successor(before, b -> b.rateLimit(RateLimit.perClientIp(1).per(Duration.ofMinutes(1)))
        .route("other", r -> r.path("/other/**").upstream(UP))
        .route("api", r -> r.path("/**").upstream(UP)));
    assertThat(after.get("/x").send()).hasStatus(429);
    assertThat(after.get("/other/x").send()).hasStatus(429);
  }

  @Test
  void a_changed_limit_a_renamed_route_or_a_new_limit_starts_fresh() {
    GatewayTester before = tester(routeLimit(2));
    before.get("/x").send();
    before.get("/x").send();
    assertThat(before.get("/x").send()).hasStatus(429);

    assertThat(successor(before, routeLimit(3)).get("/x").send()).as("changed settings").hasStatus(200);
    assertThat(successor(before, b -> b.route("api2", r -> r.path("/**").upstream(UP)
        .rateLimit(RateLimit.perRoute(2).per(Duration.ofMinutes(1))))).get("/x").send()).as("another route").hasStatus(200);
    assertThat(successor(before, b -> b.route("api", r -> r.path("/**").upstream(UP)
        .rateLimit(RateLimit.perRoute(2).per(Duration.ofMinutes(1)).named("other")))).get("/x").send())
        .as("another name").hasStatus(200);
    assertThat(successor(before, routeLimit(2)).get("/x").send()).as("while unchanged, still spent").hasStatus(429);
  }

  private static UnaryOperator<Gateway.Builder> quota(long perDay) {
    return b -> b.auth(Auth.apiKey()).usagePlan("one", Quota.perDay(perDay))
        .consumer(ApiConsumer.builder("acme").plan("one").apiKey("k-acme-0123456789").build())
        .route("api", r -> r.path("/**").upstream(UP));
  }

  @Test
  void an_unchanged_quota_keeps_its_counts_a_changed_one_starts_fresh() {
    GatewayTester before = tester(quota(1));
    assertThat(before.get("/x").header("X-API-Key", "k-acme-0123456789").send()).hasStatus(200);
    assertThat(before.get("/x").header("X-API-Key", "k-acme-0123456789").send()).hasStatus(429);

    assertThat(successor(before, quota(1)).get("/x").header("X-API-Key", "k-acme-0123456789").send()).hasStatus(429);
    assertThat(successor(before, quota(2)).get("/x").header("X-API-Key", "k-acme-0123456789").send()).hasStatus(200);
  }

  private static UnaryOperator<Gateway.Builder> breaker(Duration openFor) {
    return b -> b.route("api", r -> r.path("/**").upstream(UP)
        .circuitBreaker(CircuitBreaker.of().slidingWindow(4, 4).openFor(openFor)));
  }

  @Test
  void an_open_route_circuit_stays_open_across_the_swap_and_half_opens_on_time() {
    GatewayTester before = tester(breaker(Duration.ofSeconds(30)));
    before.upstream(UP).respond(500);
    for (int i = 0; i < 4; i++) {
      assertThat(before.get("/x").send()).hasStatus(500);
    }
    assertThat(before.get("/x").send()).hasStatus(503);
    clock.advance(Duration.ofSeconds(10));

    GatewayTester after = successor(before, breaker(Duration.ofSeconds(30)));
    after.upstream(UP).respond(200, "ok");
    assertThat(after.get("/x").send()).hasStatus(503).hasHeader("Retry-After", "20");
    assertThat(after.upstream(UP).received()).isEmpty();
    clock.advance(Duration.ofSeconds(20).plusMillis(1)); // resilience4j half-opens strictly after the open time
    assertThat(after.get("/x").send()).hasStatus(200).hasBody("ok");

    GatewayTester changed = successor(before, breaker(Duration.ofSeconds(31)));
    changed.upstream(UP).respond(200, "fresh");
    assertThat(changed.get("/x").send()).as("changed settings: a closed circuit").hasStatus(200).hasBody("fresh");
  }

  private static UnaryOperator<Gateway.Builder> ejecting(Duration ejection) {
    return b -> b.route("api", r -> r.path("/**")
        .upstream(Upstream.of(A, B).outlierDetection(OutlierDetection.consecutiveFailures(1).baseEjection(ejection))));
  }

  @Test
  void an_ejected_target_stays_ejected_in_a_group_of_the_same_name_and_settings() {
    GatewayTester before = tester(ejecting(Duration.ofSeconds(30)));
    before.upstream(A).respond(500);
    assertThat(before.get("/x").send()).hasStatus(500);

    GatewayTester after = successor(before, ejecting(Duration.ofSeconds(30)));
    for (int i = 0; i < 4; i++) {
      assertThat(after.get("/x").send()).as("A is still out").hasBody("b");
    }
    assertThat(after.gateway().upstreams().get(0).targets())
        .anySatisfy(t -> assertThat(t.health().name()).isEqualTo("EJECTED"));
    clock.advance(Duration.ofSeconds(30));
    assertThat(List.of(after.get("/x").send().body(), after.get("/x").send().body()))
        .containsExactlyInAnyOrder("a", "b");

    GatewayTester fresh = successor(before, ejecting(Duration.ofSeconds(31)));
    assertThat(List.of(fresh.get("/x").send().body(), fresh.get("/x").send().body()))
        .as("changed outlier settings: both targets in").containsExactlyInAnyOrder("a", "b");
  }

  @Test
  void a_targets_circuit_is_taken_over_with_the_target() {
    UnaryOperator<Gateway.Builder> config = b -> b.route("api", r -> r.path("/**")
        .upstream(Upstream.of(A).circuitBreaker(CircuitBreaker.of().slidingWindow(2, 2).openFor(Duration.ofSeconds(30)))));
    GatewayTester before = tester(config);
    before.upstream(A).respond(500);
    before.get("/x").send();
    before.get("/x").send();
    assertThat(before.get("/x").send()).hasStatus(503);

    GatewayTester after = successor(before, config);
    assertThat(after.get("/x").send()).hasStatus(503);
    assertThat(after.upstream(A).received()).isEmpty();
  }

  @Test
  void a_spent_retry_budget_stays_spent() {
    UnaryOperator<Gateway.Builder> config = b -> b.route("api", r -> r.path("/**").upstream(UP)
        .retry(Retry.times(1).backoff(Duration.ofMillis(1), Duration.ofMillis(1)).budget(0, 1)));
    GatewayTester before = tester(config);
    before.upstream(UP).respond(503);
    for (int i = 0; i < 10; i++) {
      sendWhileBackoffPasses(before);
    }
    assertThat(before.upstream(UP).received()).hasSize(20);
    sendWhileBackoffPasses(before);
    assertThat(before.upstream(UP).received()).as("budget spent").hasSize(21);

    GatewayTester after = successor(before, config);
    after.upstream(UP).respond(503);
    sendWhileBackoffPasses(after);
    assertThat(after.upstream(UP).received()).as("no retry: the budget is shared").hasSize(1);
  }

  /** GET /x on a route whose retry backs off 1 ms: the clock passes it, and the answer is there. */
  private void sendWhileBackoffPasses(GatewayTester tester) {
    CompletableFuture<TestResponse> pending = tester.get("/x").sendAsync();
    clock.advance(Duration.ofMillis(1));
    org.assertj.core.api.Assertions.assertThat(pending).isDone();
  }

  @Test
  void requests_in_flight_on_the_old_gateway_count_against_the_new_ones_concurrency_limit() throws Exception {
    CompletableFuture<Void> hold = new CompletableFuture<>();
    UnaryOperator<Gateway.Builder> config = b -> b.route("api", r -> r.path("/**").upstream(UP)
        .concurrencyLimit(ConcurrencyLimit.of(1))
        .filter((ex, chain) -> ex.request().path().equals("/held") ? hold.thenCompose(v -> chain.proceed(ex)) : chain.proceed(ex)));
    GatewayTester before = tester(config);
    CompletableFuture<Response> held = before.gateway().handle(Request.builder("GET", "/held").build()).toCompletableFuture();

    GatewayTester after = successor(before, config);
    assertThat(after.get("/x").send()).as("the old gateway's request holds the slot").hasStatus(503);
    hold.complete(null);
    assertThat(held.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
    assertThat(after.get("/x").send()).as("the slot came back").hasStatus(200);
  }

  /**
   * A → B → A (a rollback), then B is closed: A still serves, and its waits (a concurrency queue, a
   * retry backoff) run on its own timer, not on B's, which ran its pending tasks when it closed.
   */
  @Test
  void a_rolled_back_gateway_keeps_serving_on_its_own_timer_after_the_other_closes() throws Exception {
    CompletableFuture<Void> hold = new CompletableFuture<>();
    UnaryOperator<Gateway.Builder> config = b -> b.route("api", r -> r.path("/**").upstream(UP)
        .rateLimit(RateLimit.perRoute(100).per(Duration.ofMinutes(1)))
        .retry(Retry.times(1).backoff(Duration.ofSeconds(1), Duration.ofSeconds(1)))
        .concurrencyLimit(ConcurrencyLimit.of(1).queue(1, Duration.ofSeconds(5)))
        .filter((ex, chain) -> ex.request().path().equals("/held") ? hold.thenCompose(v -> chain.proceed(ex)) : chain.proceed(ex)));
    GatewayTester a = tester(config);
    assertThat(a.get("/x").send()).hasStatus(200);
    GatewayTester b = successor(a, config);
    assertThat(b.get("/x").send()).hasStatus(200);
    a.gateway().takeStateFrom(b.gateway());
    b.gateway().close();

    assertThat(a.get("/x").send()).hasStatus(200);
    CompletableFuture<Response> held = a.gateway().handle(Request.builder("GET", "/held").build()).toCompletableFuture();
    CompletableFuture<TestResponse> queued = a.get("/x").sendAsync();
    clock.advance(Duration.ofSeconds(4));
    org.assertj.core.api.Assertions.assertThat(queued).as("queued on A's timer, not timed out by B's close").isNotDone();
    clock.advance(Duration.ofSeconds(1));
    assertThat(queued.get(10, TimeUnit.SECONDS)).as("the queue wait ends on time").hasStatus(503);
    hold.complete(null);
    assertThat(held.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);

    a.upstream(UP).respond(503);
    CompletableFuture<TestResponse> retried = a.get("/x").sendAsync(); // backs off up to 1 s (full jitter)
    clock.advance(Duration.ofSeconds(1));
    assertThat(retried.get(10, TimeUnit.SECONDS)).hasStatus(503);
    assertThat(a.upstream(UP).received()).as("3, then the attempt and its retry after the backoff").hasSize(5);
  }

  @Test
  void metering_windows_carry_over() {
    UnaryOperator<Gateway.Builder> config = b -> b.metering(Metering.every(Duration.ofHours(1)))
        .route("api", r -> r.path("/**").upstream(UP));
    GatewayTester before = tester(config);
    before.get("/x").send();
    before.get("/x").send();

    GatewayTester after = successor(before, config);
    after.get("/x").send();
    assertThat(after.gateway().usage().forRoute("api").totals().requests()).isEqualTo(3);
  }

  @Test
  void nothing_is_taken_over_from_a_gateway_on_another_time_source() {
    GatewayTester before = tester(routeLimit(1));
    assertThat(before.get("/x").send()).hasStatus(200);
    assertThat(before.get("/x").send()).hasStatus(429);
    GatewayTester other = GatewayTester.of(routeLimit(1).apply(Gateway.builder().time(ManualClock.create())));
    testers.add(other);
    other.stubUpstream(UP, s -> s.respond(200, "ok"));
    other.gateway().takeStateFrom(before.gateway());
    assertThat(other.get("/x").send()).hasStatus(200);
  }
}

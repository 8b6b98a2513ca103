package io.gatehouse.time;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.ratelimit.Quota;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestTokens;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.OutlierDetection;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Steps of the wall clock, an hour back and an hour forward (NTP, a resumed VM, an operator), as
 * {@link ManualClock#set} makes them while monotonic time stands still. Durations (rate limits,
 * circuit breakers, ejections, key refresh) do not see the step; calendar time (quota windows,
 * token expiry) follows it.
 */
class WallClockStepTest {
  private static final String UP = "http://api:8080";
  private static final String A = "http://api-a:8080";
  private static final String B = "http://api-b:8080";
  private static final String IDP = "https://idp.example.com";

  private final ManualClock clock = ManualClock.create();
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private void stepWallClock(int hours) {
    clock.set(clock.instant().plus(Duration.ofHours(hours)));
  }

  @ParameterizedTest(name = "wall clock stepped {0} h")
  @ValueSource(ints = {-1, 1, -24 * 365, 24 * 365})
  void a_rate_limit_neither_locks_out_nor_refills_on_a_step(int hours) {
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .route("api", r -> r.path("/**").upstream(UP).rateLimit(RateLimit.perRoute(2).per(Duration.ofMinutes(1)))));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    assertThat(tester.get("/x").send()).hasStatus(200);
    assertThat(tester.get("/x").send()).hasStatus(200);
    assertThat(tester.get("/x").send()).hasStatus(429).hasHeader("Retry-After", "30");

    stepWallClock(hours);
    assertThat(tester.get("/x").send()).as("no fresh burst after the step").hasStatus(429).hasHeader("Retry-After", "30");
    clock.advance(Duration.ofSeconds(29));
    assertThat(tester.get("/x").send()).hasStatus(429).hasHeader("Retry-After", "1");
    clock.advance(Duration.ofSeconds(1));
    assertThat(tester.get("/x").send()).as("not locked out: the permit comes back on time").hasStatus(200);
    assertThat(tester.get("/x").send()).hasStatus(429);
  }

  @ParameterizedTest(name = "wall clock stepped {0} h")
  @ValueSource(ints = {-1, 1})
  void an_open_circuit_half_opens_after_its_open_time_whatever_the_wall_clock_does(int hours) {
    tester = GatewayTester.of(Gateway.builder().time(clock).route("api", r -> r.path("/**").upstream(UP)
        .circuitBreaker(CircuitBreaker.of().slidingWindow(4, 4).openFor(Duration.ofSeconds(30)).halfOpenCalls(1))));
    tester.stubUpstream(UP, s -> s.respond(500));
    for (int i = 0; i < 4; i++) {
      assertThat(tester.get("/x").send()).hasStatus(500);
    }
    tester.upstream(UP).respond(200, "ok");

    stepWallClock(hours);
    assertThat(tester.get("/x").send()).as("still open: 30 s have not passed").hasStatus(503).hasHeader("Retry-After", "30");
    clock.advance(Duration.ofSeconds(29));
    assertThat(tester.get("/x").send()).hasStatus(503).hasHeader("Retry-After", "1");
    clock.advance(Duration.ofSeconds(1).plusMillis(1)); // resilience4j half-opens strictly after the open time
    assertThat(tester.get("/x").send()).as("the probe goes through on time").hasStatus(200).hasBody("ok");
    assertThat(tester.upstream(UP).received()).hasSize(5);
  }

  @ParameterizedTest(name = "wall clock stepped {0} h")
  @ValueSource(ints = {-1, 1})
  void an_ejected_target_comes_back_after_its_ejection_whatever_the_wall_clock_does(int hours) {
    tester = GatewayTester.of(Gateway.builder().time(clock).route("api", r -> r.path("/**")
        .upstream(Upstream.of(A, B).outlierDetection(OutlierDetection.consecutiveFailures(1).baseEjection(Duration.ofSeconds(30))))));
    tester.stubUpstream(A, s -> s.respond(500));
    tester.stubUpstream(B, s -> s.respond(200, "b"));
    assertThat(tester.get("/x").send()).hasStatus(500); // round robin starts with A, which is ejected
    tester.upstream(A).respond(200, "a");

    stepWallClock(hours);
    for (int i = 0; i < 4; i++) {
      assertThat(tester.get("/x").send()).as("A is still ejected").hasBody("b");
    }
    clock.advance(Duration.ofSeconds(30));
    String first = tester.get("/x").send().body();
    String second = tester.get("/x").send().body();
    assertThat(first + second).as("A is back on time").contains("a").contains("b");
  }

  @ParameterizedTest(name = "wall clock stepped {0} h")
  @ValueSource(ints = {-1, 1})
  void jwks_keys_are_refreshed_on_monotonic_time(int hours) {
    TestKey key = TestKeys.ec("k1");
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .auth(Auth.jwt().jwks(IDP + "/jwks").jwksRefresh(Duration.ofMinutes(10)))
        .route("api", r -> r.path("/**").respond(200, "text/plain", "ok")));
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", TestKeys.jwks(key)));
    assertThat(tester.get("/x").bearer(TestTokens.signedBy(key).clock(clock).subject("a").mint()).send()).hasStatus(200);

    stepWallClock(hours);
    assertThat(tester.get("/x").bearer(TestTokens.signedBy(key).clock(clock).subject("a").mint()).send()).hasStatus(200);
    assertThat(tester.upstream(IDP).received()).as("no refresh: 10 min have not passed").hasSize(1);
    clock.advance(Duration.ofMinutes(10));
    assertThat(tester.get("/x").bearer(TestTokens.signedBy(key).clock(clock).subject("a").mint()).send()).hasStatus(200);
    assertThat(tester.upstream(IDP).received()).as("refreshed after 10 min").hasSize(2);
  }

  @Test
  void a_daily_quota_follows_the_calendar_both_ways() {
    tester = GatewayTester.of(Gateway.builder().time(clock).auth(Auth.apiKey())
        .usagePlan("one", Quota.perDay(1))
        .consumer(ApiConsumer.builder("acme").plan("one").apiKey("k-acme-0123456789").build())
        .route("api", r -> r.path("/**").upstream(UP)));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    Instant dayOne = clock.instant();
    assertThat(tester.get("/x").header("X-API-Key", "k-acme-0123456789").send()).hasStatus(200);
    assertThat(tester.get("/x").header("X-API-Key", "k-acme-0123456789").send()).hasStatus(429);

    clock.set(dayOne.plus(Duration.ofDays(1)));
    assertThat(tester.get("/x").header("X-API-Key", "k-acme-0123456789").send()).as("a new calendar day").hasStatus(200);
    assertThat(tester.get("/x").header("X-API-Key", "k-acme-0123456789").send()).hasStatus(429);
    clock.set(dayOne.plus(Duration.ofHours(1)));
    assertThat(tester.get("/x").header("X-API-Key", "k-acme-0123456789").send()).as("back in day one, whose count is kept").hasStatus(429);
  }

  @Test
  void token_expiry_follows_the_wall_clock_both_ways() {
    TestKey key = TestKeys.hmac("k1");
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .auth(Auth.jwt().keys(key.jwtKey()))
        .route("api", r -> r.path("/**").respond(200, "text/plain", "ok")));
    String token = TestTokens.signedBy(key).clock(clock).subject("a").expiresIn(Duration.ofMinutes(5)).mint();
    assertThat(tester.get("/x").bearer(token).send()).hasStatus(200);

    stepWallClock(1);
    assertThat(tester.get("/x").bearer(token).send()).as("expired by the wall clock").hasStatus(401);
    stepWallClock(-1);
    assertThat(tester.get("/x").bearer(token).send()).hasStatus(200);
    stepWallClock(-1);
    assertThat(tester.get("/x").bearer(token).send()).as("issued in the future by the wall clock").hasStatus(401);
  }
}

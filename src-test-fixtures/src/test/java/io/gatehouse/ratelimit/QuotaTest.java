package io.gatehouse.ratelimit;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static io.gatehouse.testing.assertj.GatewayAssertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestTokens;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class QuotaTest {
  private static final String UP = "http://up:8080";
  private static final String FREE_KEY = "free-key-0123456789abcdef";
  private static final String PRO_KEY = "pro-key-0123456789abcdef";
  private final ManualClock clock = ManualClock.of(Instant.parse("2026-11-25T23:00:00Z"));
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private GatewayTester plans(Gateway.Builder builder) {
    tester = GatewayTester.of(builder.time(clock)
        .usagePlan("free", Quota.perDay(3))
        .usagePlan("pro", Quota.perDay(5), Quota.perMonth(6))
        .route("api", r -> r.path("/api/**").upstream(UP))
        .route("public", r -> r.path("/public").auth(Auth.none()).upstream(UP)));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    return tester;
  }

  private Gateway.Builder consumers() {
    return Gateway.builder().auth(Auth.apiKey())
        .consumer(ApiConsumer.builder("freebie").plan("free").apiKey(FREE_KEY).build())
        .consumer(ApiConsumer.builder("acme").plan("pro").apiKey(PRO_KEY).build());
  }

  @Test
  void each_consumer_gets_its_plans_daily_quota_until_midnight() {
    plans(consumers());

    for (int i = 0; i < 3; i++) {
      assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send()).hasStatus(200);
    }
    assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send())
        .hasStatus(429).isProblem().hasHeader("Retry-After", "3600")
        .hasHeader("RateLimit-Policy", "\"daily\";q=3;w=86400")
        .hasHeader("RateLimit", "\"daily\";r=0;t=3600")
        .bodyContains("quota 'daily' of plan 'free' (3 per day) is used up");
    assertThat(tester.get("/api/x").header("X-API-Key", PRO_KEY).send()).as("acme is on pro").hasStatus(200);
    assertThat(tester.get("/public").send()).as("public routes count nobody").hasStatus(200);

    clock.advance(Duration.ofHours(1));
    assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send()).as("a new day").hasStatus(200)
        .hasHeader("RateLimit", "\"daily\";r=2;t=86400");
  }

  @Test
  void a_monthly_quota_holds_across_days_and_resets_on_the_first() {
    plans(consumers());
    for (int day = 0; day < 3; day++) {
      assertThat(tester.get("/api/x").header("X-API-Key", PRO_KEY).send()).hasStatus(200);
      assertThat(tester.get("/api/x").header("X-API-Key", PRO_KEY).send()).hasStatus(200);
      clock.advance(Duration.ofHours(24));
    }
    clock.set(Instant.parse("2026-11-30T12:00:00Z"));
    assertThat(tester.get("/api/x").header("X-API-Key", PRO_KEY).send()).as("six this month already").hasStatus(429)
        .bodyContains("quota 'monthly' of plan 'pro' (6 per month) is used up")
        .hasHeader("Retry-After", Long.toString(Duration.ofHours(12).toSeconds()));
    clock.set(Instant.parse("2026-12-01T00:00:00Z"));
    assertThat(tester.get("/api/x").header("X-API-Key", PRO_KEY).send()).hasStatus(200)
        .hasHeader("RateLimit-Policy", "\"daily\";q=5;w=86400, \"monthly\";q=6;w=2678400");
  }

  @Test
  void jwt_subjects_fall_under_the_default_plan_and_days_may_begin_in_a_time_zone() {
    TestKey key = TestKeys.hmac("k");
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .auth(Auth.jwt().keys(key.jwtKey()))
        .usagePlan("basic", Quota.perDay(1).in(ZoneId.of("Europe/Berlin")))
        .defaultUsagePlan("basic")
        .route("api", r -> r.path("/**").upstream(UP)));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    String token = TestTokens.signedBy(key).clock(clock).subject("jane").expiresIn(Duration.ofDays(2)).mint();

    assertThat(tester.get("/x").bearer(token).send()).as("23:00 UTC is midnight in Berlin: a whole day to go, not an hour")
        .hasStatus(200).hasHeader("RateLimit", "\"daily\";r=0;t=86400");
    assertThat(tester.get("/x").bearer(token).send()).hasStatus(429);
  }

  @Test
  void a_rejected_request_costs_no_quota_and_rate_limits_come_first() {
    plans(consumers().rateLimit(RateLimit.perConsumer(2).per(Duration.ofHours(1)).named("hourly")));

    assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send()).hasStatus(200)
        .hasHeader("RateLimit-Policy", "\"hourly\";q=2;w=3600, \"daily\";q=3;w=86400");
    assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send()).hasStatus(200);
    assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send()).as("the hourly limit").hasStatus(429)
        .bodyContains("rate limit 'hourly'");
    clock.advance(Duration.ofMinutes(30));
    assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send()).as("one daily request left").hasStatus(200)
        .hasHeader("RateLimit", "\"hourly\";r=0;t=3600, \"daily\";r=0;t=1800");
  }

  @Test
  void a_route_with_a_fixed_cost_counts_that_many_against_the_quota() {
    tester = GatewayTester.of(consumers().time(clock)
        .usagePlan("free", Quota.perDay(5))
        .usagePlan("pro", Quota.perDay(5))
        .route("report", r -> r.path("/report").rateLimitCost(RateLimitCost.of(2)).upstream(UP)));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));

    assertThat(tester.get("/report").header("X-API-Key", FREE_KEY).send()).hasStatus(200).hasHeader("RateLimit", "\"daily\";r=3;t=3600");
    assertThat(tester.get("/report").header("X-API-Key", FREE_KEY).send()).hasStatus(200).hasHeader("RateLimit", "\"daily\";r=1;t=3600");
    assertThat(tester.get("/report").header("X-API-Key", FREE_KEY).send()).as("two wanted, one left").hasStatus(429);
  }

  @Test
  void a_quota_that_refuses_takes_back_what_the_plans_earlier_quotas_counted() {
    List<RequestRecord> records = new CopyOnWriteArrayList<>();
    tester = GatewayTester.of(consumers().time(clock).observer(records::add)
        .usagePlan("free", Quota.perMonth(5).named("monthly"), Quota.perDay(2).named("daily"))
        .usagePlan("pro", Quota.perDay(5))
        .route("api", r -> r.path("/api/**").upstream(UP)));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));

    assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send()).hasStatus(200);
    assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send()).hasStatus(200)
        .hasHeader("RateLimit", "\"monthly\";r=3;t=435600, \"daily\";r=0;t=3600");
    assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send()).hasStatus(429).bodyContains("quota 'daily'");
    assertThat(records.get(records.size() - 1).rejection()).contains(Rejection.QUOTA_EXCEEDED);

    clock.advance(Duration.ofHours(1));
    assertThat(tester.get("/api/x").header("X-API-Key", FREE_KEY).send()).as("the refused request left the monthly count at 2")
        .hasStatus(200).hasHeader("RateLimit", "\"monthly\";r=2;t=432000, \"daily\";r=1;t=86400");
  }

  @Test
  void unknown_plans_fail_at_build() {
    assertThatThrownBy(() -> Gateway.builder()
            .consumer(ApiConsumer.builder("x").plan("gold").apiKey(FREE_KEY).build())
            .usagePlan("free", Quota.perDay(1), Quota.perMonth(5).named("daily"))
            .defaultUsagePlan("silver")
            .route("r", r -> r.path("/**").upstream(UP)).build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("gateway: defaultUsagePlan: 'silver' is not declared (expected: one of [free])")
        .hasMessageContaining("gateway: consumers: 'x' has plan 'gold', which is not declared (expected: one of [free])")
        .hasMessageContaining("gateway: usagePlan: plan 'free' has two quotas named 'daily'");
  }
}

package io.gatehouse.ratelimit;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static io.gatehouse.testing.assertj.GatewayAssertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class RateLimitTest {
  private static final String UP = "http://up:8080";
  private static final String ALICE_KEY = "alice-key-0123456789abcdef";
  private static final String BOB_KEY = "bob-key-0123456789abcdef";
  private final ManualClock clock = ManualClock.of(Instant.parse("2026-11-25T12:00:00Z"));
  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private GatewayTester tester(Gateway.Builder builder) {
    tester = GatewayTester.of(builder.time(clock));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
    return tester;
  }

  @Test
  void the_eleventh_request_in_a_second_gets_429_and_passes_after_a_second() {
    tester(Gateway.builder().route("r", r -> r.path("/**").rateLimit(RateLimit.perClientIp(10).per(Duration.ofSeconds(1)))
        .upstream(UP)));

    for (int i = 0; i < 10; i++) {
      assertThat(tester.get("/x").send()).hasStatus(200);
    }
    assertThat(tester.get("/x").send())
        .hasStatus(429).isProblem().wasNotProxied()
        .hasHeader("Retry-After", "1")
        .hasHeader("RateLimit-Policy", "\"client-ip\";q=10;w=1")
        .hasHeader("RateLimit", "\"client-ip\";r=0;t=1")
        .bodyContains("rate limit 'client-ip' (10 per PT1S) is used up");

    clock.advance(Duration.ofSeconds(1));
    assertThat(tester.get("/x").send()).hasStatus(200).hasHeader("RateLimit", "\"client-ip\";r=9;t=1");
  }

  @Test
  void a_budget_comes_back_one_request_per_interval() {
    tester(Gateway.builder().route("r", r -> r.path("/**")
        .rateLimit(RateLimit.perRoute(60).per(Duration.ofMinutes(1)).burst(2)).upstream(UP)));

    assertThat(tester.get("/x").send()).hasStatus(200).hasHeader("RateLimit", "\"route\";r=1;t=1");
    assertThat(tester.get("/x").send()).hasStatus(200).hasHeader("RateLimit", "\"route\";r=0;t=2");
    assertThat(tester.get("/x").send()).hasStatus(429).hasHeader("Retry-After", "1");
    clock.advance(Duration.ofMillis(999));
    assertThat(tester.get("/x").send()).as("not a full interval yet").hasStatus(429);
    clock.advance(Duration.ofMillis(1));
    assertThat(tester.get("/x").send()).hasStatus(200);
    assertThat(tester.get("/x").send()).hasStatus(429);
  }

  @Test
  void consumers_have_budgets_of_their_own_shared_across_routes() {
    tester(Gateway.builder()
        .auth(Auth.apiKey())
        .consumer(ApiConsumer.builder("alice").apiKey(ALICE_KEY).build())
        .consumer(ApiConsumer.builder("bob").apiKey(BOB_KEY).build())
        .rateLimit(RateLimit.perConsumer(2).per(Duration.ofSeconds(10)))
        .route("a", r -> r.path("/a").upstream(UP))
        .route("b", r -> r.path("/b").upstream(UP)));

    assertThat(tester.get("/a").header("X-API-Key", ALICE_KEY).send()).hasStatus(200);
    assertThat(tester.get("/b").header("X-API-Key", ALICE_KEY).send()).hasStatus(200);
    assertThat(tester.get("/a").header("X-API-Key", ALICE_KEY).send()).as("alice's budget spans routes").hasStatus(429);
    assertThat(tester.get("/a").header("X-API-Key", BOB_KEY).send()).as("bob has his own").hasStatus(200);
    assertThat(tester.get("/a").header("X-API-Key", "wrong-key-0123456789abcdef").send())
        .as("auth answers before the limit").hasStatus(401);
  }

  @Test
  void client_ips_from_untrusted_peers_cannot_be_spoofed_with_forwarding_headers() {
    tester(Gateway.builder().trustedProxies("10.0.0.0/8")
        .route("r", r -> r.path("/**").rateLimit(RateLimit.perClientIp(1).per(Duration.ofMinutes(1))).upstream(UP)));

    assertThat(tester.get("/x").from("203.0.113.7").header("X-Forwarded-For", "198.51.100.1").send()).hasStatus(200);
    assertThat(tester.get("/x").from("203.0.113.7").header("X-Forwarded-For", "198.51.100.2").send())
        .as("an untrusted peer's X-Forwarded-For is ignored").hasStatus(429);

    assertThat(tester.get("/x").from("10.1.1.1").header("X-Forwarded-For", "198.51.100.1, 10.2.2.2").send())
        .as("behind trusted proxies, the nearest untrusted hop counts").hasStatus(200);
    assertThat(tester.get("/x").from("10.9.9.9").header("X-Forwarded-For", "198.51.100.1").send()).hasStatus(429);
    assertThat(tester.get("/x").from("10.9.9.9").header("X-Forwarded-For", "spoof, 198.51.100.3").send()).hasStatus(200);
  }

  @Test
  void an_ipv6_client_is_limited_by_its_64_however_it_rotates_addresses_and_an_ipv4_client_by_its_address() {
    tester(Gateway.builder().trustedProxies("10.0.0.0/8")
        .route("r", r -> r.path("/**").rateLimit(RateLimit.perClientIp(2).per(Duration.ofMinutes(1))).upstream(UP)));

    assertThat(tester.get("/x").from("2001:db8:7:1::1").send()).hasStatus(200);
    assertThat(tester.get("/x").from("2001:db8:7:1:ffff:ffff:ffff:fffe").send()).hasStatus(200);
    assertThat(tester.get("/x").from("2001:db8:7:1:1234::9").send()).as("a third address of the same /64").hasStatus(429);
    assertThat(tester.get("/x").from("10.1.1.1").header("X-Forwarded-For", "2001:db8:7:1::abcd").send())
        .as("the same /64 behind a trusted proxy").hasStatus(429);
    assertThat(tester.get("/x").from("2001:db8:7:2::1").send()).as("the next /64 is another client").hasStatus(200);

    assertThat(tester.get("/x").from("203.0.113.7").send()).hasStatus(200);
    assertThat(tester.get("/x").from("203.0.113.7").send()).hasStatus(200);
    assertThat(tester.get("/x").from("203.0.113.8").send()).as("IPv4 clients by address: a neighbour has its own").hasStatus(200);
    assertThat(tester.get("/x").from("::ffff:203.0.113.7").send()).as("a mapped address is its IPv4 address").hasStatus(429);
  }

  @Test
  void a_limit_can_count_clients_by_any_network_or_by_exact_address() {
    tester(Gateway.builder()
        .route("net", r -> r.path("/net").rateLimit(RateLimit.keyedBy(RequestKey.clientNetwork(24, 48), 1).per(Duration.ofMinutes(1)))
            .upstream(UP))
        .route("exact", r -> r.path("/exact").rateLimit(RateLimit.keyedBy(RequestKey.clientIp(), 1).per(Duration.ofMinutes(1)))
            .upstream(UP)));

    assertThat(tester.get("/net").from("198.51.100.1").send()).hasStatus(200);
    assertThat(tester.get("/net").from("198.51.100.254").send()).as("same /24").hasStatus(429);
    assertThat(tester.get("/net").from("198.51.101.1").send()).hasStatus(200);
    assertThat(tester.get("/net").from("2001:db8:7:ffff::1").send()).hasStatus(200);
    assertThat(tester.get("/net").from("2001:db8:7:1::1").send()).as("same /48").hasStatus(429);

    assertThat(tester.get("/exact").from("2001:db8:7:1::1").send()).hasStatus(200);
    assertThat(tester.get("/exact").from("2001:db8:7:1::2").send()).as("per exact address").hasStatus(200);
    assertThat(tester.get("/exact").from("2001:db8:7:1::1").send()).hasStatus(429);
  }

  @Test
  void header_and_custom_keys_exempt_from_keyless_requests_limit_only_requests_that_have_a_key() {
    RequestKey tenant = RequestKey.custom("tenant", exchange -> exchange.request().headers().first("X-Tenant").map(t -> t.toLowerCase()));
    tester(Gateway.builder().route("r", r -> r.path("/**")
        .rateLimit(RateLimit.keyedBy(tenant, 1).per(Duration.ofMinutes(1)).named("tenant").whenKeyMissing(KeylessRequests.EXEMPT),
            RateLimit.perHeader("X-App", 1).per(Duration.ofMinutes(1)).named("app").whenKeyMissing(KeylessRequests.EXEMPT))
        .upstream(UP)));

    assertThat(tester.get("/x").send()).hasStatus(200).doesNotHaveHeader("RateLimit");
    assertThat(tester.get("/x").send()).hasStatus(200);
    assertThat(tester.get("/x").header("X-Tenant", "Acme").send()).hasStatus(200)
        .hasHeader("RateLimit-Policy", "\"tenant\";q=1;w=60");
    assertThat(tester.get("/x").header("X-Tenant", "ACME").send()).hasStatus(429);
    assertThat(tester.get("/x").header("X-App", "mobile").send()).hasStatus(200);
    assertThat(tester.get("/x").header("X-App", "mobile").send()).hasStatus(429);
    assertThat(tester.get("/x").header("X-App", "web").send()).hasStatus(200);
  }

  @Test
  void several_limits_apply_together_and_a_rejected_request_costs_none_of_them() {
    tester(Gateway.builder()
        .rateLimit(RateLimit.perClientIp(100).per(Duration.ofHours(1)).named("hourly"))
        .route("r", r -> r.path("/**").rateLimit(RateLimit.perClientIp(2).per(Duration.ofSeconds(1)).named("burst"))
            .upstream(UP)));

    assertThat(tester.get("/x").send()).hasStatus(200)
        .hasHeader("RateLimit-Policy", "\"hourly\";q=100;w=3600, \"burst\";q=2;w=1")
        .hasHeader("RateLimit", "\"hourly\";r=99;t=36, \"burst\";r=1;t=1");
    assertThat(tester.get("/x").send()).hasStatus(200);
    for (int i = 0; i < 5; i++) {
      assertThat(tester.get("/x").send()).hasStatus(429);
    }
    clock.advance(Duration.ofSeconds(1));
    TestResponse next = tester.get("/x").send();
    assertThat(next).hasStatus(200);
    assertThat(next.header("RateLimit")).as("the five 429s took nothing from 'hourly'")
        .hasValueSatisfying(v -> assertThat(v).startsWith("\"hourly\";r=97;"));
  }

  @Test
  void the_x_ratelimit_set_shows_the_limit_closest_to_running_out() {
    tester(Gateway.builder().rateLimitHeaders(RateLimitHeaders.X_RATELIMIT)
        .rateLimit(RateLimit.perClientIp(100).per(Duration.ofHours(1)).named("hourly"))
        .route("r", r -> r.path("/**").rateLimit(RateLimit.perClientIp(3).per(Duration.ofSeconds(3)).named("burst"))
            .upstream(UP)));

    assertThat(tester.get("/x").send()).hasStatus(200)
        .hasHeader("X-RateLimit-Limit", "3").hasHeader("X-RateLimit-Remaining", "2").hasHeader("X-RateLimit-Reset", "1")
        .doesNotHaveHeader("RateLimit");
  }

  @Test
  void rate_limit_headers_can_be_turned_off_but_429_keeps_retry_after() {
    tester(Gateway.builder().rateLimitHeaders(RateLimitHeaders.NONE)
        .route("r", r -> r.path("/**").rateLimit(RateLimit.perRoute(1).per(Duration.ofSeconds(30))).upstream(UP)));

    assertThat(tester.get("/x").send()).hasStatus(200).doesNotHaveHeader("RateLimit").doesNotHaveHeader("X-RateLimit-Limit");
    assertThat(tester.get("/x").send()).hasStatus(429).hasHeader("Retry-After", "30").doesNotHaveHeader("RateLimit-Policy");
  }

  @Test
  void duplicate_limit_names_fail_at_build_naming_the_route() {
    assertThatThrownBy(() -> Gateway.builder()
            .rateLimit(RateLimit.perClientIp(1).per(Duration.ofSeconds(1)))
            .route("r", r -> r.path("/**").rateLimit(RateLimit.perClientIp(5).per(Duration.ofMinutes(1))).upstream(UP))
            .build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'r': rateLimit: two limits named 'client-ip', counting the gateway's"
            + " (expected: unique names; set them with named(...))");
  }

  @Test
  void setters_reject_nonsense_at_once() {
    assertThatThrownBy(() -> RateLimit.perRoute(0))
        .hasMessage("requests: 0 (expected: >= 1)");
    assertThatThrownBy(() -> RateLimit.perRoute(1).per(Duration.ZERO))
        .hasMessage("window: PT0S (expected: >= 1ms and >= 1ns per request)");
    assertThatThrownBy(() -> RateLimit.perRoute(1).per(Duration.ofSeconds(1)).burst(0))
        .hasMessage("burst: 0 (expected: >= 1)");
    assertThatThrownBy(() -> RateLimit.perRoute(1).per(Duration.ofSeconds(1)).named("Bad Name"))
        .hasMessageStartingWith("name: 'Bad Name' (expected:");
    assertThatThrownBy(() -> RateLimit.perHeader("X App", 1))
        .hasMessage("header: 'X App' (expected: a header name)");
    assertThat(RateLimit.perHeader("X-App", 5).per(Duration.ofSeconds(1)).toString())
        .isEqualTo("RateLimit[header: 5 per PT1S per header X-App, burst 5]");
  }

  @Test
  void an_expensive_route_takes_several_permits_from_every_limit_it_passes() {
    tester(Gateway.builder()
        .rateLimit(RateLimit.perClientIp(10).per(Duration.ofMinutes(1)).named("ip"))
        .route("report", r -> r.path("/report").rateLimitCost(RateLimitCost.of(4)).upstream(UP))
        .route("search", r -> r.path("/search").upstream(UP)));

    assertThat(tester.get("/report").send()).hasStatus(200).hasHeader("RateLimit", "\"ip\";r=6;t=24");
    assertThat(tester.get("/report").send()).hasStatus(200);
    assertThat(tester.get("/report").send()).hasStatus(429).hasHeader("Retry-After", "12");
    assertThat(tester.get("/search").send()).as("two permits are left for cheap requests").hasStatus(200);
    assertThat(tester.get("/search").send()).hasStatus(200);
    assertThat(tester.get("/search").send()).hasStatus(429);
  }

  @Test
  void a_request_may_state_its_cost_in_a_header_the_route_names() {
    tester(Gateway.builder().route("batch", r -> r.path("/batch")
        .rateLimit(RateLimit.perClientIp(10).per(Duration.ofMinutes(1)).named("ip"))
        .rateLimitCost(RateLimitCost.fromHeader("X-Batch-Size", 5)).upstream(UP)));

    assertThat(tester.post("/batch").header("X-Batch-Size", "5").send()).hasStatus(200).hasHeader("RateLimit", "\"ip\";r=5;t=30");
    assertThat(tester.post("/batch").send()).as("no header costs 1").hasStatus(200).hasHeader("RateLimit", "\"ip\";r=4;t=36");
    assertThat(tester.post("/batch").header("X-Batch-Size", "6").send()).hasStatus(400).isProblem()
        .bodyContains("X-Batch-Size: '6' (expected: one field, a whole number from 1 to 5)");
    assertThat(tester.post("/batch").header("X-Batch-Size", "-1").send()).hasStatus(400);
    assertThat(tester.post("/batch").header("X-Batch-Size", "99999999999999999999").send()).hasStatus(400);
    assertThat(tester.post("/batch").header("X-Batch-Size", "5").send()).hasStatus(429);
    assertThat(tester.post("/batch").header("X-Batch-Size", "4").send()).hasStatus(200);
  }

  @ParameterizedTest(name = "X-Batch-Size: [{0}]")
  @ValueSource(strings = {"0", "00", "07", "010", "11", "+1", "-1", "1.0", "1e1", "0x1", "1 1", "1,1", "1;q=1", "", " ",
      "\u0661", "\uff11", "99999999999999999999", "9223372036854775807", "9223372036854775808", "5124095"})
  void a_stated_cost_that_is_not_one_plain_number_within_the_max_is_refused_and_costs_nothing(String stated) {
    tester(Gateway.builder().observer(records::add).route("batch", r -> r.path("/batch")
        .rateLimit(RateLimit.perClientIp(10).per(Duration.ofMinutes(1)).named("ip"))
        .rateLimitCost(RateLimitCost.fromHeader("X-Batch-Size", 10)).upstream(UP)));

    assertThat(tester.post("/batch").header("X-Batch-Size", stated).send()).hasStatus(400).isProblem().wasNotProxied()
        .bodyContains("(expected: one field, a whole number from 1 to 10)");
    assertThat(records.get(records.size() - 1).rejection()).contains(Rejection.BAD_REQUEST);
    assertThat(tester.post("/batch").header("X-Batch-Size", "10").send()).as("the whole budget is still there")
        .hasStatus(200).hasHeader("RateLimit", "\"ip\";r=0;t=60");
  }

  @ParameterizedTest(name = "X-Batch-Size: [{0}] costs {1}")
  @CsvSource(delimiter = '|', value = {"1|1", "9|9", "10|10", "' 7 '|7"})
  void a_stated_cost_from_one_to_the_max_is_charged_as_stated(String stated, long cost) {
    tester(Gateway.builder().route("batch", r -> r.path("/batch")
        .rateLimit(RateLimit.perClientIp(10).per(Duration.ofMinutes(1)).named("ip"))
        .rateLimitCost(RateLimitCost.fromHeader("X-Batch-Size", 10)).upstream(UP)));

    assertThat(tester.post("/batch").header("X-Batch-Size", stated).send()).hasStatus(200)
        .hasHeader("RateLimit", "\"ip\";r=" + (10 - cost) + ";t=" + (cost * 6));
  }

  @Test
  void two_stated_costs_are_refused_even_when_they_agree() {
    tester(Gateway.builder().route("batch", r -> r.path("/batch")
        .rateLimit(RateLimit.perClientIp(10).per(Duration.ofMinutes(1)).named("ip"))
        .rateLimitCost(RateLimitCost.fromHeader("X-Batch-Size", 10)).upstream(UP)));

    assertThat(tester.post("/batch").header("X-Batch-Size", "1").header("X-Batch-Size", "9").send()).hasStatus(400)
        .bodyContains("X-Batch-Size: '1', '9' (expected: one field");
    assertThat(tester.post("/batch").header("X-Batch-Size", "2").header("X-Batch-Size", "2").send()).hasStatus(400);
    assertThat(tester.post("/batch").header("X-Batch-Size", "10").send()).hasStatus(200);
  }

  @Test
  void a_header_cost_that_may_state_more_than_a_limits_burst_fails_at_build() {
    // With a max past the burst, a stated cost times the interval could overflow and move the key's budget back:
    // 5124095 permits of a one-an-hour limit wrap to minus 35 minutes.
    assertThatThrownBy(() -> Gateway.builder()
            .rateLimit(RateLimit.perClientIp(1).per(Duration.ofHours(1)).named("ip"))
            .route("batch", r -> r.path("/batch").rateLimit(RateLimit.perRoute(100).per(Duration.ofHours(1)).named("route"))
                .rateLimitCost(RateLimitCost.fromHeader("X-Batch-Size", Integer.MAX_VALUE)).upstream(UP))
            .route("fine", r -> r.path("/fine").rateLimitCost(RateLimitCost.fromHeader("X-Batch-Size", 1)).upstream(UP))
            .build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'batch': rateLimitCost: X-Batch-Size may state up to 2147483647 permits per request, more than"
            + " RateLimit[ip: 1 per PT1H per client_ip, burst 1] ever grants at once (expected: a max of at most its burst, 1)")
        .hasMessageContaining("route 'batch': rateLimitCost: X-Batch-Size may state up to 2147483647 permits per request, more than"
            + " RateLimit[route: 100 per PT1H per route, burst 100] ever grants at once (expected: a max of at most its burst, 100)")
        .satisfies(e -> assertThat(((GatewayConfigException) e).violations()).hasSize(2));
  }

  @Test
  void a_burst_that_would_take_centuries_to_refill_fails_at_build() {
    assertThatThrownBy(() -> Gateway.builder()
            .rateLimit(RateLimit.perClientIp(1).per(Duration.ofDays(365)).burst(300).named("ip"))
            .route("r", r -> r.path("/**").rateLimit(RateLimit.perRoute(1).per(Duration.ofDays(1)).throttle(Duration.ofDays(106_752))
                .named("slow")).upstream(UP))
            .build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("gateway: rateLimit: RateLimit[ip: 1 per PT8760H per client_ip, burst 300] refills its burst of 300"
            + " over more than 292 years (expected: a burst that refills within that)")
        .hasMessageContaining("route 'r': rateLimit: RateLimit[slow: ");
    Gateway.builder().rateLimit(RateLimit.perClientIp(1).per(Duration.ofDays(365)).burst(290).named("ip"))
        .rateLimit(RateLimit.perClientIp(1_000).per(Duration.ofDays(365)).named("yearly"))
        .route("r", r -> r.path("/**").upstream(UP)).build().close();
  }

  @Test
  void a_fixed_cost_above_a_limits_burst_fails_at_build() {
    assertThatThrownBy(() -> Gateway.builder()
            .rateLimit(RateLimit.perClientIp(3).per(Duration.ofSeconds(1)).named("ip"))
            .route("r", r -> r.path("/**").rateLimitCost(RateLimitCost.of(5)).upstream(UP)).build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'r': rateLimitCost: 5 permits per request, more than RateLimit[ip: 3 per PT1S per client_ip,"
            + " burst 3] ever grants at once (expected: at most its burst, 3)");
  }

  @Test
  void a_throttling_limit_delays_requests_over_it_instead_of_rejecting_them() {
    tester(Gateway.builder().route("r", r -> r.path("/**")
        .rateLimit(RateLimit.perRoute(10).per(Duration.ofSeconds(1)).burst(2).throttle(Duration.ofMillis(300)).named("slow"))
        .upstream(UP)));

    assertThat(tester.get("/x").send()).hasStatus(200);
    assertThat(tester.get("/x").send()).hasStatus(200).hasHeader("RateLimit", "\"slow\";r=0;t=1");
    // Three more at the same moment wait 100, 200 and 300 ms of the clock for their turns; a fourth is refused.
    List<CompletableFuture<TestResponse>> waiting = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      waiting.add(tester.get("/x").sendAsync());
    }
    assertThat(tester.get("/x").send()).as("its turn is more than 300 ms away").hasStatus(429).hasHeader("Retry-After", "1");
    for (int i = 0; i < 3; i++) {
      int waitMillis = 100 * (i + 1);
      clock.advance(Duration.ofMillis(99));
      org.assertj.core.api.Assertions.assertThat(waiting.get(i)).as("a millisecond before its turn at %d ms", waitMillis)
          .isNotDone();
      clock.advance(Duration.ofMillis(1));
      org.assertj.core.api.Assertions.assertThat(waiting.get(i)).as("at its turn at %d ms", waitMillis).isDone();
      assertThat(waiting.get(i).join()).as("waits %d ms for its turn", waitMillis).hasStatus(200);
    }
  }

  @Test
  void the_gateways_limit_headers_replace_an_upstreams_own_even_malformed_ones() {
    tester = GatewayTester.of(Gateway.builder().time(clock).rateLimitHeaders(RateLimitHeaders.X_RATELIMIT)
        .route("r", r -> r.path("/**").rateLimit(RateLimit.perRoute(5).per(Duration.ofSeconds(5))).upstream(UP)));
    tester.stubUpstream(UP, s -> s.respond(Response.builder(200)
        .headers(HttpHeaders.of("X-RateLimit-Remaining", "lots")).build()));

    assertThat(tester.get("/x").send()).hasStatus(200).hasHeader("X-RateLimit-Remaining", "4").hasHeader("X-RateLimit-Limit", "5");
  }
}

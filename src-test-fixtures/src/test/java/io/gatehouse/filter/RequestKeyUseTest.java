package io.gatehouse.filter;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.ratelimit.KeylessRequests;
import io.gatehouse.ratelimit.RateLimit;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.upstream.TrafficSplit;
import io.gatehouse.upstream.Upstream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** One {@link RequestKey}, read the same way by rate limits, consistent hashing and sticky splits. */
class RequestKeyUseTest {
  private static final String A = "http://a:1";
  private static final String B = "http://b:1";
  private static final String C = "http://c:1";

  private final ManualClock clock = ManualClock.of(Instant.parse("2026-12-07T10:00:00Z"));
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private void limited(RateLimit limit) {
    tester = GatewayTester.of(Gateway.builder().time(clock).route("r", r -> r.path("/**").rateLimit(limit).upstream(A)))
        .stubUpstream(A, s -> s.respond(200, "a"));
  }

  private void hashed(Upstream upstream) {
    tester = GatewayTester.of(Gateway.builder().time(clock).route("r", r -> r.path("/**").upstream(upstream)))
        .stubUpstream(A, s -> s.respond(200, "a"))
        .stubUpstream(B, s -> s.respond(200, "b"))
        .stubUpstream(C, s -> s.respond(200, "c"));
  }

  @Test
  void a_limit_keyed_by_a_cookie_gives_each_value_its_own_budget() {
    limited(RateLimit.keyedBy(RequestKey.cookie("session"), 1).per(Duration.ofMinutes(1)));
    assertThat(tester.get("/x").header("Cookie", "theme=dark; session=s1").send()).hasStatus(200);
    assertThat(tester.get("/x").header("Cookie", "session=s1").send()).hasStatus(429);
    assertThat(tester.get("/x").header("Cookie", "session=s2").send()).hasStatus(200);
  }

  @Test
  void a_limit_keyed_by_a_query_parameter_reads_its_decoded_value() {
    limited(RateLimit.keyedBy(RequestKey.queryParameter("user"), 1).per(Duration.ofMinutes(1)));
    assertThat(tester.get("/x?user=caf%C3%A9").send()).hasStatus(200);
    assertThat(tester.get("/x?page=2&user=caf%C3%A9").send()).as("the same decoded value").hasStatus(429);
    assertThat(tester.get("/x?user=tea").send()).hasStatus(200);
  }

  @Test
  void requests_without_a_cookie_or_parameter_key_get_the_limits_keyless_choice() {
    limited(RateLimit.keyedBy(RequestKey.cookie("session"), 1).per(Duration.ofMinutes(1)).named("session")
        .whenKeyMissing(KeylessRequests.REJECT));
    assertThat(tester.get("/x").send()).hasStatus(400).wasNotProxied()
        .bodyContains("rate limit 'session' counts requests by the cookie session, which the request lacks");
    tester.close();
    limited(RateLimit.keyedBy(RequestKey.queryParameter("user"), 1).per(Duration.ofMinutes(1)).named("user")
        .whenKeyMissing(KeylessRequests.REJECT));
    assertThat(tester.get("/x?other=1").send()).hasStatus(400)
        .bodyContains("rate limit 'user' counts requests by the query parameter user, which the request lacks");
    tester.close();
    limited(RateLimit.keyedBy(RequestKey.cookie("session"), 1).per(Duration.ofMinutes(1)));
    assertThat(tester.get("/x").send()).hasStatus(200);
    assertThat(tester.get("/x").send()).as("keyless requests share one budget by default").hasStatus(429);
  }

  @Test
  void a_limit_keyed_by_the_consumer_counts_anonymous_requests_per_client_address() {
    limited(RateLimit.keyedBy(RequestKey.consumer(), 1).per(Duration.ofMinutes(1)).whenKeyMissing(KeylessRequests.REJECT));
    assertThat(tester.get("/x").send()).as("never keyless: the address stands in").hasStatus(200);
    assertThat(tester.get("/x").send()).hasStatus(429);
  }

  @Test
  void a_limit_before_auth_may_be_keyed_by_a_cookie_or_query_parameter() {
    Gateway gateway = Gateway.builder()
        .rateLimit(RateLimit.keyedBy(RequestKey.cookie("session"), 5).per(Duration.ofSeconds(1)).beforeAuth())
        .rateLimit(RateLimit.keyedBy(RequestKey.queryParameter("user"), 5).per(Duration.ofSeconds(1)).beforeAuth())
        .route("r", r -> r.path("/**").respond(200, "text/plain", "ok"))
        .build();
    gateway.close();
  }

  @Test
  void consistent_hashing_on_a_cookie_a_parameter_or_a_custom_key_keeps_a_value_on_one_target() {
    for (RequestKey key : new RequestKey[] {RequestKey.cookie("s"), RequestKey.queryParameter("s"),
        RequestKey.custom("s", e -> e.request().headers().first("X-S"))}) {
      hashed(Upstream.of(A, B, C).consistentHash(key));
      UnaryOperator<String> send = value -> switch (key.kind()) {
        case COOKIE -> tester.get("/x").header("Cookie", "s=" + value).send().body();
        case QUERY_PARAMETER -> tester.get("/x?s=" + value).send().body();
        default -> tester.get("/x").header("X-S", value).send().body();
      };
      Set<String> targets = new HashSet<>();
      for (int user = 0; user < 30; user++) {
        String first = send.apply("user-" + user);
        targets.add(first);
        for (int i = 0; i < 3; i++) {
          assertThat(send.apply("user-" + user)).as(key + " user-" + user).isEqualTo(first);
        }
      }
      assertThat(targets).as("keys spread over the targets").hasSizeGreaterThan(1);
      tester.close();
    }
  }

  @Test
  void requests_without_a_hash_key_are_spread_over_the_targets() {
    hashed(Upstream.of(A, B, C).consistentHash(RequestKey.queryParameter("s")));
    Set<String> targets = new HashSet<>();
    for (int i = 0; i < 60; i++) {
      targets.add(tester.get("/x").send().body());
    }
    assertThat(targets).hasSizeGreaterThan(1);
  }

  @Test
  void a_split_sticky_on_a_custom_key_keeps_a_value_on_one_branch() {
    RequestKey team = RequestKey.custom("team", e -> e.request().headers().first("X-Team").map(t -> t.toLowerCase()));
    tester = GatewayTester.of(Gateway.builder().time(clock).route("r", r -> r.path("/**")
            .split(TrafficSplit.of(Upstream.of(A), 50).and(Upstream.of(B), 50).stickyOn(team))))
        .stubUpstream(A, s -> s.respond(200, "a"))
        .stubUpstream(B, s -> s.respond(200, "b"));
    Set<String> branches = new HashSet<>();
    for (int n = 0; n < 20; n++) {
      String first = tester.get("/x").header("X-Team", "team-" + n).send().body();
      branches.add(first);
      assertThat(tester.get("/x").header("X-Team", "TEAM-" + n).send().body()).isEqualTo(first);
    }
    assertThat(branches).containsExactlyInAnyOrder("a", "b");
  }
}

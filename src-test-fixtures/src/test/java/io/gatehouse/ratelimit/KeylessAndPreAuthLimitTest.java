package io.gatehouse.ratelimit;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.PasswordHash;
import io.gatehouse.filter.RequestKey;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.JwksServer;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestTokens;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.AbstractIntegerAssert;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What a request without a limit's key gets, and the pre-auth slot that turns floods away before auth. */
class KeylessAndPreAuthLimitTest {
  private final ManualClock clock = ManualClock.of(Instant.parse("2026-11-25T12:00:00Z"));
  private GatewayTester tester;
  private final List<RequestRecord> records = new CopyOnWriteArrayList<>();
  private JwksServer jwks;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
    if (jwks != null) {
      jwks.close();
    }
  }

  private GatewayTester limited(RateLimit limit) {
    if (tester != null) {
      tester.close();
    }
    tester = GatewayTester.of(Gateway.builder().time(clock).observer(records::add)
        .route("r", r -> r.path("/**").rateLimit(limit).upstream("http://up:1")));
    tester.stubUpstream("http://up:1", s -> s.respond(200, "ok"));
    return tester;
  }

  @Test
  void keyless_requests_share_one_budget_by_default() {
    limited(RateLimit.perHeader("X-Tenant", 2).per(Duration.ofMinutes(1)).named("tenant"));
    assertThat(tester.get("/x").send()).hasStatus(200);
    assertThat(tester.get("/x").send()).hasStatus(200);
    assertThat(tester.get("/x").send()).hasStatus(429).hasHeader("Retry-After");
    assertThat(tester.get("/x").header("X-Tenant", "acme").send()).as("a tenant has its own budget").hasStatus(200);
  }

  @Test
  void keyless_requests_of_a_custom_key_share_one_budget_by_default() {
    limited(RateLimit.keyedBy(RequestKey.custom("team", ex -> ex.request().headers().first("X-Team")), 1).per(Duration.ofMinutes(1)).named("team"));
    assertThat(tester.get("/x").send()).hasStatus(200);
    assertThat(tester.get("/x").send()).hasStatus(429);
  }

  @Test
  void keyless_requests_can_be_rejected_with_400_uncounted() {
    limited(RateLimit.perHeader("X-Tenant", 1).per(Duration.ofMinutes(1)).named("tenant")
        .whenKeyMissing(KeylessRequests.REJECT));
    assertThat(tester.get("/x").send()).hasStatus(400).isProblem().wasNotProxied()
        .bodyContains("rate limit 'tenant' counts requests by the header X-Tenant, which the request lacks");
    assertThat(records.get(records.size() - 1).rejection()).contains(Rejection.BAD_REQUEST);
    assertThat(tester.get("/x").header("X-Tenant", "acme").send()).hasStatus(200);
    limited(RateLimit.keyedBy(RequestKey.custom("team", ex -> Optional.empty()), 1).per(Duration.ofMinutes(1)).named("team")
        .whenKeyMissing(KeylessRequests.REJECT));
    assertThat(tester.get("/x").send()).hasStatus(400)
        .bodyContains("rate limit 'team' counts requests by a key this request does not have");
  }

  @Test
  void keyless_requests_can_be_exempt() {
    limited(RateLimit.perHeader("X-Tenant", 1).per(Duration.ofMinutes(1)).whenKeyMissing(KeylessRequests.EXEMPT));
    for (int i = 0; i < 5; i++) {
      assertThat(tester.get("/x").send()).hasStatus(200);
    }
    assertThat(tester.get("/x").header("X-Tenant", "acme").send()).hasStatus(200);
    assertThat(tester.get("/x").header("X-Tenant", "acme").send()).hasStatus(429);
  }

  @Test
  void a_request_whose_header_value_looks_like_the_shared_key_does_not_share_it() {
    limited(RateLimit.perHeader("X-Tenant", 1).per(Duration.ofMinutes(1)));
    assertThat(tester.get("/x").send()).hasStatus(200);
    assertThat(tester.get("/x").header("X-Tenant", "keyless").send()).hasStatus(200);
  }

  @Test
  void the_pre_auth_limit_answers_429_before_auth_fetches_any_key() throws Exception {
    TestKey key = TestKeys.rsa("k1");
    jwks = JwksServer.start(key);
    try (Gateway gateway = Gateway.builder().time(clock)
        .rateLimit(RateLimit.perClientIp(3).per(Duration.ofMinutes(1)).named("pre-auth").beforeAuth())
        .route("r", r -> r.path("/**").auth(Auth.jwt().jwks(jwks.url()).jwksMinRefetch(Duration.ZERO))
            .respond(200, "text/plain", "ok"))
        .build()) {
      for (int i = 0; i < 3; i++) {
        assertStatus(send(gateway, "203.0.113.9", made(key, "made-up-" + i))).isEqualTo(401);
      }
      int fetched = jwks.fetches();
      for (int i = 3; i < 30; i++) {
        assertStatus(send(gateway, "203.0.113.9", made(key, "made-up-" + i))).isEqualTo(429);
      }
      assertThat(jwks.fetches()).as("refused before auth: no fetch").isEqualTo(fetched);
      assertStatus(send(gateway, "198.51.100.7", made(key, "k1"))).as("another client").isEqualTo(200);
    }
  }

  private String made(TestKey key, String kid) {
    return TestTokens.signedBy(key).clock(clock).subject("x").kid(kid).mint();
  }

  private static AbstractIntegerAssert<?> assertStatus(int status) {
    return assertThat(status);
  }

  private static int send(Gateway gateway, String ip, String token) throws Exception {
    Request request = Request.builder("GET", "/x").headers(HttpHeaders.of("Authorization", "Bearer " + token))
        .remoteAddress(new InetSocketAddress(InetAddress.getByName(ip), 40000)).build();
    return gateway.handle(request).toCompletableFuture().get(10, TimeUnit.SECONDS).status();
  }

  @Test
  void a_gateway_wide_pre_auth_limit_counts_each_request_once() {
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .rateLimit(RateLimit.perClientIp(2).per(Duration.ofMinutes(1)).named("pre-auth").beforeAuth())
        .route("r", r -> r.path("/**").auth(Auth.none()).upstream("http://up:1")));
    tester.stubUpstream("http://up:1", s -> s.respond(200, "ok"));

    assertThat(tester.get("/x").send()).hasStatus(200).hasHeader("RateLimit", "\"pre-auth\";r=1;t=30");
    assertThat(tester.get("/x").send()).as("counted before auth only, not again after it").hasStatus(200);
    assertThat(tester.get("/x").send()).hasStatus(429);
  }

  @Test
  void the_pre_auth_limit_spares_the_password_hash() {
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .consumer(ApiConsumer.builder("ops").password(PasswordHash.of("ops-password", PasswordHash.MIN_ITERATIONS)).build())
        .route("r", r -> r.path("/**").auth(Auth.basic())
            .rateLimit(RateLimit.perClientIp(1).per(Duration.ofMinutes(1)).named("pre-auth").beforeAuth())
            .upstream("http://up:1")));
    assertThat(tester.get("/x").basic("ops", "guess").send()).hasStatus(401);
    assertThat(tester.get("/x").basic("ops", "guess").send()).hasStatus(429).doesNotHaveHeader("WWW-Authenticate");
  }

  @Test
  void a_pre_auth_limit_must_not_need_the_principal() {
    assertThatThrownBy(() -> Gateway.builder()
        .rateLimit(RateLimit.perConsumer(5).per(Duration.ofSeconds(1)).beforeAuth())
        .route("r", r -> r.path("/**").rateLimit(RateLimit.keyedBy(RequestKey.custom("k", ex -> Optional.of("k")), 5).per(Duration.ofSeconds(1))
            .named("k").beforeAuth()).respond(200, "text/plain", "ok"))
        .build())
        .hasMessageContaining("rateLimit: RateLimit[consumer: 5 per PT1S per consumer, burst 5, before auth] is keyed per"
            + " consumer (expected: a client IP, route, header, cookie or query parameter key before auth, where no principal is known yet)")
        .hasMessageContaining("route 'r': rateLimit: RateLimit[k: 5 per PT1S per custom, burst 5, before auth] is keyed"
            + " per custom");
  }
}

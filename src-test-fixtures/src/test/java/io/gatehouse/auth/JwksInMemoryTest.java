package io.gatehouse.auth;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestTokens;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A JWKS served by a stub upstream of the in-memory tester: how users test JWKS-backed routes. */
class JwksInMemoryTest {
  private static final String IDP = "https://idp.example.com";
  private final ManualClock clock = ManualClock.of(Instant.parse("2026-11-25T12:00:00Z"));
  private GatewayTester tester;

  @AfterEach
  void close() {
    tester.close();
  }

  @Test
  void a_route_test_with_a_stubbed_jwks_is_a_few_lines() {
    TestKey key = TestKeys.rsa("2026-11");
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .auth(Auth.jwt().jwks(IDP + "/.well-known/jwks.json").issuer(IDP))
        .route("orders", r -> r.path("/orders/**").requireScopes("orders:read").upstream("http://orders:8080")));
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", TestKeys.jwks(key)));
    tester.stubUpstream("http://orders:8080", s -> s.respond(200, "[]"));

    String token = TestTokens.signedBy(key).clock(clock).issuer(IDP).subject("alice").scopes("orders:read").mint();
    assertThat(tester.get("/orders").bearer(token).send()).hasStatus(200).upstreamSawHeader("X-Consumer-Id", "alice");
    assertThat(tester.get("/orders").bearer(TestTokens.signedBy(key).clock(clock).issuer(IDP).subject("alice").mint()).send())
        .hasStatus(403);
    assertThat(tester.upstream(IDP).received()).hasSize(1)
        .allSatisfy(r -> assertThat(r.path()).isEqualTo("/.well-known/jwks.json"));
  }

  @Test
  void keys_are_refetched_after_the_refresh_interval_and_on_an_unknown_kid_at_most_once_per_interval() {
    TestKey old = TestKeys.ec("old");
    TestKey rotated = TestKeys.ec("new");
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .auth(Auth.jwt().jwks(IDP + "/jwks").jwksRefresh(Duration.ofMinutes(10)).jwksMinRefetch(Duration.ofSeconds(30)))
        .route("r", r -> r.path("/**").respond(200, "text/plain", "ok")));
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", TestKeys.jwks(old)));

    assertThat(tester.get("/a").bearer(TestTokens.signedBy(old).clock(clock).subject("a").mint()).send()).hasStatus(200);
    for (int i = 0; i < 20; i++) {
      assertThat(tester.get("/a").bearer(TestTokens.signedBy(old).clock(clock).subject("a").kid("made-up-" + i).mint()).send())
          .hasStatus(401);
    }
    assertThat(tester.upstream(IDP).received())
        .as("the first fetch counts as the last attempt: no refetch within the minimum interval").hasSize(1);

    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", TestKeys.jwks(old, rotated)));
    String fresh = TestTokens.signedBy(rotated).clock(clock).subject("b").mint();
    assertThat(tester.get("/a").bearer(fresh).send()).as("within the minimum interval").hasStatus(401);
    clock.advance(Duration.ofSeconds(31));
    assertThat(tester.get("/a").bearer(fresh).send()).as("after it").hasStatus(200);
    assertThat(tester.upstream(IDP).received()).hasSize(2);

    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", TestKeys.jwks(rotated)));
    clock.advance(Duration.ofMinutes(10));
    String oldToken = TestTokens.signedBy(old).clock(clock).subject("a").mint();
    assertThat(tester.get("/a").bearer(oldToken).send()).as("served from the keys at hand while refreshing").hasStatus(200);
    assertThat(tester.get("/a").bearer(oldToken).send()).as("the refresh dropped the old key").hasStatus(401)
        .bodyContains("the token's signature is invalid");
  }

  @Test
  void configured_keys_and_a_jwks_work_together() {
    TestKey local = TestKeys.hmac("local");
    TestKey remote = TestKeys.rsa("remote");
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .auth(Auth.jwt().keys(local.jwtKey()).jwks(IDP + "/jwks"))
        .route("r", r -> r.path("/**").respond(200, "text/plain", "ok")));
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", TestKeys.jwks(remote)));

    assertThat(tester.get("/a").bearer(TestTokens.signedBy(local).clock(clock).subject("a").mint()).send()).hasStatus(200);
    assertThat(tester.upstream(IDP).received()).as("a configured key needs no fetch").isEmpty();
    assertThat(tester.get("/a").bearer(TestTokens.signedBy(remote).clock(clock).subject("a").mint()).send()).hasStatus(200);
  }

  @Test
  void cached_verified_tokens_end_when_a_refresh_drops_their_key_at_exp_and_at_the_ttl() {
    TestKey key = TestKeys.ec("k1");
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .auth(Auth.jwt().jwks(IDP + "/jwks").jwksRefresh(Duration.ofMinutes(1)).leeway(Duration.ZERO)
            .cacheVerified(1_000, Duration.ofMinutes(3)))
        .route("r", r -> r.path("/**").respond(200, "text/plain", "ok")));
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", TestKeys.jwks(key)));
    String token = TestTokens.signedBy(key).clock(clock).subject("a").expiresIn(Duration.ofMinutes(10)).mint();
    String shortLived = TestTokens.signedBy(key).clock(clock).subject("a").expiresIn(Duration.ofSeconds(90)).mint();
    assertThat(tester.get("/a").bearer(token).send()).hasStatus(200);
    assertThat(tester.get("/a").bearer(shortLived).send()).hasStatus(200);

    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", TestKeys.jwks(TestKeys.ec("k2"))));
    clock.advance(Duration.ofMinutes(1));
    assertThat(tester.get("/a").bearer(TestTokens.signedBy(key).clock(clock).subject("b").mint()).send())
        .as("an uncached token triggers the refresh of the keys").hasStatus(200);
    assertThat(tester.get("/a").bearer(TestTokens.signedBy(key).clock(clock).subject("c").mint()).send())
        .as("the refresh dropped k1").hasStatus(401);
    assertThat(tester.get("/a").bearer(token).send()).as("the cached token is verified again, without its key")
        .hasStatus(401).bodyContains("the token's signature is invalid");

    clock.advance(Duration.ofSeconds(31));
    assertThat(tester.get("/a").bearer(shortLived).send()).as("cached entries end at exp").hasStatus(401)
        .bodyContains("the token has expired");
    clock.advance(Duration.ofMinutes(2));
    assertThat(tester.get("/a").bearer(token).send()).as("and at the TTL").hasStatus(401);
  }
}

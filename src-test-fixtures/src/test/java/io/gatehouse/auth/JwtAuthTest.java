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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class JwtAuthTest {
  private static final String ORDERS = "http://orders:8080";
  private static final String IDP = "https://idp.example.com";
  private final ManualClock clock = ManualClock.of(Instant.parse("2026-11-25T12:00:00Z"));
  private GatewayTester tester;

  @AfterEach
  void close() {
    if (tester != null) {
      tester.close();
    }
  }

  private GatewayTester tester(Auth auth) {
    tester = GatewayTester.of(Gateway.builder().time(clock).auth(auth)
        .identityHeaders(IdentityHeaders.defaults().claim("email", "X-User-Email"))
        .route("orders", r -> r.path("/orders/**").upstream(ORDERS)));
    tester.stubUpstream(ORDERS, s -> s.respond(200, "ok"));
    return tester;
  }

  @ParameterizedTest
  @EnumSource(JwtAlgorithm.class)
  void accepts_a_valid_token_of_every_algorithm_and_tells_the_upstream_who_called(JwtAlgorithm algorithm) {
    TestKey key = switch (algorithm.family()) {
      case HMAC -> TestKeys.hmac("k1", algorithm);
      case RSA -> TestKeys.rsa("k1", algorithm);
      case EC -> TestKeys.ec("k1", algorithm);
    };
    tester(Auth.jwt().keys(key.jwtKey()));
    String token = TestTokens.signedBy(key).clock(clock).subject("alice").claim("email", "alice@example.com")
        .claim("roles", List.of("buyer", "admin")).mint();

    assertThat(tester.get("/orders/7").bearer(token).send())
        .hasStatus(200)
        .upstreamSawHeader("X-Consumer-Id", "alice")
        .upstreamSawHeader("X-Consumer-Groups", "admin,buyer")
        .upstreamSawHeader("X-User-Email", "alice@example.com")
        .upstreamSawHeader("Authorization", "Bearer " + token);
  }

  @Test
  void a_request_without_a_token_gets_401_with_a_bare_bearer_challenge() {
    tester(Auth.jwt().keys(TestKeys.rsa("k1").jwtKey()));

    assertThat(tester.get("/orders/7").send())
        .hasStatus(401).isProblem()
        .hasHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\"")
        .wasNotProxied();
  }

  @Test
  void exp_nbf_and_iat_are_checked_against_the_builders_clock_with_leeway() {
    TestKey key = TestKeys.rsa("k1");
    tester(Auth.jwt().keys(key.jwtKey()).leeway(Duration.ofSeconds(10)));
    String token = TestTokens.signedBy(key).clock(clock).subject("alice").expiresIn(Duration.ofMinutes(1)).mint();

    assertThat(tester.get("/orders/1").bearer(token).send()).hasStatus(200);
    clock.advance(Duration.ofSeconds(65));
    assertThat(tester.get("/orders/1").bearer(token).send()).as("within the leeway").hasStatus(200);
    clock.advance(Duration.ofSeconds(10));
    assertThat(tester.get("/orders/1").bearer(token).send())
        .hasStatus(401)
        .hasHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"the token has expired\"");

    String early = TestTokens.signedBy(key).clock(clock).subject("alice").notBefore(clock.instant().plusSeconds(60)).mint();
    assertThat(tester.get("/orders/1").bearer(early).send()).hasStatus(401).bodyContains("the token is not valid yet");
    clock.advance(Duration.ofSeconds(55));
    assertThat(tester.get("/orders/1").bearer(early).send()).as("nbf within the leeway").hasStatus(200);
  }

  @Test
  void the_principal_is_available_to_route_filters_with_scopes_roles_and_claims() {
    TestKey key = TestKeys.ec("k1");
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .auth(Auth.jwt().keys(key.jwtKey()).rolesClaim("realm_access.roles"))
        .route("orders", r -> r.path("/orders/**")
            .filter((exchange, chain) -> {
              Principal p = exchange.principal().orElseThrow();
              return chain.proceed(exchange.withRequest(exchange.request().toBuilder()
                  .header("X-Seen", p.id() + "|" + p.method() + "|" + p.scopes().stream().sorted().toList() + "|"
                      + p.roles() + "|" + p.claim("tenant").orElse("-"))
                  .build()));
            })
            .upstream(ORDERS)));
    tester.stubUpstream(ORDERS, s -> s.respond(200, "ok"));
    String token = TestTokens.signedBy(key).clock(clock).subject("bob").scopes("orders:read", "orders:write")
        .claim("realm_access", Map.of("roles", List.of("ops"))).claim("tenant", "acme").mint();

    assertThat(tester.get("/orders/1").bearer(token).send())
        .hasStatus(200)
        .upstreamSawHeader("X-Seen", "bob|JWT|[orders:read, orders:write]|[ops]|acme");
  }

  @Test
  void issuer_audience_and_required_claims_are_enforced_when_configured() {
    TestKey key = TestKeys.rsa("k1");
    tester(Auth.jwt().keys(key.jwtKey()).issuer(IDP).audience("shop", "shop-admin").requireClaims("tenant"));
    TestTokens.Builder good = TestTokens.signedBy(key).clock(clock).subject("alice").issuer(IDP)
        .audience("other", "shop-admin").claim("tenant", "acme");

    assertThat(tester.get("/orders/1").bearer(good.mint()).send()).hasStatus(200);
    assertThat(tester.get("/orders/1").bearer(TestTokens.signedBy(key).clock(clock).subject("alice").issuer("https://evil")
        .audience("shop").claim("tenant", "acme").mint()).send())
        .hasStatus(401).bodyContains("the token's issuer is not accepted");
    assertThat(tester.get("/orders/1").bearer(TestTokens.signedBy(key).clock(clock).subject("alice").issuer(IDP)
        .audience("elsewhere").claim("tenant", "acme").mint()).send())
        .hasStatus(401).bodyContains("the token's audience is not accepted");
    assertThat(tester.get("/orders/1").bearer(TestTokens.signedBy(key).clock(clock).subject("alice").issuer(IDP)
        .audience("shop").mint()).send())
        .hasStatus(401).bodyContains("the token lacks the claim tenant");
  }

  @Test
  void the_token_can_come_from_a_cookie_when_configured() {
    TestKey key = TestKeys.rsa("k1");
    tester(Auth.jwt().keys(key.jwtKey()).cookie("session"));
    String token = TestTokens.signedBy(key).clock(clock).subject("alice").mint();

    assertThat(tester.get("/orders/1").header("Cookie", "theme=dark; session=" + token).send())
        .hasStatus(200).upstreamSawHeader("X-Consumer-Id", "alice");
  }

  @Test
  void identity_headers_sent_by_the_client_never_reach_the_upstream() {
    TestKey key = TestKeys.rsa("k1");
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .identityHeaders(IdentityHeaders.defaults().claim("email", "X-User-Email"))
        .route("public", r -> r.path("/public/**").upstream(ORDERS))
        .route("orders", r -> r.path("/orders/**").auth(Auth.jwt().keys(key.jwtKey())).upstream(ORDERS)));
    tester.stubUpstream(ORDERS, s -> s.respond(200, "ok"));
    String token = TestTokens.signedBy(key).clock(clock).subject("alice").mint();

    assertThat(tester.get("/public/x")
        .header("X-Consumer-Id", "admin").header("x-consumer-groups", "admin").header("X-Consumer-Plan", "pro")
        .header("X-User-Email", "ceo@example.com").send())
        .hasStatus(200)
        .upstreamSawNoHeader("X-Consumer-Id").upstreamSawNoHeader("X-Consumer-Groups")
        .upstreamSawNoHeader("X-Consumer-Plan").upstreamSawNoHeader("X-User-Email");
    assertThat(tester.get("/orders/1").bearer(token)
        .header("X-Consumer-Id", "admin").header("X-Consumer-Groups", "admin").header("X-User-Email", "ceo@example.com").send())
        .hasStatus(200)
        .upstreamSawHeader("X-Consumer-Id", "alice")
        .upstreamSawNoHeader("X-Consumer-Groups")
        .upstreamSawNoHeader("X-User-Email");
  }
}

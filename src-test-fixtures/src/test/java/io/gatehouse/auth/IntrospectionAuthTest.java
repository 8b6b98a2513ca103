package io.gatehouse.auth;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.ManualClock;
import io.gatehouse.testing.RecordedRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class IntrospectionAuthTest {
  private static final String UP = "http://up:8080";
  private static final String IDP = "https://idp.example.com";
  private final ManualClock clock = ManualClock.of(Instant.parse("2026-11-25T12:00:00Z"));
  private GatewayTester tester;

  @BeforeEach
  void gateway() {
    tester = GatewayTester.of(Gateway.builder().time(clock)
        .auth(Auth.introspection(IDP + "/oauth2/introspect").clientCredentials("gateway", "s3cret:&")
            .maxCacheTtl(Duration.ofMinutes(5)).inactiveCacheTtl(Duration.ofSeconds(30)))
        .route("orders", r -> r.path("/orders/**").requireScopes("orders:read").upstream(UP)));
    tester.stubUpstream(UP, s -> s.respond(200, "ok"));
  }

  @AfterEach
  void close() {
    tester.close();
  }

  private String active(String sub, long expSeconds, String scope) {
    return "{\"active\":true,\"sub\":\"" + sub + "\",\"scope\":\"" + scope + "\",\"client_id\":\"web\",\"exp\":" + expSeconds + "}";
  }

  @Test
  void posts_the_token_with_client_credentials_and_accepts_an_active_answer() {
    long exp = clock.instant().plusSeconds(3600).getEpochSecond();
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", active("alice", exp, "orders:read profile")));

    assertThat(tester.get("/orders/1").bearer("opaque-token-1").send())
        .hasStatus(200).upstreamSawHeader("X-Consumer-Id", "alice").upstreamSawHeader("Authorization", "Bearer opaque-token-1");

    RecordedRequest call = tester.upstream(IDP).received().get(0);
    assertThat(call.method()).isEqualTo("POST");
    assertThat(call.path()).isEqualTo("/oauth2/introspect");
    assertThat(call.headers().first("Content-Type")).contains("application/x-www-form-urlencoded");
    assertThat(call.headers().first("Authorization")).contains("Basic "
        + Base64.getEncoder().encodeToString("gateway:s3cret%3A%26".getBytes(StandardCharsets.UTF_8)));
    assertThat(call.bodyText()).isEqualTo("token=opaque-token-1&token_type_hint=access_token");
  }

  @Test
  void an_active_answer_is_cached_until_exp_but_no_longer_than_the_max_ttl() {
    long exp = clock.instant().plusSeconds(120).getEpochSecond();
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", active("alice", exp, "orders:read")));

    for (int i = 0; i < 5; i++) {
      assertThat(tester.get("/orders/1").bearer("tok").send()).hasStatus(200);
    }
    assertThat(tester.upstream(IDP).received()).hasSize(1);

    clock.advance(Duration.ofSeconds(121));
    assertThat(tester.get("/orders/1").bearer("tok").send()).as("asked again after exp, which has passed").hasStatus(401);
    assertThat(tester.upstream(IDP).received()).hasSize(2);

    long far = clock.instant().plusSeconds(86_400).getEpochSecond();
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", active("alice", far, "orders:read")));
    assertThat(tester.get("/orders/1").bearer("tok-2").send()).hasStatus(200);
    clock.advance(Duration.ofMinutes(4));
    assertThat(tester.get("/orders/1").bearer("tok-2").send()).hasStatus(200);
    assertThat(tester.upstream(IDP).received()).hasSize(3);
    clock.advance(Duration.ofMinutes(2));
    assertThat(tester.get("/orders/1").bearer("tok-2").send()).as("the max TTL bounds a long-lived token").hasStatus(200);
    assertThat(tester.upstream(IDP).received()).hasSize(4);
  }

  @Test
  void an_inactive_token_gets_401_and_is_remembered_briefly() {
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", "{\"active\":false}"));

    assertThat(tester.get("/orders/1").bearer("revoked").send())
        .hasStatus(401)
        .hasHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\", error=\"invalid_token\", error_description=\"the token is not active\"");
    assertThat(tester.get("/orders/1").bearer("revoked").send()).hasStatus(401);
    assertThat(tester.upstream(IDP).received()).hasSize(1);
    clock.advance(Duration.ofSeconds(31));
    assertThat(tester.get("/orders/1").bearer("revoked").send()).hasStatus(401);
    assertThat(tester.upstream(IDP).received()).hasSize(2);
  }

  @Test
  void scopes_from_the_answer_are_enforced() {
    long exp = clock.instant().plusSeconds(3600).getEpochSecond();
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", active("alice", exp, "profile")));

    assertThat(tester.get("/orders/1").bearer("tok").send())
        .hasStatus(403)
        .hasHeader("WWW-Authenticate", "Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"orders:read\"");
  }

  @Test
  void an_endpoint_that_fails_gets_503_and_is_not_cached() {
    tester.stubUpstream(IDP, s -> s.fail(UpstreamException.Kind.CONNECT_REFUSED));
    assertThat(tester.get("/orders/1").bearer("tok").send()).hasStatus(503).isProblem().wasNotProxied();

    tester.stubUpstream(IDP, s -> s.respond(500, "text/plain", "boom"));
    assertThat(tester.get("/orders/1").bearer("tok").send()).hasStatus(503);

    tester.stubUpstream(IDP, s -> s.respond(200, "text/html", "<html>"));
    assertThat(tester.get("/orders/1").bearer("tok").send()).hasStatus(503);

    long exp = clock.instant().plusSeconds(3600).getEpochSecond();
    tester.stubUpstream(IDP, s -> s.respond(200, "application/json", active("alice", exp, "orders:read")));
    assertThat(tester.get("/orders/1").bearer("tok").send()).hasStatus(200);
  }
}

package io.gatehouse.examples.auth;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;

import io.gatehouse.auth.PasswordHash;
import io.gatehouse.testing.GatewayTester;
import io.gatehouse.testing.TestKey;
import io.gatehouse.testing.TestKeys;
import io.gatehouse.testing.TestTokens;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The README's auth examples, run in memory with the token fixtures. */
class SecuredGatewaysTest {
  private static final String IDP = "https://idp.example.com";
  private GatewayTester tester;

  @AfterEach
  void close() {
    tester.close();
  }

  // tag::auth-test[]
  @Test
  void reading_orders_needs_the_orders_read_scope() {
    TestKey key = TestKeys.rsa("key-1");
    tester = GatewayTester.of(SecuredGateways.jwt(IDP, "http://orders:8080"))
        .stubUpstream(IDP, idp -> idp.respond(200, "application/json", TestKeys.jwks(key)))
        .stubUpstream("http://orders:8080", orders -> orders.respond(200, "[]"));
    TestTokens.Builder alice = TestTokens.signedBy(key).issuer(IDP).audience("shop").subject("alice");

    assertThat(tester.get("/orders").bearer(alice.scopes("orders:read").mint()).send())
        .hasStatus(200).upstreamSawHeader("X-Consumer-Id", "alice");
    assertThat(tester.get("/orders").bearer(alice.scopes("profile").mint()).send())
        .hasStatus(403).hasHeader("WWW-Authenticate",
            "Bearer realm=\"gatehouse\", error=\"insufficient_scope\", scope=\"orders:read\"");
    assertThat(tester.get("/orders").bearer(alice.expiredFor(Duration.ofMinutes(1)).mint()).send())
        .hasStatus(401);
  }
  // end::auth-test[]

  @Test
  void writing_orders_needs_orders_write_and_health_is_public() {
    TestKey key = TestKeys.ec("key-1");
    tester = GatewayTester.of(SecuredGateways.jwt(IDP, "http://orders:8080"))
        .stubUpstream(IDP, idp -> idp.respond(200, "application/json", TestKeys.jwks(key)))
        .stubUpstream("http://orders:8080", orders -> orders.respond(201, "{}"));
    TestTokens.Builder bob = TestTokens.signedBy(key).issuer(IDP).audience("shop").subject("bob")
        .claim("email", "bob@example.com").claim("realm_access", Map.of("roles", List.of("buyer")));

    assertThat(tester.post("/orders").bearer(bob.scopes("orders:read").mint()).send()).hasStatus(403);
    assertThat(tester.post("/orders").bearer(bob.scopes("orders:write").mint()).send())
        .hasStatus(201).upstreamSawHeader("X-User-Email", "bob@example.com").upstreamSawHeader("X-Consumer-Groups", "buyer");
    assertThat(tester.get("/health").send()).hasStatus(200);
  }

  @Test
  void partners_call_reports_with_their_key_which_the_upstream_never_sees() {
    String key = "acme-0123456789abcdef0123";
    tester = GatewayTester.of(SecuredGateways.apiKeys(key, "http://reports:8080"))
        .stubUpstream("http://reports:8080", s -> s.respond(200, "{}"));

    assertThat(tester.get("/reports/q3").header("X-API-Key", key).send())
        .hasStatus(200).upstreamSawNoHeader("X-API-Key")
        .upstreamSawHeader("X-Consumer-Id", "acme").upstreamSawHeader("X-Consumer-Plan", "pro");
    assertThat(tester.get("/reports/q3").header("X-API-Key", "not-" + key).send()).hasStatus(401);
  }

  @Test
  void ops_use_basic_or_their_key() {
    tester = GatewayTester.of(SecuredGateways.basicOrKey(PasswordHash.of("ops-password", 10_000), "ops-key-0123456789abcdef",
        "http://admin:8080")).stubUpstream("http://admin:8080", s -> s.respond(200, "ok"));

    assertThat(tester.get("/admin/users").basic("ops", "ops-password").send()).hasStatus(200);
    assertThat(tester.get("/admin/users").header("X-API-Key", "ops-key-0123456789abcdef").send()).hasStatus(200);
    assertThat(tester.get("/admin/users").send()).hasStatus(401)
        .hasHeader("WWW-Authenticate");
    assertThat(tester.get("/admin/users").send().headers().all("WWW-Authenticate"))
        .containsExactly("Basic realm=\"admin\", charset=\"UTF-8\"", "ApiKey realm=\"gatehouse\"");
  }

  @Test
  void opaque_tokens_are_introspected_and_tenants_see_their_own_orders() {
    tester = GatewayTester.of(SecuredGateways.introspection(IDP, "secret", "http://orders:8080"))
        .stubUpstream(IDP, idp -> idp.respond(200, "application/json",
            "{\"active\":true,\"sub\":\"carol\",\"scope\":\"orders:read\",\"tenant\":\"acme\",\"exp\":4102444800}"))
        .stubUpstream("http://orders:8080", s -> s.respond(200, "[]"));

    assertThat(tester.get("/orders/acme/1").bearer("opaque").send()).hasStatus(200).upstreamSawHeader("X-Consumer-Id", "carol");
    assertThat(tester.get("/orders/globex/1").bearer("opaque").send()).hasStatus(403);
  }
}

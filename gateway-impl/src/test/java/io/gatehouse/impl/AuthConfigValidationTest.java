package io.gatehouse.impl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.ConfigViolation;
import io.gatehouse.Gateway;
import io.gatehouse.GatewayConfigException;
import io.gatehouse.auth.AccessRule;
import io.gatehouse.auth.ApiConsumer;
import io.gatehouse.auth.Auth;
import io.gatehouse.auth.ConsumerStore;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtKey;
import java.util.List;
import org.junit.jupiter.api.Test;

class AuthConfigValidationTest {
  private static final JwtKey KEY = JwtKey.secret("k1", new byte[32], JwtAlgorithm.HS256);

  private static Gateway.Builder builder() {
    return Gateway.builder().transport(RecordingTransport.answering(200));
  }

  private static List<String> violations(Gateway.Builder builder) {
    try {
      builder.build().close();
    } catch (GatewayConfigException e) {
      return e.violations().stream().map(ConfigViolation::toString).toList();
    }
    throw new AssertionError("expected build() to fail");
  }

  @Test
  void access_rules_on_a_public_route_are_rejected() {
    assertThat(violations(builder().route("orders", r -> r.path("/o").requireScopes("orders:read").upstream("http://o:1"))))
        .containsExactly("route 'orders': require: AccessRule[scopes orders:read] on a public route"
            + " (expected: auth(...) on the route or the gateway)");
  }

  @Test
  void key_based_kinds_without_consumers_are_rejected_where_they_are_declared() {
    assertThat(violations(builder()
        .auth(Auth.basic())
        .route("a", r -> r.path("/a").auth(Auth.anyOf(Auth.apiKey(), Auth.jwt().keys(KEY))).upstream("http://o:1"))))
        .containsExactly(
            "gateway: auth: Auth.basic(realm gatehouse) has no consumers to check against (expected: consumer(...) or consumers(store))",
            "route 'a': auth: Auth.apiKey(header X-API-Key) has no consumers to check against (expected: consumer(...) or consumers(store))");
  }

  @Test
  void client_certificates_looked_up_among_consumers_need_consumers() {
    assertThat(violations(builder()
        .route("a", r -> r.path("/a").auth(Auth.clientCertificate().consumers(true)).upstream("http://o:1"))
        .route("b", r -> r.path("/b").auth(Auth.clientCertificate()).upstream("http://o:1"))))
        .containsExactly("route 'a': auth: Auth.clientCertificate(idFrom SUBJECT_DN, consumers) looks ids up among consumers,"
            + " but there are none (expected: consumer(...) or consumers(store))");
  }

  @Test
  void jwt_without_keys_bad_jwks_urls_and_duplicate_kids_are_rejected() {
    assertThat(violations(builder()
        .route("a", r -> r.path("/a").auth(Auth.jwt()).upstream("http://o:1"))
        .route("b", r -> r.path("/b").auth(Auth.jwt().jwks("ftp://idp/keys")).upstream("http://o:1"))
        .route("c", r -> r.path("/c").auth(Auth.jwt().keys(KEY, JwtKey.secret("k1", new byte[48], JwtAlgorithm.HS384)))
            .upstream("http://o:1"))))
        .containsExactly(
            "route 'a': auth: Auth.jwt() has no keys (expected: keys(...), jwks(url) or both)",
            "route 'b': auth.jwks: 'ftp://idp/keys' has scheme 'ftp' (expected: an absolute http or https URL without user info or fragment)",
            "route 'c': auth.keys: two keys with kid k1 (expected: unique kids)");
  }

  @Test
  void introspection_needs_client_credentials_and_a_url() {
    assertThat(violations(builder().auth(Auth.introspection("https:///introspect"))
        .route("a", r -> r.path("/a").upstream("http://o:1"))))
        .containsExactly(
            "gateway: auth.introspection: 'https:///introspect' has no host (expected: an absolute http or https URL without user info or fragment)",
            "gateway: auth.introspection: no client credentials (expected: clientCredentials(id, secret); RFC 7662 endpoints authenticate their callers)");
  }

  @Test
  void consumers_must_be_unique_and_come_from_one_place() {
    ApiConsumer alice = ApiConsumer.builder("alice").apiKey("alice-key-0123456789").build();
    ApiConsumer bob = ApiConsumer.builder("bob").apiKey("alice-key-0123456789").build();
    assertThat(violations(builder().auth(Auth.apiKey()).consumer(alice).consumer(alice).consumer(bob)
        .consumers(ConsumerStore.of(List.of()))
        .route("a", r -> r.path("/a").upstream("http://o:1"))))
        .containsExactly(
            "gateway: consumers: both consumer(...) and consumers(store) are set (expected: one of them)",
            "gateway: consumers: 'alice' is declared twice (expected: unique ids)");
  }

  @Test
  void two_consumers_sharing_a_key_are_named() {
    ApiConsumer alice = ApiConsumer.builder("alice").apiKey("shared-key-0123456789").build();
    ApiConsumer bob = ApiConsumer.builder("bob").apiKey("shared-key-0123456789").build();
    assertThat(violations(builder().auth(Auth.apiKey()).consumer(alice).consumer(bob)
        .route("a", r -> r.path("/a").upstream("http://o:1"))))
        .containsExactly("gateway: consumers: 'bob' has an API key that 'alice' has too (expected: every key belongs to one consumer)");
  }

  @Test
  void a_valid_auth_configuration_builds() {
    ApiConsumer alice = ApiConsumer.builder("alice").apiKey("alice-key-0123456789").build();
    builder().auth(Auth.anyOf(Auth.jwt().keys(KEY).jwks("https://idp.example.com/jwks.json"), Auth.apiKey()))
        .consumer(alice)
        .route("a", r -> r.path("/a").require(AccessRule.scopes("a:read").on("GET")).upstream("http://o:1"))
        .route("public", r -> r.path("/p").auth(Auth.none()).upstream("http://o:1"))
        .build().close();
  }
}

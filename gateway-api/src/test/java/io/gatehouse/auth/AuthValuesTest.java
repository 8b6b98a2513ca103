package io.gatehouse.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.http.Request;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AuthValuesTest {

  @Test
  void auth_kinds_are_immutable_values_whose_setters_return_copies() {
    JwtAuth base = Auth.jwt();
    JwtAuth changed = base.issuer("https://idp").audience("shop").leeway(Duration.ZERO).cookie("session");

    assertThat(base.issuers()).isEmpty();
    assertThat(base.leeway()).isEqualTo(Duration.ofSeconds(30));
    assertThat(changed.issuers()).containsExactly("https://idp");
    assertThat(changed.audiences()).containsExactly("shop");
    assertThat(changed.cookie()).contains("session");
    assertThat(Auth.apiKey().query("api_key").header()).isEqualTo("X-API-Key");
    assertThat(Auth.apiKey().query()).isEmpty();
    assertThat(Auth.apiKey().forwardsKey()).isFalse();
  }

  @Test
  void client_certificate_auth_is_a_value_whose_setters_return_copies() {
    ClientCertificateAuth base = Auth.clientCertificate();
    ClientCertificateAuth changed = base.idFrom(ClientCertificateAuth.Field.SAN_URI).consumers(true);

    assertThat(base.idFrom()).isEqualTo(ClientCertificateAuth.Field.SUBJECT_DN);
    assertThat(base.consumers()).isFalse();
    assertThat(changed.idFrom()).isEqualTo(ClientCertificateAuth.Field.SAN_URI);
    assertThat(changed.consumers()).isTrue();
    assertThat(changed).isEqualTo(Auth.clientCertificate().consumers(true).idFrom(ClientCertificateAuth.Field.SAN_URI))
        .isNotEqualTo(base);
    assertThat(changed.toString()).isEqualTo("Auth.clientCertificate(idFrom SAN_URI, consumers)");
    assertThatThrownBy(() -> base.idFrom(null)).isInstanceOf(NullPointerException.class).hasMessage("field");
  }

  @Test
  void requests_carry_client_certificates_only_when_an_adapter_sets_them() {
    Request plain = Request.builder("GET", "/x").header("X-Client-Cert", "MIIB...").build();
    assertThat(plain.clientCertificates()).isEmpty();
    assertThat(plain.toBuilder().path("/y").build().clientCertificates()).isEmpty();
    assertThatThrownBy(() -> Request.builder("GET", "/x").clientCertificates(null))
        .isInstanceOf(NullPointerException.class).hasMessage("chain");
    java.util.List<java.security.cert.X509Certificate> mutable = new java.util.ArrayList<>();
    Request none = Request.builder("GET", "/x").clientCertificates(mutable).build();
    assertThatThrownBy(() -> none.clientCertificates().add(null)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void the_verified_token_cache_is_on_with_1000_tokens_for_5_minutes_until_sized_or_turned_off() {
    JwtAuth base = Auth.jwt();
    JwtAuth sized = base.cacheVerified(50, Duration.ofSeconds(20));

    assertThat(base.verifiedCacheSize()).isEqualTo(1_000);
    assertThat(base.verifiedCacheTtl()).isEqualTo(Duration.ofMinutes(5));
    assertThat(sized.verifiedCacheSize()).isEqualTo(50);
    assertThat(sized.verifiedCacheTtl()).isEqualTo(Duration.ofSeconds(20));
    assertThat(sized.cacheVerified(7).verifiedCacheSize()).isEqualTo(7);
    assertThat(sized.cacheVerified(7).verifiedCacheTtl()).as("the one-argument form keeps the age").isEqualTo(Duration.ofSeconds(20));
    assertThat(base.cacheVerified(0).verifiedCacheSize()).isZero();
    assertThat(base.cacheVerified(0, Duration.ofSeconds(1)).verifiedCacheSize()).isZero();
    assertThat(base.verifiedCacheSize()).as("setters return copies").isEqualTo(1_000);
  }

  @Test
  void setters_reject_nonsense_at_once_naming_the_field() {
    assertThatThrownBy(() -> Auth.jwt().leeway(Duration.ofSeconds(-1))).hasMessage("leeway: PT-1S (expected: >= 0)");
    assertThatThrownBy(() -> Auth.jwt().jwksRefresh(Duration.ZERO)).hasMessage("jwksRefresh: PT0S (expected: > 0)");
    assertThatThrownBy(() -> Auth.jwt().issuer(" ")).hasMessage("issuer: ' ' (expected: not blank)");
    assertThatThrownBy(() -> Auth.apiKey().header("X API Key")).hasMessage("header: 'X API Key' (expected: a header name)");
    assertThatThrownBy(() -> Auth.basic().realm("a\"b")).hasMessage("realm: 'a\"b' (expected: printable ASCII without '\"' or '\\')");
    assertThatThrownBy(() -> Auth.introspection("https://idp/introspect").cacheSize(-1)).hasMessage("cacheSize: -1 (expected: >= 0)");
    assertThatThrownBy(() -> Auth.anyOf(Auth.apiKey())).hasMessage("anyOf: 1 alternatives (expected: at least 2)");
    assertThatThrownBy(() -> Auth.anyOf(Auth.apiKey(), Auth.none()))
        .hasMessage("anyOf: Auth.none() (expected: only kinds that authenticate)");
    assertThatThrownBy(() -> AccessRule.scopes()).hasMessage("scopes: none (expected: at least one)");
    assertThatThrownBy(() -> AccessRule.scopes("a b"))
        .hasMessage("scopes: 'a b' (expected: visible ASCII without spaces, '\"' or '\\')");
    assertThatThrownBy(() -> AccessRule.roles("admin").on()).hasMessage("methods: none (expected: at least one)");
    assertThatThrownBy(() -> IdentityHeaders.defaults().claim("email", "X User")).hasMessage("header: 'X User' (expected: a header name)");
  }

  @Test
  void jwt_keys_must_fit_their_algorithm() throws Exception {
    KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
    rsa.initialize(1024);
    PublicKey small = rsa.generateKeyPair().getPublic();
    KeyPairGenerator ec = KeyPairGenerator.getInstance("EC");
    ec.initialize(new ECGenParameterSpec("secp256r1"));
    PublicKey p256 = ec.generateKeyPair().getPublic();

    assertThatThrownBy(() -> JwtKey.of("k", small, JwtAlgorithm.RS256))
        .hasMessage("key: 1024-bit RSA key for RS256 (expected: at least 2048 bits)");
    assertThatThrownBy(() -> JwtKey.of("k", p256, JwtAlgorithm.ES384))
        .hasMessage("key: EC key of 256 bits for ES384 (expected: the P-384 curve)");
    assertThatThrownBy(() -> JwtKey.of("k", p256, JwtAlgorithm.RS256))
        .hasMessage("key: EC key for RS256 (expected: an RSA public key)");
    assertThatThrownBy(() -> JwtKey.of("k", p256, JwtAlgorithm.HS256))
        .hasMessage("key: EC key for HS256 (expected: a secret key)");
    assertThatThrownBy(() -> JwtKey.secret("k", new byte[31], JwtAlgorithm.HS256))
        .hasMessage("key: 31-byte secret for HS256 (expected: at least 32 bytes, RFC 7518 section 3.2)");
    assertThatThrownBy(() -> JwtKey.secret("k", new byte[64], JwtAlgorithm.RS256))
        .hasMessage("algorithm: RS256 (expected: HS256, HS384 or HS512 for a secret)");
    assertThatThrownBy(() -> JwtKey.secret(new byte[31], JwtAlgorithm.HS256))
        .hasMessage("key: 31-byte secret for HS256 (expected: at least 32 bytes, RFC 7518 section 3.2)");
    assertThatThrownBy(() -> JwtKey.secret(new byte[64], JwtAlgorithm.ES256))
        .hasMessage("algorithm: ES256 (expected: HS256, HS384 or HS512 for a secret)");
    JwtKey unnamed = JwtKey.secret(new byte[32], JwtAlgorithm.HS256);
    assertThat(unnamed.kid()).isEmpty();
    assertThat(unnamed.toString()).isEqualTo("JwtKey[HS256]");
    assertThat(JwtKey.of("k", p256, JwtAlgorithm.ES256).toString()).isEqualTo("JwtKey[kid k, ES256]");
    assertThat(JwtAlgorithm.fromJose("none")).isEmpty();
    assertThat(JwtAlgorithm.fromJose("rs256")).as("case-sensitive").isEmpty();
  }

  @Test
  void consumers_keep_hashes_only_and_print_no_credential() {
    ApiConsumer c = ApiConsumer.builder("alice").groups("a").plan("pro").apiKey("0123456789abcdef-key")
        .password(PasswordHash.of("pw", 1_000)).build();

    assertThat(c.apiKeyHashes()).containsExactly(ApiConsumer.hashApiKey("0123456789abcdef-key"));
    assertThat(ApiConsumer.hashApiKey("abc")).isEqualTo("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    assertThat(c.toString()).isEqualTo("ApiConsumer[alice, groups [a], plan pro]");
    assertThatThrownBy(() -> ApiConsumer.builder("alice").apiKey("short")).hasMessage("apiKey: 5 characters (expected: at least 16)");
    assertThatThrownBy(() -> ApiConsumer.builder("a:b").build()).hasMessage("id: 'a:b' (expected: visible ASCII without ':')");
    assertThatThrownBy(() -> ApiConsumer.builder("a").apiKeyHash("ABC").build())
        .hasMessage("apiKeyHash: 'ABC' (expected: 64 lowercase hex digits, as hashApiKey makes)");
  }

  @Test
  void principal_claims_are_read_by_name_or_dotted_path() {
    Principal p = new Principal("alice", Principal.Method.JWT, Optional.empty(), Set.of(), Set.of(),
        Map.of("realm_access", Map.of("roles", List.of("ops", "dev")), "scope", "a b  c", "x.y", "flat"));

    assertThat(p.claimStrings("realm_access.roles")).containsExactly("ops", "dev");
    assertThat(p.claimStrings("scope")).containsExactly("a", "b", "c");
    assertThat(p.claim("x.y")).contains("flat");
    assertThat(p.claim("realm_access.missing")).isEmpty();
    assertThat(p.claimStrings("nope")).isEmpty();
    assertThat(p.toString()).isEqualTo("Principal[alice, JWT, roles []]");
  }

  @Test
  void access_rules_apply_to_their_methods_only() {
    AccessRule rule = AccessRule.scopes("w").on("post", "PUT");

    assertThat(rule.appliesTo("POST")).isTrue();
    assertThat(rule.appliesTo("GET")).isFalse();
    assertThat(AccessRule.roles("x").appliesTo("GET")).isTrue();
    assertThat(rule.appliesTo("HEAD")).isFalse();
    assertThat(AccessRule.scopes("r").on("GET").appliesTo("HEAD")).isTrue();
    assertThat(AccessRule.scopes("r").on("HEAD").appliesTo("GET")).isFalse();
    assertThat(AccessRule.check("always", (p, r) -> true).check()).isPresent();
    assertThat(rule.toString()).isEqualTo("AccessRule[scopes w on [POST, PUT]]");
    assertThat(rule.methods()).containsExactly("POST", "PUT");
    assertThat(AccessRule.roles("x").methods()).isEmpty();
    assertThat(AccessRule.check("x", (Principal p, Request r) -> true).description()).isEqualTo("x");
  }

  @Test
  void identity_headers_list_every_name_they_control() {
    assertThat(IdentityHeaders.defaults().claim("email", "X-User-Email").names())
        .containsExactly("X-Consumer-Id", "X-Consumer-Groups", "X-Consumer-Plan", "X-User-Email");
    assertThat(IdentityHeaders.none().names()).isEmpty();
    assertThat(IdentityHeaders.none().consumerId("X-Caller").names()).containsExactly("X-Caller");
  }

  @Test
  void identity_headers_are_values_equal_by_the_names_they_set() {
    IdentityHeaders tenant = IdentityHeaders.defaults().claim("tenant", "X-Tenant");

    assertThat(tenant).isEqualTo(IdentityHeaders.defaults().claim("tenant", "X-Tenant"))
        .hasSameHashCodeAs(IdentityHeaders.defaults().claim("tenant", "X-Tenant"))
        .isNotEqualTo(IdentityHeaders.defaults())
        .isNotEqualTo(IdentityHeaders.defaults().claim("tenant", "X-Org"));
    assertThat(IdentityHeaders.none().plan("X-Plan")).isNotEqualTo(IdentityHeaders.none().groups("X-Plan"));
  }

  @Test
  void a_consumer_password_given_in_clear_is_kept_as_its_default_strength_hash() {
    ApiConsumer bob = ApiConsumer.builder("bob").password("s3cret pass").build();

    PasswordHash hash = bob.password().orElseThrow();
    assertThat(hash.iterations()).isEqualTo(PasswordHash.DEFAULT_ITERATIONS);
    assertThat(hash.matches("s3cret pass")).isTrue();
    assertThat(hash.matches("s3cret")).isFalse();
    assertThat(bob.toString()).doesNotContain("s3cret");
  }
}

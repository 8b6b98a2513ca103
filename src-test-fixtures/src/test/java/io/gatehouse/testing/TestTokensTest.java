package io.gatehouse.testing;

import static io.gatehouse.testing.TestKeysTest.keyFor;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.auth0.jwt.JWT;
import com.auth0.jwt.JWTVerifier;
import com.auth0.jwt.algorithms.Algorithm;
import com.auth0.jwt.exceptions.AlgorithmMismatchException;
import com.auth0.jwt.exceptions.InvalidClaimException;
import com.auth0.jwt.exceptions.SignatureVerificationException;
import com.auth0.jwt.exceptions.TokenExpiredException;
import com.auth0.jwt.interfaces.DecodedJWT;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.auth.JwtAlgorithm;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class TestTokensTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  private final ManualClock clock = ManualClock.of(START);

  @ParameterizedTest
  @EnumSource(JwtAlgorithm.class)
  void mints_a_token_that_java_jwt_verifies_with_the_public_key(JwtAlgorithm algorithm) {
    TestKey key = keyFor(algorithm);

    String token = TestTokens.signedBy(key).subject("alice").issuer("https://idp.test").audience("orders-api")
        .scopes("orders:read", "orders:write").mint();

    DecodedJWT jwt = JWT.require(verifier(key)).withSubject("alice").withIssuer("https://idp.test")
        .withAudience("orders-api").build().verify(token);
    assertThat(jwt.getAlgorithm()).isEqualTo(algorithm.name());
    assertThat(jwt.getKeyId()).isEqualTo(key.kid());
    assertThat(jwt.getType()).isEqualTo("JWT");
    assertThat(jwt.getClaim("scope").asString()).isEqualTo("orders:read orders:write");
  }

  @Test
  void the_one_liner_mints_a_valid_token_for_a_subject_and_scopes() {
    TestKey key = TestKeys.ec("e1");

    String token = TestTokens.valid(key, "alice", "orders:read");

    DecodedJWT jwt = JWT.require(verifier(key)).build().verify(token);
    assertThat(jwt.getSubject()).isEqualTo("alice");
    assertThat(jwt.getClaim("scope").asString()).isEqualTo("orders:read");
    assertThat(JWT.decode(TestTokens.valid(key, "bob")).getClaim("scope").isMissing()).isTrue();
  }

  @Test
  void is_issued_now_and_expires_in_five_minutes_by_the_clock() {
    DecodedJWT jwt = JWT.decode(TestTokens.signedBy(TestKeys.hmac("h")).clock(clock).mint());

    assertThat(jwt.getIssuedAtAsInstant()).isEqualTo(START);
    assertThat(jwt.getExpiresAtAsInstant()).isEqualTo(START.plus(Duration.ofMinutes(5)));
    assertThat(jwt.getNotBeforeAsInstant()).isNull();
    assertThat(jwt.getSubject()).isNull();
  }

  @Test
  void an_expired_token_fails_with_TokenExpiredException() {
    TestKey key = TestKeys.rsa("k1");

    String token = TestTokens.signedBy(key).subject("alice").expiredFor(Duration.ofMinutes(1)).mint();

    assertThatThrownBy(() -> JWT.require(verifier(key)).build().verify(token))
        .isInstanceOf(TokenExpiredException.class);
    DecodedJWT jwt = JWT.decode(token);
    assertThat(jwt.getIssuedAtAsInstant()).isEqualTo(jwt.getExpiresAtAsInstant().minus(Duration.ofMinutes(5)));
  }

  @Test
  void follows_a_manual_clock_so_time_can_expire_a_token() {
    TestKey key = TestKeys.hmac("h1");
    String token = TestTokens.signedBy(key).clock(clock).expiresIn(Duration.ofMinutes(10)).mint();
    JWTVerifier verifier = ((JWTVerifier.BaseVerification) JWT.require(verifier(key))).build(clock);

    assertThat(verifier.verify(token).getExpiresAtAsInstant()).isEqualTo(START.plus(Duration.ofMinutes(10)));
    clock.advance(Duration.ofMinutes(11));
    assertThatThrownBy(() -> verifier.verify(token)).isInstanceOf(TokenExpiredException.class);
  }

  @Test
  void a_token_not_valid_yet_fails_the_not_before_check() {
    TestKey key = TestKeys.hmac("h1");

    String later = TestTokens.signedBy(key).clock(clock).notValidFor(Duration.ofMinutes(2)).mint();
    String fixed = TestTokens.signedBy(key).notBefore(START).issuedAt(START.minusSeconds(1)).expiresAt(START.plusSeconds(9))
        .mint();

    JWTVerifier verifier = ((JWTVerifier.BaseVerification) JWT.require(verifier(key))).build(clock);
    assertThatThrownBy(() -> verifier.verify(later)).isInstanceOf(InvalidClaimException.class)
        .hasMessageContaining("can't be used before");
    DecodedJWT jwt = verifier.verify(fixed);
    assertThat(jwt.getNotBeforeAsInstant()).isEqualTo(START);
    assertThat(jwt.getIssuedAtAsInstant()).isEqualTo(START.minusSeconds(1));
    assertThat(jwt.getExpiresAtAsInstant()).isEqualTo(START.plusSeconds(9));
  }

  @Test
  void can_omit_the_expiry_and_omit_or_override_the_kid() {
    TestKey key = TestKeys.rsa("k1");

    DecodedJWT noExpiry = JWT.decode(TestTokens.signedBy(key).withoutExpiry().mint());
    DecodedJWT noKid = JWT.require(verifier(key)).build().verify(TestTokens.signedBy(key).withoutKid().mint());
    DecodedJWT otherKid = JWT.require(verifier(key)).build().verify(TestTokens.signedBy(key).kid("k2").mint());

    assertThat(noExpiry.getExpiresAtAsInstant()).isNull();
    assertThat(noExpiry.getKeyId()).isEqualTo("k1");
    assertThat(noKid.getKeyId()).isNull();
    assertThat(otherKid.getKeyId()).isEqualTo("k2");
  }

  @Test
  void writes_custom_claims_including_nested_maps_and_lists() {
    TestKey key = TestKeys.hmac("h1");

    String token = TestTokens.signedBy(key).audience("a", "b")
        .claim("realm_access", Map.of("roles", List.of("admin", "user")))
        .claim("tenant", 7).claim("ratio", 0.5f).claim("admin", true).claim("groups", List.of("x"))
        .claim("auth_time", START).mint();

    DecodedJWT jwt = JWT.require(verifier(key)).build().verify(token);
    assertThat(jwt.getAudience()).containsExactly("a", "b");
    assertThat(jwt.getClaim("realm_access").asMap()).isEqualTo(Map.of("roles", List.of("admin", "user")));
    assertThat(jwt.getClaim("tenant").asLong()).isEqualTo(7L);
    assertThat(jwt.getClaim("ratio").asDouble()).isEqualTo(0.5);
    assertThat(jwt.getClaim("admin").asBoolean()).isTrue();
    assertThat(jwt.getClaim("groups").asList(String.class)).containsExactly("x");
    assertThat(jwt.getClaim("auth_time").asInstant()).isEqualTo(START);
  }

  @Test
  void a_claim_overrides_a_registered_one_so_malformed_claims_can_be_minted() throws Exception {
    String token = TestTokens.signedBy(TestKeys.hmac("h1")).subject("alice").claim("exp", "soon").claim("sub", 42).mint();

    Map<String, Object> payload = payload(token);

    assertThat(payload.get("exp")).isEqualTo("soon");
    assertThat(payload.get("sub")).isEqualTo(42);
  }

  @Test
  void claim_values_are_copied_when_set() {
    List<String> roles = new ArrayList<>(List.of("user"));
    TestTokens.Builder builder = TestTokens.signedBy(TestKeys.hmac("h1")).claim("roles", roles);

    roles.add("admin");

    assertThat(JWT.decode(builder.mint()).getClaim("roles").asList(String.class)).containsExactly("user");
  }

  @Test
  void mintUnsigned_has_alg_none_and_an_empty_signature() throws Exception {
    TestKey key = TestKeys.rsa("k1");

    String token = TestTokens.signedBy(key).subject("alice").scopes("orders:read").mintUnsigned();

    String[] parts = token.split("\\.", -1);
    assertThat(parts).hasSize(3);
    assertThat(decode(parts[0])).isEqualTo("{\"alg\":\"none\",\"typ\":\"JWT\",\"kid\":\"k1\"}");
    assertThat(parts[0]).doesNotContain("=");
    assertThat(parts[2]).isEmpty();
    assertThat(payload(token)).containsEntry("sub", "alice").containsEntry("scope", "orders:read");
    assertThatThrownBy(() -> JWT.require(verifier(key)).build().verify(token))
        .isInstanceOf(AlgorithmMismatchException.class);
  }

  @ParameterizedTest
  @EnumSource(value = JwtAlgorithm.class, names = {"HS256", "RS256", "PS384", "ES512"})
  void a_tampered_token_fails_signature_verification(JwtAlgorithm algorithm) throws Exception {
    TestKey key = keyFor(algorithm);

    String token = TestTokens.signedBy(key).subject("alice").mintTampered();

    assertThat(payload(token)).containsEntry("sub", "tampered-alice");
    assertThatThrownBy(() -> JWT.require(verifier(key)).build().verify(token))
        .isInstanceOf(SignatureVerificationException.class);
  }

  @Test
  void tampering_keeps_the_header_and_the_genuine_signature() {
    // RS256 and a fixed clock make signing deterministic, so the genuine token is reproducible.
    TestTokens.Builder builder = TestTokens.signedBy(TestKeys.rsa("k1")).subject("alice").clock(clock);

    String[] genuine = builder.mint().split("\\.");
    String[] tampered = builder.mintTampered().split("\\.");

    assertThat(tampered[0]).isEqualTo(genuine[0]);
    assertThat(tampered[1]).isNotEqualTo(genuine[1]);
    assertThat(tampered[2]).isEqualTo(genuine[2]);
  }

  @Test
  void mintTampered_can_escalate_a_claim() throws Exception {
    TestKey key = TestKeys.ec("e1");
    TestTokens.Builder builder = TestTokens.signedBy(key).subject("alice").scopes("orders:read");

    String token = builder.mintTampered("scope", "orders:read admin");

    assertThat(payload(token)).containsEntry("scope", "orders:read admin").containsEntry("sub", "alice");
    assertThatThrownBy(() -> JWT.require(verifier(key)).build().verify(token))
        .isInstanceOf(SignatureVerificationException.class);
    assertThat(payload(TestTokens.signedBy(key).mintTampered())).containsEntry("sub", "tampered");
    assertThatThrownBy(() -> builder.mintTampered("scope", "orders:read"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("claims.scope: \"orders:read\" (expected: a value other than the token's, "
            + "or the signature would still match)");
  }

  @ParameterizedTest
  @EnumSource(JwtAlgorithm.class)
  void mintWithHeaderAlg_claims_another_alg_but_is_signed_with_the_keys_own(JwtAlgorithm algorithm) {
    TestKey key = keyFor(algorithm);
    String claimed = algorithm == JwtAlgorithm.HS256 ? "RS256" : "HS256";

    String token = TestTokens.signedBy(key).subject("alice").mintWithHeaderAlg(claimed);

    DecodedJWT jwt = JWT.decode(token);
    assertThat(jwt.getAlgorithm()).isEqualTo(claimed);
    assertThat(jwt.getKeyId()).isEqualTo(key.kid());
    verifier(key).verify(jwt);
    assertThatThrownBy(() -> JWT.require(verifier(key)).build().verify(token))
        .isInstanceOf(AlgorithmMismatchException.class);
  }

  @ParameterizedTest
  @EnumSource(value = JwtAlgorithm.class, names = {"RS256", "PS512", "ES256", "ES384"})
  void mintHmacWithPublicKey_is_the_real_key_confusion_token(JwtAlgorithm algorithm) {
    TestKey key = keyFor(algorithm);
    PublicKey publicKey = (PublicKey) key.jwtKey().key();

    String token = TestTokens.signedBy(key).subject("admin").mintHmacWithPublicKey();

    DecodedJWT jwt = JWT.require(Algorithm.HMAC256(publicKey.getEncoded())).build().verify(token);
    assertThat(jwt.getAlgorithm()).isEqualTo("HS256");
    assertThat(jwt.getKeyId()).isEqualTo(key.kid());
    assertThat(jwt.getSubject()).isEqualTo("admin");
    assertThatThrownBy(() -> JWT.require(verifier(key)).build().verify(token))
        .isInstanceOf(AlgorithmMismatchException.class);
  }

  @Test
  void mintHmacWithPublicKeyPem_uses_the_pem_text_as_the_secret() {
    TestKey key = TestKeys.rsa("k1");
    byte[] der = key.jwtKey().key().getEncoded();
    String pem = "-----BEGIN PUBLIC KEY-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
        + "\n-----END PUBLIC KEY-----\n";

    String token = TestTokens.signedBy(key).subject("admin").mintHmacWithPublicKeyPem();

    assertThat(pem.lines().skip(1).findFirst().orElseThrow()).hasSize(64);
    DecodedJWT jwt = JWT.require(Algorithm.HMAC256(pem.getBytes(StandardCharsets.US_ASCII))).build().verify(token);
    assertThat(jwt.getKeyId()).isEqualTo("k1");
  }

  @Test
  void the_key_confusion_token_needs_a_public_key() {
    TestTokens.Builder builder = TestTokens.signedBy(TestKeys.hmac("h1"));

    assertThatThrownBy(builder::mintHmacWithPublicKey).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TestKey[kid h1, HS256] is an HMAC secret and has no public key");
    assertThatThrownBy(builder::mintHmacWithPublicKeyPem).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void setters_reject_nonsense_at_once() {
    TestTokens.Builder builder = TestTokens.signedBy(TestKeys.hmac("h1"));

    assertThatThrownBy(() -> builder.scopes("orders:read", "orders:write admin"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("scopes[1]: 'orders:write admin' (expected: one scope token");
    assertThatThrownBy(() -> builder.scopes("")).hasMessage("scopes[0]: '' (expected: a non-empty value)");
    assertThatThrownBy(() -> builder.audience("")).hasMessage("audience[0]: '' (expected: a non-empty value)");
    assertThatThrownBy(() -> builder.expiresIn(Duration.ZERO))
        .hasMessage("lifetime: PT0S (expected: > 0; expiredFor() mints an expired token)");
    assertThatThrownBy(() -> builder.expiredFor(Duration.ofSeconds(-1))).hasMessage("ago: PT-1S (expected: > 0)");
    assertThatThrownBy(() -> builder.notValidFor(Duration.ZERO)).hasMessage("wait: PT0S (expected: > 0)");
    assertThatThrownBy(() -> builder.kid(""))
        .hasMessage("kid: '' (expected: a non-empty key id; withoutKid() omits it)");
    assertThatThrownBy(() -> builder.claim("", "x")).hasMessage("name: '' (expected: a non-empty claim name)");
    assertThatThrownBy(() -> builder.claim("price", BigDecimal.ONE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("claims.price: 1 of type java.math.BigDecimal (expected: String, Boolean, Integer, Long, "
            + "Short, Byte, Double, Float, Instant, List or Map)");
    assertThatThrownBy(() -> builder.claim("m", Map.of("a", Map.of(1, "x"))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("claims.m.a: key 1 of type java.lang.Integer (expected: String keys)");
    assertThatThrownBy(() -> builder.claim("l", Arrays.asList("x", null)))
        .isInstanceOf(NullPointerException.class).hasMessage("claims.l[1]");
    assertThatThrownBy(() -> builder.subject(null)).isInstanceOf(NullPointerException.class).hasMessage("subject");
    assertThatThrownBy(() -> TestTokens.signedBy(null)).isInstanceOf(NullPointerException.class).hasMessage("key");
    assertThatThrownBy(() -> builder.mintWithHeaderAlg(null)).isInstanceOf(NullPointerException.class)
        .hasMessage("alg");
  }

  /** A verifier built from the public key (or secret) alone, independent of the fixture's signer. */
  static Algorithm verifier(TestKey key) {
    Key k = key.jwtKey().key();
    return switch (key.algorithm()) {
      case HS256 -> Algorithm.HMAC256(k.getEncoded());
      case HS384 -> Algorithm.HMAC384(k.getEncoded());
      case HS512 -> Algorithm.HMAC512(k.getEncoded());
      case RS256 -> Algorithm.RSA256((RSAPublicKey) k);
      case RS384 -> Algorithm.RSA384((RSAPublicKey) k);
      case RS512 -> Algorithm.RSA512((RSAPublicKey) k);
      case PS256 -> Algorithm.RSA256PSS((RSAPublicKey) k);
      case PS384 -> Algorithm.RSA384PSS((RSAPublicKey) k);
      case PS512 -> Algorithm.RSA512PSS((RSAPublicKey) k);
      case ES256 -> Algorithm.ECDSA256((ECPublicKey) k);
      case ES384 -> Algorithm.ECDSA384((ECPublicKey) k);
      case ES512 -> Algorithm.ECDSA512((ECPublicKey) k);
    };
  }

  private static Map<String, Object> payload(String token) throws Exception {
    return new ObjectMapper().readValue(decode(token.split("\\.", -1)[1]), new TypeReference<>() {});
  }

  private static String decode(String base64Url) {
    return new String(Base64.getUrlDecoder().decode(base64Url), StandardCharsets.UTF_8);
  }

  @Test
  void builders_default_to_the_scoped_clock_and_go_back_to_the_system_clock() {
    ManualClock clock = ManualClock.of(Instant.parse("2100-01-01T00:00:00Z"));
    TestKey key = TestKeys.hmac("k", new byte[32]);
    TestTokens.ClockScope scope = TestTokens.defaultClock(clock);
    try {
      DecodedJWT token = JWT.decode(TestTokens.valid(key, "alice"));
      assertThat(token.getIssuedAtAsInstant()).isEqualTo(Instant.parse("2100-01-01T00:00:00Z"));
    } finally {
      scope.close();
    }
    DecodedJWT after = JWT.decode(TestTokens.valid(key, "alice"));
    assertThat(after.getIssuedAtAsInstant()).isBefore(Instant.parse("2099-01-01T00:00:00Z"));
  }

  @Test
  void an_hmac_key_with_a_given_secret_signs_what_that_secret_verifies() {
    byte[] secret = "a-shared-secret-of-at-least-32-bytes!".getBytes(StandardCharsets.UTF_8);
    String token = TestTokens.signedBy(TestKeys.hmac("shared", secret)).withoutKid().subject("alice").mint();

    DecodedJWT decoded = JWT.require(Algorithm.HMAC256(secret)).build().verify(token);
    assertThat(decoded.getKeyId()).isNull();
    assertThatThrownBy(() -> TestKeys.hmac("shared", new byte[31]))
        .hasMessage("secret: 31 bytes for HS256 (expected: at least 32 bytes, RFC 7518 section 3.2)");
    assertThatThrownBy(() -> TestKeys.hmac("shared", new byte[64], JwtAlgorithm.RS256))
        .hasMessage("algorithm: RS256 (expected: HS256, HS384 or HS512)");
  }
}

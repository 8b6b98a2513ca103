package io.gatehouse.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtKey;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.Base64;
import java.util.Map;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;

class TestKeysTest {

  static TestKey keyFor(JwtAlgorithm algorithm) {
    return switch (algorithm.family()) {
      case HMAC -> TestKeys.hmac("k-" + algorithm, algorithm);
      case RSA -> TestKeys.rsa("k-" + algorithm, algorithm);
      case EC -> TestKeys.ec("k-" + algorithm, algorithm);
    };
  }

  @ParameterizedTest
  @EnumSource(JwtAlgorithm.class)
  void makes_a_key_for_every_algorithm_that_the_gateway_key_type_accepts(JwtAlgorithm algorithm) {
    TestKey key = keyFor(algorithm);

    JwtKey jwtKey = key.jwtKey();

    assertThat(key.kid()).isEqualTo("k-" + algorithm);
    assertThat(key.algorithm()).isEqualTo(algorithm);
    assertThat(jwtKey.kid()).contains("k-" + algorithm);
    assertThat(jwtKey.algorithm()).isEqualTo(algorithm);
    switch (algorithm.family()) {
      case HMAC -> assertThat(jwtKey.key().getEncoded()).hasSize(Integer.parseInt(algorithm.name().substring(2)) / 8);
      case RSA -> assertThat(((RSAPublicKey) jwtKey.key()).getModulus().bitLength()).isEqualTo(2048);
      case EC -> assertThat(((ECPublicKey) jwtKey.key()).getParams().getOrder().bitLength())
          .isEqualTo(algorithm == JwtAlgorithm.ES256 ? 256 : algorithm == JwtAlgorithm.ES384 ? 384 : 521);
    }
  }

  @Test
  void the_one_argument_factories_default_to_RS256_ES256_and_HS256() {
    assertThat(TestKeys.rsa("r").algorithm()).isEqualTo(JwtAlgorithm.RS256);
    assertThat(TestKeys.ec("e").algorithm()).isEqualTo(JwtAlgorithm.ES256);
    assertThat(TestKeys.hmac("h").algorithm()).isEqualTo(JwtAlgorithm.HS256);
  }

  @Test
  void two_keys_with_the_same_kid_have_different_material() {
    TestKey first = TestKeys.rsa("k1");
    TestKey second = TestKeys.rsa("k1");
    TestKey regenerated = first.regenerated();

    assertThat(second.kid()).isEqualTo(first.kid());
    assertThat(second.jwtKey().key()).isNotEqualTo(first.jwtKey().key());
    assertThat(regenerated.kid()).isEqualTo("k1");
    assertThat(regenerated.algorithm()).isEqualTo(first.algorithm());
    assertThat(regenerated.jwtKey().key()).isNotEqualTo(first.jwtKey().key());
    assertThat(TestKeys.hmac("h").jwtKey().key()).isNotEqualTo(TestKeys.hmac("h").jwtKey().key());
  }

  @Test
  void withKid_renames_the_same_material() {
    TestKey key = TestKeys.ec("old");

    TestKey renamed = key.withKid("new");

    assertThat(renamed.kid()).isEqualTo("new");
    assertThat(renamed.jwtKey().key()).isEqualTo(key.jwtKey().key());
    assertThat(key.kid()).isEqualTo("old");
  }

  @ParameterizedTest
  @CsvSource({
      "rsa,  ES256, 'algorithm: ES256 (expected: RS256, RS384, RS512, PS256, PS384 or PS512)'",
      "rsa,  HS256, 'algorithm: HS256 (expected: RS256, RS384, RS512, PS256, PS384 or PS512)'",
      "ec,   RS256, 'algorithm: RS256 (expected: ES256, ES384 or ES512)'",
      "hmac, PS256, 'algorithm: PS256 (expected: HS256, HS384 or HS512)'",
  })
  void rejects_an_algorithm_of_another_family(String factory, JwtAlgorithm algorithm, String message) {
    assertThatThrownBy(() -> {
      switch (factory) {
        case "rsa" -> TestKeys.rsa("k", algorithm);
        case "ec" -> TestKeys.ec("k", algorithm);
        default -> TestKeys.hmac("k", algorithm);
      }
    }).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void rejects_a_missing_or_empty_kid() {
    assertThatThrownBy(() -> TestKeys.rsa(null)).isInstanceOf(NullPointerException.class).hasMessage("kid");
    assertThatThrownBy(() -> TestKeys.hmac("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kid: '' (expected: a non-empty key id)");
    assertThatThrownBy(() -> TestKeys.ec("k").withKid("")).isInstanceOf(IllegalArgumentException.class)
        .hasMessage("kid: '' (expected: a non-empty key id)");
    assertThatThrownBy(() -> TestKeys.ec("k", null)).isInstanceOf(NullPointerException.class).hasMessage("algorithm");
  }

  @ParameterizedTest
  @EnumSource(value = JwtAlgorithm.class, names = {"RS256", "RS384", "RS512", "PS256", "PS384", "PS512"})
  void an_rsa_public_jwk_rebuilds_the_same_public_key(JwtAlgorithm algorithm) throws Exception {
    TestKey key = TestKeys.rsa("r1", algorithm);

    Map<String, Object> jwk = key.publicJwk();
    PublicKey rebuilt = KeyFactory.getInstance("RSA").generatePublic(new RSAPublicKeySpec(
        unsigned(jwk.get("n")), unsigned(jwk.get("e"))));

    assertThat(jwk).containsOnlyKeys("kty", "kid", "use", "alg", "n", "e")
        .containsEntry("kty", "RSA").containsEntry("kid", "r1").containsEntry("use", "sig")
        .containsEntry("alg", algorithm.name()).containsEntry("e", "AQAB");
    assertThat(rebuilt).isEqualTo(key.jwtKey().key());
    // RFC 7518 6.3.1.1: no leading zero octet, though the modulus has its top bit set.
    byte[] n = decode(jwk.get("n"));
    assertThat(n).hasSize(256);
    assertThat(n[0]).isNotZero();
  }

  @ParameterizedTest
  @CsvSource({"ES256, P-256, secp256r1, 32", "ES384, P-384, secp384r1, 48", "ES512, P-521, secp521r1, 66"})
  void an_ec_public_jwk_rebuilds_the_same_public_key(JwtAlgorithm algorithm, String crv, String curve, int size)
      throws Exception {
    TestKey key = TestKeys.ec("e1", algorithm);

    Map<String, Object> jwk = key.publicJwk();
    PublicKey rebuilt = ecPublicKey(curve, jwk);

    assertThat(jwk).containsOnlyKeys("kty", "kid", "use", "alg", "crv", "x", "y")
        .containsEntry("kty", "EC").containsEntry("kid", "e1").containsEntry("use", "sig")
        .containsEntry("alg", algorithm.name()).containsEntry("crv", crv);
    assertThat(decode(jwk.get("x"))).hasSize(size);
    assertThat(decode(jwk.get("y"))).hasSize(size);
    assertThat(rebuilt).isEqualTo(key.jwtKey().key());
  }

  @Test
  void ec_coordinates_keep_their_leading_zero_bytes() throws Exception {
    // About one P-256 key in 128 has a coordinate below 2^248; 4096 tries miss one with odds of e^-32.
    TestKey small = null;
    for (int i = 0; i < 4096 && small == null; i++) {
      TestKey key = TestKeys.ec("z");
      ECPoint w = ((ECPublicKey) key.jwtKey().key()).getW();
      if (w.getAffineX().bitLength() <= 248 || w.getAffineY().bitLength() <= 248) {
        small = key;
      }
    }
    assertThat(small).as("a P-256 key with a short coordinate").isNotNull();

    Map<String, Object> jwk = small.publicJwk();

    assertThat(decode(jwk.get("x"))).hasSize(32);
    assertThat(decode(jwk.get("y"))).hasSize(32);
    assertThat(ecPublicKey("secp256r1", jwk)).isEqualTo(small.jwtKey().key());
  }

  @Test
  void an_hmac_key_has_no_public_jwk() {
    TestKey key = TestKeys.hmac("h1");

    assertThatThrownBy(key::publicJwk).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("TestKey[kid h1, HS256] is an HMAC secret and has no public JWK");
    assertThatThrownBy(key::publicJwkJson).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void the_public_jwk_cannot_be_changed() {
    Map<String, Object> jwk = TestKeys.ec("e").publicJwk();

    assertThatThrownBy(() -> jwk.put("kid", "other")).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void publicJwkJson_is_the_jwk_in_json() throws Exception {
    TestKey key = TestKeys.rsa("r\"1");

    Map<String, Object> parsed = json(key.publicJwkJson());

    assertThat(parsed).isEqualTo(key.publicJwk());
  }

  @Test
  void jwks_lists_the_public_keys_in_order() throws Exception {
    TestKey rsa = TestKeys.rsa("r1");
    TestKey ec = TestKeys.ec("e1", JwtAlgorithm.ES512);

    Map<String, Object> parsed = json(TestKeys.jwks(rsa, ec));

    assertThat(parsed).containsOnlyKeys("keys");
    assertThat(parsed.get("keys")).asInstanceOf(InstanceOfAssertFactories.LIST).containsExactly(rsa.publicJwk(), ec.publicJwk());
    assertThat(TestKeys.jwks()).isEqualTo("{\"keys\":[]}");
  }

  @Test
  void jwks_rejects_an_hmac_key() {
    assertThatThrownBy(() -> TestKeys.jwks(TestKeys.rsa("r1"), TestKeys.hmac("h1")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("keys[1]: TestKey[kid h1, HS256] (expected: an RSA or EC key; an HMAC secret has no public JWK)");
    assertThatThrownBy(() -> TestKeys.jwks((TestKey) null)).isInstanceOf(NullPointerException.class)
        .hasMessage("keys[0]");
  }

  private static Map<String, Object> json(String json) throws Exception {
    return new ObjectMapper().readValue(json, new TypeReference<>() {});
  }

  private static PublicKey ecPublicKey(String curve, Map<String, Object> jwk) throws Exception {
    AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
    parameters.init(new ECGenParameterSpec(curve));
    ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
    ECPoint point = new ECPoint(unsigned(jwk.get("x")), unsigned(jwk.get("y")));
    return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(point, spec));
  }

  private static BigInteger unsigned(Object base64Url) {
    return new BigInteger(1, decode(base64Url));
  }

  private static byte[] decode(Object base64Url) {
    assertThat((String) base64Url).doesNotContain("=", "+", "/");
    return Base64.getUrlDecoder().decode((String) base64Url);
  }
}

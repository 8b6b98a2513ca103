package io.gatehouse.impl.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtKey;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JwksParserTest {
  private static RSAPublicKey rsa;
  private static ECPublicKey ec256;
  private static ECPublicKey ec521;

  @BeforeAll
  static void keys() throws Exception {
    KeyPairGenerator r = KeyPairGenerator.getInstance("RSA");
    r.initialize(2048);
    rsa = (RSAPublicKey) r.generateKeyPair().getPublic();
    KeyPairGenerator e = KeyPairGenerator.getInstance("EC");
    e.initialize(new ECGenParameterSpec("secp256r1"));
    ec256 = (ECPublicKey) e.generateKeyPair().getPublic();
    e.initialize(new ECGenParameterSpec("secp521r1"));
    ec521 = (ECPublicKey) e.generateKeyPair().getPublic();
  }

  static String b64(BigInteger n, int size) {
    byte[] bytes = n.toByteArray();
    if (bytes.length > size) {
      bytes = Arrays.copyOfRange(bytes, bytes.length - size, bytes.length);
    } else if (bytes.length < size) {
      byte[] padded = new byte[size];
      System.arraycopy(bytes, 0, padded, size - bytes.length, bytes.length);
      bytes = padded;
    }
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String rsaJwk(String kid, String extra) {
    return "{\"kty\":\"RSA\",\"kid\":\"" + kid + "\",\"n\":\"" + b64(rsa.getModulus(), 256) + "\",\"e\":\""
        + b64(rsa.getPublicExponent(), 3) + "\"" + extra + "}";
  }

  static String ecJwk(String kid, String crv, ECPublicKey key, int size, String extra) {
    return "{\"kty\":\"EC\",\"kid\":\"" + kid + "\",\"crv\":\"" + crv + "\",\"x\":\"" + b64(key.getW().getAffineX(), size)
        + "\",\"y\":\"" + b64(key.getW().getAffineY(), size) + "\"" + extra + "}";
  }

  private static List<JwtKey> parse(String... jwks) throws IOException {
    return JwksParser.parse(("{\"keys\":[" + String.join(",", jwks) + "]}").getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void reads_rsa_and_ec_keys_with_the_algorithm_their_alg_or_type_implies() throws Exception {
    List<JwtKey> keys = parse(
        rsaJwk("r1", ""),
        rsaJwk("r2", ",\"alg\":\"PS384\",\"use\":\"sig\""),
        ecJwk("e1", "P-256", ec256, 32, ""),
        ecJwk("e5", "P-521", ec521, 66, ",\"alg\":\"ES512\""));

    assertThat(keys).extracting(k -> k.kid().orElseThrow() + " " + k.algorithm())
        .containsExactly("r1 RS256", "r2 PS384", "e1 ES256", "e5 ES512");
    assertThat(keys.get(0).key()).isEqualTo(rsa);
    assertThat(keys.get(2).key()).isEqualTo(ec256);
    assertThat(keys.get(3).key()).isEqualTo(ec521);
  }

  @Test
  void a_key_without_kid_matches_tokens_without_kid() throws Exception {
    String jwk = rsaJwk("x", "").replace("\"kid\":\"x\",", "");

    assertThat(parse(jwk)).singleElement().satisfies(k -> assertThat(k.kid()).isEqualTo(Optional.empty()));
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "encryption key        | ,\"use\":\"enc\"",
      "HMAC alg on RSA key   | ,\"alg\":\"HS256\"",
      "EC alg on RSA key     | ,\"alg\":\"ES256\"",
      "alg none              | ,\"alg\":\"none\"",
      "unknown alg           | ,\"alg\":\"RS1\""})
  void skips_keys_that_must_not_verify_signatures_and_keeps_the_others(String name, String extra) throws Exception {
    List<JwtKey> keys = parse(rsaJwk("bad", extra), ecJwk("good", "P-256", ec256, 32, ""));

    assertThat(keys).extracting(k -> k.kid().orElseThrow()).containsExactly("good");
  }

  @Test
  void skips_symmetric_malformed_and_unknown_keys() throws Exception {
    List<JwtKey> keys = parse(
        "{\"kty\":\"oct\",\"kid\":\"s\",\"k\":\"c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0c2VjcmV0cw\"}",
        "{\"kty\":\"RSA\",\"kid\":\"no-n\",\"e\":\"AQAB\"}",
        "{\"kty\":\"EC\",\"kid\":\"bad-curve\",\"crv\":\"P-192\",\"x\":\"AA\",\"y\":\"AA\"}",
        "{\"kty\":\"OKP\",\"kid\":\"ed\",\"crv\":\"Ed25519\",\"x\":\"AA\"}",
        "{\"kty\":\"EC\",\"kid\":\"wrong-size-alg\",\"crv\":\"P-256\",\"alg\":\"ES384\",\"x\":\"" + b64(ec256.getW().getAffineX(), 32)
            + "\",\"y\":\"" + b64(ec256.getW().getAffineY(), 32) + "\"}",
        rsaJwk("ok", ""));

    assertThat(keys).extracting(k -> k.kid().orElseThrow()).containsExactly("ok");
    assertThat(keys.get(0).algorithm()).isEqualTo(JwtAlgorithm.RS256);
  }

  @Test
  void a_document_that_is_not_a_jwks_fails() {
    assertThatThrownBy(() -> JwksParser.parse("{\"nokeys\":[]}".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class).hasMessageContaining("not a JWKS");
    assertThatThrownBy(() -> JwksParser.parse("<html>".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(IOException.class);
  }
}

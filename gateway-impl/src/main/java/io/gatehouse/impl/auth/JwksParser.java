package io.gatehouse.impl.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtKey;
import java.io.IOException;
import java.math.BigInteger;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the signature keys of a JWKS (RFC 7517): RSA and EC keys whose {@code use} is absent or
 * {@code sig}. A key's algorithm is its {@code alg}, or RS256 (RSA) or the curve's ES algorithm
 * (EC) when absent; a key that is malformed or whose {@code alg} does not fit it is skipped, so
 * one bad key does not take the others down. Symmetric keys are skipped: a JWKS is public.
 */
final class JwksParser {
  private static final Logger log = LoggerFactory.getLogger(JwksParser.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private JwksParser() {}

  /** The usable keys; throws if the document is not a JWKS at all. */
  static List<JwtKey> parse(byte[] json) throws IOException {
    JsonNode root = JSON.readTree(json);
    if (root == null || !root.path("keys").isArray()) {
      throw new IOException("not a JWKS (expected: a JSON object with a \"keys\" array)");
    }
    List<JwtKey> keys = new ArrayList<>();
    for (JsonNode jwk : root.get("keys")) {
      try {
        read(jwk).ifPresent(keys::add);
      } catch (IllegalArgumentException | GeneralSecurityException e) {
        log.warn("JWKS: skipped key {}: {}", jwk.path("kid").asText("(no kid)"), e.getMessage());
      }
    }
    return keys;
  }

  private static Optional<JwtKey> read(JsonNode jwk) throws GeneralSecurityException {
    String use = jwk.path("use").asText("sig");
    String kty = jwk.path("kty").asText("");
    if (!use.equals("sig") || !(kty.equals("RSA") || kty.equals("EC"))) {
      return Optional.empty();
    }
    PublicKey key;
    JwtAlgorithm fallback;
    if (kty.equals("RSA")) {
      key = KeyFactory.getInstance("RSA").generatePublic(
          new RSAPublicKeySpec(unsigned(jwk, "n"), unsigned(jwk, "e")));
      fallback = JwtAlgorithm.RS256;
    } else {
      String crv = jwk.path("crv").asText("");
      fallback = switch (crv) {
        case "P-256" -> JwtAlgorithm.ES256;
        case "P-384" -> JwtAlgorithm.ES384;
        case "P-521" -> JwtAlgorithm.ES512;
        default -> throw new IllegalArgumentException("curve '" + crv + "' (expected: P-256, P-384 or P-521)");
      };
      AlgorithmParameters parameters = AlgorithmParameters.getInstance("EC");
      parameters.init(new ECGenParameterSpec("secp" + crv.substring(2) + "r1"));
      ECParameterSpec spec = parameters.getParameterSpec(ECParameterSpec.class);
      key = KeyFactory.getInstance("EC").generatePublic(
          new ECPublicKeySpec(new ECPoint(unsigned(jwk, "x"), unsigned(jwk, "y")), spec));
    }
    JwtAlgorithm algorithm = fallback;
    if (jwk.hasNonNull("alg")) {
      String alg = jwk.get("alg").asText();
      algorithm = JwtAlgorithm.fromJose(alg)
          .orElseThrow(() -> new IllegalArgumentException("alg '" + alg + "' is not supported"));
    }
    String kid = jwk.path("kid").asText("");
    return Optional.of(kid.isEmpty() ? JwtKey.of(key, algorithm) : JwtKey.of(kid, key, algorithm));
  }

  private static BigInteger unsigned(JsonNode jwk, String member) {
    String value = jwk.path(member).asText("");
    if (value.isEmpty()) {
      throw new IllegalArgumentException("member '" + member + "' is missing");
    }
    return new BigInteger(1, Base64.getUrlDecoder().decode(value));
  }
}

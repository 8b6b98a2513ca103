package io.gatehouse.testing;

import com.auth0.jwt.algorithms.Algorithm;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import io.gatehouse.auth.JwtAlgorithm;
import io.gatehouse.auth.JwtKey;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.ECPrivateKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPrivateKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Arrays;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import javax.crypto.SecretKey;

/**
 * A generated signing key for tests: an RSA or EC key pair, or an HMAC secret, with its key id
 * and algorithm. Mint tokens with it through {@link TestTokens}, give the gateway its
 * {@link #jwtKey()} or serve its {@link #publicJwk()} from a {@link JwksServer}. Immutable and
 * thread-safe.
 *
 * <pre>{@code
 * TestKey key = TestKeys.rsa("k1");
 * Auth auth = Auth.jwt().keys(key.jwtKey());   // for a route's auth(...)
 * String token = TestTokens.valid(key, "alice", "orders:read");
 * }</pre>
 *
 * @since 0.1
 */
public final class TestKey {
  // An ObjectWriter, unlike an ObjectMapper, is immutable: no shared mutable state.
  private static final ObjectWriter JSON = new ObjectMapper().writer();

  private final String kid;
  private final JwtAlgorithm algorithm;
  // A PublicKey or, for HMAC, the secret: what a verifier holds.
  private final Key verificationKey;
  // A PrivateKey or, for HMAC, the same secret: what an issuer holds.
  private final Key signingKey;
  private final Algorithm signer;

  TestKey(String kid, JwtAlgorithm algorithm, Key verificationKey, Key signingKey) {
    this.kid = checkKid(kid);
    this.algorithm = Objects.requireNonNull(algorithm, "algorithm");
    this.verificationKey = Objects.requireNonNull(verificationKey, "verificationKey");
    this.signingKey = Objects.requireNonNull(signingKey, "signingKey");
    this.signer = signer(algorithm, verificationKey, signingKey);
  }

  /**
   * The key id, which tokens minted with this key carry in their {@code kid} header.
   *
   * @return the key id
   */
  public String kid() {
    return kid;
  }

  /**
   * The algorithm this key signs with.
   *
   * @return the algorithm
   */
  public JwtAlgorithm algorithm() {
    return algorithm;
  }

  /**
   * The key the gateway verifies with: the public key, or the secret for HMAC.
   *
   * @return the verification key, named by {@link #kid()} and bound to {@link #algorithm()}
   */
  public JwtKey jwtKey() {
    if (algorithm.family() == JwtAlgorithm.Family.HMAC) {
      return JwtKey.secret(kid, verificationKey.getEncoded(), algorithm);
    }
    return JwtKey.of(kid, verificationKey, algorithm);
  }

  /**
   * The public key as a JSON Web Key (RFC 7517, RFC 7518 section 6): {@code kty}, {@code kid},
   * {@code use: "sig"}, {@code alg}, then {@code n} and {@code e} for RSA, or {@code crv},
   * {@code x} and {@code y} for EC, with the coordinates left-padded to the curve size.
   *
   * @return the JWK members, in that order; unmodifiable
   * @throws IllegalStateException for an HMAC key, which has no public part to publish
   */
  public Map<String, Object> publicJwk() {
    Map<String, Object> jwk = new LinkedHashMap<>();
    switch (algorithm.family()) {
      case RSA: {
        RSAPublicKey rsa = (RSAPublicKey) verificationKey;
        jwk.put("kty", "RSA");
        putCommon(jwk);
        jwk.put("n", base64Url(unsigned(rsa.getModulus())));
        jwk.put("e", base64Url(unsigned(rsa.getPublicExponent())));
        break;
      }
      case EC: {
        ECPublicKey ec = (ECPublicKey) verificationKey;
        int size = (ec.getParams().getCurve().getField().getFieldSize() + 7) / 8;
        jwk.put("kty", "EC");
        putCommon(jwk);
        jwk.put("crv", TestKeys.curveName(algorithm));
        jwk.put("x", base64Url(padded(ec.getW().getAffineX(), size)));
        jwk.put("y", base64Url(padded(ec.getW().getAffineY(), size)));
        break;
      }
      case HMAC:
        throw new IllegalStateException(this + " is an HMAC secret and has no public JWK; "
            + "give the gateway jwtKey() instead of a JWKS, or use TestKeys.rsa() or TestKeys.ec()");
      default:
        throw new AssertionError(algorithm);
    }
    return Collections.unmodifiableMap(jwk);
  }

  /**
   * The public key as a JSON Web Key document, as {@link #publicJwk()} describes it.
   *
   * @return the JWK JSON object
   * @throws IllegalStateException for an HMAC key
   */
  public String publicJwkJson() {
    return json(publicJwk());
  }

  /**
   * The same key material under another key id, such as for a token whose {@code kid} the
   * gateway does not know.
   *
   * @param kid the new key id; not empty
   * @return the renamed key
   */
  public TestKey withKid(String kid) {
    return new TestKey(kid, algorithm, verificationKey, signingKey);
  }

  /**
   * A new key with the same key id and algorithm but freshly generated material: tokens it signs
   * name a key the gateway knows, yet fail its signature check.
   *
   * @return the impostor key
   */
  public TestKey regenerated() {
    return TestKeys.generate(kid, algorithm);
  }

  /** The java-jwt algorithm that signs with this key, for {@link TestTokens}. */
  Algorithm signer() {
    return signer;
  }

  /** The public key, for the HMAC key-confusion attack; only for RSA and EC keys. */
  PublicKey publicKey() {
    if (!(verificationKey instanceof PublicKey)) {
      throw new IllegalStateException(this + " is an HMAC secret and has no public key to abuse as an HMAC secret "
          + "(expected: a key from TestKeys.rsa() or TestKeys.ec())");
    }
    return (PublicKey) verificationKey;
  }

  /** The public key in PEM, as OpenSSL writes it: 64-character lines, LF line ends, a final LF. */
  String publicKeyPem() {
    String body = Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(publicKey().getEncoded());
    return "-----BEGIN PUBLIC KEY-----\n" + body + "\n-----END PUBLIC KEY-----\n";
  }

  @Override
  public String toString() {
    return "TestKey[kid " + kid + ", " + algorithm + "]";
  }

  static String checkKid(String kid) {
    Objects.requireNonNull(kid, "kid");
    if (kid.isEmpty()) {
      throw new IllegalArgumentException("kid: '' (expected: a non-empty key id)");
    }
    return kid;
  }

  private void putCommon(Map<String, Object> jwk) {
    jwk.put("kid", kid);
    jwk.put("use", "sig");
    jwk.put("alg", algorithm.name());
  }

  private static Algorithm signer(JwtAlgorithm algorithm, Key verificationKey, Key signingKey) {
    switch (algorithm.family()) {
      case HMAC: {
        byte[] secret = ((SecretKey) signingKey).getEncoded();
        return switch (algorithm) {
          case HS256 -> Algorithm.HMAC256(secret);
          case HS384 -> Algorithm.HMAC384(secret);
          default -> Algorithm.HMAC512(secret);
        };
      }
      case RSA: {
        RSAPublicKey pub = (RSAPublicKey) verificationKey;
        RSAPrivateKey priv = (RSAPrivateKey) signingKey;
        return switch (algorithm) {
          case RS256 -> Algorithm.RSA256(pub, priv);
          case RS384 -> Algorithm.RSA384(pub, priv);
          case RS512 -> Algorithm.RSA512(pub, priv);
          case PS256 -> Algorithm.RSA256PSS(pub, priv);
          case PS384 -> Algorithm.RSA384PSS(pub, priv);
          default -> Algorithm.RSA512PSS(pub, priv);
        };
      }
      case EC: {
        ECPublicKey pub = (ECPublicKey) verificationKey;
        ECPrivateKey priv = (ECPrivateKey) signingKey;
        return switch (algorithm) {
          case ES256 -> Algorithm.ECDSA256(pub, priv);
          case ES384 -> Algorithm.ECDSA384(pub, priv);
          default -> Algorithm.ECDSA512(pub, priv);
        };
      }
      default:
        throw new AssertionError(algorithm);
    }
  }

  // RFC 7518 6.3.1: n and e are unsigned big-endian with no leading zero octets, which
  // BigInteger.toByteArray adds as a sign byte when the top bit is set.
  private static byte[] unsigned(BigInteger value) {
    byte[] bytes = value.toByteArray();
    int start = 0;
    while (start < bytes.length - 1 && bytes[start] == 0) {
      start++;
    }
    return Arrays.copyOfRange(bytes, start, bytes.length);
  }

  // RFC 7518 6.2.1.2: x and y are exactly the curve size, so a small coordinate keeps its zeros.
  private static byte[] padded(BigInteger value, int size) {
    byte[] bytes = unsigned(value);
    byte[] out = new byte[size];
    System.arraycopy(bytes, 0, out, size - bytes.length, bytes.length);
    return out;
  }

  static String base64Url(byte[] bytes) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  static String base64Url(String text) {
    return base64Url(text.getBytes(StandardCharsets.UTF_8));
  }

  static String json(Object value) {
    try {
      return JSON.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write " + value + " as JSON", e);
    }
  }
}

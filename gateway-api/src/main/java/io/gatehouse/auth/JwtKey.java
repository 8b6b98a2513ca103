package io.gatehouse.auth;

import java.security.Key;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.util.Objects;
import java.util.Optional;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;

/**
 * A key that verifies JWTs, bound to one algorithm and optionally named by a key id
 * ({@code kid}). A token with a {@code kid} is checked only with the key of that id; a token
 * without one only with a key without one.
 *
 * <pre>{@code
 * JwtKey rsa = JwtKey.of("2026-11", rsaPublicKey, JwtAlgorithm.RS256);
 * JwtKey hmac = JwtKey.secret("shared", secretBytes, JwtAlgorithm.HS256);
 * JwtKey unnamed = JwtKey.secret(secretBytes, JwtAlgorithm.HS256);   // for tokens without a kid
 * }</pre>
 *
 * @since 0.1
 */
public final class JwtKey {
  private final Optional<String> kid;
  private final Key key;
  private final JwtAlgorithm algorithm;

  private JwtKey(Optional<String> kid, Key key, JwtAlgorithm algorithm) {
    Objects.requireNonNull(kid, "kid");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(algorithm, "algorithm");
    kid.ifPresent(k -> {
      if (k.isEmpty()) {
        throw new IllegalArgumentException("kid: '' (expected: a non-empty key id, or none)");
      }
    });
    String problem = mismatch(key, algorithm);
    if (problem != null) {
      throw new IllegalArgumentException("key: " + problem);
    }
    this.kid = kid;
    this.key = key;
    this.algorithm = algorithm;
  }

  /**
   * The key id tokens name in their header; empty for a key tokens do not name.
   *
   * @return the setting
   */
  public Optional<String> kid() {
    return kid;
  }

  /**
   * A {@link SecretKey} for HMAC, an {@link RSAPublicKey} or {@link ECPublicKey} otherwise.
   *
   * @return the setting
   */
  public Key key() {
    return key;
  }

  /**
   * The only algorithm this key verifies.
   *
   * @return the setting
   */
  public JwtAlgorithm algorithm() {
    return algorithm;
  }

  /**
   * Whether another JwtKey has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof JwtKey o && kid.equals(o.kid)
        && key.equals(o.key)
        && algorithm.equals(o.algorithm);
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(kid, key, algorithm);
  }

  /**
   * A named key.
   *
   * @param kid the key id tokens name in their header
   * @param key the verification key
   * @param algorithm the only algorithm this key verifies
   * @return the key
   */
  public static JwtKey of(String kid, Key key, JwtAlgorithm algorithm) {
    return new JwtKey(Optional.of(Objects.requireNonNull(kid, "kid")), key, algorithm);
  }

  /**
   * A key that tokens do not name: it verifies only tokens without a {@code kid}.
   *
   * @param key the verification key
   * @param algorithm the only algorithm this key verifies
   * @return the key
   */
  public static JwtKey of(Key key, JwtAlgorithm algorithm) {
    return new JwtKey(Optional.empty(), key, algorithm);
  }

  /**
   * A named HMAC secret.
   *
   * @param kid the key id tokens name in their header
   * @param secret the shared secret: at least 32, 48 or 64 bytes for HS256, HS384 or HS512
   * @param algorithm an HMAC algorithm
   * @return the key
   */
  public static JwtKey secret(String kid, byte[] secret, JwtAlgorithm algorithm) {
    return new JwtKey(Optional.of(Objects.requireNonNull(kid, "kid")), secretKey(secret, algorithm), algorithm);
  }

  /**
   * An HMAC secret that tokens do not name: it verifies only tokens without a {@code kid}, which
   * is how most issuers of shared-secret tokens mint them.
   *
   * <p>{@code Auth.jwt().keys(JwtKey.secret(secretBytes, JwtAlgorithm.HS256))}
   *
   * @param secret the shared secret: at least 32, 48 or 64 bytes for HS256, HS384 or HS512
   * @param algorithm an HMAC algorithm
   * @return the key
   * @since 0.1
   */
  public static JwtKey secret(byte[] secret, JwtAlgorithm algorithm) {
    return new JwtKey(Optional.empty(), secretKey(secret, algorithm), algorithm);
  }

  private static SecretKeySpec secretKey(byte[] secret, JwtAlgorithm algorithm) {
    Objects.requireNonNull(secret, "secret");
    Objects.requireNonNull(algorithm, "algorithm");
    if (algorithm.family() != JwtAlgorithm.Family.HMAC) {
      throw new IllegalArgumentException("algorithm: " + algorithm + " (expected: HS256, HS384 or HS512 for a secret)");
    }
    if (secret.length == 0) {
      throw new IllegalArgumentException("secret: empty (expected: at least " + minSecretBytes(algorithm) + " bytes)");
    }
    return new SecretKeySpec(secret.clone(), "Hmac" + algorithm.name().replace("HS", "SHA"));
  }

  private static int minSecretBytes(JwtAlgorithm algorithm) {
    return Integer.parseInt(algorithm.name().substring(2)) / 8;
  }

  private static String mismatch(Key key, JwtAlgorithm algorithm) {
    switch (algorithm.family()) {
      case HMAC:
        if (!(key instanceof SecretKey) || key instanceof PublicKey) {
          return key.getAlgorithm() + " key for " + algorithm + " (expected: a secret key)";
        }
        byte[] encoded = key.getEncoded();
        int min = minSecretBytes(algorithm);
        if (encoded == null || encoded.length < min) {
          return (encoded == null ? 0 : encoded.length) + "-byte secret for " + algorithm
              + " (expected: at least " + min + " bytes, RFC 7518 section 3.2)";
        }
        return null;
      case RSA:
        if (!(key instanceof RSAPublicKey rsa)) {
          return key.getAlgorithm() + " key for " + algorithm + " (expected: an RSA public key)";
        }
        if (rsa.getModulus().bitLength() < 2048) {
          return rsa.getModulus().bitLength() + "-bit RSA key for " + algorithm + " (expected: at least 2048 bits)";
        }
        return null;
      case EC:
        if (!(key instanceof ECPublicKey ec)) {
          return key.getAlgorithm() + " key for " + algorithm + " (expected: an EC public key)";
        }
        int bits = ec.getParams().getOrder().bitLength();
        int expected = algorithm == JwtAlgorithm.ES256 ? 256 : algorithm == JwtAlgorithm.ES384 ? 384 : 521;
        if (bits != expected) {
          return "EC key of " + bits + " bits for " + algorithm + " (expected: the P-" + expected + " curve)";
        }
        return null;
      default:
        throw new AssertionError(algorithm);
    }
  }

  @Override
  public String toString() {
    return "JwtKey[" + kid.map(k -> "kid " + k + ", ").orElse("") + algorithm + "]";
  }
}

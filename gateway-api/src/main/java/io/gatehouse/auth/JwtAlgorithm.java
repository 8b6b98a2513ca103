package io.gatehouse.auth;

import java.util.Optional;

/**
 * The JWS algorithms the gateway verifies (RFC 7518). Each key is bound to one of them: a token
 * is accepted only when its {@code alg} header names the algorithm of the key that verifies it,
 * so {@code alg: none} and HMAC/RSA key confusion cannot pass.
 *
 * <p>{@code JwtKey.of("key-1", publicKey, JwtAlgorithm.RS256)}
 *
 * @since 0.1
 */
public enum JwtAlgorithm {
  /** HMAC with SHA-256. */
  HS256(Family.HMAC),
  /** HMAC with SHA-384. */
  HS384(Family.HMAC),
  /** HMAC with SHA-512. */
  HS512(Family.HMAC),
  /** RSASSA-PKCS1-v1_5 with SHA-256. */
  RS256(Family.RSA),
  /** RSASSA-PKCS1-v1_5 with SHA-384. */
  RS384(Family.RSA),
  /** RSASSA-PKCS1-v1_5 with SHA-512. */
  RS512(Family.RSA),
  /** RSASSA-PSS with SHA-256 and MGF1 with SHA-256. */
  PS256(Family.RSA),
  /** RSASSA-PSS with SHA-384 and MGF1 with SHA-384. */
  PS384(Family.RSA),
  /** RSASSA-PSS with SHA-512 and MGF1 with SHA-512. */
  PS512(Family.RSA),
  /** ECDSA on P-256 with SHA-256. */
  ES256(Family.EC),
  /** ECDSA on P-384 with SHA-384. */
  ES384(Family.EC),
  /** ECDSA on P-521 with SHA-512. */
  ES512(Family.EC);

  /**
   * The kind of key an algorithm needs.
   *
   * @since 0.1
   */
  public enum Family {
    /** A shared secret ({@link javax.crypto.SecretKey}). */
    HMAC,
    /** An RSA public key ({@link java.security.interfaces.RSAPublicKey}). */
    RSA,
    /** An EC public key ({@link java.security.interfaces.ECPublicKey}) on the algorithm's curve. */
    EC
  }

  private final Family family;

  JwtAlgorithm(Family family) {
    this.family = family;
  }

  /**
   * The kind of key this algorithm verifies with.
   *
   * @return the key family
   */
  public Family family() {
    return family;
  }

  /**
   * The algorithm a JOSE {@code alg} value names, if it is one of these.
   *
   * @param alg such as {@code RS256}; case-sensitive, as in RFC 7518
   * @return the algorithm, or empty for {@code none} and anything unknown
   */
  public static Optional<JwtAlgorithm> fromJose(String alg) {
    for (JwtAlgorithm a : values()) {
      if (a.name().equals(alg)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}

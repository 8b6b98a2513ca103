package io.gatehouse.testing;

import io.gatehouse.auth.JwtAlgorithm;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.StringJoiner;
import java.util.stream.Collectors;
import javax.crypto.spec.SecretKeySpec;

/**
 * Generates {@link TestKey}s and JWKS documents. Every call makes new key material, so two keys
 * made with the same key id differ: one can stand in for an attacker's key.
 *
 * <pre>{@code
 * TestKey rsa = TestKeys.rsa("k1");                    // RS256, 2048 bits
 * TestKey ec = TestKeys.ec("k2", JwtAlgorithm.ES384);  // P-384
 * TestKey hmac = TestKeys.hmac("k3");                  // HS256, 32-byte secret
 * String jwks = TestKeys.jwks(rsa, ec);                // {"keys":[...]}
 * }</pre>
 *
 * @since 0.1
 */
public final class TestKeys {
  private static final int RSA_BITS = 2048;

  private TestKeys() {}

  /**
   * A new RS256 key pair of 2048 bits.
   *
   * @param kid the key id; not empty
   * @return the key
   */
  public static TestKey rsa(String kid) {
    return rsa(kid, JwtAlgorithm.RS256);
  }

  /**
   * A new RSA key pair of 2048 bits for an RS or PS algorithm.
   *
   * @param kid the key id; not empty
   * @param algorithm RS256, RS384, RS512, PS256, PS384 or PS512
   * @return the key
   * @throws IllegalArgumentException if the algorithm is not an RSA one
   */
  public static TestKey rsa(String kid, JwtAlgorithm algorithm) {
    return generate(kid, checkFamily(algorithm, JwtAlgorithm.Family.RSA));
  }

  /**
   * A new ES256 key pair on P-256.
   *
   * @param kid the key id; not empty
   * @return the key
   */
  public static TestKey ec(String kid) {
    return ec(kid, JwtAlgorithm.ES256);
  }

  /**
   * A new EC key pair on the curve of an ES algorithm: P-256, P-384 or P-521.
   *
   * @param kid the key id; not empty
   * @param algorithm ES256, ES384 or ES512
   * @return the key
   * @throws IllegalArgumentException if the algorithm is not an EC one
   */
  public static TestKey ec(String kid, JwtAlgorithm algorithm) {
    return generate(kid, checkFamily(algorithm, JwtAlgorithm.Family.EC));
  }

  /**
   * A new random HS256 secret of 32 bytes.
   *
   * @param kid the key id; not empty
   * @return the key
   */
  public static TestKey hmac(String kid) {
    return hmac(kid, JwtAlgorithm.HS256);
  }

  /**
   * A new random HMAC secret as long as the hash: 32, 48 or 64 bytes.
   *
   * @param kid the key id; not empty
   * @param algorithm HS256, HS384 or HS512
   * @return the key
   * @throws IllegalArgumentException if the algorithm is not an HMAC one
   */
  public static TestKey hmac(String kid, JwtAlgorithm algorithm) {
    return generate(kid, checkFamily(algorithm, JwtAlgorithm.Family.HMAC));
  }

  /**
   * An HS256 key with a secret you give, such as the one your issuer shares with the gateway.
   *
   * <pre>{@code
   * TestKey shared = TestKeys.hmac("shared", secret);
   * String token = TestTokens.signedBy(shared).withoutKid().subject("alice").mint();
   * }</pre>
   *
   * @param kid the key id; not empty (mint with {@code withoutKid()} for a token without one)
   * @param secret at least 32 bytes (RFC 7518 section 3.2); copied
   * @return the key
   * @throws IllegalArgumentException if the secret is shorter than 32 bytes
   * @since 0.1
   */
  public static TestKey hmac(String kid, byte[] secret) {
    return hmac(kid, secret, JwtAlgorithm.HS256);
  }

  /**
   * An HMAC key with a secret you give.
   *
   * @param kid the key id; not empty
   * @param secret at least 32, 48 or 64 bytes for HS256, HS384 or HS512; copied
   * @param algorithm HS256, HS384 or HS512
   * @return the key
   * @throws IllegalArgumentException if the algorithm is not an HMAC one or the secret is too short
   * @since 0.1
   */
  public static TestKey hmac(String kid, byte[] secret, JwtAlgorithm algorithm) {
    TestKey.checkKid(kid);
    Objects.requireNonNull(secret, "secret");
    checkFamily(algorithm, JwtAlgorithm.Family.HMAC);
    if (secret.length < hashBytes(algorithm)) {
      throw new IllegalArgumentException("secret: " + secret.length + " bytes for " + algorithm
          + " (expected: at least " + hashBytes(algorithm) + " bytes, RFC 7518 section 3.2)");
    }
    SecretKeySpec key = new SecretKeySpec(secret.clone(), "Hmac" + algorithm.name().replace("HS", "SHA"));
    return new TestKey(kid, algorithm, key, key);
  }

  /**
   * A JWKS document (RFC 7517 section 5) publishing the public keys, as a JWKS endpoint serves it.
   *
   * @param keys RSA or EC keys, in the order to list them; none gives {@code {"keys":[]}}
   * @return the JSON, such as {@code {"keys":[{"kty":"RSA","kid":"k1",...}]}}
   * @throws IllegalArgumentException if a key is an HMAC secret, which has no public JWK
   */
  public static String jwks(TestKey... keys) {
    StringJoiner json = new StringJoiner(",", "{\"keys\":[", "]}");
    for (TestKey key : checkPublishable(keys)) {
      json.add(key.publicJwkJson());
    }
    return json.toString();
  }

  static List<TestKey> checkPublishable(TestKey... keys) {
    Objects.requireNonNull(keys, "keys");
    for (int i = 0; i < keys.length; i++) {
      Objects.requireNonNull(keys[i], "keys[" + i + "]");
      if (keys[i].algorithm().family() == JwtAlgorithm.Family.HMAC) {
        throw new IllegalArgumentException("keys[" + i + "]: " + keys[i]
            + " (expected: an RSA or EC key; an HMAC secret has no public JWK)");
      }
    }
    return List.of(keys);
  }

  static TestKey generate(String kid, JwtAlgorithm algorithm) {
    TestKey.checkKid(kid);
    Objects.requireNonNull(algorithm, "algorithm");
    try {
      switch (algorithm.family()) {
        case HMAC: {
          byte[] secret = new byte[hashBytes(algorithm)];
          new SecureRandom().nextBytes(secret);
          SecretKeySpec key = new SecretKeySpec(secret, "Hmac" + algorithm.name().replace("HS", "SHA"));
          return new TestKey(kid, algorithm, key, key);
        }
        case RSA: {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
          generator.initialize(RSA_BITS, new SecureRandom());
          KeyPair pair = generator.generateKeyPair();
          return new TestKey(kid, algorithm, pair.getPublic(), pair.getPrivate());
        }
        case EC: {
          KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
          generator.initialize(new ECGenParameterSpec(curveOid(algorithm)), new SecureRandom());
          KeyPair pair = generator.generateKeyPair();
          return new TestKey(kid, algorithm, pair.getPublic(), pair.getPrivate());
        }
        default:
          throw new AssertionError(algorithm);
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("this JVM cannot generate a " + algorithm + " key", e);
    }
  }

  /** The JWK {@code crv} name of an ES algorithm's curve (RFC 7518 section 6.2.1.1). */
  static String curveName(JwtAlgorithm algorithm) {
    return switch (algorithm) {
      case ES256 -> "P-256";
      case ES384 -> "P-384";
      case ES512 -> "P-521";
      default -> throw new IllegalArgumentException("algorithm: " + algorithm + " (expected: " + names(JwtAlgorithm.Family.EC) + ")");
    };
  }

  private static String curveOid(JwtAlgorithm algorithm) {
    return switch (algorithm) {
      case ES256 -> "secp256r1";
      case ES384 -> "secp384r1";
      default -> "secp521r1";
    };
  }

  private static int hashBytes(JwtAlgorithm algorithm) {
    return Integer.parseInt(algorithm.name().substring(2)) / 8;
  }

  private static JwtAlgorithm checkFamily(JwtAlgorithm algorithm, JwtAlgorithm.Family family) {
    Objects.requireNonNull(algorithm, "algorithm");
    if (algorithm.family() != family) {
      throw new IllegalArgumentException("algorithm: " + algorithm + " (expected: " + names(family) + ")");
    }
    return algorithm;
  }

  // "RS256, RS384, RS512, PS256, PS384 or PS512", from the enum so a new algorithm is listed too.
  private static String names(JwtAlgorithm.Family family) {
    List<String> names = Arrays.stream(JwtAlgorithm.values())
        .filter(a -> a.family() == family)
        .map(JwtAlgorithm::name)
        .collect(Collectors.toCollection(ArrayList::new));
    String last = names.remove(names.size() - 1);
    return names.isEmpty() ? last : String.join(", ", names) + " or " + last;
  }
}

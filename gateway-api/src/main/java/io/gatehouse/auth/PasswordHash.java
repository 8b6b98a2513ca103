package io.gatehouse.auth;

import io.gatehouse.internal.Check;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * A salted PBKDF2-HMAC-SHA256 password hash, as consumers' Basic-auth passwords are stored: a
 * leaked consumer list does not leak passwords. Encoded in the PHC string form
 * {@code $pbkdf2-sha256$i=600000$<salt>$<hash>} (base64 without padding), so hashes made
 * elsewhere can be loaded with {@link #parse}.
 *
 * <pre>{@code
 * PasswordHash hash = PasswordHash.of("correct horse battery staple");   // slow on purpose
 * String stored = hash.encoded();
 * boolean ok = PasswordHash.parse(stored).matches(candidate);
 * }</pre>
 *
 * <p>Hashing and {@link #matches} cost about as much as {@link #DEFAULT_ITERATIONS} rounds of
 * HMAC-SHA256 (OWASP's 2023 advice for PBKDF2-HMAC-SHA256): the gateway never runs them on an
 * I/O thread.
 *
 * @since 0.1
 */
public final class PasswordHash {
  /** The iteration count {@link #of(String)} uses. */
  public static final int DEFAULT_ITERATIONS = 600_000;
  /** The fewest iterations {@link #of(String, int)} and {@link #parse} accept. */
  public static final int MIN_ITERATIONS = 1_000;

  private static final String PREFIX = "$pbkdf2-sha256$i=";
  private static final SecureRandom RANDOM = new SecureRandom();

  private final int iterations;
  private final byte[] salt;
  private final byte[] hash;

  private PasswordHash(int iterations, byte[] salt, byte[] hash) {
    this.iterations = iterations;
    this.salt = salt;
    this.hash = hash;
  }

  /**
   * Hashes a password with a fresh 16-byte salt and {@link #DEFAULT_ITERATIONS}.
   *
   * @param password the password
   * @return the hash
   */
  public static PasswordHash of(String password) {
    return of(password, DEFAULT_ITERATIONS);
  }

  /**
   * Hashes a password with a fresh 16-byte salt and this many iterations (fewer make tests faster
   * and stored hashes weaker).
   *
   * @param password the password
   * @param iterations at least {@link #MIN_ITERATIONS}
   * @return the hash
   */
  public static PasswordHash of(String password, int iterations) {
    Objects.requireNonNull(password, "password");
    checkIterations(iterations);
    byte[] salt = new byte[16];
    RANDOM.nextBytes(salt);
    return new PasswordHash(iterations, salt, derive(password, salt, iterations, 32));
  }

  /**
   * Reads an encoded hash.
   *
   * @param encoded {@code $pbkdf2-sha256$i=<iterations>$<salt>$<hash>}
   * @return the hash
   * @throws IllegalArgumentException if the text is not in that form
   */
  public static PasswordHash parse(String encoded) {
    Objects.requireNonNull(encoded, "encoded");
    String expected = " (expected: $pbkdf2-sha256$i=<iterations>$<base64 salt>$<base64 hash>)";
    if (!encoded.startsWith(PREFIX)) {
      throw new IllegalArgumentException("password hash: not a PBKDF2-SHA256 hash" + expected);
    }
    String[] parts = encoded.substring(PREFIX.length()).split("\\$", -1);
    if (parts.length != 3) {
      throw new IllegalArgumentException("password hash: malformed" + expected);
    }
    int iterations;
    byte[] salt;
    byte[] hash;
    try {
      iterations = Integer.parseInt(parts[0]);
      salt = Base64.getDecoder().decode(parts[1]);
      hash = Base64.getDecoder().decode(parts[2]);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("password hash: malformed" + expected, e);
    }
    checkIterations(iterations);
    if (salt.length < 8 || hash.length < 16) {
      throw new IllegalArgumentException("password hash: salt or hash too short (expected: at least 8 and 16 bytes)");
    }
    return new PasswordHash(iterations, salt, hash);
  }

  /**
   * Whether the password is the one hashed. Slow on purpose; compares in constant time.
   *
   * @param password a candidate password
   * @return true if it matches
   */
  public boolean matches(String password) {
    Objects.requireNonNull(password, "password");
    return MessageDigest.isEqual(hash, derive(password, salt, iterations, hash.length));
  }

  /**
   * The iteration count.
   *
   * @return the iterations
   */
  public int iterations() {
    return iterations;
  }

  /**
   * The PHC string form, safe to store.
   *
   * @return the encoded hash
   */
  public String encoded() {
    Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
    return PREFIX + iterations + "$" + b64.encodeToString(salt) + "$" + b64.encodeToString(hash);
  }

  private static void checkIterations(int iterations) {
    Check.atLeast("iterations", iterations, MIN_ITERATIONS);
  }

  private static byte[] derive(String password, byte[] salt, int iterations, int bytes) {
    char[] chars = password.toCharArray();
    PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, bytes * 8);
    try {
      return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("PBKDF2WithHmacSHA256 is missing from this JDK", e);
    } finally {
      spec.clearPassword();
      Arrays.fill(chars, '\0');
    }
  }

  /** Equal when the encoded forms are equal. */
  @Override
  public boolean equals(Object o) {
    return o instanceof PasswordHash p && iterations == p.iterations
        && MessageDigest.isEqual(salt, p.salt) && MessageDigest.isEqual(hash, p.hash);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(hash);
  }

  /** Does not print the hash. */
  @Override
  public String toString() {
    return "PasswordHash[pbkdf2-sha256, " + iterations + " iterations]";
  }
}

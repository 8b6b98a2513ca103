package io.gatehouse.testing.raw;

import io.gatehouse.Unstable;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A deterministic byte stream made on the fly (xorshift64), so that bodies of hundreds of
 * mebibytes are sent and checked without ever being held: both ends hash what passes with
 * SHA-256 as it passes. The stream for a seed is the same however it is cut into pieces.
 *
 * <pre>{@code
 * GeneratedBytes bytes = new GeneratedBytes(17);
 * MessageDigest md = GeneratedBytes.sha256();
 * bytes.fill(buf, n);             // the next n bytes of the stream, from buf[0]
 * md.update(buf, 0, n);
 * assertThat(GeneratedBytes.hex(md)).isEqualTo(GeneratedBody.sha256(total, 17));
 * }</pre>
 *
 * <p>Not thread-safe: one per stream.
 *
 * @since 0.1
 */
@Unstable
public final class GeneratedBytes {
  /** A convenient piece size, 64 KiB. */
  public static final int CHUNK = 64 * 1024;

  private long x;
  private long word;
  private int wordLeft;

  /**
   * The stream for a seed.
   *
   * @param seed any value; 0 stands for a fixed non-zero seed
   */
  public GeneratedBytes(long seed) {
    this.x = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
  }

  /**
   * Writes the next {@code n} bytes of the stream into the array, from index 0.
   *
   * @param buf where to
   * @param n how many
   */
  public void fill(byte[] buf, int n) {
    for (int i = 0; i < n; i++) {
      buf[i] = next();
    }
  }

  /**
   * Puts the next {@code n} bytes of the stream into the buffer, from its position.
   *
   * @param buf where to; its position advances by {@code n}
   * @param n how many
   */
  public void fill(ByteBuffer buf, int n) {
    for (int i = 0; i < n; i++) {
      buf.put(next());
    }
  }

  private byte next() {
    if (wordLeft == 0) {
      x ^= x << 13;
      x ^= x >>> 7;
      x ^= x << 17;
      word = x;
      wordLeft = 8;
    }
    byte b = (byte) word;
    word >>>= 8;
    wordLeft--;
    return b;
  }

  /**
   * A new SHA-256 digest.
   *
   * @return the digest
   */
  public static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  /**
   * Finishes a digest as lower-case hex.
   *
   * @param digest the digest, reset by this call
   * @return its hex
   */
  public static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }
}

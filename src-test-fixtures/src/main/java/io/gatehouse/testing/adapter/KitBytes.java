package io.gatehouse.testing.adapter;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A deterministic byte stream made on the fly (xorshift64), so that bodies of hundreds of
 * mebibytes are sent and checked without ever being held: both ends hash what passes with
 * SHA-256 as it passes.
 */
final class KitBytes {
  static final int CHUNK = 64 * 1024;

  private long x;
  private long word;
  private int wordLeft;

  KitBytes(long seed) {
    this.x = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
  }

  /** Fills {@code n} bytes of {@code buf} from its position. */
  void fill(byte[] buf, int n) {
    for (int i = 0; i < n; i++) {
      if (wordLeft == 0) {
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        word = x;
        wordLeft = 8;
      }
      buf[i] = (byte) word;
      word >>>= 8;
      wordLeft--;
    }
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("the JDK has no SHA-256", e);
    }
  }

  static String hex(MessageDigest digest) {
    return HexFormat.of().formatHex(digest.digest());
  }
}

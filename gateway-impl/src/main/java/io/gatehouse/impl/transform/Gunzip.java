package io.gatehouse.impl.transform;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.zip.GZIPInputStream;

/**
 * Decompresses a whole gzip body that a transformation must read, within two caps: the
 * decompressed size, and the ratio of decompressed to compressed bytes (a decompression bomb is a
 * few kilobytes that grow to gigabytes). The output is checked as it grows, so no more than the cap
 * plus one buffer is ever held.
 */
final class Gunzip {
  /** Below this much output the ratio is not checked: tiny repetitive bodies compress far, harmlessly. */
  static final int RATIO_FLOOR = 64 * 1024;

  /** Why decompression stopped. */
  enum Stop {
    TOO_LARGE, BOMB, CORRUPT
  }

  /** A decompression that stopped, and why. */
  static final class Stopped extends Exception {
    private static final long serialVersionUID = 1L;
    final Stop why;

    Stopped(Stop why, String message) {
      super(message, null, false, false);
      this.why = why;
    }
  }

  private Gunzip() {}

  /**
   * The content coding of a body, as this stage reads it.
   *
   * @param contentEncoding the header's values, joined
   * @return empty for none (or {@code identity}), {@code gzip}, or the value when it is another
   */
  static Optional<String> coding(Optional<String> contentEncoding) {
    if (contentEncoding.isEmpty()) {
      return Optional.empty();
    }
    String value = contentEncoding.get().trim().toLowerCase(Locale.ROOT);
    if (value.isEmpty() || value.equals("identity")) {
      return Optional.empty();
    }
    return Optional.of(value.equals("x-gzip") ? "gzip" : value);
  }

  static byte[] inflate(byte[] compressed, long cap, int maxRatio) throws Stopped {
    long ratioLimit = (long) maxRatio * compressed.length;
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(compressed.length * 4, 1 << 16));
    byte[] buffer = new byte[8192];
    long total = 0;
    try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(compressed), 8192)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > cap) {
          throw new Stopped(Stop.TOO_LARGE, "decompresses to more than " + cap + " bytes");
        }
        if (total > RATIO_FLOOR && total > ratioLimit) {
          throw new Stopped(Stop.BOMB, "decompresses more than " + maxRatio + " times its " + compressed.length
              + " bytes");
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new Stopped(Stop.CORRUPT, "is not valid gzip");
    }
    return out.toByteArray();
  }
}

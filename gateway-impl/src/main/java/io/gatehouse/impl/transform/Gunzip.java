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

  /** The compressed bytes, counting how many the decompressor has taken. */
  private static final class Counting extends ByteArrayInputStream {
    long read;

    Counting(byte[] bytes) {
      super(bytes);
    }

    @Override
    public synchronized int read() {
      int b = super.read();
      if (b >= 0) {
        read++;
      }
      return b;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
      int n = super.read(b, off, len);
      if (n > 0) {
        read += n;
      }
      return n;
    }
  }

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

  /**
   * Decompresses. The ratio is checked against the compressed bytes read so far, not the whole
   * body's, so a bomb is stopped after about {@code RATIO_FLOOR} bytes of output however large its
   * compressed part is.
   */
  static byte[] inflate(byte[] compressed, long cap, int maxRatio) throws Stopped {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(compressed.length * 4, 1 << 16));
    byte[] buffer = new byte[8192];
    long total = 0;
    Counting source = new Counting(compressed);
    try (GZIPInputStream in = new GZIPInputStream(source, 512)) {
      int n;
      while ((n = in.read(buffer)) > 0) {
        total += n;
        if (total > cap) {
          throw new Stopped(Stop.TOO_LARGE, "decompresses to more than " + cap + " bytes");
        }
        if (total > RATIO_FLOOR && total > (long) maxRatio * source.read) {
          throw new Stopped(Stop.BOMB, "decompresses more than " + maxRatio + " times its compressed size");
        }
        out.write(buffer, 0, n);
      }
    } catch (IOException e) {
      throw new Stopped(Stop.CORRUPT, "is not valid gzip");
    }
    return out.toByteArray();
  }
}

package io.gatehouse.impl.pool;

/**
 * A 64-bit hash of a string, well spread (FNV-1a over the UTF-8 bytes, then murmur3's fmix64
 * finalizer): what hash rings and sticky splits place keys with. {@code String.hashCode} is not
 * used because similar keys (user-1, user-2) land next to each other with it.
 */
public final class KeyHash {
  private KeyHash() {}

  /**
   * Hashes a string. Encodes it as UTF-8 on the way rather than allocating the bytes, as this runs
   * on every request; a lone surrogate counts as '?', as {@code getBytes(UTF_8)} does.
   *
   * @param s the key
   * @return its hash
   */
  public static long of(String s) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        h = fnv(h, c);
      } else if (c < 0x800) {
        h = fnv(h, 0xC0 | c >> 6);
        h = fnv(h, 0x80 | c & 0x3F);
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, s.charAt(++i));
        h = fnv(h, 0xF0 | cp >> 18);
        h = fnv(h, 0x80 | cp >> 12 & 0x3F);
        h = fnv(h, 0x80 | cp >> 6 & 0x3F);
        h = fnv(h, 0x80 | cp & 0x3F);
      } else if (Character.isSurrogate(c)) {
        h = fnv(h, '?');
      } else {
        h = fnv(h, 0xE0 | c >> 12);
        h = fnv(h, 0x80 | c >> 6 & 0x3F);
        h = fnv(h, 0x80 | c & 0x3F);
      }
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }

  private static long fnv(long h, int b) {
    return (h ^ b) * 0x100000001b3L;
  }
}

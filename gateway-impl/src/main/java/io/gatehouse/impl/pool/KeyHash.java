package io.gatehouse.impl.pool;

import java.nio.charset.StandardCharsets;

/**
 * A 64-bit hash of a string, well spread (FNV-1a over the UTF-8 bytes, then murmur3's fmix64
 * finalizer): what hash rings and sticky splits place keys with. {@code String.hashCode} is not
 * used because similar keys (user-1, user-2) land next to each other with it.
 */
public final class KeyHash {
  private KeyHash() {}

  /**
   * Hashes a string.
   *
   * @param key the key
   * @return its hash
   */
  public static long of(String key) {
    long h = 0xcbf29ce484222325L;
    for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
      h ^= b & 0xff;
      h *= 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}

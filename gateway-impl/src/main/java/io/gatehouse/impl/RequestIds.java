package io.gatehouse.impl;

import io.gatehouse.http.HttpHeaders;
import java.util.concurrent.ThreadLocalRandom;

/** Keeps a well-formed incoming request id, or makes a new one. */
final class RequestIds {
  static final String HEADER = "X-Request-Id";
  private static final int MAX_LENGTH = 128;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  static String of(HttpHeaders headers) {
    return headers.first(HEADER).filter(RequestIds::isWellFormed).orElseGet(RequestIds::generate);
  }

  /** Letters, digits and {@code - _ . :}, 1 to 128 of them: safe in logs, headers and JSON. */
  static boolean isWellFormed(String id) {
    if (id.isEmpty() || id.length() > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < id.length(); i++) {
      char c = id.charAt(i);
      boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || c == '-' || c == '_' || c == '.' || c == ':';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /** 128 random bits as 32 hex digits; not a secret, so ThreadLocalRandom is enough. */
  static String generate() {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    char[] out = new char[32];
    long hi = random.nextLong();
    long lo = random.nextLong();
    for (int i = 0; i < 16; i++) {
      out[15 - i] = HEX[(int) (hi >>> (i * 4)) & 0xf];
      out[31 - i] = HEX[(int) (lo >>> (i * 4)) & 0xf];
    }
    return new String(out);
  }
}

package io.gatehouse.impl.problem;

import io.gatehouse.http.HttpHeaders;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Keeps a well-formed incoming {@code X-Request-Id}, or makes a new one.
 *
 * <p>{@code String id = RequestIds.of(request.headers());}
 */
public final class RequestIds {
  /** The header that carries the request id. */
  public static final String HEADER = "X-Request-Id";
  private static final int MAX_LENGTH = 128;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestIds() {}

  /**
   * The request's id.
   *
   * @param headers the incoming request headers
   * @return the incoming id if well-formed, else a new random one
   */
  public static String of(HttpHeaders headers) {
    return headers.first(HEADER).filter(RequestIds::isWellFormed).orElseGet(RequestIds::generate);
  }

  /**
   * Whether an id is safe to keep: letters, digits and {@code - _ . :}, 1 to 128 of them, safe in
   * logs, headers and JSON.
   *
   * @param id the candidate
   * @return true if well-formed
   */
  public static boolean isWellFormed(String id) {
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

  /**
   * A new id: 128 random bits as 32 hex digits; not a secret, so ThreadLocalRandom is enough.
   *
   * @return the id
   */
  public static String generate() {
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

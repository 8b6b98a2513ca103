package io.gatehouse.adapter;

import io.gatehouse.Unstable;
import io.gatehouse.http.HttpHeaders;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The request id that every response the gateway makes carries, in {@code X-Request-Id} and in
 * its problem details: a client's well-formed id is kept, else a new one is made. The gateway
 * applies the same grammar to the requests it handles; an adapter uses it for the responses it
 * makes by itself (a refused framing, a stop in progress).
 *
 * <pre>{@code
 * String id = RequestId.of(request.headers());
 * String incoming = servletRequest.getHeader(RequestId.HEADER);     // may be null
 * String id2 = incoming != null && RequestId.isWellFormed(incoming) ? incoming : RequestId.generate();
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public final class RequestId {
  /** The header that carries the request id. */
  public static final String HEADER = "X-Request-Id";
  private static final int MAX_LENGTH = 128;
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private RequestId() {}

  /**
   * The request's id: its first {@code X-Request-Id} if well-formed, else a new one.
   *
   * <p>{@code String id = RequestId.of(request.headers());}
   *
   * @param headers the incoming request's headers
   * @return the id
   */
  public static String of(HttpHeaders headers) {
    Objects.requireNonNull(headers, "headers");
    return headers.first(HEADER).filter(RequestId::isWellFormed).orElseGet(RequestId::generate);
  }

  /**
   * Whether an id is safe to keep: 1 to 128 letters, digits and {@code - _ . :}, safe in logs,
   * headers and JSON.
   *
   * <p>{@code RequestId.isWellFormed("req-42")} is true; {@code RequestId.isWellFormed("a b")} is false.
   *
   * @param id the candidate
   * @return true if well-formed
   */
  public static boolean isWellFormed(String id) {
    Objects.requireNonNull(id, "id");
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
   * A new id: 128 random bits as 32 lower-case hex digits. Ids are not secrets, so a
   * {@link ThreadLocalRandom} is enough.
   *
   * <p>{@code String id = RequestId.generate();   // such as 3f2a...c901}
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

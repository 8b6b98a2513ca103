package io.gatehouse.impl.problem;

import io.gatehouse.adapter.RequestId;
import io.gatehouse.http.HttpHeaders;

/**
 * Keeps a well-formed incoming {@code X-Request-Id}, or makes a new one, by the grammar of
 * {@link RequestId}, which the adapters use too.
 *
 * <p>{@code String id = RequestIds.of(request.headers());}
 */
public final class RequestIds {
  /** The header that carries the request id. */
  public static final String HEADER = RequestId.HEADER;

  private RequestIds() {}

  /**
   * The request's id.
   *
   * @param headers the incoming request headers
   * @return the incoming id if well-formed, else a new random one
   */
  public static String of(HttpHeaders headers) {
    return RequestId.of(headers);
  }

  /**
   * Whether an id is safe to keep: letters, digits and {@code - _ . :}, 1 to 128 of them, safe in
   * logs, headers and JSON.
   *
   * @param id the candidate
   * @return true if well-formed
   */
  public static boolean isWellFormed(String id) {
    return RequestId.isWellFormed(id);
  }

  /** A new id: 128 random bits as 32 hex digits; not a secret, so ThreadLocalRandom is enough. */
  public static String generate() {
    return RequestId.generate();
  }
}

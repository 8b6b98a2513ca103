package io.gatehouse.impl.problem;

import io.gatehouse.adapter.ProblemResponse;
import io.gatehouse.http.Response;

/**
 * Renders every response the gateway makes by itself as RFC 9457 problem details: {@code type},
 * {@code title}, {@code status}, {@code detail} and {@code requestId}, with the request id also in
 * {@code X-Request-Id}. The format is {@link ProblemResponse}'s, which the adapters use for their
 * own answers, so there is one.
 *
 * <p>{@code Problems.response(404, "Not Found", "no route matches GET /x", requestId)}
 */
public final class Problems {
  /** The media type of problem details. */
  public static final String CONTENT_TYPE = ProblemResponse.CONTENT_TYPE;
  /** Every problem type is this prefix and a slug of the title. */
  public static final String TYPE_PREFIX = ProblemResponse.TYPE_PREFIX;

  private Problems() {}

  /**
   * A problem response. The type is derived from the title ({@code Bad Gateway} becomes
   * {@code urn:gatehouse:problem:bad-gateway}).
   *
   * @param status 400 to 599
   * @param title the fixed summary of the problem type, such as {@code Bad Gateway}
   * @param detail this occurrence, in a sentence safe to show a client
   * @param requestId the request id
   * @return the response, with an in-memory body
   */
  public static Response response(int status, String title, String detail, String requestId) {
    return ProblemResponse.of(status, title, detail, requestId);
  }

  /**
   * A problem response after which the adapter closes the connection without reading on: for
   * requests whose framing, head or unread body the gateway cannot trust.
   *
   * @param status 400 to 599
   * @param title the fixed summary of the problem type
   * @param detail this occurrence, in a sentence safe to show a client
   * @param requestId the request id
   * @return the response, with {@code Connection: close}
   */
  public static Response closing(int status, String title, String detail, String requestId) {
    return ProblemResponse.closing(status, title, detail, requestId);
  }
}

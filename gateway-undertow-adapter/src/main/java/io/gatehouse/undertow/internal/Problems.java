package io.gatehouse.undertow.internal;

import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.undertow.util.StatusCodes;

/**
 * The responses the adapter makes by itself: RFC 9457 {@code application/problem+json} with
 * {@code type}, {@code title}, {@code status} and {@code detail}, never a stack trace.
 *
 * <pre>{@code
 * Response r = Problems.response(503, "the server is shutting down");
 * }</pre>
 */
public final class Problems {
  static final String CONTENT_TYPE = "application/problem+json";

  private Problems() {}

  /**
   * A problem response.
   *
   * @param status 400 to 599
   * @param detail a sentence for the client, without internals
   * @return the response, with an in-memory body of known length
   */
  public static Response response(int status, String detail) {
    String title = StatusCodes.getReason(status);
    String json = "{\"type\":\"about:blank\",\"title\":" + quote(title)
        + ",\"status\":" + status + ",\"detail\":" + quote(detail) + "}";
    return Response.builder(status)
        .header("Content-Type", CONTENT_TYPE)
        .header("Cache-Control", "no-store")
        .body(Body.of(json))
        .build();
  }

  static String quote(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    return sb.append('"').toString();
  }
}

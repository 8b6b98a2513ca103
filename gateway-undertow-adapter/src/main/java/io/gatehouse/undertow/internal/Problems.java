package io.gatehouse.undertow.internal;

import io.gatehouse.adapter.ProblemResponse;
import io.gatehouse.adapter.RequestId;
import io.gatehouse.http.Response;
import io.undertow.server.HttpServerExchange;

/**
 * The responses the adapter makes by itself, in the gateway's one problem format
 * ({@link ProblemResponse}), titled with the status's RFC 9110 reason phrase
 * ({@link ProblemResponse#title}, as the gateway's own problems and every other adapter's are, not
 * Undertow's older phrases such as {@code Request Time-out}), with the request's id when it sent a
 * well-formed one.
 *
 * <pre>{@code
 * Response r = Problems.response(exchange, 400, "The request target does not line up with the mount.");
 * }</pre>
 */
public final class Problems {
  private Problems() {}

  /**
   * A problem response.
   *
   * @param exchange the exchange being answered
   * @param status 400 to 599
   * @param detail a sentence for the client, without internals
   * @return the response, with an in-memory body of known length
   */
  public static Response response(HttpServerExchange exchange, int status, String detail) {
    return ProblemResponse.of(status, detail, requestId(exchange));
  }

  /**
   * A problem response after which the connection is closed, for requests whose framing is in
   * doubt: nothing more is read from the connection.
   *
   * @param exchange the exchange being answered
   * @param status 400 to 599
   * @param detail a sentence for the client, without internals
   * @return the response, with {@code Connection: close}
   */
  public static Response closing(HttpServerExchange exchange, int status, String detail) {
    return ProblemResponse.closing(status, detail, requestId(exchange));
  }

  /**
   * The request's id: its well-formed {@code X-Request-Id}, else a new one.
   *
   * @param exchange the exchange being answered
   * @return the id
   */
  public static String requestId(HttpServerExchange exchange) {
    String incoming = exchange.getRequestHeaders().getFirst(RequestId.HEADER);
    return incoming != null && RequestId.isWellFormed(incoming) ? incoming : RequestId.generate();
  }
}

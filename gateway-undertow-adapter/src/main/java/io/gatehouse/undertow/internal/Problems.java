package io.gatehouse.undertow.internal;

import io.gatehouse.http.Response;
import io.gatehouse.impl.problem.RequestIds;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.StatusCodes;

/**
 * The responses the adapter makes by itself, in the gateway's one problem format (see
 * {@link io.gatehouse.impl.problem.Problems}), with the request's id when it sent a well-formed
 * one.
 *
 * <pre>{@code
 * Response r = Problems.response(exchange, 503, "The server is shutting down.");
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
    return io.gatehouse.impl.problem.Problems.response(status, StatusCodes.getReason(status), detail, requestId(exchange));
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
    return io.gatehouse.impl.problem.Problems.closing(status, StatusCodes.getReason(status), detail, requestId(exchange));
  }

  private static String requestId(HttpServerExchange exchange) {
    String incoming = exchange.getRequestHeaders().getFirst(RequestIds.HEADER);
    return incoming != null && RequestIds.isWellFormed(incoming) ? incoming : RequestIds.generate();
  }
}

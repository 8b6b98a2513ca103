package io.gatehouse.servlet;

import io.gatehouse.adapter.ProblemResponse;
import io.gatehouse.adapter.RequestId;
import io.gatehouse.http.Response;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

/**
 * The responses the adapter makes by itself, in the gateway's one problem format
 * ({@link ProblemResponse}), with the request's id when it sent a well-formed one.
 */
final class Problems {
  private Problems() {}

  static Response response(HttpServletRequest request, int status, String detail) {
    return ProblemResponse.of(status, detail, requestId(request));
  }

  /** A problem after which the connection is closed: for requests whose framing is in doubt. */
  static Response closing(HttpServletRequest request, int status, String detail) {
    return ProblemResponse.closing(status, detail, requestId(request));
  }

  /**
   * Sets a problem's status and headers on an uncommitted response and returns its body, for the
   * few answers written outside a {@link ResponseWriter} (an exchange aborted before it answered).
   */
  static byte[] bytes(HttpServletRequest request, HttpServletResponse response, int status, String detail) {
    Response problem = ProblemResponse.closing(status, detail, requestId(request));
    response.setStatus(status);
    problem.headers().forEach(response::addHeader);
    byte[] body = problem.body().inMemory().orElseThrow();
    response.setContentLength(body.length);
    return body;
  }

  static String requestId(HttpServletRequest request) {
    String incoming = request.getHeader(RequestId.HEADER);
    return incoming != null && RequestId.isWellFormed(incoming) ? incoming : RequestId.generate();
  }
}

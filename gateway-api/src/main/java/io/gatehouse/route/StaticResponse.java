package io.gatehouse.route;

import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.internal.Check;
import java.util.Objects;

/**
 * A fixed response a route answers with instead of calling an upstream.
 *
 * <p>{@code r.respond(StaticResponse.of(200, "application/json", "{\"status\":\"up\"}"))}
 *
 * @param status 100 to 599
 * @param headers the response headers
 * @param body the body, sent as UTF-8
 * @since 0.1
 */
public record StaticResponse(int status, HttpHeaders headers, String body) {

  /**
   * Checks the status range and that nothing is null.
   *
   * @param status 100 to 599
   * @param headers the response headers
   * @param body the body, sent as UTF-8
   */
  public StaticResponse {
    Check.between("status", status, 100, 599);
    Objects.requireNonNull(headers, "headers");
    Objects.requireNonNull(body, "body");
  }

  /**
   * A response with a status and no body.
   *
   * @param status 100 to 599
   * @return the static response
   */
  public static StaticResponse of(int status) {
    return new StaticResponse(status, HttpHeaders.of(), "");
  }

  /**
   * A response with a status and a body of a content type.
   *
   * @param status 100 to 599
   * @param contentType the {@code Content-Type} value
   * @param body the body, sent as UTF-8
   * @return the static response
   */
  public static StaticResponse of(int status, String contentType, String body) {
    return new StaticResponse(status, HttpHeaders.of("Content-Type", contentType), body);
  }

  /**
   * A fresh response with these values.
   *
   * @return the response
   */
  public Response toResponse() {
    return Response.builder(status).headers(headers).body(Body.of(body)).build();
  }
}

package io.gatehouse.testing;

import io.gatehouse.http.HttpHeaders;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;

/**
 * What a stub upstream received: the request as the gateway sent it, with its body read.
 *
 * <p>{@code stub.received().get(0).path()} is {@code /orders/7} for a route that strips {@code /api}.
 *
 * @param origin the upstream origin it was sent to, such as {@code http://orders:8080}
 * @param method the method
 * @param path the percent-encoded path the upstream received
 * @param rawQuery the raw query, if any
 * @param headers the headers the upstream received
 * @param body the body bytes
 * @since 0.1
 */
public record RecordedRequest(
    String origin, String method, String path, Optional<String> rawQuery, HttpHeaders headers, byte[] body) {

  /**
   * Checks that nothing is null and copies the body.
   *
   * @param origin the upstream origin it was sent to
   * @param method the method
   * @param path the percent-encoded path the upstream received
   * @param rawQuery the raw query, if any
   * @param headers the headers the upstream received
   * @param body the body bytes
   */
  public RecordedRequest {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(rawQuery, "rawQuery");
    Objects.requireNonNull(headers, "headers");
    body = body.clone();
  }

  /**
   * The body as UTF-8 text.
   *
   * @return the body
   */
  public String bodyText() {
    return new String(body, StandardCharsets.UTF_8);
  }

  /**
   * The body bytes.
   *
   * @return a copy of the body
   */
  @Override
  public byte[] body() {
    return body.clone();
  }

  @Override
  public String toString() {
    return method + " " + origin + path + rawQuery.map(q -> "?" + q).orElse("") + " " + headers;
  }
}

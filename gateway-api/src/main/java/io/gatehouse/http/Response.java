package io.gatehouse.http;

import io.gatehouse.internal.Check;
import java.util.Objects;

/**
 * An immutable HTTP response: status, headers and a streaming body. {@link #toBuilder()} derives a
 * changed copy, which is how filters change a response on its way out.
 *
 * <pre>{@code
 * Response ok = Response.builder(200).header("Content-Type", "text/plain").body(Body.of("hi")).build();
 * Response tagged = ok.toBuilder().header("X-Served-By", "gatehouse").build();
 * }</pre>
 *
 * @since 0.1
 */
public final class Response {
  private final int status;
  private final HttpHeaders headers;
  private final Body body;

  private Response(int status, HttpHeaders headers, Body body) {
    this.status = status;
    this.headers = headers;
    this.body = body;
  }

  /**
   * A response with a status, no headers and no body.
   *
   * @param status 100 to 599
   * @return the response
   */
  public static Response of(int status) {
    return builder(status).build();
  }

  /**
   * A builder for a response.
   *
   * @param status 100 to 599
   * @return the builder
   */
  public static Builder builder(int status) {
    return new Builder(status);
  }

  /**
   * A builder holding this response's values.
   *
   * @return the builder
   */
  public Builder toBuilder() {
    return new Builder(status).headers(headers).body(body);
  }

  /**
   * The status code.
   *
   * @return 100 to 599
   */
  public int status() {
    return status;
  }

  /**
   * The header fields.
   *
   * @return the headers
   */
  public HttpHeaders headers() {
    return headers;
  }

  /**
   * The body.
   *
   * @return the body; {@link Body#empty()} when there is none
   */
  public Body body() {
    return body;
  }

  @Override
  public String toString() {
    return "Response[" + status + ", " + headers + ", " + body + "]";
  }

  /**
   * Builds {@link Response}. Not thread-safe.
   *
   * @since 0.1
   */
  public static final class Builder {
    private int status;
    private HttpHeaders headers = HttpHeaders.of();
    private Body body = Body.empty();

    private Builder(int status) {
      status(status);
    }

    /**
     * Sets the status.
     *
     * @param status 100 to 599
     * @return this builder
     */
    public Builder status(int status) {
      this.status = Check.between("status", status, 100, 599);
      return this;
    }

    /**
     * Replaces the headers.
     *
     * @param headers the new headers
     * @return this builder
     */
    public Builder headers(HttpHeaders headers) {
      this.headers = Objects.requireNonNull(headers, "headers");
      return this;
    }

    /**
     * Appends a header value.
     *
     * @param name the field name
     * @param value the value
     * @return this builder
     */
    public Builder header(String name, String value) {
      this.headers = headers.toBuilder().add(name, value).build();
      return this;
    }

    /**
     * Sets the body.
     *
     * @param body the body
     * @return this builder
     */
    public Builder body(Body body) {
      this.body = Objects.requireNonNull(body, "body");
      return this;
    }

    /**
     * The immutable response.
     *
     * @return the response
     */
    public Response build() {
      return new Response(status, headers, body);
    }
  }
}

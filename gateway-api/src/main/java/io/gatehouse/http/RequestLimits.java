package io.gatehouse.http;

import io.gatehouse.internal.Check;
import java.util.Objects;

/**
 * The size limits every request must keep to, checked at ingress before any stage runs. An
 * immutable value: each setter returns a changed copy and rejects nonsense at once.
 *
 * <pre>{@code
 * Gateway.builder()
 *     .requestLimits(RequestLimits.defaults().maxHeaderBytes(64 * 1024).maxBodyBytes(50L << 20))
 *     .route("upload", r -> r.path("/upload").maxRequestBody(1L << 30).upstream("http://files:8080"));
 * }</pre>
 *
 * <table>
 *   <caption>Limits, defaults and answers</caption>
 *   <tr><th>limit</th><th>default</th><th>past it</th><th>reference</th></tr>
 *   <tr><td>{@link #maxTargetLength()}</td><td>8,192 characters</td><td>414</td>
 *       <td>nginx {@code large_client_header_buffers 4 8k}: a request line fits one 8 KiB buffer</td></tr>
 *   <tr><td>{@link #maxHeaderCount()}</td><td>100 fields</td><td>431</td>
 *       <td>Envoy {@code max_headers_count 100}</td></tr>
 *   <tr><td>{@link #maxHeaderBytes()}</td><td>32,768 bytes</td><td>431</td>
 *       <td>nginx's 4 x 8 KiB header buffers; Envoy allows 60 KiB ({@code max_request_headers_kb})</td></tr>
 *   <tr><td>{@link #maxQueryParameters()}</td><td>1,000 parameters</td><td>414</td>
 *       <td>Tomcat's {@code maxParameterCount} (1,000)</td></tr>
 *   <tr><td>{@link #maxBodyBytes()}</td><td>10 MiB</td><td>413</td>
 *       <td>nginx {@code client_max_body_size 1m}, raised to AWS API Gateway's 10 MB payload cap so
 *       that streaming APIs work; a route may set its own</td></tr>
 * </table>
 *
 * <p>Every answer past a limit is problem+json with {@code Connection: close}: the gateway has not
 * read the rest of the request, so the connection cannot be reused.
 *
 * @since 0.1
 */
public final class RequestLimits {
  private static final RequestLimits DEFAULTS = new RequestLimits(8192, 100, 32 * 1024, 1000, 10L * 1024 * 1024);

  private final int maxTargetLength;
  private final int maxHeaderCount;
  private final int maxHeaderBytes;
  private final int maxQueryParameters;
  private final long maxBodyBytes;

  private RequestLimits(int maxTargetLength, int maxHeaderCount, int maxHeaderBytes, int maxQueryParameters,
      long maxBodyBytes) {
    this.maxTargetLength = maxTargetLength;
    this.maxHeaderCount = maxHeaderCount;
    this.maxHeaderBytes = maxHeaderBytes;
    this.maxQueryParameters = maxQueryParameters;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * The defaults: see the table above.
   *
   * @return the default limits
   */
  public static RequestLimits defaults() {
    return DEFAULTS;
  }

  /**
   * The longest request target: the path as the client sent it (with the mount's prefix) and the
   * query with its {@code ?}, in characters.
   *
   * @return the limit; past it, 414
   */
  public int maxTargetLength() {
    return maxTargetLength;
  }

  /**
   * Sets the longest request target.
   *
   * @param chars at least 1
   * @return a copy with this limit
   */
  public RequestLimits maxTargetLength(int chars) {
    return new RequestLimits(Check.atLeast("maxTargetLength", chars, 1), maxHeaderCount, maxHeaderBytes, maxQueryParameters,
        maxBodyBytes);
  }

  /**
   * The most header field lines (a repeated name counts once per line).
   *
   * @return the limit; past it, 431
   */
  public int maxHeaderCount() {
    return maxHeaderCount;
  }

  /**
   * Sets the most header field lines.
   *
   * @param fields at least 1
   * @return a copy with this limit
   */
  public RequestLimits maxHeaderCount(int fields) {
    return new RequestLimits(maxTargetLength, Check.atLeast("maxHeaderCount", fields, 1), maxHeaderBytes, maxQueryParameters,
        maxBodyBytes);
  }

  /**
   * The most header bytes: the sum over the field lines of name, value and 4 (for {@code ": "} and
   * CRLF), as HTTP/1.1 sends them.
   *
   * @return the limit; past it, 431
   */
  public int maxHeaderBytes() {
    return maxHeaderBytes;
  }

  /**
   * Sets the most header bytes.
   *
   * @param bytes at least 1
   * @return a copy with this limit
   */
  public RequestLimits maxHeaderBytes(int bytes) {
    return new RequestLimits(maxTargetLength, maxHeaderCount, Check.atLeast("maxHeaderBytes", bytes, 1), maxQueryParameters,
        maxBodyBytes);
  }

  /**
   * The most query parameters: the non-empty {@code &}-separated parts of the raw query.
   *
   * @return the limit; past it, 414 (the target carries them, as for an overlong target)
   */
  public int maxQueryParameters() {
    return maxQueryParameters;
  }

  /**
   * Sets the most query parameters.
   *
   * @param parameters at least 1
   * @return a copy with this limit
   */
  public RequestLimits maxQueryParameters(int parameters) {
    return new RequestLimits(maxTargetLength, maxHeaderCount, maxHeaderBytes,
        Check.atLeast("maxQueryParameters", parameters, 1), maxBodyBytes);
  }

  /**
   * The largest request body of routes that set none ({@code RouteBuilder.maxRequestBody}). A
   * declared {@code Content-Length} past it gets 413 before any upstream call; a body without one
   * that grows past it fails: the upstream call is aborted (never completed as if the body had
   * ended) and the client gets 413 if no response has started.
   *
   * @return the limit in bytes
   */
  public long maxBodyBytes() {
    return maxBodyBytes;
  }

  /**
   * Sets the largest request body.
   *
   * @param bytes at least 0; {@code Long.MAX_VALUE} for no limit
   * @return a copy with this limit
   */
  public RequestLimits maxBodyBytes(long bytes) {
    Check.atLeast("maxBodyBytes", bytes, 0);
    return new RequestLimits(maxTargetLength, maxHeaderCount, maxHeaderBytes, maxQueryParameters, bytes);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RequestLimits l && maxTargetLength == l.maxTargetLength && maxHeaderCount == l.maxHeaderCount
        && maxHeaderBytes == l.maxHeaderBytes && maxQueryParameters == l.maxQueryParameters
        && maxBodyBytes == l.maxBodyBytes;
  }

  @Override
  public int hashCode() {
    return Objects.hash(maxTargetLength, maxHeaderCount, maxHeaderBytes, maxQueryParameters, maxBodyBytes);
  }

  @Override
  public String toString() {
    return "RequestLimits[maxTargetLength=" + maxTargetLength + ", maxHeaderCount=" + maxHeaderCount
        + ", maxHeaderBytes=" + maxHeaderBytes + ", maxQueryParameters=" + maxQueryParameters
        + ", maxBodyBytes=" + maxBodyBytes + "]";
  }
}

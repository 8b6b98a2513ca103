package io.gatehouse.route;

import io.gatehouse.edge.SecurityHeaders;
import io.gatehouse.internal.Text;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How a route changes what passes through it: the request's path and headers on the way to the
 * upstream, the response's headers on the way back. The path is first stripped of
 * {@link #stripPrefix()} leading segments, then rewritten by {@link #path()}. Immutable; made by
 * {@link RouteBuilder} ({@code stripPrefix}, {@code rewritePath}, {@code setRequestHeader} and the
 * other header operations, {@code securityHeaders}).
 *
 * <p>{@code int stripped = route.rewrite().stripPrefix();}
 *
 * @since 0.1
 */
public final class RouteRewrite {
  private final int stripPrefix;
  private final Optional<PathRewrite> path;
  private final List<HeaderOperation> requestHeaders;
  private final List<HeaderOperation> responseHeaders;
  private final Optional<SecurityHeaders> securityHeaders;

  RouteRewrite(int stripPrefix, Optional<PathRewrite> path, List<HeaderOperation> requestHeaders,
      List<HeaderOperation> responseHeaders, Optional<SecurityHeaders> securityHeaders) {
    this.stripPrefix = stripPrefix;
    this.path = Objects.requireNonNull(path, "path");
    this.requestHeaders = List.copyOf(requestHeaders);
    this.responseHeaders = List.copyOf(responseHeaders);
    this.securityHeaders = Objects.requireNonNull(securityHeaders, "securityHeaders");
  }

  /**
   * How many leading path segments are removed before the request goes upstream.
   *
   * @return 0 or more
   */
  public int stripPrefix() {
    return stripPrefix;
  }

  /**
   * The path rewrite, applied after the prefix is stripped.
   *
   * @return the rewrite, or empty to forward the path as it is
   */
  public Optional<PathRewrite> path() {
    return path;
  }

  /**
   * The changes to the request headers before the request goes upstream.
   *
   * @return the operations, in the order they apply
   */
  public List<HeaderOperation> requestHeaders() {
    return requestHeaders;
  }

  /**
   * The changes to the response headers on the way out.
   *
   * @return the operations, in the order they apply
   */
  public List<HeaderOperation> responseHeaders() {
    return responseHeaders;
  }

  /**
   * The security headers of the route's responses, applied after {@link #responseHeaders()}.
   *
   * @return the headers; empty means the gateway's
   * @since 0.2
   */
  public Optional<SecurityHeaders> securityHeaders() {
    return securityHeaders;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteRewrite r && stripPrefix == r.stripPrefix && path.equals(r.path)
        && requestHeaders.equals(r.requestHeaders) && responseHeaders.equals(r.responseHeaders)
        && securityHeaders.equals(r.securityHeaders);
  }

  @Override
  public int hashCode() {
    return Objects.hash(stripPrefix, path, requestHeaders, responseHeaders, securityHeaders);
  }

  @Override
  public String toString() {
    return Text.fields(this, "stripPrefix", stripPrefix, "path", path, "requestHeaders", requestHeaders,
        "responseHeaders", responseHeaders, "securityHeaders", securityHeaders);
  }
}

package io.gatehouse.spi;

import io.gatehouse.Unstable;
import io.gatehouse.http.Request;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * One request to an upstream, as the gateway hands it to an {@link UpstreamTransport}: the
 * request is final (path rewritten, headers for the upstream set, hop-by-hop headers removed).
 *
 * <p>{@code call.origin()} is {@code http://orders:8080}; {@code call.request().target()} is
 * {@code /orders/7?expand=lines}.
 *
 * @param origin scheme, host and port of the upstream, without a path
 * @param request the request to send, with the path the upstream receives
 * @param connectTimeout how long opening a connection may take
 * @param responseTimeout how long the upstream may stay silent once the request is sent
 * @since 0.1
 */
@Unstable
public record UpstreamCall(URI origin, Request request, Duration connectTimeout, Duration responseTimeout) {

  /**
   * Checks that nothing is null.
   *
   * @param origin scheme, host and port of the upstream, without a path
   * @param request the request to send, with the path the upstream receives
   * @param connectTimeout how long opening a connection may take
   * @param responseTimeout how long the upstream may stay silent once the request is sent
   */
  public UpstreamCall {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
  }
}

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
 * @param responseTimeout how long the upstream may stay silent once the request is sent, until the
 *     response's head has arrived
 * @param bodyIdleTimeout how long the upstream may stay silent between bytes of the response body,
 *     once its head has arrived (a quiet event stream lives by this one)
 * @since 0.1
 */
@Unstable
public record UpstreamCall(URI origin, Request request, Duration connectTimeout, Duration responseTimeout,
    Duration bodyIdleTimeout) {

  /**
   * Checks that nothing is null.
   *
   * @param origin scheme, host and port of the upstream, without a path
   * @param request the request to send, with the path the upstream receives
   * @param connectTimeout how long opening a connection may take
   * @param responseTimeout how long the upstream may stay silent once the request is sent, until
   *     the response's head has arrived
   * @param bodyIdleTimeout how long the upstream may stay silent between bytes of the response body
   */
  public UpstreamCall {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Objects.requireNonNull(bodyIdleTimeout, "bodyIdleTimeout");
  }

  /**
   * A call whose response body may pause as long as the upstream may stay silent before the head.
   *
   * @param origin scheme, host and port of the upstream, without a path
   * @param request the request to send, with the path the upstream receives
   * @param connectTimeout how long opening a connection may take
   * @param responseTimeout how long the upstream may stay silent once the request is sent, the
   *     response body's pauses included
   * @since 0.2
   */
  public UpstreamCall(URI origin, Request request, Duration connectTimeout, Duration responseTimeout) {
    this(origin, request, connectTimeout, responseTimeout, responseTimeout);
  }
}

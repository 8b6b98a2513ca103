package io.gatehouse.spi;

import io.gatehouse.Unstable;
import io.gatehouse.http.Request;
import io.gatehouse.upstream.UpstreamTls;
import java.net.URI;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

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
 * @param tls how to speak TLS to an {@code https} origin (its upstream's
 *     {@link io.gatehouse.upstream.Upstream#tls() tls()}); empty: trust what the JVM trusts, present
 *     no client certificate. Connections made with one setting must never carry a call of another.
 *     A transport that cannot honour it must fail the call rather than ignore it. Since 0.2.
 * @param http2 whether to offer HTTP/2 (ALPN) to an {@code https} origin
 *     ({@link io.gatehouse.upstream.Upstream#http2() http2()}); a transport that speaks only
 *     HTTP/1.1 may ignore it, as the upstream must then answer in HTTP/1.1. Since 0.2.
 * @since 0.1
 */
@Unstable
public record UpstreamCall(URI origin, Request request, Duration connectTimeout, Duration responseTimeout,
    Duration bodyIdleTimeout, Optional<UpstreamTls> tls, boolean http2) {

  /**
   * Checks that nothing is null.
   *
   * @param origin scheme, host and port of the upstream, without a path
   * @param request the request to send, with the path the upstream receives
   * @param connectTimeout how long opening a connection may take
   * @param responseTimeout how long the upstream may stay silent once the request is sent, until
   *     the response's head has arrived
   * @param bodyIdleTimeout how long the upstream may stay silent between bytes of the response body
   * @param tls how to speak TLS to an {@code https} origin; empty for the JVM's trust and no client
   *     certificate
   * @param http2 whether to offer HTTP/2 to an {@code https} origin
   * @since 0.2
   */
  public UpstreamCall {
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Objects.requireNonNull(bodyIdleTimeout, "bodyIdleTimeout");
    Objects.requireNonNull(tls, "tls");
  }

  /**
   * A call over HTTP/1.1 that trusts what the JVM trusts and presents no client certificate.
   *
   * @param origin scheme, host and port of the upstream, without a path
   * @param request the request to send, with the path the upstream receives
   * @param connectTimeout how long opening a connection may take
   * @param responseTimeout how long the upstream may stay silent once the request is sent, until
   *     the response's head has arrived
   * @param bodyIdleTimeout how long the upstream may stay silent between bytes of the response body
   */
  public UpstreamCall(URI origin, Request request, Duration connectTimeout, Duration responseTimeout,
      Duration bodyIdleTimeout) {
    this(origin, request, connectTimeout, responseTimeout, bodyIdleTimeout, Optional.empty(), false);
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

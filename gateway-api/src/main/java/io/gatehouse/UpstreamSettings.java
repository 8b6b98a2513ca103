package io.gatehouse;

import io.gatehouse.internal.Text;
import io.gatehouse.route.ExchangeDeadline;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.ConnectionPool;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How the gateway calls upstreams: the client (a replacement transport, or the built-in one's
 * connection pool) and the defaults of routes and upstreams that set none (connect and response
 * timeouts, the whole-exchange deadline). Immutable; made by {@link Gateway.Builder}
 * ({@code connectTimeout}, {@code responseTimeout}, {@code exchangeDeadline}, {@code transport},
 * {@code connectionPool}).
 *
 * <p>{@code Duration connect = gateway.spec().upstreams().connectTimeout();}
 *
 * @since 0.1
 */
public final class UpstreamSettings {
  private final Duration connectTimeout;
  private final Duration responseTimeout;
  private final Duration responseBodyIdleTimeout;
  private final ExchangeDeadline exchangeDeadline;
  private final Optional<UpstreamTransport> transport;
  private final ConnectionPool connectionPool;

  UpstreamSettings(Duration connectTimeout, Duration responseTimeout, Duration responseBodyIdleTimeout,
      ExchangeDeadline exchangeDeadline, Optional<UpstreamTransport> transport, ConnectionPool connectionPool) {
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.responseTimeout = Objects.requireNonNull(responseTimeout, "responseTimeout");
    this.responseBodyIdleTimeout = Objects.requireNonNull(responseBodyIdleTimeout, "responseBodyIdleTimeout");
    this.exchangeDeadline = Objects.requireNonNull(exchangeDeadline, "exchangeDeadline");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.connectionPool = Objects.requireNonNull(connectionPool, "connectionPool");
  }

  /**
   * The default upstream connect timeout.
   *
   * @return more than zero
   */
  public Duration connectTimeout() {
    return connectTimeout;
  }

  /**
   * The default upstream response timeout: how long an upstream may stay silent until its
   * response's head has arrived.
   *
   * @return more than zero
   */
  public Duration responseTimeout() {
    return responseTimeout;
  }

  /**
   * The default pause allowed between bytes of an upstream's response body.
   *
   * @return more than zero
   * @since 0.2
   */
  public Duration responseBodyIdleTimeout() {
    return responseBodyIdleTimeout;
  }

  /**
   * The whole-exchange deadline and response body rate of routes that set none.
   *
   * @return the default; {@link ExchangeDeadline#none()} unless set
   */
  public ExchangeDeadline exchangeDeadline() {
    return exchangeDeadline;
  }

  /**
   * A replacement for the built-in upstream client.
   *
   * @return the transport, or empty for the built-in client
   */
  public Optional<UpstreamTransport> transport() {
    return transport;
  }

  /**
   * How the built-in upstream client pools connections and resolves host names; ignored with a
   * {@link #transport()}.
   *
   * @return the pool settings
   */
  public ConnectionPool connectionPool() {
    return connectionPool;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof UpstreamSettings u && connectTimeout.equals(u.connectTimeout)
        && responseTimeout.equals(u.responseTimeout) && responseBodyIdleTimeout.equals(u.responseBodyIdleTimeout)
        && exchangeDeadline.equals(u.exchangeDeadline)
        && transport.equals(u.transport) && connectionPool.equals(u.connectionPool);
  }

  @Override
  public int hashCode() {
    return Objects.hash(connectTimeout, responseTimeout, responseBodyIdleTimeout, exchangeDeadline, transport, connectionPool);
  }

  @Override
  public String toString() {
    return Text.fields(this, "connectTimeout", connectTimeout, "responseTimeout", responseTimeout,
        "responseBodyIdleTimeout", responseBodyIdleTimeout, "exchangeDeadline", exchangeDeadline, "transport", transport, "connectionPool", connectionPool);
  }
}

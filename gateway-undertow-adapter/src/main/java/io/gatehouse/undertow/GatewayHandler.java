package io.gatehouse.undertow;

import io.gatehouse.Gateway;
import io.gatehouse.adapter.SwappableGateway;
import io.gatehouse.undertow.internal.ClientTimeouts;
import io.gatehouse.undertow.internal.ExchangeBridge;
import io.undertow.server.HttpHandler;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.handlers.HttpContinueReadHandler;

/**
 * An Undertow {@link HttpHandler} that passes each request to a {@link Gateway}, which can be
 * swapped while requests are in flight.
 *
 * <pre>{@code
 * GatewayHandler handler = UndertowGateway.handler(gatewayA);
 * HttpHandler root = Handlers.path().addPrefixPath("/gw", handler).addPrefixPath("/", app);
 * ...
 * Gateway old = handler.swap(gatewayB);   // new requests go to B; A's requests finish on A
 * handler.swappable().drained(old).thenRunAsync(old::close, executor);   // once they have, if you own A
 * }</pre>
 *
 * <p><b>What the gateway sees.</b> The method; the path below the mount point, still
 * percent-encoded as the client sent it ({@code /gw/a%20b} mounted at {@code /gw} arrives as
 * {@code /a%20b}); the raw query ({@code /a?} and {@code /a} both arrive without a query, since
 * Undertow does not tell them apart); every header field, with the values of a name in the order
 * received (Undertow does not keep the order between different names); the peer's address; the
 * scheme; and the body as a stream with back-pressure. A target that does not line up with the
 * mount point gets 400 {@code application/problem+json}. Undertow's {@code MAX_ENTITY_SIZE}
 * applies: its default is 2 MiB, and Undertow refuses a larger declared length with 400 before any
 * handler runs (and cuts a chunked body off at the limit); set it to 0 on your listener to let
 * larger bodies stream through. A request with {@code Expect: 100-continue} gets its
 * {@code 100 Continue} when the gateway starts reading the body.
 *
 * <p><b>Threading.</b> {@link #handleRequest} may run on an I/O thread or a worker; it never
 * blocks. The gateway is called on the exchange's I/O thread and the response is written there.
 *
 * <p><b>Responses.</b> The adapter frames the body itself: {@code Content-Length} when the body's
 * length is known, chunked otherwise; the response's own {@code Content-Length},
 * {@code Transfer-Encoding} and {@code Connection} fields are dropped (for {@code HEAD} and 304
 * its {@code Content-Length} is kept, as no body is sent). If the gateway fails, or the body fails
 * before its first byte, the client gets a 502 {@code application/problem+json}; if the body fails
 * later, the connection is closed so the client sees a truncated response. If the client goes
 * away, the gateway's future is cancelled and the response body's subscription is cancelled.
 *
 * @since 0.1
 */
public final class GatewayHandler implements HttpHandler {
  private final SwappableGateway gateways;
  private final HttpHandler entry;

  GatewayHandler(Gateway gateway, ClientTimeouts timeouts) {
    this.gateways = SwappableGateway.of(gateway);
    this.entry = new HttpContinueReadHandler(exchange -> {
      // The request counts on its gateway until the exchange has ended, response body included.
      SwappableGateway.Lease lease = gateways.acquire();
      try {
        exchange.addExchangeCompleteListener((ex, next) -> {
          try {
            lease.release();
          } finally {
            next.proceed();
          }
        });
      } catch (RuntimeException e) {
        lease.release();
        throw e;
      }
      ExchangeBridge.handle(exchange, lease.gateway(), timeouts);
    });
  }

  /**
   * Replaces the gateway for requests that start from now on. Requests already started keep the
   * gateway they started with and finish on it. The previous gateway is not closed: close it once
   * {@code swappable().drained(previous)} completes. Before it takes requests, {@code next} takes
   * over the previous gateway's run-time state for every part whose definition is unchanged
   * (rate-limit buckets, quota counts, circuits, target health, metering: see
   * {@link Gateway#takeStateFrom}). The swap is logged at INFO with both
   * {@link Gateway#version() versions}; see {@link SwappableGateway#swap}.
   *
   * <pre>{@code
   * Gateway previous = handler.swap(next);
   * handler.swappable().drained(previous).thenRunAsync(previous::close, executor);
   * }</pre>
   *
   * @param next the gateway for new requests
   * @return the gateway it replaces
   */
  public Gateway swap(Gateway next) {
    return gateways.swap(next);
  }

  /**
   * The gateway that new requests go to.
   *
   * <pre>{@code
   * Gateway now = handler.current();
   * }</pre>
   *
   * @return the current gateway
   */
  public Gateway current() {
    return gateways.current();
  }

  /**
   * The holder of this handler's gateway: swap through it, learn when a swapped-out gateway has
   * no request in flight here any more ({@link SwappableGateway#drained}), or let metrics follow
   * the swaps ({@code GatehouseMetrics.follow(handler.swappable())}).
   *
   * <pre>{@code
   * handler.swappable().drained(previous).thenRunAsync(previous::close, executor);
   * }</pre>
   *
   * @return the holder, the same for the handler's life
   * @since 0.1
   */
  public SwappableGateway swappable() {
    return gateways;
  }

  /**
   * Hands the exchange to the current gateway and returns; the exchange completes asynchronously.
   *
   * <pre>{@code
   * handler.handleRequest(exchange);   // called by Undertow
   * }</pre>
   *
   * @param exchange the exchange
   * @throws Exception if Undertow's 100-continue support fails to set up
   */
  @Override
  public void handleRequest(HttpServerExchange exchange) throws Exception {
    entry.handleRequest(exchange);
  }

  @Override
  public String toString() {
    return "GatewayHandler[" + gateways.current() + "]";
  }
}

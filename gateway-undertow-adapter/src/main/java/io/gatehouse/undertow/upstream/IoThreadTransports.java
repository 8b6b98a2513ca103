package io.gatehouse.undertow.upstream;

import io.gatehouse.spi.EventLoopTransports;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.ConnectionPool;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * The Undertow adapter's {@link EventLoopTransports}, found by the gateway with
 * {@link java.util.ServiceLoader}: calls to plain {@code http} upstreams made on an XNIO I/O
 * thread (the Undertow mount's, where the gateway handles each request) are sent and answered on
 * that thread, each thread with its own keep-alive connections, as Undertow's own
 * {@code ProxyHandler} does. Users do not call it.
 *
 * <p>{@code ServiceLoader.load(EventLoopTransports.class).findFirst()}
 *
 * @since 0.1
 */
public final class IoThreadTransports implements EventLoopTransports {

  /** For {@link java.util.ServiceLoader}. */
  public IoThreadTransports() {}

  /**
   * True on an XNIO I/O thread, for an {@code http} origin (WebSocket upgrades included). Calls
   * made on other threads, upgrades too, go through the gateway's other transport.
   *
   * @param call the call about to be sent
   * @return whether the I/O thread's own transport takes it
   */
  @Override
  public boolean accepts(UpstreamCall call) {
    return IoThreadTransport.onIoThread() && IoThreadTransport.carries(call.origin());
  }

  /**
   * A transport whose calls run on the I/O thread that makes them.
   *
   * @param pool the connection pool's sizes and times
   * @param resolver the gateway's host name resolver
   * @return the transport
   */
  @Override
  public UpstreamTransport create(ConnectionPool pool, Function<String, CompletionStage<InetAddress>> resolver) {
    return new IoThreadTransport(pool, resolver);
  }
}

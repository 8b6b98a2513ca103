package io.gatehouse.spi;

import io.gatehouse.Unstable;
import io.gatehouse.upstream.ConnectionPool;
import java.net.InetAddress;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * A server adapter's upstream transport for calls made on the server's own event-loop threads,
 * which it sends and answers without leaving the thread (Undertow's {@code ProxyHandler} works
 * this way). When a gateway builds its default transport, it looks for one provider with
 * {@link java.util.ServiceLoader}; if there is one, calls it {@linkplain #accepts accepts} go
 * through the transport it {@linkplain #create creates}, every other call (other threads,
 * origins it cannot carry) through the gateway's httpclient5 transport. A gateway given its own
 * transport ({@code Gateway.builder().transport(...)}) uses only that one. The Undertow adapter
 * provides one; users do not call it.
 *
 * <p>{@code ServiceLoader.load(EventLoopTransports.class).findFirst()}
 *
 * @since 0.1
 */
@Unstable
public interface EventLoopTransports {

  /**
   * Whether the current thread may send this call through a transport of this provider: it is one
   * of the server's event-loop threads and the transport can carry the call's origin.
   *
   * @param call the call about to be sent
   * @return true to send it through {@link #create}'s transport
   */
  boolean accepts(UpstreamCall call);

  /**
   * Starts a transport for a gateway; the gateway closes it.
   *
   * @param pool the connection pool's sizes and times, as for the gateway's other transport
   * @param resolver finds a host's address (a name or a literal) without blocking the caller, with the gateway's
   *     resolver and DNS cache; fails with a {@link java.util.concurrent.TimeoutException} when
   *     resolving took longer than the pool's resolve timeout
   * @return the transport
   */
  UpstreamTransport create(ConnectionPool pool, Function<String, CompletionStage<InetAddress>> resolver);
}

package io.gatehouse.testing.transport;

import io.gatehouse.Unstable;
import io.gatehouse.spi.UpstreamTransport;
import java.util.Map;

/**
 * Makes the {@link UpstreamTransport} under test, as the {@link TransportConformance} kit needs it:
 * with the pool and the TLS trust a row asks for. It is all a transport author writes to run the
 * kit; knobs only one transport has (thread counts, resolvers) are the factory's own choice.
 *
 * <pre>{@code
 * final class MyTransportFactory implements TransportFactory {
 *   public String name() { return "my transport"; }
 *   public UpstreamTransport create(TransportOptions options) {
 *     return MyTransport.create(options.pool(), options.sslContext());
 *   }
 * }
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public interface TransportFactory {
  /**
   * Names the transport in messages.
   *
   * <p>{@code "httpclient5"}
   *
   * @return a short name
   */
  String name();

  /**
   * Starts a transport with these options; the kit closes it.
   *
   * <p>{@code return MyTransport.create(options.pool(), options.sslContext());}
   *
   * @param options the pool's sizes and times, and which certificates to trust
   * @return a started transport
   * @throws Exception if it cannot start
   */
  UpstreamTransport create(TransportOptions options) throws Exception;

  /**
   * The items this transport cannot do, each with the reason (a sentence a reviewer can check).
   * The kit aborts those items' tests with the reason; it fails on a blank one.
   *
   * <p>{@code Map.of(TransportItem.TLS, "plain HTTP/1.1 only")}
   *
   * @return the items and their reasons; empty by default
   */
  default Map<TransportItem, String> cannot() {
    return Map.of();
  }
}

package io.gatehouse.impl.upstream;

import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.hc.core5.http.EndpointDetails;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.http.protocol.HttpCoreContext;
import org.apache.hc.core5.util.Timeout;

/**
 * The open connections of one {@link HttpClientTransport}, by their two addresses, so that a
 * response's consumer can switch its connection's socket timeout from the call's response timeout
 * to its body idle timeout once the head has arrived: httpcore hands the consumer the exchange's
 * context, which names the connection's addresses, and never the connection itself. httpclient5
 * sets the response timeout again on the connection for each exchange.
 */
final class BodyIdleTimeouts {
  private record Addresses(SocketAddress local, SocketAddress remote) {}

  private final Map<Addresses, ResponseFramingGuard> open = new ConcurrentHashMap<>();

  /**
   * A connection is open: its guard carries its socket timeout. False if its addresses are not
   * known yet (a session is decorated before it connects), when nothing is registered.
   */
  boolean opened(ResponseFramingGuard connection) {
    Addresses key = addresses(connection.getLocalAddress(), connection.getRemoteAddress());
    if (key == null) {
      return false;
    }
    open.put(key, connection);
    return true;
  }

  /** A connection closed (its reads ended, or it was closed). */
  void closed(ResponseFramingGuard connection) {
    Addresses key = addresses(connection.getLocalAddress(), connection.getRemoteAddress());
    if (key != null) {
      open.remove(key, connection);
    }
  }

  /**
   * Sets the socket timeout of the exchange's connection, named by its context, to the body's idle
   * timeout; false if the connection is not known (closed meanwhile), when nothing changes.
   */
  boolean bodyStarted(HttpContext context, Timeout bodyIdle) {
    EndpointDetails endpoint = HttpCoreContext.cast(context).getEndpointDetails();
    Addresses key = endpoint == null ? null : addresses(endpoint.getLocalAddress(), endpoint.getRemoteAddress());
    ResponseFramingGuard connection = key == null ? null : open.get(key);
    if (connection == null) {
      return false;
    }
    connection.setSocketTimeout(bodyIdle);
    return true;
  }

  /** Forgets the connections that closed without saying so; the transport's idle sweep calls this. */
  void sweep() {
    open.values().removeIf(connection -> !connection.isOpen());
  }

  /** How many connections are known; for tests. */
  int size() {
    return open.size();
  }

  private static Addresses addresses(SocketAddress local, SocketAddress remote) {
    return local == null || remote == null ? null : new Addresses(local, remote);
  }
}

package io.gatehouse.testing.raw;

import io.gatehouse.Unstable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;

/**
 * A loopback port that refuses every connection for as long as it is held: a socket is bound to
 * it but never listens. Unlike a port that was free a moment ago, no other socket, of this
 * process or another, can take it while it is held (the bound socket does not share its address),
 * so a test that needs "connection refused" cannot be answered instead by another test's server
 * or by a connection to itself.
 *
 * <pre>{@code
 * try (RefusingPort dead = RefusingPort.open()) {
 *   Gateway gateway = Gateway.builder().route("dead", r -> r.path("/dead").upstream(dead.url())).build();
 *   ...
 * }
 * }</pre>
 *
 * @since 0.2
 */
@Unstable
public final class RefusingPort implements AutoCloseable {
  private final Socket bound;

  private RefusingPort(Socket bound) {
    this.bound = bound;
  }

  /**
   * Binds a free loopback port and holds it.
   *
   * @return the held port
   * @throws UncheckedIOException if no port can be bound
   */
  public static RefusingPort open() {
    Socket socket = new Socket();
    try {
      socket.setReuseAddress(false);
      socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      return new RefusingPort(socket);
    } catch (IOException e) {
      try {
        socket.close();
      } catch (IOException ignored) {
        e.addSuppressed(ignored);
      }
      throw new UncheckedIOException("cannot bind a loopback port", e);
    }
  }

  /**
   * The port number.
   *
   * @return the port, refusing connections until {@link #close()}
   */
  public int port() {
    return bound.getLocalPort();
  }

  /**
   * {@code http://127.0.0.1:port} (or the IPv6 loopback's literal, if that is the loopback).
   *
   * @return the port's plain-HTTP URL, without a trailing slash
   */
  public URI url() {
    String host = InetAddress.getLoopbackAddress().getHostAddress();
    return URI.create("http://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port());
  }

  /** Lets the port go: from now on any socket may take it. */
  @Override
  public void close() {
    try {
      bound.close();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public String toString() {
    return "RefusingPort[" + port() + "]";
  }
}

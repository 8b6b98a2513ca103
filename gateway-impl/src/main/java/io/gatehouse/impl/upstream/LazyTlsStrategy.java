package io.gatehouse.impl.upstream;

import java.net.SocketAddress;
import java.util.Objects;
import java.util.function.Supplier;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Timeout;

/**
 * httpclient5's default TLS strategy, made on the first TLS connection rather than when the
 * transport starts. Making it initialises an {@code SSLContext}, which reads the JVM's trust store
 * (every certificate of {@code cacerts}, or of {@code javax.net.ssl.trustStore}), and loads the
 * public suffix list its host name verifier uses: a few hundred milliseconds of a gateway's
 * start-up, for nothing when every upstream speaks plain HTTP.
 *
 * <p>The strategy is made once, on the I/O thread of the first connection that needs it. If making
 * it fails (an unreadable trust store), that connection fails and the next one tries again.
 */
final class LazyTlsStrategy implements TlsStrategy {
  private final Supplier<? extends TlsStrategy> factory;
  private volatile TlsStrategy strategy;

  /** The default strategy ({@link DefaultClientTlsStrategy#createDefault()}), made on first use. */
  LazyTlsStrategy() {
    this(DefaultClientTlsStrategy::createDefault);
  }

  LazyTlsStrategy(Supplier<? extends TlsStrategy> factory) {
    this.factory = Objects.requireNonNull(factory, "factory");
  }

  /** Whether the strategy, and so its TLS context, has been made. */
  boolean made() {
    return strategy != null;
  }

  /** The strategy, made now if it is not yet. */
  TlsStrategy strategy() {
    TlsStrategy made = strategy;
    if (made == null) {
      synchronized (this) {
        made = strategy;
        if (made == null) {
          made = Objects.requireNonNull(factory.get(), "TLS strategy");
          strategy = made;
        }
      }
    }
    return made;
  }

  @Override
  public void upgrade(TransportSecurityLayer session, NamedEndpoint endpoint, Object attachment, Timeout handshakeTimeout,
      FutureCallback<TransportSecurityLayer> callback) {
    TlsStrategy made;
    try {
      made = strategy();
    } catch (RuntimeException e) {
      if (callback == null) {
        throw e;
      }
      callback.failed(e);
      return;
    }
    made.upgrade(session, endpoint, attachment, handshakeTimeout, callback);
  }

  /** The form httpclient5 no longer calls; kept because the interface requires it. */
  @Deprecated
  @Override
  public boolean upgrade(TransportSecurityLayer session, HttpHost host, SocketAddress localAddress, SocketAddress remoteAddress,
      Object attachment, Timeout handshakeTimeout) {
    return strategy().upgrade(session, host, localAddress, remoteAddress, attachment, handshakeTimeout);
  }
}

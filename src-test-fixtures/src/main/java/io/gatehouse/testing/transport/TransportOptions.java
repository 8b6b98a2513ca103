package io.gatehouse.testing.transport;

import io.gatehouse.Unstable;
import io.gatehouse.upstream.ConnectionPool;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * What a {@link TransportConformance} row asks of the transport it has a {@link TransportFactory}
 * make: the connection pool's sizes and times, and the certificates to trust for {@code https}
 * origins (none: the platform's default trust). Timeouts of a call are in its
 * {@link io.gatehouse.spi.UpstreamCall}, not here.
 *
 * <pre>{@code
 * TransportOptions options = TransportOptions.defaults()
 *     .withPool(ConnectionPool.defaults().maxPerOrigin(1).acquireTimeout(Duration.ofMillis(400)));
 * SSLContext tls = options.sslContext();
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public final class TransportOptions {
  private final ConnectionPool pool;
  private final List<X509Certificate> trustedCertificates;

  private TransportOptions(ConnectionPool pool, List<X509Certificate> trustedCertificates) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.trustedCertificates = List.copyOf(trustedCertificates);
  }

  /**
   * The {@linkplain ConnectionPool#defaults() default pool} and the platform's default trust.
   *
   * @return the defaults
   */
  public static TransportOptions defaults() {
    return new TransportOptions(ConnectionPool.defaults(), List.of());
  }

  /**
   * The connection pool: its sizes, acquire timeout, lifetimes and resolver times.
   *
   * @return the pool settings
   */
  public ConnectionPool pool() {
    return pool;
  }

  /**
   * The certificates an {@code https} upstream may present (or sign its certificate with); empty
   * for the platform's default trust.
   *
   * @return the trusted certificates
   */
  public List<X509Certificate> trustedCertificates() {
    return trustedCertificates;
  }

  /**
   * A copy with another pool.
   *
   * @param pool the pool settings
   * @return the copy
   */
  public TransportOptions withPool(ConnectionPool pool) {
    return new TransportOptions(pool, trustedCertificates);
  }

  /**
   * A copy that trusts exactly these certificates, and not the platform's default ones.
   *
   * @param certificates the certificates to trust
   * @return the copy
   */
  public TransportOptions trusting(X509Certificate... certificates) {
    return new TransportOptions(pool, List.of(certificates));
  }

  /**
   * A client TLS context that trusts exactly {@link #trustedCertificates()}, or the platform's
   * default trust when there are none; for transports that take an {@link SSLContext}.
   *
   * @return a new, initialized context
   * @throws GeneralSecurityException if the platform cannot make one
   */
  public SSLContext sslContext() throws GeneralSecurityException {
    SSLContext context = SSLContext.getInstance("TLS");
    if (trustedCertificates.isEmpty()) {
      context.init(null, null, null);
      return context;
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trustStore());
    context.init(null, trust.getTrustManagers(), null);
    return context;
  }

  /**
   * The trusted certificates as an in-memory PKCS12 key store of trusted entries
   * ({@code trusted-0}, {@code trusted-1}, ...); empty when there are none.
   *
   * @return a new key store
   * @throws GeneralSecurityException if the platform has no PKCS12
   */
  public KeyStore trustStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (java.io.IOException e) {
      throw new GeneralSecurityException("an empty PKCS12 key store did not load", e);
    }
    for (int i = 0; i < trustedCertificates.size(); i++) {
      store.setCertificateEntry("trusted-" + i, trustedCertificates.get(i));
    }
    return store;
  }

  @Override
  public String toString() {
    return "TransportOptions[pool=" + pool + ", trustedCertificates=" + trustedCertificates.size() + "]";
  }
}

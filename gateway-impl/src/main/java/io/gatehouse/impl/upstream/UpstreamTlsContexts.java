package io.gatehouse.impl.upstream;

import io.gatehouse.adapter.PemFiles;
import io.gatehouse.upstream.UpstreamTls;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.apache.hc.client5.http.ssl.DefaultClientTlsStrategy;
import org.apache.hc.client5.http.ssl.HostnameVerificationPolicy;
import org.apache.hc.client5.http.ssl.NoopHostnameVerifier;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.http.nio.ssl.TlsStrategy;
import org.apache.hc.core5.net.NamedEndpoint;
import org.apache.hc.core5.net.URIAuthority;
import org.apache.hc.core5.reactor.ssl.SSLBufferMode;
import org.apache.hc.core5.reactor.ssl.TransportSecurityLayer;
import org.apache.hc.core5.util.Timeout;

/**
 * Turns an {@link UpstreamTls} into the TLS context and httpclient5 strategy of its connections,
 * with the JDK alone: PEM certificates and PKCS#8 keys (plain or PBES2-encrypted), key stores,
 * trust managers. Every mistake is an {@link Invalid} whose message names the field and the file,
 * in the project's grammar, such as {@code privateKey: /etc/gw/key.pem: the key does not match
 * the certificate CN=gw of /etc/gw/gw.pem (expected: the private key of the chain's first
 * certificate)}. Never a password or key bytes.
 *
 * <p>The gateway checks every upstream's setting when it is built ({@link #problem}), and its
 * transport makes the context for connections ({@link #strategy}). Only TLS 1.3 and 1.2 are
 * enabled; host names are verified by the JDK (endpoint identification {@code HTTPS}) against the
 * target's host, or the setting's server name, unless verification is skipped.
 */
public final class UpstreamTlsContexts {
  /** The protocols every upstream TLS connection may speak. */
  static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

  private static final String CLIENT_ALIAS = "client";

  private UpstreamTlsContexts() {}

  /** A setting that cannot be used; the message names the field and, for files, the file. */
  public static final class Invalid extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Invalid(String message) {
      super(message, null, false, false);
    }
  }

  /**
   * What is wrong with a setting: its files are read, its keys decrypted and matched to their
   * certificates, its key stores opened. The JVM's own trust store is not read here.
   *
   * @param tls the setting
   * @return the first problem, or empty when the setting can be used
   */
  public static Optional<String> problem(UpstreamTls tls) {
    try {
      if (tls.trustedCas().isPresent() || tls.trustStore().isPresent()) {
        trustManagers(tls);
      }
      keyManagers(tls);
      return Optional.empty();
    } catch (Invalid e) {
      return Optional.of(e.getMessage());
    }
  }

  /**
   * The strategy of the setting's connections: TLS 1.3 and 1.2, its trust and client certificate,
   * host names verified by the JDK unless verification is skipped, its server name if set.
   *
   * @throws Invalid if the setting cannot be used
   */
  static TlsStrategy strategy(UpstreamTls tls) {
    SSLContext context = context(tls);
    TlsStrategy strategy = tls.skipsVerification()
        ? new DefaultClientTlsStrategy(context, PROTOCOLS.clone(), null, SSLBufferMode.STATIC,
            HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE)
        : new IdentifyingEndpoint(context);
    return tls.serverName().<TlsStrategy>map(name -> new ServerName(strategy, name)).orElse(strategy);
  }

  /** The setting's TLS context. */
  static SSLContext context(UpstreamTls tls) {
    TrustManager[] trust = trustManagers(tls);
    KeyManager[] keys = keyManagers(tls);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(keys, trust, null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new Invalid("tls: the TLS context cannot be made (" + e.getMessage() + ")");
    }
  }

  private static TrustManager[] trustManagers(UpstreamTls tls) {
    if (tls.skipsVerification()) {
      return new TrustManager[] {new TrustingEveryone()};
    }
    try {
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      if (tls.trustedCas().isPresent()) {
        Path file = tls.trustedCas().get();
        KeyStore store = emptyStore();
        int i = 0;
        for (X509Certificate ca : certificates("trustedCas", file)) {
          store.setCertificateEntry("ca-" + i++, ca);
        }
        factory.init(store);
      } else if (tls.trustStore().isPresent()) {
        KeyStore store = tls.trustStore().get();
        if (!hasTrustedCertificate(store)) {
          throw new Invalid("trustStore: no trusted certificate entry (expected: at least one CA certificate)");
        }
        factory.init(store);
      } else {
        factory.init((KeyStore) null);
      }
      return factory.getTrustManagers();
    } catch (GeneralSecurityException e) {
      throw new Invalid("trust: the trust store cannot be used (" + e.getMessage() + ")");
    }
  }

  private static boolean hasTrustedCertificate(KeyStore store) throws GeneralSecurityException {
    for (String alias : Collections.list(store.aliases())) {
      if (store.isCertificateEntry(alias)) {
        return true;
      }
    }
    return false;
  }

  private static KeyManager[] keyManagers(UpstreamTls tls) {
    if (tls.certificateChain().isPresent()) {
      Path chainFile = tls.certificateChain().get();
      Path keyFile = tls.privateKey().orElseThrow();
      List<X509Certificate> chain = certificates("certificateChain", chainFile);
      char[] password = tls.password().orElse(null);
      try {
        PrivateKey key = privateKey("privateKey", keyFile, chain.get(0).getPublicKey().getAlgorithm(), password);
        if (!matches(key, chain.get(0).getPublicKey())) {
          throw fail("privateKey", keyFile, "the key does not match the certificate "
              + chain.get(0).getSubjectX500Principal().getName() + " of " + chainFile,
              "the private key of the chain's first certificate");
        }
        return new KeyManager[] {new OneClientKey(key, chain.toArray(new X509Certificate[0]))};
      } finally {
        if (password != null) {
          Arrays.fill(password, '\0');
        }
      }
    }
    if (tls.keyStore().isPresent()) {
      KeyStore store = tls.keyStore().get();
      char[] password = tls.password().orElse(new char[0]);
      try {
        List<String> keys = new ArrayList<>();
        for (String alias : Collections.list(store.aliases())) {
          if (store.isKeyEntry(alias)) {
            keys.add(alias);
          }
        }
        if (keys.size() != 1) {
          throw new Invalid("keyStore: " + keys.size() + " private-key entries (expected: exactly one)");
        }
        String alias = keys.get(0);
        PrivateKey key;
        try {
          key = (PrivateKey) store.getKey(alias, password);
        } catch (GeneralSecurityException e) {
          throw new Invalid("keyStore: the key of entry '" + alias + "' cannot be recovered ("
              + e.getClass().getSimpleName() + ") (expected: the entry's password)");
        }
        Certificate[] certificates = store.getCertificateChain(alias);
        if (key == null || certificates == null || certificates.length == 0) {
          throw new Invalid("keyStore: entry '" + alias + "' has no private key and certificate chain (expected: a private-key entry)");
        }
        X509Certificate[] chain = Arrays.stream(certificates).map(X509Certificate.class::cast).toArray(X509Certificate[]::new);
        if (!matches(key, chain[0].getPublicKey())) {
          throw new Invalid("keyStore: the key of entry '" + alias + "' does not match its certificate "
              + chain[0].getSubjectX500Principal().getName() + " (expected: the private key of the chain's first certificate)");
        }
        return new KeyManager[] {new OneClientKey(key, chain)};
      } catch (GeneralSecurityException | ClassCastException e) {
        throw new Invalid("keyStore: cannot be read (" + e.getMessage() + ") (expected: a loaded key store)");
      } finally {
        Arrays.fill(password, '\0');
      }
    }
    return null;
  }

  /** Whether a private key signs what the public key verifies. */
  private static boolean matches(PrivateKey key, PublicKey certificateKey) {
    String algorithm = switch (key.getAlgorithm()) {
      case "EC" -> "SHA256withECDSA";
      case "RSA" -> "SHA256withRSA";
      case "Ed25519", "Ed448", "EdDSA" -> key.getAlgorithm();
      default -> null;
    };
    if (algorithm == null) {
      return false;
    }
    try {
      byte[] data = new byte[32];
      new SecureRandom().nextBytes(data);
      Signature signer = Signature.getInstance(algorithm);
      signer.initSign(key);
      signer.update(data);
      byte[] signature = signer.sign();
      Signature verifier = Signature.getInstance(algorithm);
      verifier.initVerify(certificateKey);
      verifier.update(data);
      return verifier.verify(signature);
    } catch (GeneralSecurityException | RuntimeException e) {
      return false;
    }
  }

  private static KeyStore emptyStore() throws GeneralSecurityException {
    KeyStore store = KeyStore.getInstance("PKCS12");
    try {
      store.load(null, null);
    } catch (IOException e) {
      throw new GeneralSecurityException(e);
    }
    return store;
  }

  /** The certificates of a file's CERTIFICATE blocks, in file order; at least one. */
  private static List<X509Certificate> certificates(String field, Path file) {
    try {
      return PemFiles.certificates(file);
    } catch (PemFiles.Unreadable e) {
      throw fail(field, file, e.problem(), e.expected());
    }
  }

  /** The key of a file's only PKCS#8 block, of the certificate's algorithm; decrypted with the password if given. */
  private static PrivateKey privateKey(String field, Path file, String algorithm, char[] password) {
    try {
      return PemFiles.privateKey(file, algorithm, password, "clientCertificate(chain, key)", "clientCertificate(chain, key, password)");
    } catch (PemFiles.Unreadable e) {
      throw fail(field, file, e.problem(), e.expected());
    }
  }

  private static Invalid fail(String field, Path file, String problem, String expected) {
    return new Invalid(field + ": " + file + ": " + problem + (expected == null ? "" : " (expected: " + expected + ")"));
  }

  /**
   * Presents its one certificate whatever authorities the upstream names: a gateway configured
   * with a client certificate sends it (as nginx and Envoy do), and the upstream decides. The JDK's
   * own key manager would send nothing when the upstream's list of authorities misses the issuer,
   * which turns a trust mistake on the upstream into a puzzling "no certificate".
   */
  private static final class OneClientKey extends X509ExtendedKeyManager {
    private final PrivateKey key;
    private final X509Certificate[] chain;

    OneClientKey(PrivateKey key, X509Certificate[] chain) {
      this.key = key;
      this.chain = chain;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return CLIENT_ALIAS;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return CLIENT_ALIAS;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {CLIENT_ALIAS};
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      return CLIENT_ALIAS.equals(alias) ? chain.clone() : null;
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      return CLIENT_ALIAS.equals(alias) ? key : null;
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      return null;
    }
  }

  /**
   * Host names checked by the JDK during the handshake (endpoint identification {@code HTTPS}), so
   * that a mismatch fails it like any other certificate problem and nothing is sent. Set on the
   * engine here because httpclient5 5.5's {@code HostnameVerificationPolicy.BUILTIN} sets it on
   * the parameters after applying them to the engine, which does nothing (fixed upstream after
   * 5.5.2, commit a890ec7 "Corrects application of SSL parameters in the async TLS upgrade method").
   */
  private static final class IdentifyingEndpoint extends DefaultClientTlsStrategy {
    IdentifyingEndpoint(SSLContext context) {
      super(context, PROTOCOLS.clone(), null, SSLBufferMode.STATIC, HostnameVerificationPolicy.CLIENT, NoopHostnameVerifier.INSTANCE);
    }

    @Override
    protected void initializeEngine(SSLEngine engine) {
      javax.net.ssl.SSLParameters parameters = engine.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      engine.setSSLParameters(parameters);
    }
  }

  /** {@link UpstreamTls#insecureSkipVerify()}: every chain passes, and no name is checked. */
  private static final class TrustingEveryone extends X509ExtendedTrustManager {
    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {}

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) {}

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }

  /** Asks for, and verifies, a configured name instead of the target's host. */
  private static final class ServerName implements TlsStrategy {
    private final TlsStrategy delegate;
    private final String name;

    ServerName(TlsStrategy delegate, String name) {
      this.delegate = delegate;
      this.name = name;
    }

    @Override
    public void upgrade(TransportSecurityLayer session, NamedEndpoint endpoint, Object attachment, Timeout handshakeTimeout,
        FutureCallback<TransportSecurityLayer> callback) {
      delegate.upgrade(session, new URIAuthority(name, endpoint.getPort()), attachment, handshakeTimeout, callback);
    }

    /** The form httpclient5 no longer calls; kept because the interface requires it. */
    @Deprecated
    @Override
    public boolean upgrade(TransportSecurityLayer session, HttpHost host, java.net.SocketAddress localAddress,
        java.net.SocketAddress remoteAddress, Object attachment, Timeout handshakeTimeout) {
      return delegate.upgrade(session, new HttpHost(host.getSchemeName(), name, host.getPort()), localAddress,
          remoteAddress, attachment, handshakeTimeout);
    }
  }
}

package io.gatehouse.undertow;

import io.gatehouse.GatewayException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyManagementException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.security.UnrecoverableKeyException;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLContextSpi;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLServerSocketFactory;
import javax.net.ssl.SSLSessionContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of an HTTPS listener. The listener holds one {@link SSLContext} for its life; each
 * engine it asks for comes from the context of the material loaded last. {@link #reload} loads new
 * material completely, makes a fresh context of it and only then swaps it in, so new handshakes use
 * the new certificate and trust, connections already open keep theirs, and a failed load changes
 * nothing. A fresh context has its own session cache and ticket keys: a session made under the old
 * trust is never resumed under the new (resumption skips the certificate check; Envoy's
 * CVE-2022-21654).
 */
final class ServerTls {
  /** TLS 1.3 first; nothing older than TLS 1.2. */
  static final List<String> PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");
  /** Forward secrecy and AEAD only (Mozilla "intermediate"); the order is the server's preference. */
  static final List<String> CIPHER_SUITES = List.of(
      "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
      "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
      "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256");

  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);
  /** Protects nothing: the store lives in memory only, but PKCS#12 wants a password to wrap the key. */
  private static final char[] IN_MEMORY = "in-memory".toCharArray();
  private static final byte[] PROBE = "gatehouse key check".getBytes(StandardCharsets.US_ASCII);

  private final SSLContext context;
  private volatile Material current;

  private ServerTls(Material first) {
    this.current = first;
    this.context = new CurrentContext(this);
  }

  /** Loads the config's material and makes the context; fails with a message naming the file. */
  static ServerTls start(TlsConfig config) {
    return new ServerTls(Material.load(config));
  }

  /** The listener's context: its engines come from the current material's context. */
  SSLContext context() {
    return context;
  }

  TlsConfig config() {
    return current.config;
  }

  /** The client-certificate mode of the current config, for the listener. */
  Optional<TlsConfig.ClientAuth> clientAuth() {
    return current.config.clientAuthMode();
  }

  /**
   * Loads {@code next} and, if that succeeds, makes it current for new handshakes. Throws, keeping
   * the current material, if it fails.
   */
  synchronized void reload(TlsConfig next) {
    Material loaded = Material.load(next);
    current = loaded;
    log.info("tls: reloaded {}: serving {}", next, loaded.describe());
  }

  /** One config's certificates and trust, in a context of their own. */
  static final class Material {
    final TlsConfig config;
    final SSLContext context;
    final List<X509Certificate> served;

    private Material(TlsConfig config, SSLContext context, List<X509Certificate> served) {
      this.config = config;
      this.context = context;
      this.served = served;
    }

    static Material load(TlsConfig config) {
      char[] password = config.keyPassword().orElse(null);
      try {
        KeyStore store;
        char[] storePassword;
        if (config.keyStore().isPresent()) {
          store = config.keyStore().get();
          storePassword = password;
        } else {
          Path chainFile = config.certificateChain().orElseThrow();
          Path keyFile = config.privateKey().orElseThrow();
          List<X509Certificate> chain = PemFiles.certificates("certificateChain", chainFile);
          String algorithm = chain.get(0).getPublicKey().getAlgorithm();
          if (!algorithm.equals("RSA") && !algorithm.equals("EC")) {
            throw PemFiles.fail("certificateChain", chainFile, "the certificate's key is " + algorithm, "an RSA or EC key");
          }
          PrivateKey key = PemFiles.privateKey("privateKey", keyFile, algorithm, password);
          if (!matches(key, chain.get(0))) {
            throw PemFiles.fail("privateKey", keyFile, "the key does not match the certificate "
                + chain.get(0).getSubjectX500Principal().getName() + " of " + chainFile,
                "the private key of the chain's first certificate");
          }
          storePassword = IN_MEMORY;
          store = KeyStore.getInstance("PKCS12");
          store.load(null, null);
          store.setKeyEntry("server", key, storePassword, chain.toArray(new Certificate[0]));
        }
        List<X509Certificate> served = checkKeyStore(store, storePassword);
        KeyManagerFactory factory = KeyManagerFactory.getInstance("PKIX");
        factory.init(store, storePassword);
        X509ExtendedKeyManager keys = (X509ExtendedKeyManager) factory.getKeyManagers()[0];
        X509ExtendedTrustManager trust = trust(config);
        Instant now = Instant.now();
        for (X509Certificate c : served) {
          if (c.getNotAfter().toInstant().isBefore(now) || c.getNotBefore().toInstant().isAfter(now)) {
            log.warn("tls: the certificate {} is not valid now (valid from {} to {})",
                c.getSubjectX500Principal().getName(), c.getNotBefore().toInstant(), c.getNotAfter().toInstant());
          }
        }
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
        return new Material(config, context, served);
      } catch (GeneralSecurityException | IOException e) {
        throw new GatewayException("tls: " + config + ": cannot load (" + e.getMessage() + ")", e);
      } finally {
        if (password != null) {
          Arrays.fill(password, '\0');
        }
      }
    }

    /** The first certificate of each key entry; fails if there is no key or a key does not match its certificate. */
    private static List<X509Certificate> checkKeyStore(KeyStore store, char[] password) throws GeneralSecurityException {
      List<X509Certificate> served = new ArrayList<>();
      for (String alias : Collections.list(store.aliases())) {
        if (!store.isKeyEntry(alias)) {
          continue;
        }
        Key key;
        try {
          key = store.getKey(alias, password);
        } catch (UnrecoverableKeyException e) {
          throw new GatewayException("tls: keyStore: the key '" + alias + "' cannot be recovered (expected: the keys' password)", e);
        }
        Certificate[] chain = store.getCertificateChain(alias);
        if (!(key instanceof PrivateKey privateKey) || chain == null || chain.length == 0
            || !(chain[0] instanceof X509Certificate first)) {
          continue;
        }
        if (!matches(privateKey, first)) {
          throw new GatewayException("tls: keyStore: the key '" + alias + "' does not match its certificate "
              + first.getSubjectX500Principal().getName() + " (expected: the private key of the chain's first certificate)");
        }
        served.add(first);
      }
      if (served.isEmpty()) {
        throw new GatewayException("tls: keyStore: no private key with an X.509 certificate chain (expected: a key entry)");
      }
      return served;
    }

    private static X509ExtendedTrustManager trust(TlsConfig config) throws GeneralSecurityException, IOException {
      if (config.clientAuthMode().isEmpty()) {
        return NoClientCertificates.INSTANCE;
      }
      KeyStore store;
      if (config.trustStore().isPresent()) {
        store = config.trustStore().get();
      } else {
        Path file = config.trustedCertificates().orElseThrow();
        store = KeyStore.getInstance("PKCS12");
        store.load(null, null);
        int n = 0;
        for (X509Certificate ca : PemFiles.certificates("trustedCertificates", file)) {
          store.setCertificateEntry("ca-" + n++, ca);
        }
      }
      boolean any = false;
      for (String alias : Collections.list(store.aliases())) {
        any |= store.isCertificateEntry(alias);
      }
      if (!any) {
        throw new GatewayException("tls: trustStore: no trusted certificate (expected: the CA certificates of the clients)");
      }
      TrustManagerFactory factory = TrustManagerFactory.getInstance("PKIX");
      factory.init(store);
      for (TrustManager m : factory.getTrustManagers()) {
        if (m instanceof X509ExtendedTrustManager x) {
          return x;
        }
      }
      throw new GatewayException("tls: the JDK has no X.509 trust manager");
    }

    static boolean matches(PrivateKey key, X509Certificate certificate) {
      String algorithm = switch (key.getAlgorithm()) {
        case "RSA" -> "SHA256withRSA";
        case "EC" -> "SHA256withECDSA";
        default -> null;
      };
      if (algorithm == null || !key.getAlgorithm().equals(certificate.getPublicKey().getAlgorithm())) {
        return false;
      }
      try {
        Signature signer = Signature.getInstance(algorithm);
        signer.initSign(key);
        signer.update(PROBE);
        byte[] signature = signer.sign();
        Signature verifier = Signature.getInstance(algorithm);
        verifier.initVerify(certificate.getPublicKey());
        verifier.update(PROBE);
        return verifier.verify(signature);
      } catch (GeneralSecurityException e) {
        return false;
      }
    }

    String describe() {
      return served.stream().map(c -> c.getSubjectX500Principal().getName() + " (serial "
          + c.getSerialNumber().toString(16) + ", until " + c.getNotAfter().toInstant() + ")").toList().toString();
    }
  }

  /**
   * The context the listener holds. Every call goes to the current material's context, read once
   * per call: an engine belongs wholly to one material.
   */
  private static final class CurrentContext extends SSLContext {
    CurrentContext(ServerTls tls) {
      super(new Spi(tls), tls.current.context.getProvider(), tls.current.context.getProtocol());
    }
  }

  private static final class Spi extends SSLContextSpi {
    private final ServerTls tls;

    Spi(ServerTls tls) {
      this.tls = tls;
    }

    private SSLContext now() {
      return tls.current.context;
    }

    @Override
    protected void engineInit(KeyManager[] km, TrustManager[] tm, SecureRandom sr) throws KeyManagementException {
      throw new KeyManagementException("initialised from the listener's TLS config; reload it instead");
    }

    @Override
    protected SSLSocketFactory engineGetSocketFactory() {
      return now().getSocketFactory();
    }

    @Override
    protected SSLServerSocketFactory engineGetServerSocketFactory() {
      return now().getServerSocketFactory();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine() {
      return now().createSSLEngine();
    }

    @Override
    protected SSLEngine engineCreateSSLEngine(String host, int port) {
      return now().createSSLEngine(host, port);
    }

    @Override
    protected SSLSessionContext engineGetServerSessionContext() {
      return now().getServerSessionContext();
    }

    @Override
    protected SSLSessionContext engineGetClientSessionContext() {
      return now().getClientSessionContext();
    }

    @Override
    protected SSLParameters engineGetDefaultSSLParameters() {
      return now().getDefaultSSLParameters();
    }

    @Override
    protected SSLParameters engineGetSupportedSSLParameters() {
      return now().getSupportedSSLParameters();
    }
  }

  /** Without client authentication: no certificate is asked for, and none would be trusted. */
  private static final class NoClientCertificates extends X509ExtendedTrustManager {
    static final X509ExtendedTrustManager INSTANCE = new NoClientCertificates();

    private static CertificateException refused() {
      return new CertificateException("this listener does not accept client certificates");
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw refused();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw refused();
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw refused();
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      throw new CertificateException("a server does not check server certificates");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      throw new CertificateException("a server does not check server certificates");
    }

    @Override
    public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      throw new CertificateException("a server does not check server certificates");
    }

    @Override
    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}

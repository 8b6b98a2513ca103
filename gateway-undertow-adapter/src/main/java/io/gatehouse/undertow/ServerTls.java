package io.gatehouse.undertow;

import io.gatehouse.GatewayException;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
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
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509ExtendedTrustManager;
import javax.net.ssl.X509KeyManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The TLS side of an HTTPS listener: one {@link SSLContext} for the listener's life, whose key
 * and trust managers delegate to the material of the current {@link TlsConfig}. {@link #reload}
 * loads new material completely before swapping it in, so new handshakes use the new
 * certificate, connections already open keep theirs, and a failed load changes nothing.
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
  private final SwitchingKeyManager keys;
  private final SwitchingTrustManager trust;
  private volatile Material current;

  private ServerTls(SSLContext context, SwitchingKeyManager keys, SwitchingTrustManager trust, Material current) {
    this.context = context;
    this.keys = keys;
    this.trust = trust;
    this.current = current;
  }

  /** Loads the config's material and makes the context; fails with a message naming the file. */
  static ServerTls start(TlsConfig config) {
    Material material = Material.load(config, 1);
    SwitchingKeyManager keys = new SwitchingKeyManager(material);
    SwitchingTrustManager trust = new SwitchingTrustManager(material.trust);
    try {
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(new KeyManager[] {keys}, new TrustManager[] {trust}, null);
      return new ServerTls(context, keys, trust, material);
    } catch (GeneralSecurityException e) {
      throw new GatewayException("tls: the JDK cannot make a TLS context (" + e.getMessage() + ")", e);
    }
  }

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
    Material loaded = Material.load(next, current.generation + 1);
    trust.delegate = loaded.trust;
    keys.swap(loaded);
    current = loaded;
    log.info("tls: reloaded {}: serving {}", next, loaded.describe());
  }

  /** One config's loaded key and trust managers, numbered so that a handshake never mixes two. */
  static final class Material {
    final TlsConfig config;
    final int generation;
    final X509ExtendedKeyManager keys;
    final X509ExtendedTrustManager trust;
    final List<X509Certificate> served;

    private Material(TlsConfig config, int generation, X509ExtendedKeyManager keys, X509ExtendedTrustManager trust,
        List<X509Certificate> served) {
      this.config = config;
      this.generation = generation;
      this.keys = keys;
      this.trust = trust;
      this.served = served;
    }

    static Material load(TlsConfig config, int generation) {
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
        return new Material(config, generation, keys, trust, served);
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
        return SwitchingTrustManager.NOTHING;
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
   * Chooses and hands out keys from the current material. An alias carries its material's
   * generation, so a handshake that chose a key before a reload gets that key's chain and key,
   * never half of each.
   */
  static final class SwitchingKeyManager extends X509ExtendedKeyManager {
    private volatile Material current;
    private volatile Material previous;

    SwitchingKeyManager(Material first) {
      this.current = first;
    }

    void swap(Material next) {
      previous = current;
      current = next;
    }

    private static String tag(Material m, String alias) {
      return alias == null ? null : m.generation + ":" + alias;
    }

    private X509KeyManager of(String tagged) {
      int colon = tagged == null ? -1 : tagged.indexOf(':');
      if (colon < 0) {
        return null;
      }
      String generation = tagged.substring(0, colon);
      Material now = current;
      if (generation.equals(Integer.toString(now.generation))) {
        return now.keys;
      }
      Material before = previous;
      return before != null && generation.equals(Integer.toString(before.generation)) ? before.keys : null;
    }

    @Override
    public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
      Material m = current;
      return tag(m, m.keys.chooseEngineServerAlias(keyType, issuers, engine));
    }

    @Override
    public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
      Material m = current;
      return tag(m, m.keys.chooseServerAlias(keyType, issuers, socket));
    }

    @Override
    public String[] getServerAliases(String keyType, Principal[] issuers) {
      Material m = current;
      String[] aliases = m.keys.getServerAliases(keyType, issuers);
      if (aliases == null) {
        return null;
      }
      String[] tagged = new String[aliases.length];
      for (int i = 0; i < aliases.length; i++) {
        tagged[i] = tag(m, aliases[i]);
      }
      return tagged;
    }

    @Override
    public X509Certificate[] getCertificateChain(String alias) {
      X509KeyManager keys = of(alias);
      return keys == null ? null : keys.getCertificateChain(alias.substring(alias.indexOf(':') + 1));
    }

    @Override
    public PrivateKey getPrivateKey(String alias) {
      X509KeyManager keys = of(alias);
      return keys == null ? null : keys.getPrivateKey(alias.substring(alias.indexOf(':') + 1));
    }

    /** A server presents no client certificate. */
    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return null;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return null;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return null;
    }
  }

  /** Verifies client certificates with the current trust material. */
  static final class SwitchingTrustManager extends X509ExtendedTrustManager {
    /** Without client authentication: no certificate is asked for, and none would be trusted. */
    static final X509ExtendedTrustManager NOTHING = new SwitchingTrustManager(null);

    volatile X509ExtendedTrustManager delegate; // null: trusts nothing

    SwitchingTrustManager(X509ExtendedTrustManager first) {
      this.delegate = first;
    }

    private X509ExtendedTrustManager delegate() throws CertificateException {
      X509ExtendedTrustManager d = delegate;
      if (d == null) {
        throw new CertificateException("this listener does not accept client certificates");
      }
      return d;
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) throws CertificateException {
      delegate().checkClientTrusted(chain, authType, socket);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) throws CertificateException {
      delegate().checkClientTrusted(chain, authType, engine);
    }

    @Override
    public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
      delegate().checkClientTrusted(chain, authType);
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
      X509ExtendedTrustManager d = delegate;
      return d == null ? new X509Certificate[0] : d.getAcceptedIssuers();
    }
  }
}

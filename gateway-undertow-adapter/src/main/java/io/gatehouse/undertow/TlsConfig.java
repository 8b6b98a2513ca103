package io.gatehouse.undertow;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Objects;
import java.util.Optional;

/**
 * The certificate, key and client-certificate policy of a {@link GatewayServer}'s HTTPS listener:
 * an immutable value; {@link #clientAuth} returns a changed copy.
 *
 * <pre>{@code
 * TlsConfig tls = TlsConfig.pem(Path.of("/etc/gatehouse/chain.pem"), Path.of("/etc/gatehouse/key.pem"))
 *     .clientAuth(TlsConfig.ClientAuth.REQUIRED, Path.of("/etc/gatehouse/clients-ca.pem"));
 * GatewayServer server = UndertowGateway.server(gateway).https(8443, tls).start();
 * ...
 * server.reloadTls();                  // the renewed files: new handshakes use them
 * }</pre>
 *
 * <p>Files are read when the server starts and at each reload, never here: a config names files
 * that a renewal may replace. A file that cannot be read or parsed, a key that does not match
 * the chain's first certificate, or a key store without a key fails {@code start()} (and a reload)
 * with a {@link io.gatehouse.GatewayException} that names the file.
 *
 * <p>The listener speaks TLS 1.3 and TLS 1.2 only, with these cipher suites, in this order of
 * preference (those the JDK lacks are left out): TLS 1.3 {@code TLS_AES_128_GCM_SHA256},
 * {@code TLS_AES_256_GCM_SHA384}, {@code TLS_CHACHA20_POLY1305_SHA256}; TLS 1.2
 * {@code TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256}, {@code TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256},
 * {@code TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384}, {@code TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384},
 * {@code TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256},
 * {@code TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256} (forward secrecy and AEAD only: Mozilla's
 * "intermediate" profile). Keys are RSA or EC.
 *
 * <p>This type belongs to the Undertow adapter: in a servlet container, the container terminates
 * TLS and the servlet adapter takes the client certificate from it.
 *
 * @since 0.2
 */
public final class TlsConfig {
  private final Path certificateChain; // null for a key store
  private final Path privateKey;
  private final char[] keyPassword; // null: the PEM key is not encrypted
  private final KeyStore keyStore;
  private final ClientAuth clientAuth; // null: no client certificates asked for
  private final Path trustedCertificates;
  private final KeyStore trustStore;

  private TlsConfig(Path certificateChain, Path privateKey, char[] keyPassword, KeyStore keyStore,
      ClientAuth clientAuth, Path trustedCertificates, KeyStore trustStore) {
    this.certificateChain = certificateChain;
    this.privateKey = privateKey;
    this.keyPassword = keyPassword;
    this.keyStore = keyStore;
    this.clientAuth = clientAuth;
    this.trustedCertificates = trustedCertificates;
    this.trustStore = trustStore;
  }

  /**
   * Whether the server asks clients for a certificate.
   *
   * @since 0.2
   */
  public enum ClientAuth {
    /**
     * Asks; a client that sends none goes on unauthenticated (a route with
     * {@code Auth.clientCertificate()} answers it 401). A certificate that is sent but cannot be
     * verified (untrusted, expired) fails the handshake, as it would when required.
     */
    REQUESTED,
    /** Requires a certificate that the trust store verifies: without one, the handshake fails. */
    REQUIRED
  }

  /**
   * A certificate chain and an unencrypted private key in PEM files.
   *
   * @param certificateChain PEM {@code CERTIFICATE} blocks, the server's own certificate first,
   *     then its intermediates
   * @param privateKey one PKCS#8 {@code PRIVATE KEY} block, RSA or EC ({@code openssl pkcs8 -topk8
   *     -nocrypt} converts a PKCS#1 or SEC1 key)
   * @return the config
   */
  public static TlsConfig pem(Path certificateChain, Path privateKey) {
    return new TlsConfig(Objects.requireNonNull(certificateChain, "certificateChain"),
        Objects.requireNonNull(privateKey, "privateKey"), null, null, null, null, null);
  }

  /**
   * A certificate chain and an encrypted private key in PEM files.
   *
   * @param certificateChain PEM {@code CERTIFICATE} blocks, the server's own certificate first
   * @param privateKey one PKCS#8 {@code ENCRYPTED PRIVATE KEY} block (PBES2, as
   *     {@code openssl pkcs8 -topk8 -v2 aes-256-cbc} writes it), RSA or EC
   * @param keyPassword the key's password; copied
   * @return the config
   */
  public static TlsConfig pem(Path certificateChain, Path privateKey, char[] keyPassword) {
    return new TlsConfig(Objects.requireNonNull(certificateChain, "certificateChain"),
        Objects.requireNonNull(privateKey, "privateKey"), Objects.requireNonNull(keyPassword, "keyPassword").clone(),
        null, null, null, null);
  }

  /**
   * The key entries of a loaded key store (PKCS#12 or JKS); with several, the JDK picks per
   * handshake by key type and SNI name.
   *
   * @param store a loaded key store with at least one private key and its chain; read when the
   *     server starts or reloads
   * @param password the keys' password; copied
   * @return the config
   */
  public static TlsConfig keyStore(KeyStore store, char[] password) {
    return new TlsConfig(null, null, Objects.requireNonNull(password, "password").clone(),
        Objects.requireNonNull(store, "store"), null, null, null);
  }

  /**
   * Asks clients for certificates, verified against the CA certificates of a PEM file. Revocation
   * is not checked.
   *
   * @param mode requested or required
   * @param trustedCertificates PEM {@code CERTIFICATE} blocks: the CAs whose client certificates
   *     are accepted
   * @return a changed copy
   */
  public TlsConfig clientAuth(ClientAuth mode, Path trustedCertificates) {
    return new TlsConfig(certificateChain, privateKey, keyPassword, keyStore, Objects.requireNonNull(mode, "mode"),
        Objects.requireNonNull(trustedCertificates, "trustedCertificates"), null);
  }

  /**
   * Asks clients for certificates, verified against the trusted certificates of a key store.
   * Revocation is not checked.
   *
   * @param mode requested or required
   * @param trustStore a loaded key store whose certificate entries are the accepted CAs
   * @return a changed copy
   */
  public TlsConfig clientAuth(ClientAuth mode, KeyStore trustStore) {
    return new TlsConfig(certificateChain, privateKey, keyPassword, keyStore, Objects.requireNonNull(mode, "mode"),
        null, Objects.requireNonNull(trustStore, "trustStore"));
  }

  Optional<Path> certificateChain() {
    return Optional.ofNullable(certificateChain);
  }

  Optional<Path> privateKey() {
    return Optional.ofNullable(privateKey);
  }

  Optional<char[]> keyPassword() {
    return Optional.ofNullable(keyPassword).map(char[]::clone);
  }

  Optional<KeyStore> keyStore() {
    return Optional.ofNullable(keyStore);
  }

  Optional<ClientAuth> clientAuthMode() {
    return Optional.ofNullable(clientAuth);
  }

  Optional<Path> trustedCertificates() {
    return Optional.ofNullable(trustedCertificates);
  }

  Optional<KeyStore> trustStore() {
    return Optional.ofNullable(trustStore);
  }

  /** Names the files or stores; never a password. */
  @Override
  public String toString() {
    String keys = keyStore != null ? "keyStore " + keyStore.getType()
        : "pem " + certificateChain + ", " + privateKey + (keyPassword != null ? " (encrypted)" : "");
    String clients = clientAuth == null ? ""
        : ", clientAuth " + clientAuth + " " + (trustedCertificates != null ? trustedCertificates : "trustStore " + trustStore.getType());
    return "TlsConfig[" + keys + clients + "]";
  }
}

package io.gatehouse.upstream;

import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * How the gateway speaks TLS to the {@code https} targets of one {@link Upstream}: which
 * certificate authorities it trusts, which client certificate it presents (mutual TLS), and the
 * server name it asks for and checks. Set with {@link Upstream#tls(UpstreamTls)}; an upstream
 * without one trusts what the JVM trusts and presents no certificate.
 *
 * <pre>{@code
 * Upstream payments = Upstream.of("https://payments.internal:8443")
 *     .tls(UpstreamTls.trustedCas(Path.of("/etc/gw/payments-ca.pem"))          // only this CA
 *         .clientCertificate(Path.of("/etc/gw/gw.pem"), Path.of("/etc/gw/gw-key.pem")));
 * }</pre>
 *
 * <p>Only TLS 1.3 and 1.2 are spoken. The upstream's certificate must chain to a trusted
 * authority, be valid now, and name the host of the target's URL (or {@link #serverName}) in its
 * subject alternative names; the one and only way to turn these checks off is
 * {@link #insecureSkipVerify()}, which the gateway logs as a warning when it is built.
 *
 * <p>Files are read, keys decrypted and matched to their certificates when the gateway is built:
 * an unreadable file, a wrong password or a key that belongs to another certificate fails
 * {@code build()} with a message naming the upstream and the field. Connections are pooled per
 * TLS setting: two upstreams on the same host and port with different settings never share one.
 *
 * <p>Values are immutable; equal values (same files, same key store objects, same passwords) share
 * connections. A {@link KeyStore} given here must not be changed afterwards.
 *
 * @since 0.2
 */
public final class UpstreamTls {
  private final Optional<Path> trustedCas;
  private final Optional<KeyStore> trustStore;
  private final boolean insecureSkipVerify;
  private final Optional<Path> certificateChain;
  private final Optional<Path> privateKey;
  private final Optional<KeyStore> keyStore;
  private final char[] password; // empty: none
  private final Optional<String> serverName;

  private UpstreamTls(Optional<Path> trustedCas, Optional<KeyStore> trustStore, boolean insecureSkipVerify,
      Optional<Path> certificateChain, Optional<Path> privateKey, Optional<KeyStore> keyStore, char[] password,
      Optional<String> serverName) {
    this.trustedCas = trustedCas;
    this.trustStore = trustStore;
    this.insecureSkipVerify = insecureSkipVerify;
    this.certificateChain = certificateChain;
    this.privateKey = privateKey;
    this.keyStore = keyStore;
    this.password = password;
    this.serverName = serverName;
  }

  /**
   * Trusts what the JVM trusts (its {@code cacerts}, or the {@code javax.net.ssl.trustStore} it is
   * given); the starting point for a client certificate or a server name with the usual trust.
   *
   * @return the setting
   */
  public static UpstreamTls jvmTrust() {
    return new UpstreamTls(Optional.empty(), Optional.empty(), false, Optional.empty(), Optional.empty(),
        Optional.empty(), new char[0], Optional.empty());
  }

  /**
   * Trusts only the certificate authorities of a PEM file (one or more
   * {@code -----BEGIN CERTIFICATE-----} blocks): the JVM's own authorities are not trusted.
   *
   * @param caBundle the PEM file, read when the gateway is built
   * @return the setting
   */
  public static UpstreamTls trustedCas(Path caBundle) {
    Objects.requireNonNull(caBundle, "caBundle");
    return new UpstreamTls(Optional.of(caBundle), Optional.empty(), false, Optional.empty(), Optional.empty(),
        Optional.empty(), new char[0], Optional.empty());
  }

  /**
   * Trusts only the certificates of a key store's trusted-certificate entries: the JVM's own
   * authorities are not trusted.
   *
   * @param trustStore a loaded key store with at least one trusted certificate
   * @return the setting
   */
  public static UpstreamTls trustStore(KeyStore trustStore) {
    Objects.requireNonNull(trustStore, "trustStore");
    return new UpstreamTls(Optional.empty(), Optional.of(trustStore), false, Optional.empty(), Optional.empty(),
        Optional.empty(), new char[0], Optional.empty());
  }

  /**
   * Accepts any certificate for any name: no chain, validity or host name check. Anyone on the
   * path to the upstream can then read and change the traffic; meant for a test bench, never for
   * production. The gateway logs a warning naming the upstream when it is built.
   *
   * @return the setting
   */
  public static UpstreamTls insecureSkipVerify() {
    return new UpstreamTls(Optional.empty(), Optional.empty(), true, Optional.empty(), Optional.empty(),
        Optional.empty(), new char[0], Optional.empty());
  }

  /**
   * Presents a client certificate: a PEM chain (the certificate first, then any intermediates)
   * and its unencrypted PKCS#8 key ({@code -----BEGIN PRIVATE KEY-----}, RSA or EC).
   *
   * @param chain the PEM certificate chain
   * @param key the PEM private key of the chain's first certificate
   * @return a changed copy
   */
  public UpstreamTls clientCertificate(Path chain, Path key) {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(key, "key");
    return new UpstreamTls(trustedCas, trustStore, insecureSkipVerify, Optional.of(chain), Optional.of(key),
        Optional.empty(), new char[0], serverName);
  }

  /**
   * Presents a client certificate whose PKCS#8 key is encrypted
   * ({@code -----BEGIN ENCRYPTED PRIVATE KEY-----}, PBES2 as {@code openssl pkcs8 -topk8 -v2 aes-256-cbc}
   * writes it).
   *
   * @param chain the PEM certificate chain
   * @param key the encrypted PEM private key of the chain's first certificate
   * @param password the key's password; copied
   * @return a changed copy
   */
  public UpstreamTls clientCertificate(Path chain, Path key, char[] password) {
    Objects.requireNonNull(chain, "chain");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(password, "password");
    if (password.length == 0) {
      throw new IllegalArgumentException("password: empty (expected: the key's password, or clientCertificate(chain, key))");
    }
    return new UpstreamTls(trustedCas, trustStore, insecureSkipVerify, Optional.of(chain), Optional.of(key),
        Optional.empty(), password.clone(), serverName);
  }

  /**
   * Presents the client certificate of a key store's one private-key entry.
   *
   * @param keyStore a loaded key store with exactly one private-key entry
   * @param password the entry's password; copied
   * @return a changed copy
   */
  public UpstreamTls clientKeyStore(KeyStore keyStore, char[] password) {
    Objects.requireNonNull(keyStore, "keyStore");
    Objects.requireNonNull(password, "password");
    return new UpstreamTls(trustedCas, trustStore, insecureSkipVerify, Optional.empty(), Optional.empty(),
        Optional.of(keyStore), password.clone(), serverName);
  }

  /**
   * Asks for this name in the handshake (SNI) and checks the upstream's certificate against it,
   * instead of the host of the target's URL: for targets addressed by IP or by an internal name
   * that their certificate does not carry.
   *
   * @param name a DNS host name such as {@code orders.internal}
   * @return a changed copy
   */
  public UpstreamTls serverName(String name) {
    Objects.requireNonNull(name, "name");
    if (!name.matches("(?=.{1,253}$)[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*")) {
      throw new IllegalArgumentException("serverName: '" + name + "' (expected: a DNS host name, such as orders.internal)");
    }
    return new UpstreamTls(trustedCas, trustStore, insecureSkipVerify, certificateChain, privateKey, keyStore,
        password.clone(), Optional.of(name));
  }

  /**
   * The PEM file of the only trusted authorities, if set.
   *
   * @return the setting
   */
  public Optional<Path> trustedCas() {
    return trustedCas;
  }

  /**
   * The key store of the only trusted certificates, if set.
   *
   * @return the setting
   */
  public Optional<KeyStore> trustStore() {
    return trustStore;
  }

  /**
   * Whether certificate and host name checks are off.
   *
   * @return the setting
   */
  public boolean skipsVerification() {
    return insecureSkipVerify;
  }

  /**
   * The client certificate's PEM chain, if set.
   *
   * @return the setting
   */
  public Optional<Path> certificateChain() {
    return certificateChain;
  }

  /**
   * The client certificate's PEM key, if set.
   *
   * @return the setting
   */
  public Optional<Path> privateKey() {
    return privateKey;
  }

  /**
   * The client certificate's key store, if set.
   *
   * @return the setting
   */
  public Optional<KeyStore> keyStore() {
    return keyStore;
  }

  /**
   * The password of the client key or key store, if set.
   *
   * @return a copy, which the caller should clear after use
   */
  public Optional<char[]> password() {
    return password.length == 0 && keyStore.isEmpty() ? Optional.empty() : Optional.of(password.clone());
  }

  /**
   * The name asked for and checked instead of the target's host, if set.
   *
   * @return the setting
   */
  public Optional<String> serverName() {
    return serverName;
  }

  /**
   * Whether the gateway presents a client certificate.
   *
   * @return true with {@link #clientCertificate} or {@link #clientKeyStore}
   */
  public boolean presentsClientCertificate() {
    return certificateChain.isPresent() || keyStore.isPresent();
  }

  /**
   * Whether another value has the same settings: the same files, the same key store objects and the
   * same passwords.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof UpstreamTls o
        && trustedCas.equals(o.trustedCas)
        && sameObject(trustStore, o.trustStore)
        && insecureSkipVerify == o.insecureSkipVerify
        && certificateChain.equals(o.certificateChain)
        && privateKey.equals(o.privateKey)
        && sameObject(keyStore, o.keyStore)
        && Arrays.equals(password, o.password)
        && serverName.equals(o.serverName);
  }

  private static boolean sameObject(Optional<KeyStore> a, Optional<KeyStore> b) {
    return a.isPresent() == b.isPresent() && (a.isEmpty() || a.get() == b.get());
  }

  /**
   * A hash consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(trustedCas, trustStore.map(System::identityHashCode), insecureSkipVerify, certificateChain,
        privateKey, keyStore.map(System::identityHashCode), Arrays.hashCode(password), serverName);
  }

  /**
   * Such as {@code UpstreamTls[trust=/etc/gw/ca.pem, client=/etc/gw/gw.pem]}; never a password.
   *
   * @return the description
   */
  @Override
  public String toString() {
    String trust = insecureSkipVerify ? "INSECURE (no verification)"
        : trustedCas.map(Path::toString).orElse(trustStore.isPresent() ? "key store" : "jvm");
    String client = certificateChain.map(Path::toString).orElse(keyStore.isPresent() ? "key store" : "none");
    return "UpstreamTls[trust=" + trust + ", client=" + client + serverName.map(n -> ", serverName=" + n).orElse("") + "]";
  }
}

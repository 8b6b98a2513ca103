package io.gatehouse.undertow;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * A small PKI made once per test JVM by the JDK's own keytool (as the transport kit's
 * {@code KitTls} does): no test-only crypto library, no stored key. Two CAs; server certificates
 * for 127.0.0.1 and localhost signed by the first; client certificates, one of them expired and
 * one signed by the other CA; for upstream TLS, server certificates that are expired, signed by
 * the other CA, or for another host.
 */
final class TestPki {
  static final char[] PASSWORD = "test-pki".toCharArray();
  /** Server certificates (SAN ip:127.0.0.1, dns:localhost), signed by "ca". */
  static final String SERVER = "server";
  static final String SERVER_RENEWED = "server-renewed";
  static final String SERVER_RSA = "server-rsa";
  /** CN=billing, SANs dns:billing.internal, uri:spiffe://example.org/billing, email:billing@example.org. */
  static final String CLIENT = "client";
  static final String CLIENT_EXPIRED = "client-expired";
  /** Signed by "other-ca", which the server does not trust. */
  static final String CLIENT_UNTRUSTED = "client-untrusted";
  /** Server certificates for 127.0.0.1 and localhost: expired; signed by "other-ca". */
  static final String SERVER_EXPIRED = "server-expired";
  static final String SERVER_OTHER_CA = "server-other-ca";
  /** Signed by "ca", for dns:elsewhere.example only: not for 127.0.0.1 or localhost. */
  static final String SERVER_OTHER_HOST = "server-other-host";

  private static TestPki shared;

  final Path dir;
  private final KeyStore store;

  private TestPki(Path dir, KeyStore store) {
    this.dir = dir;
    this.store = store;
  }

  static synchronized TestPki shared() {
    if (shared == null) {
      try {
        shared = make();
      } catch (IOException | GeneralSecurityException | InterruptedException e) {
        throw new IllegalStateException("cannot make the test PKI", e);
      }
    }
    return shared;
  }

  private static TestPki make() throws IOException, GeneralSecurityException, InterruptedException {
    Path dir = Files.createTempDirectory("gatehouse-test-pki");
    dir.toFile().deleteOnExit();
    Path file = dir.resolve("pki.p12");
    keytool(file, "-alias", "ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Test CA,O=Gatehouse",
        "-ext", "bc:c", "-validity", "30");
    keytool(file, "-alias", "other-ca", "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=Other CA,O=Elsewhere",
        "-ext", "bc:c", "-validity", "30");
    String serverSan = "san=ip:127.0.0.1,dns:localhost";
    keytool(file, "-alias", SERVER, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost,O=Gatehouse",
        "-ext", serverSan, "-signer", "ca", "-signerkeypass", new String(PASSWORD), "-validity", "5");
    keytool(file, "-alias", SERVER_RENEWED, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost,O=Gatehouse Renewed",
        "-ext", serverSan, "-signer", "ca", "-signerkeypass", new String(PASSWORD), "-validity", "5");
    keytool(file, "-alias", SERVER_RSA, "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=localhost,O=Gatehouse RSA",
        "-ext", serverSan, "-signer", "ca", "-signerkeypass", new String(PASSWORD), "-validity", "5");
    keytool(file, "-alias", CLIENT, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=billing,OU=Payments,O=Example",
        "-ext", "san=dns:billing.internal,uri:spiffe://example.org/billing,email:billing@example.org",
        "-signer", "ca", "-signerkeypass", new String(PASSWORD), "-validity", "5");
    keytool(file, "-alias", CLIENT_EXPIRED, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=billing,O=Example",
        "-signer", "ca", "-signerkeypass", new String(PASSWORD), "-startdate", "-10d", "-validity", "2");
    keytool(file, "-alias", CLIENT_UNTRUSTED, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=billing,O=Example",
        "-signer", "other-ca", "-signerkeypass", new String(PASSWORD), "-validity", "5");
    keytool(file, "-alias", SERVER_EXPIRED, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost,O=Expired",
        "-ext", serverSan, "-signer", "ca", "-signerkeypass", new String(PASSWORD), "-startdate", "-10d", "-validity", "2");
    keytool(file, "-alias", SERVER_OTHER_CA, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=localhost,O=Elsewhere",
        "-ext", serverSan, "-signer", "other-ca", "-signerkeypass", new String(PASSWORD), "-validity", "5");
    keytool(file, "-alias", SERVER_OTHER_HOST, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", "CN=elsewhere.example",
        "-ext", "san=dns:elsewhere.example", "-signer", "ca", "-signerkeypass", new String(PASSWORD), "-validity", "5");
    KeyStore store = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(file)) {
      store.load(in, PASSWORD);
    }
    Files.delete(file);
    return new TestPki(dir, store);
  }

  private static void keytool(Path file, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
    command.add("-genkeypair");
    command.addAll(List.of(args));
    command.addAll(List.of("-sigalg", "SHA256withECDSA")); // every signer (the CAs) has an EC key
    command.addAll(List.of("-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", new String(PASSWORD),
        "-keypass", new String(PASSWORD)));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output;
    try (InputStream out = process.getInputStream()) {
      output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
    }
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("keytool failed: " + command + ": " + output);
    }
  }

  X509Certificate certificate(String alias) {
    try {
      return (X509Certificate) store.getCertificate(alias);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  PrivateKey key(String alias) {
    try {
      return (PrivateKey) store.getKey(alias, PASSWORD);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  List<X509Certificate> chain(String alias) {
    try {
      List<X509Certificate> chain = new ArrayList<>();
      for (Certificate c : store.getCertificateChain(alias)) {
        chain.add((X509Certificate) c);
      }
      return chain;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The alias's chain as PEM, in a new file. */
  Path chainPem(String alias) {
    StringBuilder pem = new StringBuilder();
    for (X509Certificate c : chain(alias)) {
      pem.append(pem("CERTIFICATE", encoded(c)));
    }
    return write(alias + "-chain", pem.toString());
  }

  /** The CA certificate as PEM, in a new file. */
  Path caPem(String caAlias) {
    return write(caAlias, pem("CERTIFICATE", encoded(certificate(caAlias))));
  }

  /** The alias's key as unencrypted PKCS#8 PEM, in a new file. */
  Path keyPem(String alias) {
    return write(alias + "-key", pem("PRIVATE KEY", key(alias).getEncoded()));
  }

  Path write(String name, String text) {
    try {
      Path file = Files.createTempFile(dir, name, ".pem");
      Files.writeString(file, text, StandardCharsets.US_ASCII);
      file.toFile().deleteOnExit();
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static String pem(String label, byte[] der) {
    return "-----BEGIN " + label + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
        + "\n-----END " + label + "-----\n";
  }

  private static byte[] encoded(X509Certificate c) {
    try {
      return c.getEncoded();
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A key store holding only these aliases' keys and chains, and one holding only a CA as trusted. */
  KeyStore keyStoreOf(String... aliases) {
    try {
      KeyStore one = KeyStore.getInstance("PKCS12");
      one.load(null, null);
      for (String alias : aliases) {
        one.setKeyEntry(alias, key(alias), PASSWORD, chain(alias).toArray(new Certificate[0]));
      }
      return one;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  KeyStore trustStoreOf(String caAlias) {
    try {
      KeyStore one = KeyStore.getInstance("PKCS12");
      one.load(null, null);
      one.setCertificateEntry(caAlias, certificate(caAlias));
      return one;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * A client context that trusts "ca" and, if {@code clientAlias} is not null, presents that
   * certificate whatever CAs the server names (so an untrusted one is really sent).
   */
  SSLContext client(String clientAlias, String... protocols) {
    try {
      TrustManagerFactory trust = TrustManagerFactory.getInstance("PKIX");
      trust.init(trustStoreOf("ca"));
      KeyManager[] keys = clientAlias == null ? null : new KeyManager[] {new OneKey(clientAlias)};
      SSLContext context = SSLContext.getInstance(protocols.length == 1 ? protocols[0] : "TLS");
      context.init(keys, trust.getTrustManagers(), null);
      return context;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(e);
    }
  }

  private final class OneKey extends X509ExtendedKeyManager {
    private final String alias;

    OneKey(String alias) {
      this.alias = alias;
    }

    @Override
    public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
      return alias;
    }

    @Override
    public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
      return alias;
    }

    @Override
    public String[] getClientAliases(String keyType, Principal[] issuers) {
      return new String[] {alias};
    }

    @Override
    public X509Certificate[] getCertificateChain(String a) {
      return chain(a).toArray(new X509Certificate[0]);
    }

    @Override
    public PrivateKey getPrivateKey(String a) {
      return key(a);
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
}

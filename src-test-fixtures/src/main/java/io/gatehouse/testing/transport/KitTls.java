package io.gatehouse.testing.transport;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A real self-signed certificate for 127.0.0.1 (an IP subject alternative name, so that hostname
 * verification passes), made by the JDK's own keytool: no test-only crypto library, no stored key.
 */
final class KitTls {
  private static final char[] PASSWORD = "transport-kit".toCharArray();

  final X509Certificate certificate;
  final SSLContext serverContext;

  private KitTls(X509Certificate certificate, SSLContext serverContext) {
    this.certificate = certificate;
    this.serverContext = serverContext;
  }

  static KitTls selfSigned(String name) throws IOException, GeneralSecurityException, InterruptedException {
    Path dir = Files.createTempDirectory("transport-kit-tls");
    Path file = dir.resolve("upstream.p12");
    try {
      Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
      Process process = new ProcessBuilder(keytool.toString(), "-genkeypair", "-alias", "upstream",
          "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA",
          "-dname", "CN=" + name, "-ext", "san=ip:127.0.0.1", "-validity", "2",
          "-storetype", "PKCS12", "-keystore", file.toString(),
          "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD))
          .redirectErrorStream(true)
          .start();
      String output;
      try (InputStream out = process.getInputStream()) {
        output = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      }
      if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
        process.destroyForcibly();
        throw new IOException("keytool did not make a certificate: " + output);
      }
      KeyStore store = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(file)) {
        store.load(in, PASSWORD);
      }
      KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(store, PASSWORD);
      SSLContext server = SSLContext.getInstance("TLS");
      server.init(keys.getKeyManagers(), null, null);
      return new KitTls((X509Certificate) store.getCertificate("upstream"), server);
    } finally {
      for (Path p : List.of(file, dir)) {
        Files.deleteIfExists(p);
      }
    }
  }
}

package io.gatehouse.examples.upstreams;

import static io.gatehouse.testing.assertj.GatewayAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.GatewayConfigException;
import io.gatehouse.testing.GatewayTester;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's upstream TLS example: it builds with real PEM files (made by keytool here), routes
 * as declared, and fails to build when a file is missing.
 */
class UpstreamTlsGatewayTest {
  @TempDir
  Path dir;

  @Test
  void the_example_builds_with_its_files_and_routes_to_its_upstreams() throws Exception {
    Path store = keytool("gateway", "CN=gateway");
    KeyStore keys = KeyStore.getInstance("PKCS12");
    try (InputStream in = Files.newInputStream(store)) {
      keys.load(in, "changeit".toCharArray());
    }
    Path chain = pem("chain.pem", "CERTIFICATE", keys.getCertificate("gateway").getEncoded());
    Path key = pem("key.pem", "PRIVATE KEY", keys.getKey("gateway", "changeit".toCharArray()).getEncoded());
    Path ca = pem("ca.pem", "CERTIFICATE", keys.getCertificate("gateway").getEncoded()); // self-signed: its own CA

    try (GatewayTester tester = GatewayTester.of(UpstreamTlsGateway.gateway(ca, chain, key))
        .stubUpstream("https://payments-1.internal:8443", s -> s.respond(200, "{}"))
        .stubUpstream("https://payments-2.internal:8443", s -> s.respond(200, "{}"))
        .stubUpstream("https://10.0.3.7:8443", s -> s.respond(200, "{}"))) {
      assertThat(tester.get("/payments/7").send()).hasStatus(200).wasRoutedTo("payments");
      assertThat(tester.get("/legacy/x").send()).hasStatus(200).wasRoutedTo("legacy");
    }
    assertThatThrownBy(() -> UpstreamTlsGateway.gateway(ca, chain, dir.resolve("missing.pem")).build())
        .isInstanceOf(GatewayConfigException.class)
        .hasMessageContaining("route 'payments': tls: upstream 'payments': privateKey: " + dir.resolve("missing.pem")
            + ": cannot be read");
  }

  private Path keytool(String alias, String dname) throws IOException, InterruptedException {
    Path file = dir.resolve(alias + ".p12");
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
        "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1", "-dname", dname, "-validity", "2",
        "-storetype", "PKCS12", "-keystore", file.toString(), "-storepass", "changeit", "-keypass", "changeit")
        .redirectErrorStream(true).start();
    process.getInputStream().readAllBytes();
    if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
      process.destroyForcibly();
      throw new IOException("keytool failed");
    }
    return file;
  }

  private Path pem(String name, String label, byte[] der) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, "-----BEGIN " + label + "-----\n"
        + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der) + "\n-----END " + label + "-----\n",
        StandardCharsets.US_ASCII);
    return file;
  }
}

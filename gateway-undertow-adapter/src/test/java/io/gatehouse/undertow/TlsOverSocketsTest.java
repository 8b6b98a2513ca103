package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.GatewayException;
import io.gatehouse.http.Request;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 15 item 4 over real sockets on 127.0.0.1: the HTTPS listener's protocols and cipher
 * suites (refusals written as raw ClientHello bytes, so that the JDK client's own restrictions
 * cannot make a row pass), the scheme the gateway sees, SNI, and certificate reload.
 */
class TlsOverSocketsTest {
  private static final TestPki PKI = TestPki.shared();

  private static GatewayServer start(TestGateway gateway, TlsConfig tls) {
    return UndertowGateway.server(gateway).host("127.0.0.1").port(0).https(0, tls).ioThreads(2).start();
  }

  private static TlsConfig serverPem(String alias) {
    return TlsConfig.pem(PKI.chainPem(alias), PKI.keyPem(alias));
  }

  @Test
  void serves_https_beside_http_and_the_gateway_sees_each_scheme() throws Exception {
    TestGateway gateway = TestGateway.text(200, "hello");
    try (GatewayServer server = start(gateway, serverPem(TestPki.SERVER))) {
      HttpClient client = HttpClient.newBuilder().sslContext(PKI.client(null)).version(HttpClient.Version.HTTP_1_1).build();
      HttpResponse<String> secure = client.send(HttpRequest.newBuilder(
          URI.create("https://127.0.0.1:" + server.httpsPort() + "/a")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(secure.statusCode()).isEqualTo(200);
      assertThat(secure.body()).isEqualTo("hello");
      assertThat(secure.sslSession()).get().satisfies(s -> assertThat(s.getProtocol()).isEqualTo("TLSv1.3"));
      Request seen = gateway.lastRequest();
      assertThat(seen.scheme()).isEqualTo("https");
      assertThat(seen.clientCertificates()).isEmpty();

      HttpResponse<String> plain = Servers.CLIENT.send(Servers.request(server.port(), "/b").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(plain.statusCode()).isEqualTo(200);
      assertThat(gateway.lastRequest().scheme()).isEqualTo("http");
      assertThat(server.toString()).isEqualTo("GatewayServer[port " + server.port() + ", https port " + server.httpsPort() + "]");
    }
  }

  @Test
  void an_https_only_server_has_no_plain_port() throws Exception {
    TestGateway gateway = TestGateway.text(200, "hello");
    try (GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").http(false)
        .https(0, serverPem(TestPki.SERVER_RSA)).start()) {
      assertThatThrownBy(server::port).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("port: this server has no plain-HTTP listener (expected: httpsPort())");
      assertThat(handshake(server.httpsPort(), PKI.client(null), null).serial)
          .isEqualTo(PKI.certificate(TestPki.SERVER_RSA).getSerialNumber());
    }
  }

  @Test
  void a_server_without_https_cannot_reload_or_name_an_https_port() {
    try (GatewayServer server = Servers.start(TestGateway.text(200, "x"))) {
      assertThatThrownBy(server::httpsPort).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("httpsPort: this server has no HTTPS listener");
      assertThatThrownBy(server::reloadTls).isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("reloadTls: this server has no HTTPS listener");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"TLSv1.3", "TLSv1.2"})
  void accepts_tls_1_2_and_1_3_with_a_modern_suite(String protocol) throws Exception {
    try (GatewayServer server = start(TestGateway.text(200, "x"), serverPem(TestPki.SERVER))) {
      Handshake h = handshake(server.httpsPort(), PKI.client(null), null, protocol);
      assertThat(h.protocol).isEqualTo(protocol);
      assertThat(ServerTls.CIPHER_SUITES).contains(h.cipherSuite);
    }
  }

  /**
   * Raw ClientHellos: the version a client offers, and the only cipher suite it offers, to a
   * server with an EC and an RSA certificate. The control rows (modern suites for either key) get
   * a ServerHello, so the refusals are the listener's choice, not a missing key.
   */
  @ParameterizedTest(name = "version {0}, suite {1} ({2}): server hello {3}")
  @CsvSource({
      "0301, c02b, TLS 1.0 with ECDHE-ECDSA-AES128-GCM, false",
      "0302, c02b, TLS 1.1 with ECDHE-ECDSA-AES128-GCM, false",
      "0302, c009, TLS 1.1 with ECDHE-ECDSA-AES128-CBC-SHA, false",
      "0300, c009, SSL 3.0, false",
      "0303, c009, ECDHE-ECDSA-AES128-CBC-SHA (CBC), false",
      "0303, c023, ECDHE-ECDSA-AES128-CBC-SHA256 (CBC), false",
      "0303, 009c, RSA-AES128-GCM (no forward secrecy), false",
      "0303, 002f, RSA-AES128-CBC-SHA, false",
      "0303, 000a, RSA-3DES-EDE-CBC-SHA, false",
      "0303, 0005, RSA-RC4-128-SHA, false",
      "0303, c006, ECDHE-ECDSA-NULL-SHA, false",
      "0303, 0018, DH-anon-RC4-MD5, false",
      "0303, 009e, DHE-RSA-AES128-GCM (finite-field DHE), false",
      "0303, c02b, ECDHE-ECDSA-AES128-GCM (control), true",
      "0303, c02c, ECDHE-ECDSA-AES256-GCM (control), true",
      "0303, cca9, ECDHE-ECDSA-CHACHA20-POLY1305 (control), true",
      "0303, c02f, ECDHE-RSA-AES128-GCM (control), true",
      "0303, c030, ECDHE-RSA-AES256-GCM (control), true",
      "0303, cca8, ECDHE-RSA-CHACHA20-POLY1305 (control), true",
      "0303, c013, ECDHE-RSA-AES128-CBC-SHA (CBC), false",
      "0303, c027, ECDHE-RSA-AES128-CBC-SHA256 (CBC), false",
      "0303, 0033, DHE-RSA-AES128-CBC-SHA, false",
      "0303, 003c, RSA-AES128-CBC-SHA256, false"})
  void refuses_old_protocols_and_weak_suites(String version, String suite, String label, boolean serverHello)
      throws Exception {
    TlsConfig both = TlsConfig.keyStore(PKI.keyStoreOf(TestPki.SERVER, TestPki.SERVER_RSA), TestPki.PASSWORD);
    try (GatewayServer server = start(TestGateway.text(200, "x"), both)) {
      String answer = rawHello(server.httpsPort(), Integer.parseInt(version, 16), Integer.parseInt(suite, 16));
      if (serverHello) {
        assertThat(answer).as(label).isEqualTo("server hello");
      } else {
        assertThat(answer).as(label).isIn("alert handshake_failure", "alert protocol_version", "alert insufficient_security",
            "closed");
      }
    }
  }

  @ParameterizedTest(name = "SNI {0}")
  @ValueSource(strings = {"", "localhost", "unknown.example"})
  void serves_its_certificate_with_or_without_sni(String sni) throws Exception {
    try (GatewayServer server = start(TestGateway.text(200, "x"), serverPem(TestPki.SERVER))) {
      Handshake h = handshake(server.httpsPort(), PKI.client(null), sni.isEmpty() ? List.of() : List.of(sni));
      assertThat(h.serial).isEqualTo(PKI.certificate(TestPki.SERVER).getSerialNumber());
    }
  }

  @Test
  void reload_swaps_the_certificate_for_new_handshakes_and_open_connections_keep_working() throws Exception {
    TestGateway gateway = TestGateway.text(200, "x");
    BigInteger first = PKI.certificate(TestPki.SERVER).getSerialNumber();
    BigInteger renewed = PKI.certificate(TestPki.SERVER_RENEWED).getSerialNumber();
    try (GatewayServer server = start(gateway, serverPem(TestPki.SERVER))) {
      try (SSLSocket open = connect(server.httpsPort(), PKI.client(null), null, "TLSv1.3")) {
        assertThat(serial(open)).isEqualTo(first);
        assertThat(get(open)).startsWith("HTTP/1.1 200");

        server.reloadTls(serverPem(TestPki.SERVER_RENEWED));

        assertThat(handshake(server.httpsPort(), PKI.client(null), null).serial).isEqualTo(renewed);
        assertThat(get(open)).as("the connection opened before the reload").startsWith("HTTP/1.1 200");
        assertThat(serial(open)).isEqualTo(first);
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "key of another certificate | mismatch",
      "missing key file           | missing",
      "garbage certificate file   | garbage"})
  void a_failed_reload_keeps_the_certificate_and_names_the_file(String label, String kind) throws Exception {
    try (GatewayServer server = start(TestGateway.text(200, "x"), serverPem(TestPki.SERVER))) {
      Path chain = PKI.chainPem(TestPki.SERVER_RENEWED);
      Path key = PKI.keyPem(TestPki.SERVER_RENEWED);
      TlsConfig bad;
      String expected;
      switch (kind) {
        case "mismatch" -> {
          Path other = PKI.keyPem(TestPki.SERVER);
          bad = TlsConfig.pem(chain, other);
          expected = "tls: privateKey: " + other + ": the key does not match the certificate";
        }
        case "missing" -> {
          Files.delete(key);
          bad = TlsConfig.pem(chain, key);
          expected = "tls: privateKey: " + key + ": cannot be read (NoSuchFileException)";
        }
        default -> {
          Path garbage = PKI.write("garbage", "-----BEGIN CERTIFICATE-----\n@@@@\n-----END CERTIFICATE-----\n");
          bad = TlsConfig.pem(garbage, key);
          expected = "tls: certificateChain: " + garbage + ": a 'CERTIFICATE' block that is not valid base64";
        }
      }
      assertThatThrownBy(() -> server.reloadTls(bad)).isInstanceOf(GatewayException.class).hasMessageContaining(expected);
      assertThat(handshake(server.httpsPort(), PKI.client(null), null).serial)
          .isEqualTo(PKI.certificate(TestPki.SERVER).getSerialNumber());
    }
  }

  @Test
  void reload_without_arguments_reads_the_renewed_files_again() throws Exception {
    Path chain = PKI.chainPem(TestPki.SERVER);
    Path key = PKI.keyPem(TestPki.SERVER);
    try (GatewayServer server = start(TestGateway.text(200, "x"), TlsConfig.pem(chain, key))) {
      Files.copy(PKI.chainPem(TestPki.SERVER_RENEWED), chain, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.copy(PKI.keyPem(TestPki.SERVER_RENEWED), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      assertThat(handshake(server.httpsPort(), PKI.client(null), null).serial)
          .as("before the reload").isEqualTo(PKI.certificate(TestPki.SERVER).getSerialNumber());
      server.reloadTls();
      assertThat(handshake(server.httpsPort(), PKI.client(null), null).serial)
          .isEqualTo(PKI.certificate(TestPki.SERVER_RENEWED).getSerialNumber());
    }
  }

  @Test
  void reload_from_a_key_store_and_stop_closes_the_https_port() throws Exception {
    GatewayServer server = start(TestGateway.text(200, "x"),
        TlsConfig.keyStore(PKI.keyStoreOf(TestPki.SERVER), TestPki.PASSWORD));
    int port = server.httpsPort();
    server.reloadTls(TlsConfig.keyStore(PKI.keyStoreOf(TestPki.SERVER_RSA), TestPki.PASSWORD));
    assertThat(handshake(port, PKI.client(null), null).serial).isEqualTo(PKI.certificate(TestPki.SERVER_RSA).getSerialNumber());
    assertThat(server.stop(Duration.ofSeconds(5))).isTrue();
    assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close()).isInstanceOf(IOException.class);
  }

  // --- clients

  static final class Handshake {
    final String protocol;
    final String cipherSuite;
    final BigInteger serial;

    Handshake(String protocol, String cipherSuite, BigInteger serial) {
      this.protocol = protocol;
      this.cipherSuite = cipherSuite;
      this.serial = serial;
    }
  }

  /** A fresh context per call: a resumed session would not show the server's current certificate. */
  static Handshake handshake(int port, SSLContext context, List<String> sni, String... protocols) throws IOException {
    try (SSLSocket socket = connect(port, context, sni, protocols)) {
      return new Handshake(socket.getSession().getProtocol(), socket.getSession().getCipherSuite(), serial(socket));
    }
  }

  static SSLSocket connect(int port, SSLContext context, List<String> sni, String... protocols) throws IOException {
    SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket(InetAddress.getLoopbackAddress(), port);
    socket.setSoTimeout(10_000);
    SSLParameters parameters = socket.getSSLParameters();
    if (sni != null) {
      parameters.setServerNames(sni.stream().map(n -> (javax.net.ssl.SNIServerName) new SNIHostName(n)).toList());
    }
    if (protocols.length > 0) {
      parameters.setProtocols(protocols);
    }
    socket.setSSLParameters(parameters);
    socket.startHandshake();
    return socket;
  }

  static BigInteger serial(SSLSocket socket) throws IOException {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  /** One keep-alive GET on an open connection; the status line and head. */
  static String get(SSLSocket socket) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write("GET /x HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int matched = 0;
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("closed after " + head);
      }
      head.write(b);
      matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
    }
    String text = head.toString(StandardCharsets.US_ASCII);
    int length = Integer.parseInt(text.replaceAll("(?s).*[Cc]ontent-[Ll]ength: *(\\d+).*", "$1"));
    in.readNBytes(length);
    return text;
  }

  /**
   * Sends a ClientHello offering one version and one cipher suite (with the extensions an ECDHE
   * suite needs) and says what came back: "server hello", "alert NAME" or "closed".
   */
  static String rawHello(int port, int version, int suite) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    body.write(version >> 8);
    body.write(version);
    byte[] random = new byte[32];
    new SecureRandom().nextBytes(random);
    body.write(random);
    body.write(0); // no session id
    body.write(new byte[] {0, 2, (byte) (suite >> 8), (byte) suite});
    body.write(new byte[] {1, 0}); // null compression
    byte[] extensions = {
        0x00, 0x0a, 0x00, 0x04, 0x00, 0x02, 0x00, 0x17,             // supported_groups: secp256r1
        0x00, 0x0b, 0x00, 0x02, 0x01, 0x00,                         // ec_point_formats: uncompressed
        0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01}; // signature_algorithms: ecdsa_p256_sha256, rsa_pss_rsae_sha256, rsa_pkcs1_sha256
    body.write(extensions.length >> 8);
    body.write(extensions.length);
    body.write(extensions);
    byte[] hello = body.toByteArray();
    ByteArrayOutputStream record = new ByteArrayOutputStream();
    record.write(new byte[] {0x16, 0x03, 0x01, (byte) ((hello.length + 4) >> 8), (byte) (hello.length + 4)});
    record.write(new byte[] {0x01, 0, (byte) (hello.length >> 8), (byte) hello.length});
    record.write(hello);
    try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
      socket.setSoTimeout(10_000);
      socket.getOutputStream().write(record.toByteArray());
      socket.getOutputStream().flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int type;
      byte[] header = new byte[5];
      try {
        in.readFully(header);
        type = header[0];
        if (type == 0x16) {
          return in.read() == 0x02 ? "server hello" : "another handshake message";
        }
        if (type == 0x15) {
          in.read(); // level
          int description = in.read();
          return switch (description) {
            case 40 -> "alert handshake_failure";
            case 70 -> "alert protocol_version";
            case 71 -> "alert insufficient_security";
            default -> "alert " + description;
          };
        }
        return "record type " + type;
      } catch (java.io.EOFException | java.net.SocketException e) {
        return "closed";
      }
    }
  }
}

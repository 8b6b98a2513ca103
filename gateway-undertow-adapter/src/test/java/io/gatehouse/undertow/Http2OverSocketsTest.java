package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.http.Request;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * HTTP/2 on {@link GatewayServer}: over TLS by ALPN and in clear text (upgrade and prior
 * knowledge) with the JDK client, and, with a raw frame writer, the limits the server announces
 * and enforces: concurrent streams, header list size across CONTINUATION frames, rapid reset
 * (CVE-2023-44487), and requests reaching the gateway exactly as over HTTP/1.1.
 */
class Http2OverSocketsTest {
  private static final TestPki PKI = TestPki.shared();
  private static final byte[] PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
  private static final int HEADERS = 1;
  private static final int RST_STREAM = 3;
  private static final int SETTINGS = 4;
  private static final int PING = 6;
  private static final int GOAWAY = 7;
  private static final int CONTINUATION = 9;

  private static GatewayServer start(TestGateway gateway) {
    return UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(2).http2(true)
        .https(0, TlsConfig.pem(PKI.chainPem(TestPki.SERVER), PKI.keyPem(TestPki.SERVER))).start();
  }

  @Test
  void speaks_http2_over_tls_by_alpn_and_the_gateway_sees_https() throws Exception {
    TestGateway gateway = TestGateway.echo();
    try (GatewayServer server = start(gateway)) {
      HttpClient client = HttpClient.newBuilder().sslContext(PKI.client(null)).version(HttpClient.Version.HTTP_2).build();
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.httpsPort() + "/echo"))
          .POST(HttpRequest.BodyPublishers.ofString("over h2")).build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(response.statusCode()).isEqualTo(200);
      assertThat(response.body()).isEqualTo("over h2");
      Request seen = gateway.lastRequest();
      assertThat(seen.scheme()).isEqualTo("https");
      assertThat(seen.headers().first("Host")).hasValue("127.0.0.1:" + server.httpsPort());
    }
  }

  @Test
  void without_http2_an_https_client_asking_for_it_gets_http_1_1() throws Exception {
    try (GatewayServer server = UndertowGateway.server(TestGateway.text(200, "x")).host("127.0.0.1").http(false)
        .https(0, TlsConfig.pem(PKI.chainPem(TestPki.SERVER), PKI.keyPem(TestPki.SERVER))).start()) {
      HttpClient client = HttpClient.newBuilder().sslContext(PKI.client(null)).version(HttpClient.Version.HTTP_2).build();
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + server.httpsPort() + "/"))
          .build(), HttpResponse.BodyHandlers.ofString());
      assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
    }
  }

  @Test
  void speaks_h2c_by_upgrade() throws Exception {
    TestGateway gateway = TestGateway.text(200, "clear");
    try (GatewayServer server = start(gateway)) {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
      HttpResponse<String> first = client.send(Servers.request(server.port(), "/a").build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> second = client.send(Servers.request(server.port(), "/b").build(), HttpResponse.BodyHandlers.ofString());
      assertThat(first.body()).isEqualTo("clear");
      assertThat(second.version()).isEqualTo(HttpClient.Version.HTTP_2);
      assertThat(gateway.lastRequest().scheme()).isEqualTo("http");
    }
  }

  @Test
  void announces_its_limits_in_settings_on_prior_knowledge_h2c() throws Exception {
    try (GatewayServer server = start(TestGateway.text(200, "x")); H2 h2 = H2.connect(server.port())) {
      Map<Integer, Long> settings = h2.serverSettings();
      assertThat(settings).containsEntry(0x3, (long) GatewayServer.HTTP2_MAX_CONCURRENT_STREAMS)
          .containsEntry(0x6, (long) GatewayServer.HTTP2_MAX_HEADER_LIST_SIZE);
      h2.headers(1, true, true, h2.block("GET", "/x", List.of()));
      assertThat(h2.statusOf(1)).isEqualTo(200);
    }
  }

  /** The paths and their neighbours as the gateway's Request carries them, over HTTP/1.1 and over h2c: the same. */
  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"/a/../b", "/a/%2e%2e/b", "/a/%2E%2e/b", "/a//b", "/a/./b", "/a/%2fb", "/a/%2Fb", "/a;x/b",
      "/a/%00b", "/a/b?c=%2e%2e&d", "/%61/b", "/a/b/", "/A/B"})
  void requests_reach_the_gateway_as_over_http_1_1(String target) throws Exception {
    TestGateway gateway = TestGateway.text(200, "x");
    try (GatewayServer server = start(gateway)) {
      try (io.gatehouse.testing.raw.RawHttp h1 = io.gatehouse.testing.raw.RawHttp.connect(server.port())) {
        h1.send("GET " + target + " HTTP/1.1\r\nHost: gw\r\nX-Test: 1\r\n\r\n");
        h1.readBody(h1.readHead());
      }
      Request overHttp1 = gateway.lastRequest();
      try (H2 h2 = H2.connect(server.port())) {
        h2.serverSettings();
        h2.headers(1, true, true, h2.block("GET", target, List.of("x-test", "1")));
        assertThat(h2.statusOf(1)).isEqualTo(200);
      }
      Request overHttp2 = gateway.lastRequest();
      assertThat(overHttp2.path()).isEqualTo(overHttp1.path());
      assertThat(overHttp2.rawQuery()).isEqualTo(overHttp1.rawQuery());
      assertThat(overHttp2.headers().first("X-Test")).hasValue("1");
    }
  }

  /**
   * Undertow sends GOAWAY for a header list past its limit, but under load it has been seen to
   * hand the stream's request on all the same (its frame-size count and its decoded-size count race);
   * the gateway's own header limit (32 KiB) then refuses it, so what is checked is that nothing
   * reaches the upstream.
   */
  @Test
  void a_header_list_past_the_limit_across_continuation_frames_closes_the_connection() throws Exception {
    try (io.gatehouse.testing.raw.RawUpstream upstream = io.gatehouse.testing.raw.RawUpstream.start();
        io.gatehouse.Gateway gateway = io.gatehouse.Gateway.builder().route("r", r -> r.path("/**").upstream(upstream.url()))
            .build();
        GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(2).http2(true).start();
        H2 h2 = H2.connect(server.port())) {
      h2.serverSettings();
      byte[] first = h2.block("GET", "/x", List.of());
      h2.headers(1, true, false, first);
      // 1 KiB fields, one per CONTINUATION frame, far past 20,000 bytes in all.
      String value = "v".repeat(1000);
      boolean goAway = false;
      for (int i = 0; i < 40 && !goAway; i++) {
        try {
          h2.frame(CONTINUATION, i == 39 ? 0x4 : 0, 1, h2.literal("x-filler-" + i, value));
        } catch (SocketException closed) {
          goAway = true;
        }
      }
      assertThat(h2.awaitGoAwayOrClose()).isTrue();
      assertThat(upstream.requests()).isEmpty();
      assertThat(upstream.acceptedConnections()).isZero();
    }
  }

  /**
   * GET and reset, as in CVE-2023-44487, against a gateway still at work on every request: reset
   * streams whose exchange still runs count against the concurrent limit, so however fast the
   * client resets, the gateway has at most 100 of its requests at once.
   */
  @Test
  void rapid_reset_cannot_put_more_than_the_stream_limit_to_work() throws Exception {
    TestGateway gateway = TestGateway.async(r -> new CompletableFuture<>()); // never answers
    GatewayServer server = start(gateway);
    try (H2 h2 = H2.connect(server.port())) {
      h2.serverSettings();
      int stream = 1;
      for (int i = 0; i < 150; i++, stream += 2) {
        h2.headers(stream, true, true, h2.block("GET", "/x", List.of()));
        h2.frame(RST_STREAM, 0, stream, new byte[] {0, 0, 0, 8}); // CANCEL
      }
      h2.headers(stream, true, true, h2.block("GET", "/x", List.of()));
      assertThat(h2.resetOrGoAway(stream)).isTrue();
      assertThat(gateway.requests).hasSize(GatewayServer.HTTP2_MAX_CONCURRENT_STREAMS);
    } finally {
      server.stop(Duration.ZERO);
    }
  }

  @Test
  void streams_past_the_concurrent_limit_are_refused() throws Exception {
    TestGateway gateway = TestGateway.async(r -> new CompletableFuture<>()); // never answers
    GatewayServer server = start(gateway);
    try (H2 h2 = H2.connect(server.port())) {
      h2.serverSettings();
      int limit = GatewayServer.HTTP2_MAX_CONCURRENT_STREAMS;
      for (int i = 0; i <= limit; i++) {
        h2.headers(2 * i + 1, true, true, h2.block("GET", "/x", List.of()));
      }
      int over = 2 * limit + 1;
      assertThat(h2.resetOrGoAway(over)).as("stream %s, one past %s open", over, limit).isTrue();
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (gateway.requests.size() < limit && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(gateway.requests).hasSize(limit);
    } finally {
      server.stop(Duration.ZERO);
    }
  }

  /** A bare HTTP/2 client in clear text: frames in, frames out, HPACK literals without indexing or Huffman. */
  static final class H2 implements AutoCloseable {
    private final Socket socket;
    private final OutputStream out;
    private final DataInputStream in;

    private H2(Socket socket) throws IOException {
      this.socket = socket;
      this.out = socket.getOutputStream();
      this.in = new DataInputStream(socket.getInputStream());
    }

    static H2 connect(int port) throws IOException {
      Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
      socket.setSoTimeout(10_000);
      H2 h2 = new H2(socket);
      h2.out.write(PREFACE);
      h2.frame(SETTINGS, 0, 0, new byte[0]);
      return h2;
    }

    synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
      byte[] header = {(byte) (payload.length >> 16), (byte) (payload.length >> 8), (byte) payload.length, (byte) type,
          (byte) flags, (byte) (stream >> 24), (byte) (stream >> 16), (byte) (stream >> 8), (byte) stream};
      out.write(header);
      out.write(payload);
      out.flush();
    }

    void headers(int stream, boolean endStream, boolean endHeaders, byte[] block) throws IOException {
      frame(HEADERS, (endStream ? 0x1 : 0) | (endHeaders ? 0x4 : 0), stream, block);
    }

    byte[] block(String method, String path, List<String> fields) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.writeBytes(literal(":method", method));
      b.writeBytes(literal(":scheme", "http"));
      b.writeBytes(literal(":authority", "gw"));
      b.writeBytes(literal(":path", path));
      for (int i = 0; i < fields.size(); i += 2) {
        b.writeBytes(literal(fields.get(i), fields.get(i + 1)));
      }
      return b.toByteArray();
    }

    /** A literal header field without indexing, new name (RFC 7541 6.2.2). */
    byte[] literal(String name, String value) {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      b.write(0);
      string(b, name);
      string(b, value);
      return b.toByteArray();
    }

    private static void string(ByteArrayOutputStream b, String s) {
      byte[] bytes = s.getBytes(StandardCharsets.ISO_8859_1);
      int n = bytes.length;
      if (n < 127) {
        b.write(n);
      } else {
        b.write(127);
        n -= 127;
        while (n >= 128) {
          b.write((n & 0x7f) | 0x80);
          n >>= 7;
        }
        b.write(n);
      }
      b.writeBytes(bytes);
    }

    /** Reads until the server's SETTINGS; acknowledges them. */
    Map<Integer, Long> serverSettings() throws IOException {
      while (true) {
        Frame f = read();
        if (f.type == SETTINGS && (f.flags & 0x1) == 0) {
          Map<Integer, Long> settings = new HashMap<>();
          for (int i = 0; i + 6 <= f.payload.length; i += 6) {
            int id = ((f.payload[i] & 0xff) << 8) | (f.payload[i + 1] & 0xff);
            long value = ((long) (f.payload[i + 2] & 0xff) << 24) | ((f.payload[i + 3] & 0xff) << 16)
                | ((f.payload[i + 4] & 0xff) << 8) | (f.payload[i + 5] & 0xff);
            settings.put(id, value);
          }
          frame(SETTINGS, 0x1, 0, new byte[0]);
          return settings;
        }
      }
    }

    /** The status of a stream's response: Undertow sends 200 as the static table's index 8. */
    int statusOf(int stream) throws IOException {
      while (true) {
        Frame f = read();
        if (f.type == HEADERS && f.stream == stream) {
          int first = f.payload[(f.flags & 0x8) != 0 ? 1 + (f.payload[0] & 0xff) : 0] & 0xff;
          return switch (first) {
            case 0x88 -> 200;
            case 0x89 -> 204;
            case 0x8a -> 206;
            case 0x8b -> 304;
            case 0x8c -> 400;
            case 0x8d -> 404;
            case 0x8e -> 500;
            default -> -first;
          };
        }
        if (f.type == RST_STREAM && f.stream == stream || f.type == GOAWAY) {
          return -1;
        }
      }
    }

    /** Sends a PING and reads until its ACK (true) or a GOAWAY or the end (false). */
    boolean ping() throws IOException {
      frame(PING, 0, 0, new byte[8]);
      try {
        while (true) {
          Frame f = read();
          if (f.type == PING && (f.flags & 0x1) != 0) {
            return true;
          }
          if (f.type == GOAWAY) {
            return false;
          }
        }
      } catch (EOFException | SocketException e) {
        return false;
      }
    }

    /** Whether the stream is reset (REFUSED_STREAM or another code) or the connection goes away. */
    boolean resetOrGoAway(int stream) throws IOException {
      try {
        while (true) {
          Frame f = read();
          if (f.type == RST_STREAM && f.stream == stream || f.type == GOAWAY) {
            return true;
          }
        }
      } catch (EOFException | SocketException e) {
        return true;
      }
    }

    boolean awaitGoAwayOrClose() throws IOException {
      try {
        while (true) {
          if (read().type == GOAWAY) {
            return true;
          }
        }
      } catch (EOFException | SocketException e) {
        return true;
      } catch (java.net.SocketTimeoutException e) {
        return false;
      }
    }

    Frame read() throws IOException {
      byte[] header = new byte[9];
      in.readFully(header);
      int length = ((header[0] & 0xff) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
      byte[] payload = new byte[length];
      in.readFully(payload);
      int stream = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16) | ((header[7] & 0xff) << 8) | (header[8] & 0xff);
      return new Frame(header[3] & 0xff, header[4] & 0xff, stream, payload);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  record Frame(int type, int flags, int stream, byte[] payload) {}
}

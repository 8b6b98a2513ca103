package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawUpstream;
import io.gatehouse.undertow.Http2OverSocketsTest.H2;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/2 requests that an HTTP/1.1 upstream could read as more than one request (the h2-to-h1
 * downgrade family: H2.CL, H2.TE, CR LF in fields or pseudo-header fields, connection-specific
 * fields). Each is refused (a 400, a reset stream or a GOAWAY) and the upstream, which records
 * the exact bytes it got, never sees the smuggled request line. A well-formed request on a
 * connection next to them still goes through.
 */
class Http2DowngradeOverSocketsTest {
  private static final int DATA = 0;
  private static final int RST_STREAM = 3;
  private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: gw\r\n\r\n";

  /** One hostile request: its header block fields after the pseudo-header fields, and its DATA. */
  record Hostile(String name, List<String> pseudo, List<String> fields, String data) {
    @Override
    public String toString() {
      return name;
    }
  }

  private static List<String> pseudo(String method, String path, String authority) {
    return List.of(":method", method, ":scheme", "http", ":authority", authority, ":path", path);
  }

  private static final List<String> POST = pseudo("POST", "/api/x", "gw");
  private static final List<String> GET = pseudo("GET", "/api/x", "gw");

  static Stream<Arguments> hostile() {
    List<Hostile> all = new ArrayList<>();
    all.add(new Hostile("content-length below the DATA (H2.CL)", POST, List.of("content-length", "0"), SMUGGLED));
    all.add(new Hostile("content-length above the DATA", POST, List.of("content-length", "500"), "abc"));
    all.add(new Hostile("two content-lengths", POST, List.of("content-length", "3", "content-length", "4"), "abcd"));
    all.add(new Hostile("transfer-encoding chunked (H2.TE)", POST, List.of("transfer-encoding", "chunked"),
        "0\r\n\r\n" + SMUGGLED));
    all.add(new Hostile("CR LF in a field value", GET, List.of("x-a", "b\r\nTransfer-Encoding: chunked"), null));
    all.add(new Hostile("LF in a field value", GET, List.of("x-a", "b\nContent-Length: 5"), null));
    all.add(new Hostile("CR in a field value", GET, List.of("x-a", "b\rc"), null));
    all.add(new Hostile("NUL in a field value", GET, List.of("x-a", "b\0c"), null));
    all.add(new Hostile("CR LF in a field name", GET, List.of("x-a\r\ntransfer-encoding", "chunked"), null));
    all.add(new Hostile("a space in a field name", GET, List.of("x a", "b"), null));
    all.add(new Hostile("a colon in a field name", GET, List.of("x:a", "b"), null));
    all.add(new Hostile("an upper-case field name", GET, List.of("X-A", "b"), null));
    all.add(new Hostile("an empty field name", GET, List.of("", "b"), null));
    all.add(new Hostile("CR LF and a request in :path", pseudo("GET", "/api/x HTTP/1.1\r\nHost: gw\r\n\r\n" + SMUGGLED.trim(), "gw"),
        List.of(), null));
    all.add(new Hostile("a space in :path", pseudo("GET", "/api/x /smuggled", "gw"), List.of(), null));
    all.add(new Hostile("a request line in :method", pseudo("GET /smuggled HTTP/1.1\r\nX:", "/api/x", "gw"), List.of(), null));
    all.add(new Hostile("CR LF in :authority", pseudo("GET", "/api/x", "gw\r\nX-Injected: 1"), List.of(), null));
    all.add(new Hostile("connection (a connection-specific field)", GET, List.of("connection", "x-a"), null));
    all.add(new Hostile("keep-alive", GET, List.of("keep-alive", "timeout=5"), null));
    all.add(new Hostile("proxy-connection", GET, List.of("proxy-connection", "keep-alive"), null));
    all.add(new Hostile("upgrade", GET, List.of("upgrade", "websocket"), null));
    all.add(new Hostile("te other than trailers", GET, List.of("te", "gzip"), null));
    all.add(new Hostile("a pseudo-header field after a regular one", List.of(":method", "GET", ":scheme", "http"),
        List.of("x-a", "b", ":path", "/api/x", ":authority", "gw"), null));
    all.add(new Hostile("two :path fields", List.of(":method", "GET", ":scheme", "http", ":authority", "gw", ":path", "/api/x",
        ":path", "/smuggled"), List.of(), null));
    all.add(new Hostile("an unknown pseudo-header field", GET, List.of(":protocol-x", "y"), null));
    all.add(new Hostile("no :path", List.of(":method", "GET", ":scheme", "http", ":authority", "gw"), List.of(), null));
    return all.stream().map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("hostile")
  void a_request_that_http_1_1_would_read_as_two_is_refused_and_nothing_smuggled_reaches_the_upstream(Hostile h)
      throws Exception {
    try (RawUpstream upstream = RawUpstream.start();
        Gateway gateway = Gateway.builder().route("api", r -> r.path("/api/**").upstream(upstream.url())).build();
        GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(2).http2(true).start()) {
      try (H2 h2 = H2.connect(server.port())) {
        refusedWithNothingSmuggled(h, h2, upstream);
      }
      assertThat(server.stop(Duration.ofSeconds(5))).as("every exchange ended").isTrue();
    }
  }

  private static void refusedWithNothingSmuggled(Hostile h, H2 h2, RawUpstream upstream) throws Exception {
    h2.serverSettings();
    h2.headers(1, h.data() == null, true, block(h2, h.pseudo(), h.fields()));
    if (h.data() != null) {
      h2.frame(DATA, 0x1, 1, h.data().getBytes(StandardCharsets.ISO_8859_1));
    }
    int status = h2.statusOf(1);
    assertThat(status).as("400, or -1 for a reset stream or GOAWAY").isIn(400, -1);

    Thread.sleep(200); // what the gateway might still forward has had time to arrive
    String received = String.join("", upstream.requests()) + String.join("", upstream.leftovers());
    assertThat(received).doesNotContain("/smuggled").doesNotContainIgnoringCase("transfer-encoding")
        .doesNotContain("X-Injected").doesNotContain("Content-Length: 5\r\n");
    if (h.data() == null) {
      assertThat(upstream.requests()).as("no request reaches the upstream").isEmpty();
    } else {
      // The head may be on its way before the DATA shows the lie; nothing past the declared length follows it.
      assertThat(upstream.requests()).allSatisfy(r -> assertThat(r).endsWith("Content-Length: 0\r\n\r\n"));
    }
  }

  /**
   * A stream reset in the middle of its body (by the client, or by the server for a body that
   * does not match its content-length, above) ends its exchange: none stays in flight.
   */
  @Test
  void a_stream_reset_by_the_client_in_the_middle_of_its_body_ends_its_exchange() throws Exception {
    try (RawUpstream upstream = RawUpstream.start();
        Gateway gateway = Gateway.builder().route("api", r -> r.path("/api/**").upstream(upstream.url())).build();
        GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(2).http2(true).start()) {
      try (H2 h2 = H2.connect(server.port())) {
        h2.serverSettings();
        h2.headers(1, false, true, block(h2, POST, List.of("content-length", "10")));
        h2.frame(DATA, 0, 1, "abc".getBytes(StandardCharsets.ISO_8859_1));
        h2.frame(RST_STREAM, 0, 1, new byte[] {0, 0, 0, 8}); // CANCEL
        h2.headers(3, true, true, block(h2, GET, List.of()));
        assertThat(h2.statusOf(3)).as("the connection still serves").isEqualTo(200);
      }
      assertThat(server.stop(Duration.ofSeconds(5))).as("every exchange ended").isTrue();
      assertThat(upstream.requests()).hasSize(1).allSatisfy(r -> assertThat(r).startsWith("GET /api/x "));
    }
  }

  @Test
  void a_well_formed_request_with_a_body_reaches_the_upstream_as_one_request() throws Exception {
    try (RawUpstream upstream = RawUpstream.start();
        Gateway gateway = Gateway.builder().route("api", r -> r.path("/api/**").upstream(upstream.url())).build();
        GatewayServer server = UndertowGateway.server(gateway).host("127.0.0.1").port(0).ioThreads(2).http2(true).start();
        H2 h2 = H2.connect(server.port())) {
      h2.serverSettings();
      h2.headers(1, false, true, block(h2, POST, List.of("content-length", "3", "te", "trailers", "x-a", "b")));
      h2.frame(DATA, 0x1, 1, "abc".getBytes(StandardCharsets.ISO_8859_1));
      assertThat(h2.statusOf(1)).isEqualTo(200);
      assertThat(upstream.awaitRequests(1, Duration.ofSeconds(5))).isTrue();
      String request = upstream.requests().get(0);
      assertThat(request).startsWith("POST /api/x HTTP/1.1\r\n").contains("\r\nx-a: b\r\n").endsWith("\r\n\r\nabc");
    }
  }

  private static byte[] block(H2 h2, List<String> pseudo, List<String> fields) {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    for (int i = 0; i < pseudo.size(); i += 2) {
      b.writeBytes(h2.literal(pseudo.get(i), pseudo.get(i + 1)));
    }
    for (int i = 0; i < fields.size(); i += 2) {
      b.writeBytes(h2.literal(fields.get(i), fields.get(i + 1)));
    }
    return b.toByteArray();
  }
}

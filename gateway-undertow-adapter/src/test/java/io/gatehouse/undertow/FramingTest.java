package io.gatehouse.undertow;

import static org.assertj.core.api.Assertions.assertThat;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request framing over raw sockets (RFC 9112 §6): whatever framing the gateway does not accept
 * exactly is answered 400 with the connection closed, and the upstream never sees a request whose
 * body is not the client's exact, complete body; bytes smuggled behind a bad request never reach
 * it. Valid spellings of the same framing are served, on a connection that stays open.
 */
class FramingTest {
  private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
  private static RawUpstream upstream;
  private static Gateway gateway;
  private static Map<Mount, Mount.Running> running;

  @BeforeAll
  static void start() throws IOException {
    upstream = RawUpstream.start();
    gateway = Gateway.builder().accessLog(false)
        .route("r", r -> r.path("/**").upstream(upstream.url()).responseTimeout(Duration.ofSeconds(5)))
        .build();
    running = Mount.startAll(gateway);
  }

  @AfterAll
  static void stop() throws IOException {
    Mount.stopAll(running);
    gateway.close();
    upstream.close();
  }

  /** Head fields after the request line; the body follows the blank line. */
  private static String post(Mount mount, String fields, String body) {
    return "POST " + mount.target("/x") + " HTTP/1.1\r\nHost: gw\r\n" + fields + "\r\n" + body;
  }

  static Stream<Arguments> refused() {
    List<Arguments> rows = new ArrayList<>();
    String[][] table = {
        // Content-Length that is not exactly one decimal number
        {"Content-Length: 0000000000000000000000005\r\n", "hello"},
        {"Content-Length: +5\r\n", "hello"},
        {"Content-Length: -5\r\n", "hello"},
        {"Content-Length: 5 5\r\n", "hello"},
        {"Content-Length: 5,5\r\n", "hello"},
        {"Content-Length: 5, 6\r\n", "hello!"},
        {"Content-Length: 5\r\nContent-Length: 5\r\n", "hello"},
        {"Content-Length: 5\r\nContent-Length: 6\r\n", "hello!"},
        {"Content-Length: 0x5\r\n", "hello"},
        {"Content-Length: 5.0\r\n", "hello"},
        {"Content-Length: 5e0\r\n", "hello"},
        {"Content-Length: \r\n", "hello"},
        {"Content-Length: 99999999999999999999\r\n", "hello"},
        {"Content-Length: 9223372036854775808\r\n", "hello"},
        // Transfer-Encoding other than one final chunked
        {"Transfer-Encoding: xchunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: gzip\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: identity\r\n", "hello"},
        {"Transfer-Encoding: chunked, identity\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: chunked, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: gzip, chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: \"chunked\"\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: chunked;q=1\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: chunk\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: \r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: ,chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        // both
        {"Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Content-Length: 0\r\nTransfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        // control bytes in a header value
        {"X-A: a\rX-B: b\r\nContent-Length: 0\r\n", ""},
        {"X-A: a\u0000b\r\nContent-Length: 0\r\n", ""},
        {"X-A: a\u0001b\r\nContent-Length: 0\r\n", ""},
        {"X-A: a\u001fb\r\nContent-Length: 0\r\n", ""},
        {"X-A: a\u007fb\r\nContent-Length: 0\r\n", ""},
        {"X-A: a\u000bb\r\nContent-Length: 0\r\n", ""},
        {"X-A: a\u000cb\r\nContent-Length: 0\r\n", ""},
        // a malformed field line
        {"Transfer-Encoding : chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {" Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Content-Length : 5\r\n", "hello"},
    };
    for (Mount mount : Mount.values()) {
      for (String[] row : table) {
        rows.add(Arguments.of(mount, printable(row[0]), post(mount, row[0], row[1]) + SMUGGLED));
      }
      rows.add(Arguments.of(mount, "HTTP/1.0 with chunked",
          "POST " + mount.target("/x") + " HTTP/1.0\r\nHost: gw\r\nTransfer-Encoding: chunked\r\n\r\n"
              + "5\r\nhello\r\n0\r\n\r\n" + SMUGGLED));
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("refused")
  void framing_the_gateway_does_not_accept_exactly_gets_400_and_close_and_reaches_no_upstream(
      Mount mount, String label, String raw) throws Exception {
    int before = upstream.requests().size();
    try (RawHttp client = RawHttp.connect(running.get(mount).port())) {
      client.send(raw);
      RawHttp.Head head = client.readHead();
      client.readBody(head);
      assertThat(head.status()).isEqualTo(400);
      assertThat(client.closedWithin(3000)).as("connection closed").isTrue();
    }
    assertThat(upstream.requests().subList(before, upstream.requests().size())).isEmpty();
  }

  static Stream<Arguments> malformedChunks() {
    List<Arguments> rows = new ArrayList<>();
    String[] bodies = {
        "-1\r\nhello\r\n0\r\n\r\n",
        "0x5\r\nhello\r\n0\r\n\r\n",
        "+5\r\nhello\r\n0\r\n\r\n",
        " 5\r\nhello\r\n0\r\n\r\n",
        "5 \r\nhello\r\n0\r\n\r\n",
        "g\r\nhello\r\n0\r\n\r\n",
        "\r\nhello\r\n0\r\n\r\n",
        "10000000000000005\r\nhello\r\n0\r\n\r\n",
        "fffffffffffffffff\r\nhello\r\n0\r\n\r\n",
        "5\r\nhelloXX0\r\n\r\n",
        "5\r\nhello" + SMUGGLED + "0\r\n\r\n",
        "5\r\nhelloo\r\n0\r\n\r\n",
        "5\nhello\n0\n\n",
        "5\rhello\r0\r\r",
    };
    for (Mount mount : Mount.values()) {
      for (String body : bodies) {
        rows.add(Arguments.of(mount, printable(body), post(mount, "Transfer-Encoding: chunked\r\n", body) + SMUGGLED));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("malformedChunks")
  void a_malformed_chunk_gets_400_and_close_and_the_upstream_never_gets_a_complete_request(
      Mount mount, String label, String raw) throws Exception {
    int before = upstream.requests().size();
    int leftBefore = upstream.leftovers().size();
    try (RawHttp client = RawHttp.connect(running.get(mount).port())) {
      client.send(raw);
      int status;
      try {
        RawHttp.Head head = client.readHead();
        client.readBody(head);
        status = head.status();
      } catch (EOFException closedWithoutAnswer) {
        status = -1;
      }
      assertThat(status).isEqualTo(400);
      assertThat(client.closedWithin(3000)).as("connection closed").isTrue();
    }
    // The head may have gone upstream already; the call is then aborted, which the upstream sees as
    // a connection closed mid-request. Give a wrongly completed request the time to arrive.
    awaitTrue(() -> upstream.requests().size() > before || upstream.leftovers().size() > leftBefore,
        Duration.ofSeconds(1));
    assertThat(upstream.requests().subList(before, upstream.requests().size())).isEmpty();
  }

  static Stream<Arguments> accepted() {
    List<Arguments> rows = new ArrayList<>();
    String[][] table = {
        {"Content-Length: 5\r\n", "hello"},
        {"Content-Length:5\r\n", "hello"},
        {"Content-Length:  5 \r\n", "hello"},
        {"Content-Length:\t5\t\r\n", "hello"},
        {"content-length: 5\r\n", "hello"},
        {"Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: CHUNKED\r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: Chunked \r\n", "5\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: chunked\r\n", "2\r\nhe\r\n3\r\nllo\r\n0\r\n\r\n"},
        {"Transfer-Encoding: chunked\r\n", "5;ext=1\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: chunked\r\n", "005\r\nhello\r\n0\r\n\r\n"},
        {"Transfer-Encoding: chunked\r\n", "5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n"},
    };
    for (Mount mount : Mount.values()) {
      for (String[] row : table) {
        rows.add(Arguments.of(mount, printable(row[0] + row[1]), post(mount, row[0], row[1])));
      }
    }
    return rows.stream();
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("accepted")
  void valid_framing_reaches_the_upstream_with_the_exact_body_and_the_connection_stays_open(
      Mount mount, String label, String raw) throws Exception {
    int before = upstream.requests().size();
    try (RawHttp client = RawHttp.connect(running.get(mount).port())) {
      client.send(raw);
      RawHttp.Head head = client.readHead();
      assertThat(new String(client.readBody(head), StandardCharsets.UTF_8)).isEqualTo("ok");
      assertThat(head.status()).isEqualTo(200);
      assertThat(client.closedWithin(200)).as("connection closed").isFalse();
    }
    List<String> seen = upstream.requests().subList(before, upstream.requests().size());
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0)).startsWith("POST /x HTTP/1.1\r\n");
    assertThat(body(seen.get(0))).isEqualTo("hello");
  }

  /** The body of a raw request, de-chunked when chunked. */
  static String body(String raw) {
    int end = raw.indexOf("\r\n\r\n");
    String head = raw.substring(0, end).toLowerCase(Locale.ROOT);
    String rest = raw.substring(end + 4);
    if (!head.contains("\r\ntransfer-encoding: chunked")) {
      return rest;
    }
    StringBuilder out = new StringBuilder();
    int i = 0;
    for (;;) {
      int eol = rest.indexOf("\r\n", i);
      int size = Integer.parseInt(rest.substring(i, eol).split(";")[0], 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(rest, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
  }

  static void awaitTrue(Supplier<Boolean> condition, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.get() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  static String printable(String s) {
    StringBuilder sb = new StringBuilder();
    for (char c : s.toCharArray()) {
      sb.append(c < 0x20 || c == 0x7f ? String.format("\\x%02x", (int) c) : String.valueOf(c));
    }
    return sb.toString();
  }
}

package io.gatehouse.undertow;

import static io.gatehouse.testing.raw.RawUpstream.CLOSE;
import static io.gatehouse.testing.raw.RawUpstream.PAUSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.Gateway;
import io.gatehouse.testing.raw.RawHttp;
import io.gatehouse.testing.raw.RawUpstream;
import java.io.EOFException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile upstream response framing through the whole gateway (issue 10, item 12), on every mount:
 * a raw client asks, a raw upstream answers the first request with exact bytes. Per row: what the
 * client gets (502 problem+json when nothing was sent yet, an aborted response when the head was
 * already sent, or the response), whether the gateway closed that upstream connection, and that
 * the next request is served correctly on a fresh upstream connection. The transport's own table
 * ({@code HttpClientTransportFramingTest}) covers every neighbour; this one covers each family end
 * to end.
 */
class UpstreamFramingOverSocketsTest {
  private static final String OK = "HTTP/1.1 200 OK\r\n";
  private static final String CHUNKED_HELLO = "5\r\nhello\r\n0\r\n\r\n";

  /** What the client gets for the first request. */
  enum Gets {
    /** The response, whole; the upstream connection is reused for the next request. */
    RESPONSE_REUSED,
    /** The response, whole; the upstream connection is not reused. */
    RESPONSE_CLOSED,
    /** The gateway's own 502 problem+json. */
    PROBLEM_502,
    /** The head (200), then the connection ends before the body does. */
    ABORTED
  }

  record Row(String name, String method, String script, Gets gets, int status, String body) {
    static Row of(String name, Gets gets, String script) {
      return new Row(name, "GET", script, gets, gets == Gets.PROBLEM_502 ? 502 : 200, "hello");
    }

    Row method(String m) {
      return new Row(name, m, script, gets, status, body);
    }

    Row answers(int s, String b) {
      return new Row(name, method, script, gets, s, b);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  static List<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.add(Row.of("baseline", Gets.RESPONSE_REUSED, OK + "Content-Length: 5\r\n\r\nhello"));
    for (String te : List.of("chunked", "Chunked", "chunked, identity", "identity", "gzip, chunked", "xchunked")) {
      rows.add(Row.of("CL then TE: " + te, Gets.PROBLEM_502,
          OK + "Content-Length: 5\r\nTransfer-Encoding: " + te + "\r\n\r\n" + CHUNKED_HELLO));
      rows.add(Row.of("TE: " + te + " then CL", Gets.PROBLEM_502,
          OK + "Transfer-Encoding: " + te + "\r\nContent-Length: 5\r\n\r\n" + CHUNKED_HELLO));
    }
    for (String te : List.of("identity", "xchunked", "gzip, chunked", "chunked, chunked")) {
      rows.add(Row.of("TE alone: " + te, Gets.PROBLEM_502, OK + "Transfer-Encoding: " + te + "\r\n\r\nhello" + CLOSE));
    }
    rows.add(Row.of("two equal CL", Gets.PROBLEM_502, OK + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"));
    rows.add(Row.of("two different CL", Gets.PROBLEM_502, OK + "Content-Length: 5\r\nContent-Length: 4\r\n\r\nhello"));
    for (String cl : List.of("1, 1", "-1", "+5", "abc", "0000000000000000000000005")) {
      rows.add(Row.of("CL: " + cl, Gets.PROBLEM_502, OK + "Content-Length: " + cl + "\r\n\r\nhello"));
    }
    for (String size : List.of("-1", "0x10", " 5", "+5", "0000000000000000005", "")) {
      rows.add(Row.of("chunk size '" + size + "'", Gets.ABORTED,
          OK + "Transfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n" + PAUSE + size + "\r\nllo\r\n0\r\n\r\n"));
    }
    rows.add(Row.of("chunk data not followed by CRLF", Gets.ABORTED,
        OK + "Transfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n" + PAUSE + "3\r\nlloXX\r\n0\r\n\r\n"));
    String smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil";
    rows.add(Row.of("body longer than CL", Gets.PROBLEM_502, OK + "Content-Length: 5\r\n\r\nhello" + smuggled));
    rows.add(Row.of("body longer than CL, the rest while idle", Gets.RESPONSE_CLOSED,
        OK + "Content-Length: 5\r\n\r\nhello" + PAUSE + smuggled));
    rows.add(Row.of("body shorter than CL, then close", Gets.ABORTED,
        OK + "Content-Length: 10\r\n\r\nhe" + PAUSE + "llo" + CLOSE));
    rows.add(Row.of("chunked body cut short, then close", Gets.ABORTED,
        OK + "Transfer-Encoding: chunked\r\n\r\n2\r\nhe\r\n" + PAUSE + "a\r\nllo" + CLOSE));
    rows.add(Row.of("read until close", Gets.RESPONSE_CLOSED, OK + "\r\nhello" + CLOSE));
    for (String field : List.of("X-A: a\rb", "X-A: a\u0000b", "X-A: a\u0001b", "X-A: a\u007fb", "X-A: a\r\n b",
        "X-A : a", "X-A: a\nX-B: b")) {
      rows.add(Row.of("field '" + field.replace("\r", "\\r").replace("\n", "\\n") + "'", Gets.PROBLEM_502,
          OK + field + "\r\nContent-Length: 5\r\n\r\nhello"));
    }
    for (String status : List.of("HTTP/1.1 600 Nope", "HTTP/1.1 099 Low", "HTTP/1.1 2x0 OK", "HTTP/1.1 200 O\rK",
        "HTTP/1.2 200 OK", "garbage")) {
      rows.add(Row.of("status line '" + status.replace("\r", "\\r") + "'", Gets.PROBLEM_502,
          status + "\r\nContent-Length: 5\r\n\r\nhello"));
    }
    for (String interim : List.of("100 Continue", "102 Processing", "103 Early Hints\r\nLink: </a.css>; rel=preload")) {
      rows.add(Row.of("interim " + interim.substring(0, 3), Gets.RESPONSE_REUSED,
          "HTTP/1.1 " + interim + "\r\n\r\n" + OK + "Content-Length: 5\r\n\r\nhello"));
    }
    rows.add(Row.of("101 without an upgrade asked for", Gets.PROBLEM_502,
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\nhello"));
    rows.add(Row.of("204 with a body", Gets.PROBLEM_502, "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"));
    rows.add(Row.of("204 with Content-Length: 0", Gets.RESPONSE_REUSED,
        "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n").answers(204, ""));
    rows.add(Row.of("304 with a body", Gets.PROBLEM_502, "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello"));
    rows.add(Row.of("HEAD answered with a body", Gets.PROBLEM_502, OK + "Content-Length: 5\r\n\r\nhello").method("HEAD"));
    rows.add(Row.of("HEAD answered without a body", Gets.RESPONSE_REUSED, OK + "Content-Length: 5\r\n\r\n")
        .method("HEAD").answers(200, ""));
    return rows;
  }

  static Stream<Arguments> rowsOnEveryMount() {
    return Stream.of(Mount.values()).flatMap(mount -> rows().stream().map(row -> Arguments.of(mount, row)));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("rowsOnEveryMount")
  void a_hostile_upstream_response_never_reaches_the_next_client(Mount mount, Row row) throws Exception {
    try (RawUpstream upstream = RawUpstream.start();
        Gateway gateway = Gateway.builder().route("all", r -> r.path("/**").upstream(upstream.url())).build();
        Mount.Running running = mount.start(gateway)) {
      upstream.script(row.script());

      // The next request goes on the same client connection when the upstream connection may be
      // reused: upstream connections belong to the I/O thread that serves the client connection.
      try (RawHttp client = RawHttp.connect(running.port())) {
        client.send(row.method() + " " + mount.target("/first") + " HTTP/1.1\r\nHost: gw\r\n\r\n");
        RawHttp.Head head = client.readHead();
        assertThat(head.status()).as("status").isEqualTo(row.status());
        switch (row.gets()) {
          case PROBLEM_502 -> {
            assertThat(head.first("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
            if (!row.method().equals("HEAD")) {
              assertThat(new String(client.readBody(head), StandardCharsets.UTF_8)).contains("Bad Gateway");
            }
          }
          case ABORTED -> assertThatThrownBy(() -> client.readBody(head)).isInstanceOf(EOFException.class);
          default -> {
            if (!row.method().equals("HEAD") && row.status() != 204) {
              assertThat(new String(client.readBody(head), StandardCharsets.ISO_8859_1)).isEqualTo(row.body());
            }
          }
        }
        if (row.gets() == Gets.RESPONSE_REUSED) {
          Thread.sleep(50); // anything the upstream sent after the response reaches the gateway first
          getsNext(client, mount);
        }
      }
      if (row.gets() != Gets.RESPONSE_REUSED) {
        assertThat(upstream.scriptedConnectionClosed().get(5, TimeUnit.SECONDS))
            .as("the gateway closed the upstream connection").isTrue();
        try (RawHttp client = RawHttp.connect(running.port())) {
          getsNext(client, mount);
        }
      }
      assertThat(upstream.scriptedConnectionClosed().get(5, TimeUnit.SECONDS))
          .as("the scripted upstream connection was closed")
          .isEqualTo(row.gets() != Gets.RESPONSE_REUSED);
      assertThat(upstream.acceptedConnections()).isEqualTo(row.gets() == Gets.RESPONSE_REUSED ? 1 : 2);
      assertThat(upstream.requests()).hasSize(2);
      assertThat(upstream.requests().get(1)).startsWith("GET /next HTTP/1.1\r\n");
    }
  }

  private static void getsNext(RawHttp client, Mount mount) throws Exception {
    client.send("GET " + mount.target("/next") + " HTTP/1.1\r\nHost: gw\r\n\r\n");
    RawHttp.Head head = client.readHead();
    assertThat(head.status()).isEqualTo(200);
    assertThat(new String(client.readBody(head), StandardCharsets.ISO_8859_1)).isEqualTo("ok");
  }
}

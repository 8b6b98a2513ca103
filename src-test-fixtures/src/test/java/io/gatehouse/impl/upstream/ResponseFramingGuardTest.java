package io.gatehouse.impl.upstream;

import static io.gatehouse.testing.transport.HostileResponses.CLOSE;
import static io.gatehouse.testing.transport.HostileResponses.OK;
import static io.gatehouse.testing.transport.HostileResponses.PAUSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.testing.transport.HostileResponses;
import io.gatehouse.testing.transport.HostileResponses.Outcome;
import io.gatehouse.testing.transport.HostileResponses.Row;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Proxy;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/**
 * {@link ResponseFramingGuard} driven in memory, byte for byte, over a scripted session: the rows of
 * the transport conformance kit's {@link HostileResponses} table (its HOSTILE_FRAMING item, which
 * HttpClientTransportConformanceTest runs over sockets) and the refusal messages of
 * {@link HttpClientTransportFramingTest#reasons()}, without sockets, plus what sockets cannot show
 * (each delegated session call, writes split anywhere, the outbound stream losing track). It lives
 * in gateway-test-fixtures to use the kit's table; the fixtures' {@code pit} profile mutates the
 * guard with it (see that pom).
 */
class ResponseFramingGuardTest {
  /** A session whose reads return the queued chunks, one per read, and whose writes take everything. */
  private static final class Scripted {
    final ArrayDeque<byte[]> reads = new ArrayDeque<>();
    final StringBuilder written = new StringBuilder();
    final List<String> calls = new ArrayList<>();
    boolean truth = true;
    final IOSession session = (IOSession) Proxy.newProxyInstance(IOSession.class.getClassLoader(),
        new Class<?>[] {IOSession.class}, (proxy, method, args) -> {
          switch (method.getName()) {
            case "read" -> {
              byte[] next = reads.poll();
              if (next == null) {
                return -1;
              }
              ((ByteBuffer) args[0]).put(next);
              return next.length;
            }
            case "write" -> {
              ByteBuffer src = (ByteBuffer) args[0];
              int n = src.remaining();
              byte[] b = new byte[n];
              src.get(b);
              written.append(new String(b, StandardCharsets.ISO_8859_1));
              return n;
            }
            default -> {
              calls.add(method.getName() + (args == null ? List.of() : Arrays.asList(args)));
              return answer(method.getReturnType(), truth);
            }
          }
        });
    final IOSession guard = ResponseFramingGuard.DECORATOR.decorate(session);

    void send(String request) throws Exception {
      guard.write(bytes(request));
    }

    /** Reads the script, each PAUSE starting a new read; CLOSE ends it. */
    void receive(String script) throws Exception {
      for (String part : script.replace(CLOSE, "").split(PAUSE, -1)) {
        if (!part.isEmpty()) {
          reads.add(part.getBytes(StandardCharsets.ISO_8859_1));
        }
      }
      ByteBuffer dst = ByteBuffer.allocate(1 << 20);
      while (!reads.isEmpty()) {
        dst.clear();
        guard.read(dst);
      }
    }
  }

  /** What the scripted session answers; {@code truth} flips every value, so that no constant return passes. */
  static Object answer(Class<?> type, boolean truth) {
    if (type == void.class) {
      return null;
    }
    if (type == boolean.class) {
      return truth;
    }
    if (type == int.class) {
      return truth ? 7 : 8;
    }
    if (type == long.class) {
      return truth ? 42L : 43L;
    }
    if (type == String.class) {
      return truth ? "session-1" : "session-2";
    }
    if (type == Timeout.class) {
      return Timeout.ofSeconds(truth ? 5 : 6);
    }
    if (type == SocketAddress.class) {
      return InetSocketAddress.createUnresolved("upstream", truth ? 1 : 2);
    }
    if (type.isInterface()) {
      String name = "stub " + type.getSimpleName() + " " + truth;
      return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, (p, m, a) -> switch (m.getName()) {
        case "toString" -> name;
        case "hashCode" -> System.identityHashCode(p);
        case "equals" -> p == a[0];
        default -> null;
      });
    }
    if (type.isEnum()) {
      return type.getEnumConstants()[truth ? 0 : 1];
    }
    throw new AssertionError("no answer for " + type);
  }

  static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  static String request(String method) {
    return method + " /bad HTTP/1.1\r\nHost: upstream\r\n\r\n";
  }

  /** In memory the guard fails exactly where the socket test sees a protocol error or a closed connection. */
  static boolean refused(Row row) {
    return row.outcome() == Outcome.FAILS_BEFORE_HEAD
        || row.outcome() == Outcome.BODY_FAILS && row.kind() == Kind.PROTOCOL_ERROR
        || row.outcome() == Outcome.DELIVERED_CLOSED && row.script().contains(PAUSE);
  }

  /** The kit's table tests the guard's bounds at the limit and one past it, so they must be the guard's. */
  @Test
  void the_kits_table_bounds_are_the_guards() {
    assertThat(HostileResponses.MAX_FIELDS).isEqualTo(ResponseFramingGuard.MAX_FIELDS);
    assertThat(HostileResponses.MAX_LINE).isEqualTo(ResponseFramingGuard.MAX_LINE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.gatehouse.testing.transport.HostileResponses#rows")
  void refuses_exactly_the_framings_the_socket_test_refuses(Row row) throws Exception {
    Scripted s = new Scripted();
    s.send(request(row.method()));

    if (refused(row)) {
      assertThatThrownBy(() -> s.receive(row.script()))
          .isInstanceOf(UpstreamFramingException.class)
          .hasMessageStartingWith("invalid response framing: ");
      assertThatThrownBy(() -> s.guard.read(ByteBuffer.allocate(16)))
          .as("a failed guard fails every later read")
          .isInstanceOf(UpstreamFramingException.class);
    } else {
      assertThatCode(() -> s.receive(row.script())).doesNotThrowAnyException();
    }
  }

  @ParameterizedTest(name = "{2}")
  @MethodSource("io.gatehouse.impl.upstream.HttpClientTransportFramingTest#reasons")
  void each_refusal_names_its_rule(String method, String script, String reason) throws Exception {
    Scripted s = new Scripted();
    s.send(request(method));

    assertThatThrownBy(() -> s.receive(script)).hasMessageStartingWith("invalid response framing: " + reason);
  }

  static Stream<Arguments> moreReasons() {
    String chunked = OK + "Transfer-Encoding: chunked\r\n\r\n";
    return Stream.of(
        Arguments.of("GET", "HTTP/1.1 200 OK\r", "HTTP/1.1 200 OK\r\r\n", "a bare CR in the status line"),
        Arguments.of("GET", "status LF", "HTTP/1.1 200 OK\n", "a bare LF (expected: CRLF) in the status line"),
        Arguments.of("GET", "chunk size LF", chunked + "5\n", "a bare LF (expected: CRLF) in a chunk size line"),
        Arguments.of("GET", "trailer LF", chunked + "0\r\nX: 1\n", "a bare LF (expected: CRLF) in the trailers of a 200 response"),
        Arguments.of("GET", "100 LF", "HTTP/1.1 100 Continue\r\nX: 1\n",
            "a bare LF (expected: CRLF) in the head of a 100 response"),
        Arguments.of("GET", "line too long", "HTTP/1.1 200 " + "r".repeat(ResponseFramingGuard.MAX_LINE),
            "a line longer than 65536 bytes in the status line"),
        Arguments.of("GET", "fields", OK + "X: 1\r\n".repeat(ResponseFramingGuard.MAX_FIELDS + 1),
            "more than 256 fields in the head of a 200 response"),
        Arguments.of("GET", "trailer fields", chunked + "0\r\n" + "X: 1\r\n".repeat(ResponseFramingGuard.MAX_FIELDS + 1),
            "more than 256 fields in the trailers of a 200 response"),
        Arguments.of("GET", "no colon", OK + "X-A\r\n", "field line 'X-A' in the head of a 200 response (expected: a token, then a colon)"),
        Arguments.of("GET", "obs-fold tab", OK + "\tX: a\r\n", "a folded line (obs-fold) in the head of a 200 response: '\\x09X: a'"),
        Arguments.of("GET", "DEL", OK + "X: a\u007f\r\n", "a control byte in field 'X' in the head of a 200 response: 'X: a\\x7F'"),
        Arguments.of("GET", "interim TE", "HTTP/1.1 103 Early\r\nTransfer-Encoding: chunked\r\n\r\n",
            "an interim 103 response with Content-Length or Transfer-Encoding"),
        Arguments.of("GET", "199 CL", "HTTP/1.1 199 X\r\nContent-Length: 0\r\n\r\n",
            "an interim 199 response with Content-Length or Transfer-Encoding"),
        Arguments.of("GET", "204 TE", "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
            "a 204 response with Transfer-Encoding"),
        Arguments.of("CONNECT", "200 to CONNECT", OK + "\r\n", "a 200 answer to CONNECT: the gateway opens no tunnels"),
        Arguments.of("CONNECT", "299 to CONNECT", "HTTP/1.1 299 X\r\n\r\n", "a 299 answer to CONNECT: the gateway opens no tunnels"),
        Arguments.of("CONNECT", "204 to CONNECT", "HTTP/1.1 204 No Content\r\n\r\n",
            "a 204 answer to CONNECT: the gateway opens no tunnels"),
        Arguments.of("GET", "CL 19 digits", OK + "Content-Length: 1234567890123456789\r\n\r\n",
            "Content-Length: 1234567890123456789 (expected: 1 to 18 digits)"),
        Arguments.of("GET", "CL empty", OK + "Content-Length: \r\n\r\n", "Content-Length:  (expected: 1 to 18 digits)"),
        Arguments.of("GET", "CL digit then letter", OK + "Content-Length: 5a\r\n\r\n", "Content-Length: 5a (expected: 1 to 18 digits)"),
        Arguments.of("GET", "CL slash", OK + "Content-Length: /\r\n\r\n", "Content-Length: / (expected: 1 to 18 digits)"),
        Arguments.of("GET", "CL colon", OK + "Content-Length: :\r\n\r\n", "Content-Length: : (expected: 1 to 18 digits)"),
        Arguments.of("GET", "chunk 16 digits", chunked + "0000000000000005\r\n",
            "chunk size line '0000000000000005' (expected: 1 to 15 hex digits, optional extensions)"),
        Arguments.of("GET", "chunk space no ext", chunked + "5 x\r\n",
            "chunk size line '5 x' (expected: 1 to 15 hex digits, optional extensions)"),
        Arguments.of("GET", "chunk non-ascii digit", chunked + "\u00b5\r\n",
            "chunk size line '\\xB5' (expected: 1 to 15 hex digits, optional extensions)"),
        Arguments.of("GET", "chunk LF after data", chunked + "1\r\na\r\r",
            "chunk data not followed by CRLF (found \\x0D)"),
        Arguments.of("GET", "status 1xx digit", "HTTP/1.1 1x0 X\r\n",
            "status line 'HTTP/1.1 1x0 X' (expected: HTTP/1.1, a status from 100 to 599, a reason)"),
        Arguments.of("GET", "status last digit", "HTTP/1.1 10: X\r\n",
            "status line 'HTTP/1.1 10: X' (expected: HTTP/1.1, a status from 100 to 599, a reason)"),
        Arguments.of("GET", "status short", "HTTP/1.1 20\r\n",
            "status line 'HTTP/1.1 20' (expected: HTTP/1.1, a status from 100 to 599, a reason)"),
        Arguments.of("GET", "long preview", OK + "Content-Length: 0\r\n\r\n" + "x".repeat(41),
            "41 bytes arrived while no request was waiting for a response: '" + "x".repeat(40) + "...'"),
        Arguments.of("GET", "preview of 40", OK + "Content-Length: 0\r\n\r\n" + "x".repeat(40),
            "40 bytes arrived while no request was waiting for a response: '" + "x".repeat(40) + "'"),
        Arguments.of("GET", "shown up to 200 characters", "HTTP/1.1 600 " + "a".repeat(300) + "\r\n",
            "status line 'HTTP/1.1 600 " + "a".repeat(187) + "' (expected: HTTP/1.1, a status from 100 to 599, a reason)"),
        Arguments.of("GET", "escaped at most 200", "HTTP/1.1 600 " + "\u0001".repeat(100) + "\r\n",
            "status line 'HTTP/1.1 600 " + "\\x01".repeat(47) + "' (expected: HTTP/1.1, a status from 100 to 599, a reason)"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("moreReasons")
  void each_boundary_refusal_names_its_rule(String method, String name, String script, String reason) throws Exception {
    Scripted s = new Scripted();
    s.send(request(method));

    assertThatThrownBy(() -> s.receive(script)).hasMessage("invalid response framing: " + reason);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "HTTP/1.1 100 Continue\\r\\n\\r\\nHTTP/1.1 599 X\\r\\nContent-Length: 2\\r\\n\\r\\nok",
      "HTTP/1.0 200 OK\\r\\nContent-Length: 2\\r\\n\\r\\nok",
      "HTTP/1.1 199 X\\r\\n\\r\\nHTTP/1.1 200\\r\\nContent-Length: 2\\r\\n\\r\\nok",
      "HTTP/1.1 200 OK\\r\\ncontent-length: 000000000000000002\\r\\n\\r\\nok",
      "HTTP/1.1 200 OK\\r\\nContent-Length:\\t2 \\r\\n\\r\\nok",
      "HTTP/1.1 200 OK\\r\\ntransfer-encoding: CHUNKED\\r\\n\\r\\n00000000000000F\\r\\n",
      "HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n1 \\t;e\\r\\na\\r\\n0\\r\\nX: 1\\r\\nContent-Length: 9\\r\\n\\r\\n",
      "HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nA\\r\\n0123456789\\r\\n0\\r\\n\\r\\n",
      "HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nf\\r\\n0123456789abcde\\r\\n0\\r\\n\\r\\n",
      "HTTP/1.1 304 Not Modified\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n",
      "HTTP/1.1 204 No Content\\r\\nContent-Length: 0\\r\\n\\r\\n",
      "HTTP/1.1 205 Reset\\r\\nContent-Length: 0\\r\\n\\r\\n",
      "HTTP/1.1 200 OK\\r\\nX-A: \\u00e9\\t~\\r\\nContent-Length: 0\\r\\n\\r\\n",
      "HTTP/1.1 200 OK\\r\\nContent-Length: 10\\r\\n\\r\\nhello<pause>world",
      "HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\na\\r\\nhello<pause>world\\r\\n0\\r\\n\\r\\n",
      "HTTP/1.1 103 Hints\\r\\n<200 fields>\\r\\nHTTP/1.1 200 OK\\r\\n<200 fields>Content-Length: 0\\r\\n\\r\\n",
  })
  void passes_the_edges_of_the_grammar_and_ends_the_response_where_it_ends(String escapedScript) throws Exception {
    Scripted s = new Scripted();
    s.send(request("GET"));
    s.receive(unescape(escapedScript).replace("<200 fields>", "X-F: f\r\n".repeat(200)));
    if (escapedScript.contains("00000000000000F")) {
      s.receive("0123456789abcde\r\n0\r\n\r\n");
    }

    // Ended exactly: the next request's answer is read as a new response, and no byte is left over.
    s.send(request("GET"));
    assertThatCode(() -> s.receive(OK + "Content-Length: 2\r\n\r\nok")).doesNotThrowAnyException();
    assertThatThrownBy(() -> s.receive("x")).hasMessageContaining("1 bytes arrived while no request was waiting");
  }

  @Test
  void a_head_answer_or_a_304_has_no_body_whatever_it_declares() throws Exception {
    Scripted s = new Scripted();
    s.send(request("HEAD"));
    s.receive(OK + "Content-Length: 5\r\n\r\n");
    s.send(request("GET"));
    s.receive("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n");
    s.send(request("CONNECT"));
    s.receive("HTTP/1.1 300 Multiple Choices\r\nContent-Length: 0\r\n\r\n");
    s.send(request("GET"));

    assertThatCode(() -> s.receive(OK + "Content-Length: 2\r\n\r\nok")).doesNotThrowAnyException();
  }

  @Test
  void a_response_without_framing_is_read_until_close() throws Exception {
    Scripted s = new Scripted();
    s.send(request("GET"));

    assertThatCode(() -> s.receive(OK + "\r\nanything" + PAUSE + "HTTP/1.1 200 OK\r\n\u0000 at all")).doesNotThrowAnyException();
  }

  static Stream<Arguments> requestBodies() {
    return Stream.of(
        Arguments.of("Content-Length", "POST /a HTTP/1.1\r\nContent-Length: 10\r\n\r\n0123456789"),
        Arguments.of("content-length, spaced", "POST /a HTTP/1.1\r\ncontent-length:  10 \r\n\r\n0123456789"),
        Arguments.of("chunked", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\n01234\r\n5;e=1\r\n56789\r\n0\r\nT: 1\r\n\r\n"),
        Arguments.of("chunked, upper case", "POST /a HTTP/1.1\r\nTRANSFER-ENCODING: Chunked\r\n\r\n"
            + "A\r\n0123456789\r\n0\r\n\r\n"),
        Arguments.of("chunk data holding an empty line", "POST /a HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "8\r\nab\r\n\r\ncd\r\n0\r\n\r\n"),
        Arguments.of("Content-Length: 0", "POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n"),
        Arguments.of("no body", "DELETE /a HTTP/1.1\r\nX-A: 1\r\n\r\n"));
  }

  /**
   * Requests are written in pieces of every size; the guard must know where each ends, so that
   * the next request is registered and its answer read as a response.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("requestBodies")
  void follows_request_bodies_written_in_pieces_of_any_size(String name, String request) throws Exception {
    for (int piece = 1; piece <= request.length(); piece++) {
      Scripted s = new Scripted();
      for (int i = 0; i < request.length(); i += piece) {
        s.send(request.substring(i, Math.min(request.length(), i + piece)));
      }
      s.receive("HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n");
      s.send(request("HEAD"));
      // Read as a HEAD answer only if the second request was registered with its method.
      s.receive(OK + "Content-Length: 5\r\n\r\n");
      s.send(request("GET"));

      int size = piece;
      assertThatCode(() -> s.receive(OK + "Content-Length: 2\r\n\r\nok")).as("pieces of %d", size)
          .doesNotThrowAnyException();
      assertThat(s.written.toString()).startsWith(request);
    }
  }

  @Test
  void an_early_answer_to_a_request_whose_body_is_still_being_written_keeps_step() throws Exception {
    Scripted s = new Scripted();
    s.send("POST /a HTTP/1.1\r\nContent-Length: 4\r\n\r\nab");
    s.receive("HTTP/1.1 413 Too Large\r\nContent-Length: 0\r\n\r\n");
    s.send("cd");
    s.send(request("HEAD"));

    assertThatCode(() -> s.receive(OK + "Content-Length: 5\r\n\r\n")).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "a request line without a space | GARBAGE\\r\\n\\r\\n",
      "a request line starting with a space | \\u0020/ HTTP/1.1\\r\\n\\r\\n",
      "a Content-Length that is no number | POST / HTTP/1.1\\r\\nContent-Length: x\\r\\n\\r\\n",
      "a chunk size that is no number | POST / HTTP/1.1\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\nzz\\r\\n0\\r\\n\\r\\n",
  })
  void once_the_outbound_stream_makes_no_sense_no_later_answer_is_accepted(String name, String escaped) throws Exception {
    Scripted s = new Scripted();
    s.send(unescape(escaped));
    s.send(request("GET"));

    if (escaped.startsWith("POST")) {
      s.receive(OK + "Content-Length: 0\r\n\r\n"); // the first request was registered
    }
    assertThatThrownBy(() -> s.receive(OK + "Content-Length: 0\r\n\r\n"))
        .hasMessageContaining("arrived while no request was waiting for a response");
  }

  @Test
  void read_and_write_return_the_session_counts() throws Exception {
    Scripted s = new Scripted();
    assertThat(s.guard.write(bytes(request("GET")))).isEqualTo(request("GET").length());
    s.reads.add((OK + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));

    assertThat(s.guard.read(ByteBuffer.allocate(100))).isEqualTo(OK.length() + 21);
    assertThat(s.guard.read(ByteBuffer.allocate(100))).isEqualTo(-1);
  }

  @Test
  void a_method_is_registered_early_only_if_it_is_a_token() throws Exception {
    Scripted s = new Scripted();
    s.guard.write(bytes("HE(D / HTTP/1.1"));

    assertThatThrownBy(() -> s.receive(OK + "Content-Length: 0\r\n\r\n"))
        .hasMessageContaining("arrived while no request was waiting for a response");
  }

  @Test
  void a_method_of_32_characters_is_registered_early_wherever_the_buffer_starts() throws Exception {
    Scripted s = new Scripted();
    ByteBuffer src = bytes("x".repeat(40) + "M".repeat(32) + " / HTTP/1.1");
    src.position(40);
    s.guard.write(src);

    assertThatCode(() -> s.receive(OK + "Content-Length: 0\r\n\r\n")).doesNotThrowAnyException();
  }

  @Test
  void after_a_request_with_content_length_0_the_next_is_registered_early() throws Exception {
    Scripted s = new Scripted();
    s.send("POST /a HTTP/1.1\r\nContent-Length: 0\r\n\r\n");
    s.receive(OK + "Content-Length: 0\r\n\r\n");
    s.guard.write(bytes("HEAD / HTTP/1.1"));
    s.receive(OK + "Content-Length: 5\r\n\r\n");

    assertThatThrownBy(() -> s.receive("x")).hasMessageContaining("1 bytes arrived while no request was waiting");
  }

  @Test
  void an_outbound_line_one_past_the_longest_loses_track() throws Exception {
    Scripted s = new Scripted();
    String line = "GET /" + "a".repeat(ResponseFramingGuard.MAX_LINE - 13) + " HTTP/1.1";
    assertThat(line).hasSize(ResponseFramingGuard.MAX_LINE + 1);
    s.send(line + "\r\n\r\n");
    s.send(request("GET"));

    s.receive(OK + "Content-Length: 0\r\n\r\n");
    assertThatThrownBy(() -> s.receive(OK + "Content-Length: 0\r\n\r\n"))
        .hasMessageContaining("arrived while no request was waiting for a response");
  }

  @Test
  void an_overlong_outbound_line_loses_track() throws Exception {
    Scripted s = new Scripted();
    s.send("GET /" + "a".repeat(ResponseFramingGuard.MAX_LINE) + " HTTP/1.1\r\n\r\n");
    s.send(request("GET"));

    s.receive(OK + "Content-Length: 0\r\n\r\n");
    assertThatThrownBy(() -> s.receive(OK + "Content-Length: 0\r\n\r\n"))
        .hasMessageContaining("arrived while no request was waiting for a response");
  }

  @Test
  void an_outbound_line_of_the_longest_length_keeps_track() throws Exception {
    Scripted s = new Scripted();
    String line = "GET /" + "a".repeat(ResponseFramingGuard.MAX_LINE - 14) + " HTTP/1.1";
    assertThat(line).hasSize(ResponseFramingGuard.MAX_LINE);
    s.send(line + "\r\n\r\n");
    s.send(request("GET"));

    s.receive(OK + "Content-Length: 0\r\n\r\n");
    assertThatCode(() -> s.receive(OK + "Content-Length: 0\r\n\r\n")).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {
      "HEAD | H | EAD / HTTP/1.1\\r\\n\\r\\n",
      "HEAD | HEAD | \\u0020/ HTTP/1.1\\r\\n\\r\\n",
      "HEAD | HEAD\\u0020 | / HTTP/1.1\\r\\n\\r\\n",
  })
  void the_method_is_known_even_when_the_request_line_is_split(String method, String first, String rest) throws Exception {
    Scripted s = new Scripted();
    s.send(unescape(first));
    s.send(unescape(rest));
    s.receive(OK + "Content-Length: 5\r\n\r\n");
    s.send(request("GET"));

    assertThatCode(() -> s.receive(OK + "Content-Length: 2\r\n\r\nok")).doesNotThrowAnyException();
  }

  @Test
  void a_fast_answer_arriving_during_the_write_finds_its_request_registered() throws Exception {
    Scripted s = new Scripted();
    // The method is registered before the bytes leave, so an answer read before write() returns matches it.
    s.guard.write(bytes("HEAD / HTTP/1.1\r\n\r\n").limit(5));
    s.receive(OK + "Content-Length: 5\r\n\r\n");

    assertThatThrownBy(() -> s.receive("x")).hasMessageContaining("1 bytes arrived while no request was waiting");
  }

  @Test
  void a_method_that_is_not_a_token_or_too_long_is_registered_only_at_the_end_of_its_line() throws Exception {
    Scripted s = new Scripted();
    s.send("HE\"AD / HTTP/1.1\r\n\r\n");
    s.receive(OK + "Content-Length: 0\r\n\r\n");
    String longMethod = "M".repeat(40);
    s.guard.write(bytes(longMethod + " / HTTP/1.1\r\n"));
    s.guard.write(bytes("\r\n"));

    assertThatCode(() -> s.receive(OK + "Content-Length: 0\r\n\r\n")).doesNotThrowAnyException();
  }

  @ParameterizedTest(name = "session answers {0}")
  @CsvSource({"true", "false"})
  void every_other_session_call_goes_to_the_session(boolean truth) throws Throwable {
    Scripted s = new Scripted();
    s.truth = truth;
    for (Method m : IOSession.class.getMethods()) {
      if (m.getName().equals("read") || m.getName().equals("write") || m.isDefault()
          || Modifier.isStatic(m.getModifiers())) {
        continue;
      }
      Object[] args = new Object[m.getParameterCount()];
      for (int i = 0; i < args.length; i++) {
        args[i] = m.getParameterTypes()[i] == int.class ? 3 : answer(m.getParameterTypes()[i], !truth);
      }
      s.calls.clear();
      Object result;
      try {
        result = m.invoke(s.guard, args);
      } catch (InvocationTargetException e) {
        throw e.getCause();
      }
      if (m.getName().equals("channel")) {
        assertThat(result).as("channel").isSameAs(s.guard);
        continue;
      }
      assertThat(s.calls).as(m.getName()).containsExactly(m.getName() + Arrays.asList(args));
      if (m.getReturnType() != void.class) {
        assertThat(String.valueOf(result)).as(m.getName()).isEqualTo(String.valueOf(answer(m.getReturnType(), truth)));
      }
    }
    s.calls.clear();
    assertThat(s.guard.toString()).isEqualTo(truth ? "session-1" : "session-2");
  }

  private static String unescape(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '\\' && i + 1 < s.length()) {
        char n = s.charAt(++i);
        switch (n) {
          case 'r' -> sb.append('\r');
          case 'n' -> sb.append('\n');
          case 't' -> sb.append('\t');
          case 'u' -> {
            sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
          }
          default -> sb.append('\\').append(n);
        }
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}

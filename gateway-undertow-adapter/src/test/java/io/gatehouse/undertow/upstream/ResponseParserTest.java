package io.gatehouse.undertow.upstream;

import static io.gatehouse.testing.transport.HostileResponses.CHUNKED_HELLO;
import static io.gatehouse.testing.transport.HostileResponses.CLOSE;
import static io.gatehouse.testing.transport.HostileResponses.OK;
import static io.gatehouse.testing.transport.HostileResponses.PAUSE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.testing.transport.HostileResponses;
import io.gatehouse.testing.transport.HostileResponses.Row;
import io.gatehouse.undertow.upstream.ResponseParser.FramingException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link ResponseParser} in memory: the rows of the transport conformance kit's
 * {@link HostileResponses} table (which IoThreadTransportConformanceTest plays over sockets), each
 * bound at the limit and one past it, every refusal's message, and every split of valid responses
 * across reads. The adapter's {@code pit} profile mutates the parser with this test alone.
 *
 * <p>How a row's outcome maps onto parse calls: the transport hands a read's head to the caller only
 * after the whole read passed the parser ({@code UpstreamConnection.onReadable}, then
 * {@code Exchange.afterRead}), so a refusal in the same parse call as the head fails the stage.
 */
class ResponseParserTest {
  private static final String CHUNKED = OK + "Transfer-Encoding: chunked\r\n\r\n";
  private static final String STATUS_EXPECTED = " (expected: HTTP/1.1, a status from 100 to 599, a reason)";

  /** What the parser reported, in order; body bytes are copied as they arrive. */
  private static final class Recorder implements ResponseParser.Listener {
    final List<String> events = new ArrayList<>();
    final StringBuilder body = new StringBuilder();
    int heads;
    int ends;
    int status = -1;
    boolean http10;
    List<String> fields;
    long contentLength = Long.MIN_VALUE;

    @Override
    public void head(int status, boolean http10, List<String> fields, long contentLength) {
      heads++;
      this.status = status;
      this.http10 = http10;
      this.fields = List.copyOf(fields);
      this.contentLength = contentLength;
      events.add("head " + status + (http10 ? " HTTP/1.0 " : " ") + fields + " length " + contentLength);
    }

    @Override
    public void body(ByteBuffer source, int offset, int length) {
      assertThat(length).as("body length").isPositive();
      assertThat(offset).as("body offset").isGreaterThanOrEqualTo(source.position());
      assertThat(offset + length).as("body end").isLessThanOrEqualTo(source.limit());
      StringBuilder piece = new StringBuilder();
      for (int i = offset; i < offset + length; i++) {
        piece.append((char) (source.get(i) & 0xff));
      }
      body.append(piece);
      int last = events.size() - 1;
      if (last >= 0 && events.get(last).startsWith("body ")) {
        events.set(last, events.get(last) + piece);
      } else {
        events.add("body " + piece);
      }
    }

    @Override
    public void end() {
      ends++;
      events.add("end");
    }
  }

  /** One script played through a parser: which parse call saw the head, the end, the refusal. */
  private static final class Run {
    final ResponseParser parser = new ResponseParser();
    final Recorder recorder = new Recorder();
    int headCall = -1;
    /** The parse call that saw the end; the number of reads if the close ended the response. */
    int endCall = -1;
    int failCall = -1;
    FramingException failure;
    Boolean closed;

    Run(String method, String script) {
      parser.expect(method);
      boolean close = script.endsWith(CLOSE);
      String[] reads = script.replace(CLOSE, "").split(Pattern.quote(PAUSE), -1);
      for (int call = 0; call < reads.length; call++) {
        try {
          parse(parser, reads[call], recorder);
        } catch (FramingException e) {
          failure = e;
          failCall = call;
        }
        if (headCall < 0 && recorder.heads > 0) {
          headCall = call;
        }
        if (endCall < 0 && recorder.ends > 0) {
          endCall = call;
        }
        if (failure != null) {
          return;
        }
      }
      if (close) {
        closed = parser.closed(recorder);
        if (endCall < 0 && recorder.ends > 0) {
          endCall = reads.length;
        }
      }
    }
  }

  static ByteBuffer bytes(String s) {
    return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
  }

  /** Parses {@code s} from a buffer whose position and limit leave other bytes on both sides. */
  static void parse(ResponseParser parser, String s, ResponseParser.Listener listener) throws FramingException {
    byte[] content = s.getBytes(StandardCharsets.ISO_8859_1);
    byte[] framed = new byte[content.length + 6];
    java.util.Arrays.fill(framed, (byte) '#');
    System.arraycopy(content, 0, framed, 3, content.length);
    ByteBuffer buf = ByteBuffer.wrap(framed, 3, content.length);
    try {
      parser.parse(buf, listener);
    } finally {
      assertThat(buf.position()).as("position after parse").isEqualTo(3 + content.length);
      assertThat(buf.limit()).as("limit after parse").isEqualTo(3 + content.length);
    }
  }

  static ResponseParser expecting(String method) {
    ResponseParser parser = new ResponseParser();
    parser.expect(method);
    return parser;
  }

  /** A GET's response parsed from one buffer. */
  static Recorder parsed(String script) throws FramingException {
    return parsed("GET", script);
  }

  static Recorder parsed(String method, String script) throws FramingException {
    Recorder r = new Recorder();
    parse(expecting(method), script, r);
    return r;
  }

  static void assertRefused(String script, String message) {
    assertThatThrownBy(() -> parsed(script)).isInstanceOf(FramingException.class).hasMessage(message);
  }

  static void assertDelivered(String script, int status, String body) throws FramingException {
    ResponseParser parser = expecting("GET");
    Recorder r = new Recorder();
    parse(parser, script, r);
    assertThat(r.status).isEqualTo(status);
    assertThat(r.body).hasToString(body);
    assertThat(r.ends).isEqualTo(1);
    assertThat(parser.idle()).isTrue();
  }

  // ------------------------------------------------------------------ the kit's table

  @Test
  void the_kits_table_bounds_are_the_parsers() {
    assertThat(HostileResponses.MAX_FIELDS).isEqualTo(ResponseParser.MAX_FIELDS);
    assertThat(HostileResponses.MAX_LINE).isEqualTo(ResponseParser.MAX_LINE);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("io.gatehouse.testing.transport.HostileResponses#rows")
  void every_hostile_response_row_gets_its_outcome_in_memory(Row row) throws FramingException {
    Run run = new Run(row.method(), row.script());
    Recorder r = run.recorder;

    switch (row.outcome()) {
      case FAILS_BEFORE_HEAD -> {
        assertThat(row.kind()).isEqualTo(Kind.PROTOCOL_ERROR);
        assertThat(run.failure).as("refused").isNotNull();
        assertThat(run.headCall).as("no head delivered before the refusing read").isIn(-1, run.failCall);
      }
      case BODY_FAILS -> {
        assertThat(run.headCall).as("the head's read").isZero();
        assertThat(r.status).isEqualTo(row.status());
        assertThat(r.ends).as("ends").isZero();
        if (row.kind() == Kind.PROTOCOL_ERROR) {
          assertThat(run.failure).as("refused").isNotNull();
          assertThat(run.failCall).as("the refusing read").isGreaterThan(run.headCall);
        } else {
          assertThat(row.kind()).isEqualTo(Kind.CONNECTION_RESET);
          assertThat(run.failure).as("refused").isNull();
          assertThat(run.closed).as("the close ends the response").isFalse();
          assertThat(run.parser.idle()).isFalse();
        }
      }
      case DELIVERED_REUSED -> {
        assertThat(run.failure).as("refused").isNull();
        assertThat(run.closed).as("closed by the upstream").isNull();
        assertThat(r.status).isEqualTo(row.status());
        assertThat(r.http10).isFalse();
        assertThat(r.body).hasToString(row.body());
        assertThat(r.events).last().isEqualTo("end");
        assertThat(r.ends).isEqualTo(1);
        assertThat(run.parser.idle()).isTrue();
        // The connection serves the next call: the same parser reads the next response.
        Recorder next = new Recorder();
        run.parser.expect("GET");
        parse(run.parser, OK + "Content-Length: 4\r\n\r\nnext", next);
        assertThat(next.events).containsExactly("head 200 [Content-Length, 4] length 4", "body next", "end");
      }
      case DELIVERED_CLOSED -> {
        assertThat(r.status).isEqualTo(row.status());
        assertThat(r.body).hasToString(row.body());
        assertThat(r.ends).isEqualTo(1);
        assertThat(run.endCall).as("the end's read").isGreaterThanOrEqualTo(0);
        boolean refusedLater = run.failure != null && run.failCall > run.endCall
            && run.failure.getMessage().contains("arrived while no request was waiting");
        assertThat(run.failure == null || refusedLater).as("delivered before any refusal: " + run.failure).isTrue();
        assertThat(r.http10 || Boolean.TRUE.equals(run.closed) || refusedLater)
            .as("not reusable: HTTP/1.0, ended by the close, or refused when more bytes came").isTrue();
      }
      default -> throw new AssertionError(row.outcome());
    }
  }

  // ------------------------------------------------------------------ messages

  static Stream<Arguments> refusals() {
    String longLine = "l".repeat(ResponseParser.MAX_LINE + 1);
    return Stream.of(
        Arguments.of("HTTP/1.1 600 Nope\r\n", "status line 'HTTP/1.1 600 Nope'" + STATUS_EXPECTED),
        Arguments.of("HTTP/1.1 200 OK\rX", "a bare CR in the status line"),
        Arguments.of("HTTP/1.1 200 OK\n", "a bare LF (expected: CRLF) in the status line"),
        Arguments.of(OK + "X-A: a\n", "a bare LF (expected: CRLF) in the response head"),
        Arguments.of(OK + "X-A: a\r\r", "a bare CR in the response head"),
        Arguments.of(OK + " X-A: a\r\n", "a folded line (obs-fold) in the response head: ' X-A: a'"),
        Arguments.of(OK + "\tX-A: a\r\n", "a folded line (obs-fold) in the response head: '\\x09X-A: a'"),
        Arguments.of(OK + "X A: a\r\n", "field line 'X A: a' in the response head (expected: a token, then a colon)"),
        Arguments.of(OK + "X-A\r\n", "field line 'X-A' in the response head (expected: a token, then a colon)"),
        Arguments.of(OK + ": a\r\n", "field line ': a' in the response head (expected: a token, then a colon)"),
        Arguments.of(OK + "X-A: a\u0001b\r\n", "a control byte in field 'X-A' in the response head: 'X-A: a\\x01b'"),
        Arguments.of(OK + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
            "both Transfer-Encoding and Content-Length in a 200 response"),
        Arguments.of("HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n",
            "both Transfer-Encoding and Content-Length in a 404 response"),
        Arguments.of(OK + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n",
            "2 Transfer-Encoding fields (expected: one)"),
        Arguments.of(OK + "Transfer-Encoding: gzip\r\n\r\n", "Transfer-Encoding: gzip (expected: chunked)"),
        Arguments.of(OK + "Content-Length: 5\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n",
            "3 Content-Length fields (expected: one)"),
        Arguments.of(OK + "Content-Length: -1\r\n\r\n", "Content-Length: -1 (expected: 1 to 18 digits)"),
        Arguments.of(OK + "Content-Length: \r\n\r\n", "Content-Length:  (expected: 1 to 18 digits)"),
        Arguments.of("HTTP/1.1 101 Switching Protocols\r\n\r\n",
            "101 Switching Protocols, but the gateway asks no upstream to upgrade"),
        Arguments.of("HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\n",
            "an interim 100 response with Content-Length or Transfer-Encoding"),
        Arguments.of("HTTP/1.1 103 Early Hints\r\nTransfer-Encoding: chunked\r\n\r\n",
            "an interim 103 response with Content-Length or Transfer-Encoding"),
        Arguments.of("HTTP/1.1 103 Early Hints\r\n\r\n".repeat(ResponseParser.MAX_INTERIM + 1),
            "more than 16 interim (1xx) responses"),
        Arguments.of(OK + "X-F: f\r\n".repeat(ResponseParser.MAX_FIELDS + 1), "more than 256 fields in the response head"),
        Arguments.of("HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\n", "a 204 response with Content-Length: 5"),
        Arguments.of("HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n",
            "a 204 response with Transfer-Encoding"),
        Arguments.of(CHUNKED + "5\r\nhelloX", "chunk data not followed by CRLF (found 'X')"),
        Arguments.of(CHUNKED + "5\r\nhello\r\r", "chunk data not followed by CRLF (found '\\x0d')"),
        Arguments.of(CHUNKED + "5\r\nhello\u00e9", "chunk data not followed by CRLF (found '\\xe9')"),
        Arguments.of(CHUNKED + "zz\r\n", "chunk size line 'zz' (expected: 1 to 15 hex digits, optional extensions)"),
        Arguments.of(CHUNKED + "5\rX", "a bare CR in a chunk size line"),
        Arguments.of(CHUNKED + "5\n", "a bare LF (expected: CRLF) in a chunk size line"),
        Arguments.of(CHUNKED + "0\r\nX-T: t\n", "a bare LF (expected: CRLF) in the trailer"),
        Arguments.of(CHUNKED + "0\r\nX-T: a\u0001\r\n", "a control byte in field 'X-T' in the trailer: 'X-T: a\\x01'"),
        Arguments.of(CHUNKED + "0\r\n X-T: a\r\n", "a folded line (obs-fold) in the trailer: ' X-T: a'"),
        Arguments.of(CHUNKED + "0\r\nX-T\r\n", "field line 'X-T' in the trailer (expected: a token, then a colon)"),
        Arguments.of(CHUNKED + "0\r\n" + "X-T: t\r\n".repeat(ResponseParser.MAX_FIELDS + 1),
            "more than 256 fields in the trailer"),
        Arguments.of("HTTP/1.1 200 " + longLine, "a line longer than 65536 bytes in the status line"),
        Arguments.of(OK + "X-L: " + longLine, "a line longer than 65536 bytes in the response head"),
        Arguments.of(CHUNKED + "5;" + longLine, "a line longer than 65536 bytes in a chunk size line"),
        Arguments.of(CHUNKED + "0\r\nX-L: " + longLine, "a line longer than 65536 bytes in the trailer"),
        Arguments.of(OK + "Content-Length: 1\r\n\r\nxabc",
            "3 bytes arrived while no request was waiting for a response: 'abc'"),
        // Escaping: controls, DEL and obs-text as \xNN; SP and ~ as they are.
        Arguments.of("HTTP/1.1 600 a ~\u007f\u001f\u0000\u0080\u00ff\r\n",
            "status line 'HTTP/1.1 600 a ~\\x7f\\x1f\\x00\\x80\\xff'" + STATUS_EXPECTED),
        Arguments.of("HTTP/1.1 600 " + "x".repeat(300) + "\r\n",
            "status line '" + ("HTTP/1.1 600 " + "x".repeat(300)).substring(0, 200) + "'" + STATUS_EXPECTED));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("refusals")
  void each_refusal_names_its_rule(String script, String message) {
    assertRefused(script, message);
  }

  @Test
  void bytes_while_no_response_is_expected_are_refused_with_a_preview_of_at_most_64_bytes() {
    ResponseParser parser = new ResponseParser();
    Recorder r = new Recorder();

    assertThatThrownBy(() -> parse(parser, "x".repeat(100), r)).isInstanceOf(FramingException.class)
        .hasMessage("100 bytes arrived while no request was waiting for a response: '" + "x".repeat(64) + "'");
    assertThatThrownBy(() -> parse(parser, "\r\n\u00e9", r)).isInstanceOf(FramingException.class)
        .hasMessage("3 bytes arrived while no request was waiting for a response: '\\x0d\\x0a\\xe9'");
    assertThat(r.events).isEmpty();
  }

  @Test
  void bytes_after_a_whole_response_are_refused_in_the_same_read_and_in_a_later_one() throws FramingException {
    ResponseParser parser = expecting("GET");
    Recorder r = new Recorder();
    assertThatThrownBy(() -> parse(parser, OK + "Content-Length: 5\r\n\r\nhelloHTTP/1.1", r))
        .isInstanceOf(FramingException.class)
        .hasMessage("8 bytes arrived while no request was waiting for a response: 'HTTP/1.1'");
    assertThat(r.events).containsExactly("head 200 [Content-Length, 5] length 5", "body hello", "end");

    ResponseParser later = expecting("GET");
    parse(later, CHUNKED + CHUNKED_HELLO, new Recorder());
    assertThat(later.idle()).isTrue();
    assertThatThrownBy(() -> parse(later, "\r\n", new Recorder())).isInstanceOf(FramingException.class)
        .hasMessage("2 bytes arrived while no request was waiting for a response: '\\x0d\\x0a'");
  }

  // ------------------------------------------------------------------ bounds

  @Test
  void a_head_holds_256_fields_and_refuses_257() throws FramingException {
    String fields = "X-F: f\r\n".repeat(ResponseParser.MAX_FIELDS - 1);
    Recorder r = parsed(OK + fields + "Content-Length: 5\r\n\r\nhello");
    assertThat(r.fields).hasSize(2 * ResponseParser.MAX_FIELDS);
    assertRefused(OK + fields + "X-F: f\r\nContent-Length: 5\r\n\r\nhello", "more than 256 fields in the response head");
  }

  @Test
  void a_trailer_holds_256_fields_counted_apart_from_the_heads_and_refuses_257() throws FramingException {
    String head = OK + "X-F: f\r\n".repeat(ResponseParser.MAX_FIELDS - 1) + "Transfer-Encoding: chunked\r\n\r\n";
    String trailer = "X-T: t\r\n".repeat(ResponseParser.MAX_FIELDS);
    assertDelivered(head + "5\r\nhello\r\n0\r\n" + trailer + "\r\n", 200, "hello");
    assertRefused(head + "5\r\nhello\r\n0\r\n" + trailer + "X-T: t\r\n\r\n", "more than 256 fields in the trailer");
  }

  @Test
  void trailer_fields_are_checked_but_neither_delivered_nor_read_as_framing() throws FramingException {
    ResponseParser parser = expecting("GET");
    Recorder r = new Recorder();
    parse(parser, CHUNKED + "5\r\nhello\r\n0\r\nContent-Length: 99\r\nTransfer-Encoding: gzip\r\n\r\n", r);
    assertThat(r.events).containsExactly("head 200 [Transfer-Encoding, chunked] length -1", "body hello", "end");

    Recorder next = new Recorder();
    parser.expect("GET");
    parse(parser, OK + "Content-Length: 2\r\n\r\nok", next);
    assertThat(next.events).containsExactly("head 200 [Content-Length, 2] length 2", "body ok", "end");
  }

  @Test
  void interim_heads_have_fields_of_their_own_that_neither_count_nor_reach_the_final_head() throws FramingException {
    String many = "X-F: f\r\n".repeat(ResponseParser.MAX_FIELDS);
    Recorder r = parsed("HTTP/1.1 103 Early Hints\r\nLink: </a.css>\r\n" + many.substring(8) + "\r\n"
        + OK + many.substring(8) + "Content-Length: 5\r\n\r\nhello");
    assertThat(r.heads).isEqualTo(1);
    assertThat(r.fields).doesNotContain("Link").hasSize(2 * ResponseParser.MAX_FIELDS);
    assertThat(r.body).hasToString("hello");
  }

  @Test
  void lines_hold_65536_bytes_and_refuse_65537() throws FramingException {
    int max = ResponseParser.MAX_LINE;
    String reason = "r".repeat(max - "HTTP/1.1 200 ".length());
    assertDelivered("HTTP/1.1 200 " + reason + "\r\nContent-Length: 5\r\n\r\nhello", 200, "hello");
    assertRefused("HTTP/1.1 200 " + reason + "r\r\n", "a line longer than 65536 bytes in the status line");

    String value = "v".repeat(max - "X-L: ".length());
    Recorder r = parsed(OK + "X-L: " + value + "\r\nContent-Length: 0\r\n\r\n");
    assertThat(r.fields).containsExactly("X-L", value, "Content-Length", "0");
    assertRefused(OK + "X-L: " + value + "v\r\n", "a line longer than 65536 bytes in the response head");

    String ext = "e".repeat(max - "5;".length());
    assertDelivered(CHUNKED + "5;" + ext + "\r\nhello\r\n0\r\n\r\n", 200, "hello");
    assertRefused(CHUNKED + "5;" + ext + "e\r\n", "a line longer than 65536 bytes in a chunk size line");

    String trailer = "t".repeat(max - "X-T: ".length());
    assertDelivered(CHUNKED + CHUNKED_HELLO.replace("0\r\n\r\n", "0\r\nX-T: " + trailer + "\r\n\r\n"), 200, "hello");
    assertRefused(CHUNKED + "0\r\nX-T: " + trailer + "t\r\n", "a line longer than 65536 bytes in the trailer");
  }

  @Test
  void sixteen_interim_responses_pass_the_seventeenth_is_refused_and_each_response_counts_afresh()
      throws FramingException {
    String interims = "HTTP/1.1 100 Continue\r\n\r\n".repeat(ResponseParser.MAX_INTERIM);
    ResponseParser parser = expecting("GET");
    for (int response = 0; response < 3; response++) {
      Recorder r = new Recorder();
      parse(parser, interims + OK + "Content-Length: 2\r\n\r\nok", r);
      assertThat(r.events).containsExactly("head 200 [Content-Length, 2] length 2", "body ok", "end");
      parser.expect("GET");
    }
    assertRefused(interims + "HTTP/1.1 199 Last\r\n\r\n" + OK, "more than 16 interim (1xx) responses");
  }

  @Test
  void content_length_has_1_to_18_digits() throws FramingException {
    assertThat(parsed(OK + "Content-Length: 999999999999999999\r\n\r\n").contentLength).isEqualTo(999_999_999_999_999_999L);
    assertDelivered(OK + "Content-Length: 000000000000000005\r\n\r\nhello", 200, "hello");
    assertRefused(OK + "Content-Length: 0000000000000000005\r\n\r\n",
        "Content-Length: 0000000000000000005 (expected: 1 to 18 digits)");
    assertRefused(OK + "Content-Length: 1000000000000000000\r\n\r\n",
        "Content-Length: 1000000000000000000 (expected: 1 to 18 digits)");
    assertDelivered(OK + "Content-Length: 9\r\n\r\n123456789", 200, "123456789");
    for (String cl : List.of("/", ":", "5/", "5:", "0x5")) {
      assertRefused(OK + "Content-Length: " + cl + "\r\n\r\n", "Content-Length: " + cl + " (expected: 1 to 18 digits)");
    }
  }

  @Test
  void a_chunk_size_has_1_to_15_hex_digits_in_either_case() throws FramingException {
    assertDelivered(CHUNKED + "00000000000000A\r\n0123456789\r\n000000000000000\r\n\r\n", 200, "0123456789");
    assertDelivered(CHUNKED + "a\r\n0123456789\r\nF\r\n0123456789abcde\r\n0\r\n\r\n", 200,
        "01234567890123456789abcde");
    assertRefused(CHUNKED + "000000000000000a\r\n",
        "chunk size line '000000000000000a' (expected: 1 to 15 hex digits, optional extensions)");

    ResponseParser parser = expecting("GET");
    Recorder r = new Recorder();
    parse(parser, CHUNKED + "fffffffffffffff\r\nhello", r);
    assertThat(r.body).hasToString("hello");
    assertThat(parser.idle()).isFalse();
    assertThat(parser.closed(r)).isFalse();
    assertThat(r.ends).isZero();
  }

  @ParameterizedTest
  @ValueSource(strings = {"5;x", "5 ;x", "5\t;x", "5 \t ;x=\"y z\"\t", "5;", "5;\u00e9"})
  void chunk_extensions_may_follow_blanks_and_are_skipped(String sizeLine) throws FramingException {
    assertDelivered(CHUNKED + sizeLine + "\r\nhello\r\n0\r\n\r\n", 200, "hello");
  }

  @ParameterizedTest
  @ValueSource(strings = {"5 ", "5\t", "5 x", "5x", "5;\u007f", "5;\u001f", "\u00e9", "g", "/", ":", "@",
      "G", "`"})
  void chunk_size_lines_outside_the_grammar_are_refused(String sizeLine) {
    assertThatThrownBy(() -> parsed(CHUNKED + sizeLine + "\r\nhello\r\n0\r\n\r\n"))
        .isInstanceOf(FramingException.class)
        .hasMessageStartingWith("chunk size line '");
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.1 100 Continue", "HTTP/1.1 102 Processing", "HTTP/1.1 150 x", "HTTP/1.1 199 x"})
  void statuses_from_100_to_199_other_than_101_are_interim(String statusLine) throws FramingException {
    Recorder r = parsed(statusLine + "\r\n\r\n" + OK + "Content-Length: 1\r\n\r\n!");
    assertThat(r.events).containsExactly("head 200 [Content-Length, 1] length 1", "body !", "end");
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 201, 299, 300, 399, 400, 404, 499, 500, 509, 590, 599})
  void final_statuses_from_200_to_599_are_delivered_as_received(int status) throws FramingException {
    Recorder r = parsed("HTTP/1.1 " + status + " Reason\r\nContent-Length: 1\r\n\r\n!");
    assertThat(r.status).isEqualTo(status);
    assertThat(r.ends).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.1 099 Low", "HTTP/1.1 600 High", "HTTP/1.1 000", "HTTP/1.1 /00", "HTTP/1.1 :00",
      "HTTP/1.1 2/0", "HTTP/1.1 2:0", "HTTP/1.1 20/", "HTTP/1.1 20:", "HTTP/1.1 20", "HTTP/1.1 2000", "HTTP/1.1 200x",
      "HTTP/1.1 200 a\u007f", "HTTP/1.1 200 a\u001f", "HTTP/1.1 200 a\u0000", "HTTP/1.1 200\tOK", "HTTP/1.1 200 OK\u0001",
      "HTTP/1.1  200", "HTTP/1.1-200 OK", "HTTP/1.10200 OK", "HTTP/1.1200 OK", "HTTP/1.2 200 OK", "HTTP/2.0 200 OK",
      "HTTP/1.3 200 OK", "http/1.1 200 OK", ""})
  void status_lines_outside_the_grammar_are_refused(String statusLine) {
    assertRefused(statusLine + "\r\nContent-Length: 0\r\n\r\n",
        "status line '" + statusLine.replace("\u007f", "\\x7f").replace("\u001f", "\\x1f").replace("\u0000", "\\x00")
            .replace("\t", "\\x09").replace("\u0001", "\\x01") + "'" + STATUS_EXPECTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"HTTP/1.1 200", "HTTP/1.1 200 ", "HTTP/1.1 200 OK", "HTTP/1.1 200 a\tb ~ \u0080\u00e9\u00ff",
      "HTTP/1.1 200 It's fine: really"})
  void reason_phrases_are_optional_and_may_hold_htab_sp_visible_ascii_and_obs_text(String statusLine)
      throws FramingException {
    assertDelivered(statusLine + "\r\nContent-Length: 2\r\n\r\nok", 200, "ok");
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\tb", "a b", "~!\"#", "\u0080\u00ff", "", "\t \t"})
  void field_values_may_hold_htab_sp_visible_ascii_and_obs_text(String value) throws FramingException {
    Recorder r = parsed(OK + "X-A: " + value + "\r\nContent-Length: 0\r\n\r\n");
    assertThat(r.fields).containsExactly("X-A", value.strip(), "Content-Length", "0");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\u0000", "\u0001", "\u001f", "\u007f", "a\u000bb"})
  void field_values_with_a_control_byte_are_refused(String value) {
    assertThatThrownBy(() -> parsed(OK + "X-A: " + value + "\r\nContent-Length: 0\r\n\r\n"))
        .isInstanceOf(FramingException.class)
        .hasMessageStartingWith("a control byte in field 'X-A' in the response head: 'X-A: ");
  }

  @Test
  void fields_arrive_in_order_with_names_as_received_and_values_without_surrounding_blanks() throws FramingException {
    Recorder r = parsed(OK + "X-A:   a b \t\r\nx-b:\r\nX-A:c\r\ncontent-LENGTH: 0\r\n\r\n");
    assertThat(r.fields).containsExactly("X-A", "a b", "x-b", "", "X-A", "c", "content-LENGTH", "0");
  }

  @Test
  void framing_field_names_and_the_chunked_coding_are_case_insensitive() throws FramingException {
    assertDelivered(OK + "CONTENT-LENGTH: 5\r\n\r\nhello", 200, "hello");
    assertDelivered(OK + "content-length: 5\r\n\r\nhello", 200, "hello");
    assertDelivered(OK + "transfer-encoding: CHUNKED\r\n\r\n" + CHUNKED_HELLO, 200, "hello");
    assertDelivered(OK + "Transfer-Encoding:chunked \t\r\n\r\n" + CHUNKED_HELLO, 200, "hello");
  }

  // ------------------------------------------------------------------ framing

  @Test
  void the_head_says_http_1_0_and_the_framings_length() throws FramingException {
    assertThat(parsed("HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello").events)
        .containsExactly("head 200 HTTP/1.0 [Content-Length, 5] length 5", "body hello", "end");
    assertThat(parsed(OK + "Content-Length: 5\r\n\r\nhello").events)
        .containsExactly("head 200 [Content-Length, 5] length 5", "body hello", "end");
    assertThat(parsed("HTTP/1.0 100 Continue\r\n\r\n" + OK + "Content-Length: 0\r\n\r\n").events)
        .containsExactly("head 200 [Content-Length, 0] length 0", "end");
    assertThat(parsed(CHUNKED + CHUNKED_HELLO).events)
        .containsExactly("head 200 [Transfer-Encoding, chunked] length -1", "body hello", "end");
    assertThat(parsed(OK + "Content-Length: 0\r\n\r\n").events).containsExactly("head 200 [Content-Length, 0] length 0", "end");
    assertThat(parsed("HTTP/1.0 200 OK\r\n\r\nuntil close").events)
        .containsExactly("head 200 HTTP/1.0 [] length -1", "body until close");
  }

  @Test
  void a_body_read_until_close_ends_with_the_close() throws FramingException {
    ResponseParser parser = expecting("GET");
    Recorder r = new Recorder();
    parse(parser, OK + "\r\nuntil", r);
    parse(parser, " close", r);
    assertThat(parser.idle()).isFalse();
    assertThat(r.ends).isZero();

    assertThat(parser.closed(r)).isTrue();
    assertThat(r.events).containsExactly("head 200 [] length -1", "body until close", "end");
    assertThat(parser.idle()).isTrue();
  }

  @Test
  void a_fixed_body_split_across_reads_ends_at_its_length() throws FramingException {
    ResponseParser parser = expecting("GET");
    Recorder r = new Recorder();
    parse(parser, OK + "Content-Length: 10\r\n\r\nhello", r);
    assertThat(r.ends).isZero();
    parse(parser, "wor", r);
    assertThat(r.ends).isZero();
    parse(parser, "ld", r);
    assertThat(r.events).containsExactly("head 200 [Content-Length, 10] length 10", "body helloworld", "end");
    assertThat(parser.idle()).isTrue();
  }

  @ParameterizedTest
  @ValueSource(strings = {"Content-Length: 5", "Transfer-Encoding: chunked", "Content-Length: 0", "X-A: a"})
  void a_response_to_head_has_no_body_whatever_its_fields_say(String field) throws FramingException {
    ResponseParser parser = expecting("HEAD");
    Recorder r = new Recorder();
    parse(parser, OK + field + "\r\n\r\n", r);
    assertThat(r.events).containsExactly("head 200 [" + field.replace(": ", ", ") + "] length 0", "end");
    assertThat(parser.idle()).isTrue();

    parser.expect("GET");
    Recorder next = new Recorder();
    parse(parser, OK + field + "\r\n\r\n", next);
    assertThat(next.heads).isEqualTo(1);
    assertThat(parser.idle()).as("a GET's response has the body its fields say").isEqualTo(field.equals("Content-Length: 0"));
  }

  @Test
  void a_304_has_no_body_whatever_its_fields_say() throws FramingException {
    assertThat(parsed("HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n").events)
        .containsExactly("head 304 [Content-Length, 5] length 0", "end");
    assertThat(parsed("HTTP/1.1 304 Not Modified\r\nTransfer-Encoding: chunked\r\n\r\n").events)
        .containsExactly("head 304 [Transfer-Encoding, chunked] length 0", "end");
    assertThat(parsed("HTTP/1.1 304 Not Modified\r\n\r\n").events).containsExactly("head 304 [] length 0", "end");
    assertThat(parsed("HTTP/1.1 305 Use Proxy\r\nContent-Length: 1\r\n\r\n!").events)
        .containsExactly("head 305 [Content-Length, 1] length 1", "body !", "end");
  }

  @ParameterizedTest
  @ValueSource(ints = {200, 204, 299})
  void a_2xx_answer_to_connect_is_refused_for_the_gateway_opens_no_tunnels(int status) {
    assertThatThrownBy(() -> parsed("CONNECT", "HTTP/1.1 " + status + " Connection Established\r\n\r\n"))
        .isInstanceOf(FramingException.class)
        .hasMessage("a " + status + " answer to CONNECT: the gateway opens no tunnels");
  }

  @Test
  void a_refusal_of_connect_is_an_ordinary_response() throws FramingException {
    assertThat(parsed("CONNECT", "HTTP/1.1 300 Multiple\r\nContent-Length: 2\r\n\r\nno").events)
        .containsExactly("head 300 [Content-Length, 2] length 2", "body no", "end");
    assertThat(parsed("CONNECT", "HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\n\r\n").events)
        .containsExactly("head 403 [Content-Length, 0] length 0", "end");
    assertThat(parsed("GET", "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n").events)
        .containsExactly("head 200 [Content-Length, 0] length 0", "end");
  }

  @Test
  void a_204_has_no_body_and_no_framing_but_content_length_0() throws FramingException {
    assertThat(parsed("HTTP/1.1 204 No Content\r\n\r\n").events).containsExactly("head 204 [] length 0", "end");
    assertThat(parsed("HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n").events)
        .containsExactly("head 204 [Content-Length, 0] length 0", "end");
    assertRefused("HTTP/1.1 204 No Content\r\nContent-Length: 1\r\n\r\n", "a 204 response with Content-Length: 1");
    assertThat(parsed("HTTP/1.1 205 Reset Content\r\n\r\nuntil close").events)
        .containsExactly("head 205 [] length -1", "body until close");
    assertThat(parsed("HTTP/1.1 203 x\r\nContent-Length: 0\r\n\r\n").events)
        .containsExactly("head 203 [Content-Length, 0] length 0", "end");
  }

  // ------------------------------------------------------------------ reads split anywhere

  static Stream<Arguments> wholeResponses() {
    return Stream.of(
        Arguments.of("GET", OK + "Content-Length: 5\r\n\r\nhello", false),
        Arguments.of("GET", "HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n" + OK + "X-A:  a \r\n"
            + "Transfer-Encoding: chunked\r\n\r\n5;e=1\r\nhello\r\n6 ;x\r\n world\r\n0\r\nX-T: t\r\n\r\n", false),
        Arguments.of("GET", "HTTP/1.0 200 OK\r\nX-A: a\r\n\r\nuntil close", true),
        Arguments.of("HEAD", OK + "Transfer-Encoding: chunked\r\n\r\n", false),
        Arguments.of("GET", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n", false));
  }

  static List<String> whole(String method, String script, boolean close) throws FramingException {
    ResponseParser parser = expecting(method);
    Recorder r = new Recorder();
    parse(parser, script, r);
    if (close) {
      assertThat(parser.closed(r)).isTrue();
    }
    assertThat(parser.idle()).isTrue();
    assertThat(r.events).last().isEqualTo("end");
    return r.events;
  }

  @ParameterizedTest
  @MethodSource("wholeResponses")
  void a_response_split_at_any_byte_parses_as_from_one_buffer(String method, String script, boolean close)
      throws FramingException {
    List<String> expected = whole(method, script, close);
    for (int at = 0; at <= script.length(); at++) {
      ResponseParser parser = expecting(method);
      Recorder r = new Recorder();
      parse(parser, script.substring(0, at), r);
      parse(parser, script.substring(at), r);
      if (close) {
        assertThat(parser.closed(r)).isTrue();
      }
      assertThat(r.events).as("split at " + at).isEqualTo(expected);
      assertThat(parser.idle()).isTrue();
    }
  }

  @ParameterizedTest
  @MethodSource("wholeResponses")
  void a_response_fed_byte_by_byte_parses_as_from_one_buffer(String method, String script, boolean close)
      throws FramingException {
    List<String> expected = whole(method, script, close);
    ResponseParser parser = expecting(method);
    Recorder r = new Recorder();
    for (int i = 0; i < script.length(); i++) {
      assertThat(parser.idle()).as("idle before byte " + i).isFalse();
      parse(parser, script.substring(i, i + 1), r);
    }
    if (close) {
      assertThat(parser.closed(r)).isTrue();
    }
    assertThat(r.events).isEqualTo(expected);
    assertThat(parser.idle()).isTrue();
  }

  // ------------------------------------------------------------------ state

  @Test
  void started_says_whether_a_byte_of_the_expected_response_arrived() throws FramingException {
    ResponseParser parser = new ResponseParser();
    assertThat(parser.started()).isFalse();
    parser.expect("GET");
    assertThat(parser.started()).isFalse();
    parse(parser, "", new Recorder());
    assertThat(parser.started()).isFalse();
    parse(parser, "H", new Recorder());
    assertThat(parser.started()).isTrue();
    parse(parser, "TTP/1.1 204 No Content\r\n\r\n", new Recorder());
    assertThat(parser.started()).isTrue();

    parser.expect("GET");
    assertThat(parser.started()).isFalse();
  }

  @Test
  void idle_says_whether_a_response_is_expected() throws FramingException {
    ResponseParser parser = new ResponseParser();
    assertThat(parser.idle()).isTrue();
    parser.expect("GET");
    assertThat(parser.idle()).isFalse();
    Recorder r = new Recorder();
    parse(parser, "HTTP/1.1 100 Continue\r\n\r\n", r);
    assertThat(parser.idle()).isFalse();
    parse(parser, OK + "Content-Length: 1\r\n\r\n", r);
    assertThat(parser.idle()).isFalse();
    parse(parser, "!", r);
    assertThat(parser.idle()).isTrue();
  }

  static Stream<Arguments> cutShort() {
    return Stream.of(
        Arguments.of(""),
        Arguments.of("HTTP/1.1 2"),
        Arguments.of("HTTP/1.1 200 OK\r"),
        Arguments.of(OK),
        Arguments.of("HTTP/1.1 100 Continue\r\n\r\n"),
        Arguments.of(OK + "Content-Length: 5\r\n"),
        Arguments.of(OK + "Content-Length: 5\r\n\r\nhell"),
        Arguments.of(CHUNKED),
        Arguments.of(CHUNKED + "5"),
        Arguments.of(CHUNKED + "5\r\nhel"),
        Arguments.of(CHUNKED + "5\r\nhello"),
        Arguments.of(CHUNKED + "5\r\nhello\r"),
        Arguments.of(CHUNKED + "5\r\nhello\r\n"),
        Arguments.of(CHUNKED + "0\r\n"),
        Arguments.of(CHUNKED + "0\r\nX-T: t\r\n"));
  }

  @ParameterizedTest
  @MethodSource("cutShort")
  void a_close_before_the_end_cuts_the_response_short(String script) throws FramingException {
    ResponseParser parser = expecting("GET");
    Recorder r = new Recorder();
    parse(parser, script, r);
    assertThat(parser.closed(r)).isFalse();
    assertThat(r.ends).isZero();
  }

  @Test
  void a_close_after_the_end_or_before_any_request_is_no_cut_and_ends_nothing_more() throws FramingException {
    ResponseParser parser = new ResponseParser();
    Recorder r = new Recorder();
    assertThat(parser.closed(r)).isTrue();

    parser.expect("GET");
    parse(parser, OK + "Content-Length: 0\r\n\r\n", r);
    assertThat(parser.closed(r)).isTrue();
    assertThat(r.events).containsExactly("head 200 [Content-Length, 0] length 0", "end");
  }
}

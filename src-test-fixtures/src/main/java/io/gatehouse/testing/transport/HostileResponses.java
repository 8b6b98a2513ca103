package io.gatehouse.testing.transport;

import io.gatehouse.Unstable;
import io.gatehouse.spi.UpstreamException.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@link TransportItem#HOSTILE_FRAMING} table: each row is the exact bytes an upstream answers
 * one request with, and what the caller must get. The kit plays each row over a socket; a
 * transport's own tests may drive the same rows through its parser in memory (the gateway's does,
 * in ResponseFramingGuardTest), so that one table says what every layer refuses.
 *
 * <pre>{@code
 * HostileResponses.rows()
 *     .filter(row -> row.outcome() == HostileResponses.Outcome.FAILS_BEFORE_HEAD)
 *     .forEach(row -> assertThatThrownBy(() -> parser.parse(row.script())).as(row.name()) ...);
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public final class HostileResponses {
  /** In a script: flush, then pause, so that what follows arrives in a later read. */
  public static final String PAUSE = "<pause>";
  /** At the end of a script: the upstream closes the connection after writing it. */
  public static final String CLOSE = "<close>";
  /** The most field lines a response head may have (README, "Upstream responses"). */
  public static final int MAX_FIELDS = 256;
  /** The longest line, in bytes without its CRLF, a response head may have. */
  public static final int MAX_LINE = 64 * 1024;
  /** The status line most rows start with. */
  public static final String OK = "HTTP/1.1 200 OK\r\n";
  /** A chunked body of "hello", last chunk included. */
  public static final String CHUNKED_HELLO = "5\r\nhello\r\n0\r\n\r\n";

  private HostileResponses() {}

  /** What the caller of the first call gets. */
  public enum Outcome {
    /** The response, whole; the connection goes back to the pool and serves the next call. */
    DELIVERED_REUSED,
    /** The response, whole; the connection is not reused (read until close, HTTP/1.0). */
    DELIVERED_CLOSED,
    /** The stage fails with PROTOCOL_ERROR (the gateway answers 502); the connection is closed. */
    FAILS_BEFORE_HEAD,
    /** The head arrives, then the body fails (the gateway aborts its client's response). */
    BODY_FAILS
  }

  /**
   * One row.
   *
   * @param name what the row tests; also its {@link #toString()}
   * @param method the request's method (GET, or HEAD for bodiless responses)
   * @param script the response's bytes, one char each (ISO-8859-1), with {@link #PAUSE} and
   *     {@link #CLOSE} marks
   * @param outcome what the caller gets
   * @param status the status delivered; 0 if it fails before the head
   * @param body the body delivered (ISO-8859-1); null unless delivered
   * @param kind the failure's kind; null if delivered
   */
  public record Row(String name, String method, String script, Outcome outcome, int status, String body, Kind kind) {
    static Row failsBeforeHead(String name, String script) {
      return new Row(name, "GET", script, Outcome.FAILS_BEFORE_HEAD, 0, null, Kind.PROTOCOL_ERROR);
    }

    static Row bodyFails(String name, String script, Kind kind) {
      return new Row(name, "GET", script, Outcome.BODY_FAILS, 200, null, kind);
    }

    static Row reused(String name, int status, String body, String script) {
      return new Row(name, "GET", script, Outcome.DELIVERED_REUSED, status, body, null);
    }

    static Row closed(String name, int status, String body, String script) {
      return new Row(name, "GET", script, Outcome.DELIVERED_CLOSED, status, body, null);
    }

    Row method(String m) {
      return new Row(name, m, script, outcome, status, body, kind);
    }

    @Override
    public String toString() {
      return name;
    }
  }

  /**
   * Every row, a new stream each call.
   *
   * @return the rows
   */
  public static Stream<Row> rows() {
    List<Row> rows = new ArrayList<>();
    rows.add(Row.reused("baseline: Content-Length", 200, "hello", OK + "Content-Length: 5\r\n\r\nhello"));
    rows.add(Row.reused("baseline: chunked", 200, "hello", OK + "Transfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO));
    rows.add(Row.reused("TE: Chunked (codings are case-insensitive)", 200, "hello",
        OK + "Transfer-Encoding: Chunked\r\n\r\n" + CHUNKED_HELLO));
    rows.add(Row.reused("Content-Length with leading zeros", 200, "hello", OK + "Content-Length: 00005\r\n\r\nhello"));
    rows.add(Row.reused("no reason phrase", 200, "hello", "HTTP/1.1 200\r\nContent-Length: 5\r\n\r\nhello"));
    rows.add(Row.reused("empty reason phrase", 200, "hello", "HTTP/1.1 200 \r\nContent-Length: 5\r\n\r\nhello"));

    // Content-Length together with Transfer-Encoding, in both orders, with every coding.
    for (String te : List.of("chunked", "Chunked", "chunked, identity", "identity", "gzip, chunked", "xchunked")) {
      rows.add(Row.failsBeforeHead("CL then TE: " + te,
          OK + "Content-Length: 5\r\nTransfer-Encoding: " + te + "\r\n\r\n" + CHUNKED_HELLO));
      rows.add(Row.failsBeforeHead("TE: " + te + " then CL",
          OK + "Transfer-Encoding: " + te + "\r\nContent-Length: 5\r\n\r\n" + CHUNKED_HELLO));
      rows.add(Row.failsBeforeHead("TE: " + te + " then CL: 0",
          OK + "Transfer-Encoding: " + te + "\r\nContent-Length: 0\r\n\r\n" + CHUNKED_HELLO));
    }
    // Transfer-Encoding other than one final chunked.
    for (String te : List.of("chunked, identity", "identity", "gzip, chunked", "xchunked", "chunked, chunked",
        "chunked;q=1", "\"chunked\"", "gzip", "")) {
      rows.add(Row.failsBeforeHead("TE alone: '" + te + "'", OK + "Transfer-Encoding: " + te + "\r\n\r\n" + CHUNKED_HELLO));
    }
    rows.add(Row.failsBeforeHead("two TE: chunked fields",
        OK + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO));

    // Content-Length values and repetitions.
    rows.add(Row.failsBeforeHead("two equal CL", OK + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello"));
    rows.add(Row.failsBeforeHead("two different CL", OK + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"));
    for (String cl : List.of("1, 1", "5, 5", "-1", "+5", "-0", "5.0", "0x5", "5 5", "five", "", "1e1",
        "0000000000000000000000005", "99999999999999999999", "9223372036854775808")) {
      rows.add(Row.failsBeforeHead("CL: '" + cl + "'", OK + "Content-Length: " + cl + "\r\n\r\nhello"));
    }

    // Chunk framing: the head arrives first, then the body fails.
    for (String size : List.of("-1", "-5", "0x5", " 5", "+5", "0000000000000000005", "10000000000000000", "", "zz",
        "5 ", "5\u0000", "5;ext\u0001")) {
      rows.add(Row.bodyFails("chunk size '" + size + "'",
          OK + "Transfer-Encoding: chunked\r\n\r\n" + PAUSE + size + "\r\nhello\r\n0\r\n\r\n", Kind.PROTOCOL_ERROR));
    }
    rows.add(Row.reused("chunk extensions", 200, "hello",
        OK + "Transfer-Encoding: chunked\r\n\r\n5;name=value ; other\r\nhello\r\n0;x\r\n\r\n"));
    rows.add(Row.reused("trailers", 200, "hello",
        OK + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nX-Trailer: t\r\n\r\n"));
    rows.add(Row.bodyFails("chunk data not followed by CRLF",
        OK + "Transfer-Encoding: chunked\r\n\r\n" + PAUSE + "5\r\nhelloX\r\n0\r\n\r\n", Kind.PROTOCOL_ERROR));
    rows.add(Row.bodyFails("chunk data followed by bare LF",
        OK + "Transfer-Encoding: chunked\r\n\r\n" + PAUSE + "5\r\nhello\n0\r\n\r\n", Kind.PROTOCOL_ERROR));
    rows.add(Row.bodyFails("chunk data followed by a request line",
        OK + "Transfer-Encoding: chunked\r\n\r\n" + PAUSE + "5\r\nhelloGET / HTTP/1.1\r\n\r\n0\r\n\r\n",
        Kind.PROTOCOL_ERROR));
    rows.add(Row.bodyFails("a control byte in a trailer",
        OK + "Transfer-Encoding: chunked\r\n\r\n" + PAUSE + "5\r\nhello\r\n0\r\nX-T: a\u0001\r\n\r\n",
        Kind.PROTOCOL_ERROR));

    // Bodies longer or shorter than declared.
    String smuggled = "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nevil";
    rows.add(Row.failsBeforeHead("body longer than CL, in the same packet",
        OK + "Content-Length: 5\r\n\r\nhello" + smuggled));
    rows.add(Row.failsBeforeHead("bytes after the last chunk, in the same packet",
        OK + "Transfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO + smuggled));
    rows.add(Row.closed("body longer than CL, the rest arriving while the connection is idle", 200, "hello",
        OK + "Content-Length: 5\r\n\r\nhello" + PAUSE + smuggled));
    rows.add(Row.bodyFails("body shorter than CL, then close",
        OK + "Content-Length: 10\r\n\r\n" + PAUSE + "hello" + CLOSE, Kind.CONNECTION_RESET));
    rows.add(Row.bodyFails("chunked body cut inside a chunk, then close",
        OK + "Transfer-Encoding: chunked\r\n\r\n" + PAUSE + "a\r\nhello" + CLOSE, Kind.CONNECTION_RESET));
    rows.add(Row.bodyFails("chunked body without its last chunk, then close",
        OK + "Transfer-Encoding: chunked\r\n\r\n" + PAUSE + "5\r\nhello\r\n" + CLOSE, Kind.CONNECTION_RESET));
    rows.add(Row.closed("no framing: read until close", 200, "until close", OK + "\r\nuntil close" + CLOSE));
    rows.add(Row.closed("HTTP/1.0 without keep-alive", 200, "hello", "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello"));

    // Field lines.
    for (String field : List.of("X-A: a\rb", "X-A: a\u0000b", "X-A: a\u0001b", "X-A: a\u001bb", "X-A: a\u007fb",
        "X-A: a\u000bb", "X-A: a\u000cb", "X-A: a\nb: c", "X-A : a", "X-A\t: a", ": a", "X A: a", "X-A a", "X-A(: a",
        "X-A: a\r\n b", "X-A: a\r\n\tb", " X-A: a", "\tX-A: a", "Content-Length : 5")) {
      rows.add(Row.failsBeforeHead("field '" + field.replace("\r", "\\r").replace("\n", "\\n") + "'",
          OK + field + "\r\nContent-Length: 5\r\n\r\nhello"));
    }
    rows.add(Row.failsBeforeHead("a bare LF ending a field line", OK + "X-A: a\nContent-Length: 5\r\n\r\nhello"));
    rows.add(Row.failsBeforeHead("a bare LF ending the head", OK + "Content-Length: 5\r\n\nhello"));
    rows.add(Row.reused("HTAB and obs-text in a value", 200, "hello",
        OK + "X-A: a\tb \u00e9\r\nContent-Length: 5\r\n\r\nhello"));

    // Bounds: field count and line length, at the limit and one past it.
    rows.add(Row.reused(MAX_FIELDS + " fields", 200, "hello",
        OK + "X-F: f\r\n".repeat(MAX_FIELDS - 1) + "Content-Length: 5\r\n\r\nhello"));
    rows.add(Row.failsBeforeHead(MAX_FIELDS + 1 + " fields",
        OK + "X-F: f\r\n".repeat(MAX_FIELDS) + "Content-Length: 5\r\n\r\nhello"));
    rows.add(Row.reused("a field line of " + MAX_LINE + " bytes", 200, "hello",
        OK + "X-L: " + "l".repeat(MAX_LINE - 5) + "\r\nContent-Length: 5\r\n\r\nhello"));
    rows.add(Row.failsBeforeHead("a field line of " + (MAX_LINE + 1) + " bytes",
        OK + "X-L: " + "l".repeat(MAX_LINE - 4) + "\r\nContent-Length: 5\r\n\r\nhello"));

    // Status lines.
    for (String status : List.of("HTTP/1.1 600 Nope", "HTTP/1.1 099 Low", "HTTP/1.1 000 Zero", "HTTP/1.1 999 High",
        "HTTP/1.1 20 OK", "HTTP/1.1 2000 OK", "HTTP/1.1 -200 OK", "HTTP/1.1 2x0 OK", "HTTP/1.1  200 OK",
        "HTTP/1.1 200\tOK", "HTTP/1.1 200 O\u0001K", "HTTP/1.1 200 OK\rX", "http/1.1 200 OK", "HTTP/2 200 OK",
        "HTTP/1.2 200 OK", "HTTP/0.9 200 OK", "ICY 200 OK", " HTTP/1.1 200 OK", "", "garbage")) {
      rows.add(Row.failsBeforeHead("status line '" + status.replace("\r", "\\r") + "'",
          status + "\r\nContent-Length: 5\r\n\r\nhello"));
    }

    // Interim responses.
    for (String interim : List.of("100 Continue", "102 Processing", "103 Early Hints\r\nLink: </a.css>; rel=preload")) {
      rows.add(Row.reused("interim " + interim.substring(0, 3), 200, "hello",
          "HTTP/1.1 " + interim + "\r\n\r\n" + OK + "Content-Length: 5\r\n\r\nhello"));
    }
    rows.add(Row.reused("16 interim responses", 200, "hello",
        "HTTP/1.1 103 Early Hints\r\n\r\n".repeat(16) + OK + "Content-Length: 5\r\n\r\nhello"));
    rows.add(Row.failsBeforeHead("17 interim responses",
        "HTTP/1.1 103 Early Hints\r\n\r\n".repeat(17) + OK + "Content-Length: 5\r\n\r\nhello"));
    rows.add(Row.failsBeforeHead("101 to a request that asked for no upgrade",
        "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n"
            + OK + "Content-Length: 5\r\n\r\nhello"));
    rows.add(Row.failsBeforeHead("interim with a Content-Length",
        "HTTP/1.1 100 Continue\r\nContent-Length: 5\r\n\r\nhello" + OK + "Content-Length: 5\r\n\r\nhello"));

    // Bodiless responses with a body.
    rows.add(Row.failsBeforeHead("204 with Content-Length: 5 and a body",
        "HTTP/1.1 204 No Content\r\nContent-Length: 5\r\n\r\nhello"));
    rows.add(Row.failsBeforeHead("204 with Transfer-Encoding: chunked",
        "HTTP/1.1 204 No Content\r\nTransfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO));
    rows.add(Row.failsBeforeHead("204 followed by body bytes", "HTTP/1.1 204 No Content\r\n\r\nhello"));
    rows.add(Row.reused("204 with Content-Length: 0", 204, "", "HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n"));
    rows.add(Row.reused("304 with the representation's Content-Length", 304, "",
        "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\n"));
    rows.add(Row.failsBeforeHead("304 followed by body bytes", "HTTP/1.1 304 Not Modified\r\nContent-Length: 5\r\n\r\nhello"));
    rows.add(Row.reused("HEAD: 200 with Content-Length, no body", 200, "", OK + "Content-Length: 5\r\n\r\n").method("HEAD"));
    rows.add(Row.reused("HEAD: 200 chunked, no body", 200, "", OK + "Transfer-Encoding: chunked\r\n\r\n").method("HEAD"));
    rows.add(Row.failsBeforeHead("HEAD: 200 followed by body bytes", OK + "Content-Length: 5\r\n\r\nhello")
        .method("HEAD"));
    rows.add(Row.failsBeforeHead("HEAD: 200 chunked followed by a chunked body",
        OK + "Transfer-Encoding: chunked\r\n\r\n" + CHUNKED_HELLO).method("HEAD"));
    return rows.stream();
  }
}

package io.gatehouse.testing;

import io.gatehouse.http.HttpHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ProtocolException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;

/**
 * Reads HTTP/1.1 requests off one connection, one after the other: the request line, the
 * headers, and the body by Content-Length or chunked (trailers dropped). Blocking; the socket's
 * read timeout bounds each read. Invalid input fails with a {@link ProtocolException}.
 */
final class Http1Reader {
  static final int MAX_LINE = 16 * 1024;
  static final int MAX_HEADERS = 200;

  /** One request as read. */
  record Received(String method, String target, String version, HttpHeaders headers, byte[] body) {

    String path() {
      int query = target.indexOf('?');
      return query < 0 ? target : target.substring(0, query);
    }

    Optional<String> rawQuery() {
      int query = target.indexOf('?');
      return query < 0 ? Optional.empty() : Optional.of(target.substring(query + 1));
    }

    /** Whether the connection stays open after the answer: the HTTP/1.1 default unless the client says close. */
    boolean keepAlive() {
      boolean close = false;
      boolean keepAlive = false;
      for (String value : headers.all("Connection")) {
        for (String token : value.split(",")) {
          String t = token.trim().toLowerCase(Locale.ROOT);
          close |= t.equals("close");
          keepAlive |= t.equals("keep-alive");
        }
      }
      return !close && (version.equals("HTTP/1.1") || keepAlive);
    }
  }

  /** Called when a request asks {@code Expect: 100-continue}, before its body is read. */
  @FunctionalInterface
  interface Continue {
    void send() throws IOException;
  }

  private final InputStream in;
  private final long maxBody;

  /**
   * @param in the connection's input, buffered
   * @param maxBody the largest body read; a larger one is a protocol error
   */
  Http1Reader(InputStream in, long maxBody) {
    this.in = in;
    this.maxBody = maxBody;
  }

  /**
   * The next request, or empty if the client closed the connection between requests.
   *
   * @param expectContinue sends the interim response a client waiting on {@code 100-continue} needs
   */
  Optional<Received> next(Continue expectContinue) throws IOException {
    String requestLine = readLine(true);
    // RFC 9112 2.2: a server should ignore at least one empty line before a request line.
    for (int empty = 0; requestLine != null && requestLine.isEmpty(); empty++) {
      if (empty == 8) {
        throw new ProtocolException("empty lines: more than 8 before a request line (expected: a request line)");
      }
      requestLine = readLine(true);
    }
    if (requestLine == null) {
      return Optional.empty();
    }
    String[] parts = requestLine.split(" ", -1);
    if (parts.length != 3 || parts[0].isEmpty() || parts[1].isEmpty() || !parts[2].startsWith("HTTP/1.")) {
      throw new ProtocolException("request line: '" + requestLine + "' (expected: METHOD SP target SP HTTP/1.x)");
    }
    HttpHeaders headers = readHeaders();
    if (headers.first("Expect").filter(e -> e.equalsIgnoreCase("100-continue")).isPresent()) {
      expectContinue.send();
    }
    return Optional.of(new Received(parts[0], parts[1], parts[2], headers, readBody(headers)));
  }

  private HttpHeaders readHeaders() throws IOException {
    HttpHeaders.Builder headers = HttpHeaders.builder();
    for (int count = 0; ; count++) {
      String line = readLine(false);
      if (line.isEmpty()) {
        return headers.build();
      }
      if (count == MAX_HEADERS) {
        throw new ProtocolException("headers: more than " + MAX_HEADERS + " (expected: fewer)");
      }
      int colon = line.indexOf(':');
      String name = colon > 0 ? line.substring(0, colon) : "";
      String value = colon > 0 ? line.substring(colon + 1).trim() : "";
      if (!HttpHeaders.isValidName(name) || !HttpHeaders.isValidValue(value)) {
        throw new ProtocolException("header line: '" + line + "' (expected: name: value)");
      }
      headers.add(name, value);
    }
  }

  private byte[] readBody(HttpHeaders headers) throws IOException {
    Optional<String> encoding = headers.first("Transfer-Encoding");
    if (encoding.isPresent()) {
      if (!encoding.get().equalsIgnoreCase("chunked")) {
        throw new ProtocolException("Transfer-Encoding: " + encoding.get() + " (expected: chunked)");
      }
      return readChunked();
    }
    Optional<String> length = headers.first("Content-Length");
    if (length.isEmpty()) {
      return new byte[0];
    }
    long n;
    try {
      n = Long.parseLong(length.get().trim());
    } catch (NumberFormatException e) {
      throw new ProtocolException("Content-Length: " + length.get() + " (expected: a number)");
    }
    if (n < 0 || n > maxBody) {
      throw new ProtocolException("Content-Length: " + n + " (expected: 0 to " + maxBody + ")");
    }
    return readExactly((int) n);
  }

  private byte[] readChunked() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine(false);
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new ProtocolException("chunk size: '" + sizeLine + "' (expected: hexadecimal digits)");
      }
      if (size < 0 || body.size() + size > maxBody) {
        throw new ProtocolException("chunked body: more than " + maxBody + " bytes (expected: at most that)");
      }
      if (size == 0) {
        while (!readLine(false).isEmpty()) {
          // trailers are dropped
        }
        return body.toByteArray();
      }
      body.write(readExactly((int) size));
      if (!readLine(false).isEmpty()) {
        throw new ProtocolException("chunk of " + size + " bytes: longer (expected: CRLF after the data)");
      }
    }
  }

  private byte[] readExactly(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new ProtocolException("body: " + bytes.length + " bytes before the end of stream (expected: " + n + ")");
    }
    return bytes;
  }

  /** A line without its CRLF (a bare LF is accepted); null at end of stream before any byte if allowed. */
  private String readLine(boolean endAllowed) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (true) {
      int b = in.read();
      if (b < 0) {
        if (endAllowed && line.size() == 0) {
          return null;
        }
        throw new ProtocolException("end of stream inside a line: '" + line.toString(StandardCharsets.ISO_8859_1) + "'");
      }
      if (b == '\n') {
        String text = line.toString(StandardCharsets.ISO_8859_1);
        return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
      }
      if (line.size() == MAX_LINE) {
        throw new ProtocolException("line: longer than " + MAX_LINE + " bytes (expected: at most that)");
      }
      line.write(b);
    }
  }
}

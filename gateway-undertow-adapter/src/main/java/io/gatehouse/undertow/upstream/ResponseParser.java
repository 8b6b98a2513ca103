package io.gatehouse.undertow.upstream;

import io.gatehouse.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the responses of one upstream connection, byte by byte where it must and in bulk through
 * bodies, and accepts only a strict subset of RFC 9112 response framing: the same subset as the
 * httpclient5 transport's framing guard (see the README's "Upstream responses"), so both
 * transports refuse the same bytes.
 *
 * <p>Accepted: {@code HTTP/1.1} or {@code HTTP/1.0} status lines with a status from 100 to 599,
 * CRLF line ends, token names directly followed by a colon, values of HTAB, SP, visible ASCII and
 * obs-text; interim 100 and 102 to 199 responses without framing fields, at most
 * {@value #MAX_INTERIM}; then exactly one framing: none for HEAD, 304 and 204 (a 204 without
 * Transfer-Encoding or a non-zero Content-Length), no 2xx to CONNECT (no tunnels), else one {@code Transfer-Encoding: chunked}
 * with chunk sizes of 1 to 15 hex digits, optional extensions and CRLF after each chunk's data, or
 * one Content-Length of 1 to 18 digits, or neither (read until close). Anything else is a
 * {@link FramingException}; the connection is then closed, never reused.
 *
 * <p>Not thread-safe: one connection's I/O thread owns it.
 */
final class ResponseParser {
  /** The longest line of a head or a chunk size line, without its CRLF. */
  static final int MAX_LINE = 64 * 1024;
  /** The most field lines in a head (and in a trailer). */
  static final int MAX_FIELDS = 256;
  /** Interim (1xx) responses accepted before a final one. */
  static final int MAX_INTERIM = 16;
  private static final int MAX_LENGTH_DIGITS = 18;
  private static final int MAX_CHUNK_SIZE_DIGITS = 15;

  /** What the parser found, as it finds it. */
  interface Listener {
    /** A final response head: status, version and fields as received (names in their case). */
    void head(int status, boolean http10, List<String> fields, long contentLength);

    /** Body bytes: {@code length} bytes of {@code source} from {@code offset}; copy what is kept. */
    void body(ByteBuffer source, int offset, int length);

    /** The response ended with the byte just parsed; bytes after it belong to no response. */
    void end();
  }

  private enum State {
    IDLE, STATUS_LINE, FIELD_LINE, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CR, CHUNK_LF, TRAILER_LINE, UNTIL_CLOSE
  }

  private State state = State.IDLE;
  private final StringBuilder line = new StringBuilder();
  private boolean lineCr;
  private boolean headOnly;
  private boolean connect;
  private boolean upgrade;
  private int status;
  private boolean http10;
  private int fields;
  private int interim;
  private int contentLengths;
  private String contentLength;
  private int transferEncodings;
  private String transferEncoding;
  private long remaining;
  private List<String> headFields = new ArrayList<>();
  private boolean sawByte;

  /**
   * Expects the response to a request of this method.
   *
   * @param method the request's method: a HEAD response has no body whatever its fields say
   */
  void expect(String method) {
    headOnly = method.equals("HEAD");
    connect = method.equals("CONNECT");
    upgrade = false;
    state = State.STATUS_LINE;
    sawByte = false;
    interim = 0;
    line.setLength(0);
    lineCr = false;
    newHead();
  }

  /**
   * Expects the response to an upgrade request ({@code GET} with {@code Upgrade}): a {@code 101}
   * ends the head, and every byte after it is passed on as body until the connection closes.
   */
  void expectUpgrade() {
    expect("GET");
    upgrade = true;
  }

  /** Whether no response is expected (the last one ended, or none was asked for). */
  boolean idle() {
    return state == State.IDLE;
  }

  /** Whether any byte of the expected response has arrived. */
  boolean started() {
    return sawByte;
  }

  /**
   * Parses every byte from the buffer's position to its limit; the position is left at the limit.
   *
   * @throws FramingException at the first byte outside the accepted framing, or at a byte that
   *     arrives while no response is expected
   */
  void parse(ByteBuffer buf, Listener listener) throws FramingException {
    int i = buf.position();
    int to = buf.limit();
    if (i < to) {
      sawByte = true;
    }
    try {
      while (i < to) {
        switch (state) {
          case IDLE -> fail((to - i) + " bytes arrived while no request was waiting for a response: "
              + preview(buf, i, to));
          case UNTIL_CLOSE -> {
            listener.body(buf, i, to - i);
            i = to;
          }
          case FIXED_BODY, CHUNK_DATA -> {
            int take = (int) Math.min(remaining, to - i);
            listener.body(buf, i, take);
            remaining -= take;
            i += take;
            if (remaining == 0) {
              if (state == State.FIXED_BODY) {
                ended(listener);
              } else {
                state = State.CHUNK_CR;
              }
            }
          }
          case CHUNK_CR -> {
            expectByte(buf.get(i++), '\r');
            state = State.CHUNK_LF;
          }
          case CHUNK_LF -> {
            expectByte(buf.get(i++), '\n');
            state = State.CHUNK_SIZE;
          }
          default -> {
            if (lineByte(buf.get(i++))) {
              String complete = line.toString();
              line.setLength(0);
              lineCr = false;
              lineEnded(complete, listener);
            }
          }
        }
      }
    } finally {
      buf.position(to);
    }
  }

  /**
   * The upstream closed the connection.
   *
   * @return true if that ends the response (read until close), false if it cut it short
   */
  boolean closed(Listener listener) {
    if (state == State.UNTIL_CLOSE) {
      ended(listener);
      return true;
    }
    return state == State.IDLE;
  }

  private boolean lineByte(byte b) throws FramingException {
    if (lineCr) {
      if (b != '\n') {
        fail("a bare CR in " + where());
      }
      return true;
    }
    if (b == '\r') {
      lineCr = true;
      return false;
    }
    if (b == '\n') {
      fail("a bare LF (expected: CRLF) in " + where());
    }
    if (line.length() >= MAX_LINE) {
      fail("a line longer than " + MAX_LINE + " bytes in " + where());
    }
    line.append((char) (b & 0xff));
    return false;
  }

  private void lineEnded(String text, Listener listener) throws FramingException {
    switch (state) {
      case STATUS_LINE -> statusLine(text);
      case FIELD_LINE -> {
        if (text.isEmpty()) {
          headEnded(listener);
        } else {
          fieldLine(text);
        }
      }
      case CHUNK_SIZE -> chunkSizeLine(text);
      case TRAILER_LINE -> {
        if (text.isEmpty()) {
          ended(listener);
        } else {
          fieldLine(text);
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void statusLine(String text) throws FramingException {
    boolean ok = (text.startsWith("HTTP/1.1 ") || text.startsWith("HTTP/1.0 "))
        && text.length() >= 12
        && text.charAt(9) >= '1' && text.charAt(9) <= '5'
        && isDigit(text.charAt(10)) && isDigit(text.charAt(11))
        && (text.length() == 12 || text.charAt(12) == ' ' && isFieldText(text, 13));
    if (!ok) {
      fail("status line '" + escaped(text) + "' (expected: HTTP/1.1, a status from 100 to 599, a reason)");
    }
    status = (text.charAt(9) - '0') * 100 + (text.charAt(10) - '0') * 10 + (text.charAt(11) - '0');
    http10 = text.charAt(7) == '0';
    state = State.FIELD_LINE;
  }

  private void fieldLine(String text) throws FramingException {
    if (++fields > MAX_FIELDS) {
      fail("more than " + MAX_FIELDS + " fields in " + where());
    }
    char first = text.charAt(0);
    if (first == ' ' || first == '\t') {
      fail("a folded line (obs-fold) in " + where() + ": '" + escaped(text) + "'");
    }
    int colon = text.indexOf(':');
    String name = colon <= 0 ? "" : text.substring(0, colon);
    if (!HttpHeaders.isValidName(name)) {
      fail("field line '" + escaped(text) + "' in " + where() + " (expected: a token, then a colon)");
    }
    if (!isFieldText(text, colon + 1)) {
      fail("a control byte in field '" + name + "' in " + where() + ": '" + escaped(text) + "'");
    }
    if (state == State.TRAILER_LINE) {
      return;
    }
    String value = text.substring(colon + 1).strip();
    if (name.equalsIgnoreCase("Content-Length")) {
      contentLengths++;
      contentLength = value;
    } else if (name.equalsIgnoreCase("Transfer-Encoding")) {
      transferEncodings++;
      transferEncoding = value;
    }
    headFields.add(name);
    headFields.add(value);
  }

  private void headEnded(Listener listener) throws FramingException {
    if (status < 200) {
      if (status == 101 && upgrade) {
        if (contentLengths > 0 || transferEncodings > 0 || http10) {
          fail("a 101 response with Content-Length or Transfer-Encoding, or in HTTP/1.0");
        }
        List<String> received = headFields;
        headFields = new ArrayList<>();
        listener.head(status, false, received, -1);
        state = State.UNTIL_CLOSE;
        return;
      }
      if (status == 101) {
        fail("101 Switching Protocols, but the gateway asks no upstream to upgrade");
      }
      if (contentLengths > 0 || transferEncodings > 0) {
        fail("an interim " + status + " response with Content-Length or Transfer-Encoding");
      }
      if (++interim > MAX_INTERIM) {
        fail("more than " + MAX_INTERIM + " interim (1xx) responses");
      }
      newHead();
      state = State.STATUS_LINE;
      return;
    }
    long length = framingLength();
    List<String> received = headFields;
    headFields = new ArrayList<>();
    if (connect && status < 300) {
      fail("a " + status + " answer to CONNECT: the gateway opens no tunnels");
    }
    if (headOnly || status == 304) {
      listener.head(status, http10, received, 0);
      ended(listener);
    } else if (status == 204) {
      if (transferEncodings > 0 || length > 0) {
        fail("a 204 response with " + (transferEncodings > 0 ? "Transfer-Encoding" : "Content-Length: " + length));
      }
      listener.head(status, http10, received, 0);
      ended(listener);
    } else if (transferEncodings > 0) {
      listener.head(status, http10, received, -1);
      state = State.CHUNK_SIZE;
    } else if (length > 0) {
      listener.head(status, http10, received, length);
      remaining = length;
      state = State.FIXED_BODY;
    } else if (length == 0) {
      listener.head(status, http10, received, 0);
      ended(listener);
    } else {
      listener.head(status, http10, received, -1);
      state = State.UNTIL_CLOSE;
    }
  }

  /** Checks the framing fields; the Content-Length, or -1 if there is none. */
  private long framingLength() throws FramingException {
    if (transferEncodings > 0 && contentLengths > 0) {
      fail("both Transfer-Encoding and Content-Length in a " + status + " response");
    }
    if (transferEncodings > 1) {
      fail(transferEncodings + " Transfer-Encoding fields (expected: one)");
    }
    if (transferEncodings == 1 && !transferEncoding.equalsIgnoreCase("chunked")) {
      fail("Transfer-Encoding: " + escaped(transferEncoding) + " (expected: chunked)");
    }
    if (contentLengths > 1) {
      fail(contentLengths + " Content-Length fields (expected: one)");
    }
    if (contentLengths == 0) {
      return -1;
    }
    boolean digits = !contentLength.isEmpty() && contentLength.length() <= MAX_LENGTH_DIGITS;
    for (int i = 0; digits && i < contentLength.length(); i++) {
      digits = isDigit(contentLength.charAt(i));
    }
    if (!digits) {
      fail("Content-Length: " + escaped(contentLength) + " (expected: 1 to " + MAX_LENGTH_DIGITS + " digits)");
    }
    return Long.parseLong(contentLength);
  }

  private void chunkSizeLine(String text) throws FramingException {
    int digits = 0;
    while (digits < text.length() && text.charAt(digits) < 0x80 && Character.digit(text.charAt(digits), 16) >= 0) {
      digits++;
    }
    int ext = digits;
    while (ext < text.length() && (text.charAt(ext) == ' ' || text.charAt(ext) == '\t')) {
      ext++;
    }
    boolean ok = digits >= 1 && digits <= MAX_CHUNK_SIZE_DIGITS
        && (digits == text.length() || ext < text.length() && text.charAt(ext) == ';' && isFieldText(text, ext));
    if (!ok) {
      fail("chunk size line '" + escaped(text) + "' (expected: 1 to " + MAX_CHUNK_SIZE_DIGITS
          + " hex digits, optional extensions)");
    }
    long size = Long.parseLong(text.substring(0, digits), 16);
    if (size == 0) {
      fields = 0;
      state = State.TRAILER_LINE;
    } else {
      remaining = size;
      state = State.CHUNK_DATA;
    }
  }

  private static void expectByte(byte actual, char expected) throws FramingException {
    if (actual != expected) {
      fail("chunk data not followed by CRLF (found '" + escaped(String.valueOf((char) (actual & 0xff))) + "')");
    }
  }

  private void ended(Listener listener) {
    state = State.IDLE;
    newHead();
    listener.end();
  }

  private void newHead() {
    status = 0;
    http10 = false;
    fields = 0;
    contentLengths = 0;
    contentLength = null;
    transferEncodings = 0;
    transferEncoding = null;
    headFields.clear();
  }

  private String where() {
    return switch (state) {
      case STATUS_LINE -> "the status line";
      case FIELD_LINE -> "the response head";
      case CHUNK_SIZE -> "a chunk size line";
      case TRAILER_LINE -> "the trailer";
      default -> "the response";
    };
  }

  private static void fail(String message) throws FramingException {
    throw new FramingException(message);
  }

  private static boolean isFieldText(String s, int from) {
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static String preview(ByteBuffer buf, int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to && sb.length() < 64; i++) {
      sb.append((char) (buf.get(i) & 0xff));
    }
    return "'" + escaped(sb.toString()) + "'";
  }

  private static String escaped(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format("\\x%02x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  /** The upstream's bytes left the accepted framing; the message says where and how. */
  static final class FramingException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    FramingException(String message) {
      super(message);
    }
  }
}

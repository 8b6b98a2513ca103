package io.gatehouse.impl.upstream;

import io.gatehouse.http.HttpHeaders;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.util.ArrayDeque;
import java.util.Locale;
import java.util.concurrent.locks.Lock;
import org.apache.hc.core5.function.Decorator;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.reactor.Command;
import org.apache.hc.core5.reactor.IOEventHandler;
import org.apache.hc.core5.reactor.IOSession;
import org.apache.hc.core5.util.Timeout;

/**
 * Watches the plain bytes of one upstream connection (after TLS) and fails the connection as soon
 * as they leave a strict subset of RFC 9112 response framing, before httpcore parses them.
 *
 * <p>Why a second parser: httpcore5 5.3 is lenient where a lenient reading lets a compromised or
 * buggy upstream desynchronise a pooled connection, so that its extra bytes become the response to
 * the next client's request (response queue poisoning). It lets Transfer-Encoding win over a
 * Content-Length, reads chunk sizes with {@code Long.parseLong(s, 16)} (so {@code -1} skips a
 * line, {@code +a}, {@code " 5"} and twenty leading zeros pass), accepts a signed Content-Length,
 * bare LF line ends, obs-fold, control bytes in values and a space before a header's colon, and
 * it never looks at bytes that arrive after a response has ended. Its parsers cannot be replaced
 * through httpclient5's builder; an {@link IOSession} decorator can see every byte first.
 *
 * <p>What passes is parsed the same way by httpcore: the guard only ever rejects. Accepted:
 * {@code HTTP/1.1} or {@code HTTP/1.0} status lines with a status from 100 to 599, CRLF line ends,
 * token names directly followed by a colon, values of HTAB, SP, visible ASCII and obs-text;
 * interim 100 and 102 to 199 (not 101) responses without a body, at most {@value #MAX_INTERIM}
 * of them; then exactly one framing: none for HEAD, 304, and 204 (without Transfer-Encoding or a
 * non-zero Content-Length), else one {@code Transfer-Encoding: chunked} with chunk sizes of 1 to
 * 15 hex digits, optional extensions and CRLF after each chunk's data, or one Content-Length of 1
 * to 18 digits, or neither (read until close; httpcore then does not reuse the connection). Bytes
 * that arrive while no request is waiting for its response fail the connection too. Everything
 * else is an {@link UpstreamFramingException} from {@link #read}, which makes httpcore fail the
 * exchange and close the connection.
 *
 * <p>Requests are followed on the outbound side, whose bytes httpcore writes itself: each request
 * line's method (whether the response can have a body) is queued as it is written, and its
 * framing says where the next request starts, so a response that ends before its request body
 * does (an early 4xx) keeps both sides in step. A guard that lost track would only refuse more,
 * never accept what httpcore would misread: it never changes what httpcore sees.
 *
 * <p>An HTTP/2 connection (ALPN {@code h2}) is recognised by the client's connection preface,
 * the first bytes ever written on it ({@code PRI * HTTP/2.0}, which no HTTP/1.1 request line can
 * be): its frames carry their own lengths and httpcore's frame parser reads them, so the guard
 * steps aside and only keeps tracking the connection's socket timeout.
 *
 * <p>Threads: reads run on the connection's I/O thread; writes may also come from a thread that
 * streams a request body, so the state is guarded by this object's monitor.
 */
final class ResponseFramingGuard implements IOSession {
  /** Decorates an upstream connection (the plain session, or its TLS layer) that no transport follows; for tests. */
  static final Decorator<IOSession> DECORATOR = ResponseFramingGuard::new;

  /**
   * Decorates every upstream connection of a transport, each registered with {@code open} from
   * its first write (its request) until it closes.
   */
  static Decorator<IOSession> decorator(BodyIdleTimeouts open) {
    return session -> new ResponseFramingGuard(session, open);
  }

  /** The longest line of a head or chunk size line, without its CRLF (httpcore is set to match). */
  static final int MAX_LINE = 64 * 1024;
  /** The most field lines in a head; also the transport's {@code Http1Config.maxHeaderCount}. */
  static final int MAX_FIELDS = 256;
  /** Interim (1xx) responses accepted before a final one. */
  static final int MAX_INTERIM = 16;
  private static final int MAX_LENGTH_DIGITS = 18;
  private static final int MAX_CHUNK_SIZE_DIGITS = 15;
  private static final int MAX_METHOD = 32;

  /** Where the outbound stream is. */
  private enum Out {
    START, REQUEST_LINE, REQUEST_FIELD, FIXED, CHUNK_SIZE, CHUNK_DATA, CHUNK_END, TRAILER, LOST
  }

  /** Where the inbound stream is. */
  private enum State {
    IDLE, STATUS_LINE, FIELD_LINE, FIXED_BODY, CHUNK_SIZE, CHUNK_DATA, CHUNK_CR, CHUNK_LF, TRAILER_LINE,
    UNTIL_CLOSE
  }

  private final IOSession session;
  private final BodyIdleTimeouts open; // null for a guard no transport follows
  private volatile boolean tracked; // registered with open, once its addresses are known
  /** Whether the connection speaks HTTP/2, known from its first write; never set back. */
  private volatile boolean http2;
  // Guarded by this: whether any byte has been written yet.
  private boolean writing;

  // Guarded by this.
  /** Methods of the requests written and not answered yet (at most one, but a queue costs nothing). */
  private final ArrayDeque<String> outstanding = new ArrayDeque<>();
  private Out out = Out.START;
  /** Whether the request being written has been added to {@code outstanding}. */
  private boolean registered;
  private final StringBuilder outLine = new StringBuilder();
  private long outLength;
  private boolean outChunked;
  private long outRemaining;
  private State state = State.IDLE;
  private final StringBuilder line = new StringBuilder();
  private boolean lineCr;
  private int status;
  private int fields;
  private int interim;
  private int contentLengths;
  private String contentLength;
  private int transferEncodings;
  private String transferEncoding;
  private long remaining;
  private String failure;

  private ResponseFramingGuard(IOSession session) {
    this(session, null);
  }

  private ResponseFramingGuard(IOSession session, BodyIdleTimeouts open) {
    this.session = session;
    this.open = open;
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    synchronized (this) {
      if (failure != null) {
        throw new UpstreamFramingException(failure);
      }
    }
    int start = dst.position();
    int n;
    try {
      n = session.read(dst);
    } catch (IOException e) {
      throw cutShort(e);
    }
    if (n < 0) {
      if (open != null) {
        open.closed(this);
      }
      synchronized (this) {
        if (state == State.STATUS_LINE || state == State.FIELD_LINE) {
          throw new ResponseCutShortException("the connection closed inside a response head");
        }
      }
    }
    if (n > 0 && !http2) {
      synchronized (this) {
        inspect(dst, start, start + n);
      }
    }
    return n;
  }

  /** A reset inside a response head says that the upstream had the request: never resend it. */
  private IOException cutShort(IOException e) {
    synchronized (this) {
      if (state == State.STATUS_LINE || state == State.FIELD_LINE) {
        ResponseCutShortException cut = new ResponseCutShortException("the connection failed inside a response head: " + e);
        cut.initCause(e);
        return cut;
      }
    }
    return e;
  }

  @Override
  public int write(ByteBuffer src) throws IOException {
    if (!tracked && open != null) {
      tracked = open.opened(this);
    }
    int start = src.position();
    if (http2) {
      return session.write(src);
    }
    synchronized (this) {
      if (!writing) {
        writing = true;
        if (isHttp2Preface(src, start, src.limit())) {
          http2 = true;
          return session.write(src);
        }
      }
      // Before the bytes leave: a fast upstream may answer before write() returns.
      registerEarly(src, start, src.limit());
    }
    int n = session.write(src);
    if (n > 0) {
      synchronized (this) {
        written(src, start, start + n);
      }
    }
    return n;
  }

  private static final byte[] HTTP2_PREFACE = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  /** Whether the first bytes of a connection are the whole HTTP/2 client preface (httpcore writes it in one buffer). */
  private static boolean isHttp2Preface(ByteBuffer src, int from, int to) {
    if (to - from < HTTP2_PREFACE.length) {
      return false;
    }
    for (int i = 0; i < HTTP2_PREFACE.length; i++) {
      if (src.get(from + i) != HTTP2_PREFACE[i]) {
        return false;
      }
    }
    return true;
  }

  /** Whether the connection speaks HTTP/2; for tests. */
  boolean http2() {
    return http2;
  }

  /** If these bytes start a request and hold its whole method token, registers the request now. */
  private void registerEarly(ByteBuffer src, int from, int to) {
    if (out != Out.START || registered) {
      return;
    }
    for (int i = from; i < to && i - from <= MAX_METHOD; i++) {
      char c = (char) (src.get(i) & 0xff);
      if (c == ' ') {
        if (i > from) {
          outstanding.add(ascii(src, from, i));
          registered = true;
        }
        return;
      }
      if (!isTchar(c)) {
        return;
      }
    }
  }

  /**
   * Follows the outbound stream (httpcore's own, well-formed writing) to know where each request
   * starts: after a head without a body, after Content-Length bytes, or after the last chunk and
   * its trailers. A request whose body is cut short is followed by a closed connection.
   */
  private void written(ByteBuffer src, int from, int to) {
    int i = from;
    while (i < to) {
      switch (out) {
        case LOST:
          return;
        case START:
          out = Out.REQUEST_LINE;
          continue;
        case FIXED:
        case CHUNK_DATA: {
          long take = Math.min(outRemaining, to - i);
          outRemaining -= take;
          i += (int) take;
          if (outRemaining == 0) {
            if (out == Out.FIXED) {
              requestEnded();
            } else {
              out = Out.CHUNK_END;
              outRemaining = 2; // CRLF
            }
          }
          continue;
        }
        case CHUNK_END:
          i++;
          if (--outRemaining == 0) {
            out = Out.CHUNK_SIZE;
          }
          continue;
        default:
          char c = (char) (src.get(i++) & 0xff);
          if (c == '\r') {
            continue;
          }
          if (c != '\n') {
            if (outLine.length() >= MAX_LINE) {
              lost();
              return;
            }
            outLine.append(c);
            continue;
          }
          String text = outLine.toString();
          outLine.setLength(0);
          outLineEnded(text);
      }
    }
  }

  private void outLineEnded(String text) {
    switch (out) {
      case REQUEST_LINE -> {
        int space = text.indexOf(' ');
        if (space <= 0) {
          lost();
          return;
        }
        if (!registered) {
          outstanding.add(text.substring(0, space));
          registered = true;
        }
        outLength = 0;
        outChunked = false;
        out = Out.REQUEST_FIELD;
      }
      case REQUEST_FIELD -> {
        if (!text.isEmpty()) {
          int colon = text.indexOf(':');
          if (named(text, colon, "Content-Length")) {
            try {
              outLength = Long.parseLong(value(text, colon));
            } catch (NumberFormatException e) {
              lost();
            }
          } else if (named(text, colon, "Transfer-Encoding")) {
            outChunked = value(text, colon).equalsIgnoreCase("chunked");
          }
        } else if (outChunked) {
          out = Out.CHUNK_SIZE;
        } else if (outLength > 0) {
          outRemaining = outLength;
          out = Out.FIXED;
        } else {
          requestEnded();
        }
      }
      case CHUNK_SIZE -> {
        int semicolon = text.indexOf(';');
        try {
          long size = Long.parseLong((semicolon < 0 ? text : text.substring(0, semicolon)).strip(), 16);
          if (size == 0) {
            out = Out.TRAILER;
          } else {
            outRemaining = size;
            out = Out.CHUNK_DATA;
          }
        } catch (NumberFormatException e) {
          lost();
        }
      }
      case TRAILER -> {
        if (text.isEmpty()) {
          requestEnded();
        }
      }
      default -> throw new IllegalStateException(out.name());
    }
  }

  private void requestEnded() {
    out = Out.START;
    registered = false;
  }

  /** The outbound stream made no sense: no later request is registered, so any answer fails. */
  private void lost() {
    out = Out.LOST;
  }

  private void inspect(ByteBuffer buf, int from, int to) throws UpstreamFramingException {
    int i = from;
    while (i < to) {
      switch (state) {
        case UNTIL_CLOSE:
          return;
        case FIXED_BODY:
        case CHUNK_DATA: {
          long take = Math.min(remaining, to - i);
          remaining -= take;
          i += (int) take;
          if (remaining == 0) {
            if (state == State.FIXED_BODY) {
              responseEnded();
            } else {
              state = State.CHUNK_CR;
            }
          }
          continue;
        }
        case IDLE:
          if (outstanding.isEmpty()) {
            fail(String.format(Locale.ROOT, "%d bytes arrived while no request was waiting for a response: %s",
                to - i, preview(buf, i, to)));
          }
          state = State.STATUS_LINE;
          continue;
        case CHUNK_CR:
          expect(buf.get(i++), '\r');
          state = State.CHUNK_LF;
          continue;
        case CHUNK_LF:
          expect(buf.get(i++), '\n');
          state = State.CHUNK_SIZE;
          continue;
        default:
          if (lineByte(buf.get(i++))) {
            String complete = line.toString();
            line.setLength(0);
            lineCr = false;
            lineEnded(complete);
          }
      }
    }
  }

  /** Adds a byte to the current line; true when the byte ended it. */
  private boolean lineByte(byte b) throws UpstreamFramingException {
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

  private void lineEnded(String text) throws UpstreamFramingException {
    switch (state) {
      case STATUS_LINE -> statusLine(text);
      case FIELD_LINE -> {
        if (text.isEmpty()) {
          headEnded();
        } else {
          fieldLine(text);
        }
      }
      case CHUNK_SIZE -> chunkSizeLine(text);
      case TRAILER_LINE -> {
        if (text.isEmpty()) {
          responseEnded();
        } else {
          fieldLine(text);
        }
      }
      default -> throw new IllegalStateException(state.name());
    }
  }

  private void statusLine(String text) throws UpstreamFramingException {
    boolean ok = (text.startsWith("HTTP/1.1 ") || text.startsWith("HTTP/1.0 "))
        && text.length() >= 12
        && text.charAt(9) >= '1' && text.charAt(9) <= '5'
        && isDigit(text.charAt(10)) && isDigit(text.charAt(11))
        && (text.length() == 12 || text.charAt(12) == ' ' && isFieldText(text, 13));
    if (!ok) {
      fail("status line '" + escaped(text) + "' (expected: HTTP/1.1, a status from 100 to 599, a reason)");
    }
    status = Integer.parseInt(text.substring(9, 12));
    state = State.FIELD_LINE;
  }

  private void fieldLine(String text) throws UpstreamFramingException {
    if (++fields > MAX_FIELDS) {
      fail("more than " + MAX_FIELDS + " fields in " + where());
    }
    char first = text.charAt(0);
    if (first == ' ' || first == '\t') {
      fail("a folded line (obs-fold) in " + where() + ": '" + escaped(text) + "'");
    }
    int colon = text.indexOf(':');
    if (colon <= 0 || !HttpHeaders.isValidName(text.substring(0, colon))) {
      fail("field line '" + escaped(text) + "' in " + where() + " (expected: a token, then a colon)");
    }
    if (!isFieldText(text, colon + 1)) {
      fail("a control byte in field '" + text.substring(0, colon) + "' in " + where() + ": '" + escaped(text) + "'");
    }
    if (state == State.TRAILER_LINE) {
      return;
    }
    if (named(text, colon, "Content-Length")) {
      contentLengths++;
      contentLength = value(text, colon);
    } else if (named(text, colon, "Transfer-Encoding")) {
      transferEncodings++;
      transferEncoding = value(text, colon);
    }
  }

  /** Whether a field line's name, before its colon at {@code colon}, is {@code name} in any case; no copy. */
  private static boolean named(String line, int colon, String name) {
    return colon == name.length() && line.regionMatches(true, 0, name, 0, colon);
  }

  /** A field line's value: after its colon, without surrounding whitespace. */
  private static String value(String line, int colon) {
    return line.substring(colon + 1).strip();
  }

  private void headEnded() throws UpstreamFramingException {
    if (status < 200) {
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
    String requestMethod = outstanding.peekFirst();
    if ("CONNECT".equals(requestMethod) && status < 300) {
      fail("a " + status + " answer to CONNECT: the gateway opens no tunnels");
    }
    if ("HEAD".equals(requestMethod) || status == 304) {
      responseEnded();
    } else if (status == 204) {
      if (transferEncodings > 0 || length > 0) {
        fail("a 204 response with " + (transferEncodings > 0 ? "Transfer-Encoding" : "Content-Length: " + length));
      }
      responseEnded();
    } else if (transferEncodings > 0) {
      state = State.CHUNK_SIZE;
    } else if (length > 0) {
      remaining = length;
      state = State.FIXED_BODY;
    } else if (length == 0) {
      responseEnded();
    } else {
      state = State.UNTIL_CLOSE;
    }
  }

  /** Checks the framing fields; the Content-Length, or -1 if there is none. */
  private long framingLength() throws UpstreamFramingException {
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

  private void chunkSizeLine(String text) throws UpstreamFramingException {
    int digits = 0;
    while (digits < text.length() && Character.digit(text.charAt(digits), 16) >= 0 && text.charAt(digits) < 0x80) {
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

  private void expect(byte actual, char expected) throws UpstreamFramingException {
    if (actual != expected) {
      fail("chunk data not followed by CRLF (found " + escaped(String.valueOf((char) (actual & 0xff))) + ")");
    }
  }

  private void responseEnded() {
    outstanding.pollFirst();
    interim = 0;
    newHead();
    state = State.IDLE;
  }

  private void newHead() {
    status = 0;
    fields = 0;
    contentLengths = 0;
    contentLength = null;
    transferEncodings = 0;
    transferEncoding = null;
  }

  private String where() {
    return switch (state) {
      case STATUS_LINE -> "the status line";
      case CHUNK_SIZE -> "a chunk size line";
      case TRAILER_LINE -> "the trailers of a " + status + " response";
      default -> "the head of a " + (status == 0 ? "" : status + " ") + "response";
    };
  }

  private void fail(String message) throws UpstreamFramingException {
    failure = "invalid response framing: " + message;
    throw new UpstreamFramingException(failure);
  }

  /** Whether every char from {@code from} is HTAB, SP, visible ASCII or obs-text. */
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

  private static boolean isTchar(char c) {
    return HttpHeaders.isValidName(String.valueOf(c));
  }

  private static String ascii(ByteBuffer buf, int from, int to) {
    StringBuilder sb = new StringBuilder(to - from);
    for (int i = from; i < to; i++) {
      sb.append((char) (buf.get(i) & 0xff));
    }
    return sb.toString();
  }

  private static String preview(ByteBuffer buf, int from, int to) {
    return "'" + escaped(ascii(buf, from, Math.min(to, from + 40))) + (to - from > 40 ? "...'" : "'");
  }

  /** For messages: control bytes and non-ASCII as \xNN, at most 200 chars. */
  private static String escaped(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length() && sb.length() < 200; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c >= 0x7f) {
        sb.append(String.format(Locale.ROOT, "\\x%02X", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }

  // ---- everything else goes to the session ----

  @Override
  public ByteChannel channel() {
    return this; // whoever reads through the channel is guarded too
  }

  @Override
  public IOEventHandler getHandler() {
    return session.getHandler();
  }

  @Override
  public void upgrade(IOEventHandler handler) {
    session.upgrade(handler);
  }

  @Override
  public Lock getLock() {
    return session.getLock();
  }

  @Override
  public void enqueue(Command command, Command.Priority priority) {
    session.enqueue(command, priority);
  }

  @Override
  public boolean hasCommands() {
    return session.hasCommands();
  }

  @Override
  public Command poll() {
    return session.poll();
  }

  @Override
  public SocketAddress getRemoteAddress() {
    return session.getRemoteAddress();
  }

  @Override
  public SocketAddress getLocalAddress() {
    return session.getLocalAddress();
  }

  @Override
  public int getEventMask() {
    return session.getEventMask();
  }

  @Override
  public void setEventMask(int ops) {
    session.setEventMask(ops);
  }

  @Override
  public void setEvent(int op) {
    session.setEvent(op);
  }

  @Override
  public void clearEvent(int op) {
    session.clearEvent(op);
  }

  @Override
  public void close() {
    if (open != null) {
      open.closed(this);
    }
    session.close();
  }

  @Override
  public void close(CloseMode closeMode) {
    if (open != null) {
      open.closed(this);
    }
    session.close(closeMode);
  }

  @Override
  public boolean isOpen() {
    return session.isOpen();
  }

  @Override
  public Status getStatus() {
    return session.getStatus();
  }

  @Override
  public Timeout getSocketTimeout() {
    return session.getSocketTimeout();
  }

  @Override
  public void setSocketTimeout(Timeout timeout) {
    session.setSocketTimeout(timeout);
  }

  @Override
  public long getLastReadTime() {
    return session.getLastReadTime();
  }

  @Override
  public long getLastWriteTime() {
    return session.getLastWriteTime();
  }

  @Override
  public long getLastEventTime() {
    return session.getLastEventTime();
  }

  @Override
  public void updateReadTime() {
    session.updateReadTime();
  }

  @Override
  public void updateWriteTime() {
    session.updateWriteTime();
  }

  @Override
  public String getId() {
    return session.getId();
  }

  @Override
  public String toString() {
    return session.toString();
  }
}

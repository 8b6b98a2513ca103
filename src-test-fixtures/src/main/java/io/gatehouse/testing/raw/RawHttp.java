package io.gatehouse.testing.raw;

import io.gatehouse.Unstable;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * A raw HTTP/1.1 client on one loopback connection, for what a library client hides: the exact
 * framing of a response, interim responses, truncation, pipelining, whether the server closed the
 * connection. Every read is bounded by the socket's timeout ({@value #READ_TIMEOUT_MILLIS} ms
 * unless a test sets another on {@link #socket()}).
 *
 * <pre>{@code
 * try (RawHttp c = RawHttp.connect(port)) {
 *   c.send("HEAD /api/x HTTP/1.1\r\nHost: a\r\n\r\n");
 *   RawHttp.Head head = c.readHead();
 *   assertThat(head.first("Content-Length")).contains("5");
 *   assertThat(c.closedWithin(200)).isFalse();
 * }
 * }</pre>
 *
 * <p>Not thread-safe, except that another thread may {@link #close()} it.
 *
 * @since 0.1
 */
@Unstable
public final class RawHttp implements AutoCloseable {
  /** The socket's read timeout, in milliseconds, unless a test sets another. */
  public static final int READ_TIMEOUT_MILLIS = 20_000;
  private static final int MAX_LINE = 64 * 1024;

  private final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  /**
   * Connects to a port on the loopback address.
   *
   * <p>{@code RawHttp c = RawHttp.connect(server.port());}
   *
   * @param port the server's port
   * @return the connected client
   * @throws IOException if the connection fails
   */
  public static RawHttp connect(int port) throws IOException {
    return connect(port, 0);
  }

  /**
   * Connects with a receive buffer of a given size, for tests of a client that reads slowly.
   *
   * <p>{@code RawHttp slow = RawHttp.connect(port, 4096);}
   *
   * @param port the server's port
   * @param receiveBuffer the socket's receive buffer in bytes; 0 or less for the system's
   * @return the connected client
   * @throws IOException if the connection fails
   */
  public static RawHttp connect(int port, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    try {
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      return new RawHttp(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  /**
   * The socket, for what a test does below HTTP: its timeout, its buffers, half-closing it, its
   * local port.
   *
   * <p>{@code c.socket().shutdownOutput();}
   *
   * @return the connection's socket
   */
  public Socket socket() {
    return socket;
  }

  /**
   * Sends text as ISO-8859-1 bytes, flushed.
   *
   * <p>{@code c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");}
   *
   * @param text the bytes to send, one char each
   * @return this client
   * @throws IOException if the connection fails
   */
  public RawHttp send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  /**
   * Sends bytes, flushed.
   *
   * <p>{@code c.send(body);}
   *
   * @param bytes the bytes to send
   * @return this client
   * @throws IOException if the connection fails
   */
  public RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /**
   * Sends the first bytes of an array, not flushed, for a large body written in pieces.
   *
   * <p>{@code c.send(chunk, n);}
   *
   * @param bytes the array
   * @param length how many of its first bytes to send
   * @throws IOException if the connection fails
   */
  public void send(byte[] bytes, int length) throws IOException {
    out.write(bytes, 0, length);
  }

  /**
   * Reads a status line and its header fields.
   *
   * <p>{@code RawHttp.Head head = c.readHead();}
   *
   * @return the head
   * @throws EOFException if the connection closes before a status line
   * @throws IOException if the head is not HTTP/1.x, or the read fails or times out
   */
  public Head readHead() throws IOException {
    String status = readLine();
    if (status == null) {
      throw new EOFException("the connection closed before a status line");
    }
    String[] parts = status.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/1.")) {
      throw new IOException("status line: '" + status + "' (expected: HTTP/1.x NNN reason)");
    }
    List<String[]> fields = new ArrayList<>();
    for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("header line: '" + line + "' (expected: name: value)");
      }
      fields.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
      if (fields.size() > 200) {
        throw new IOException("more than 200 header lines");
      }
    }
    return new Head(status, Integer.parseInt(parts[1]), fields);
  }

  /**
   * Reads a body framed by chunked encoding or {@code Content-Length}, or else up to the end of the
   * stream.
   *
   * <p>{@code byte[] body = c.readBody(c.readHead());}
   *
   * @param head the head read just before
   * @return the body, dechunked
   * @throws EOFException if the body is cut short
   * @throws IOException if the read fails or times out
   */
  public byte[] readBody(Head head) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (head.isChunked()) {
      for (;;) {
        String sizeLine = readLine();
        if (sizeLine == null) {
          throw new EOFException("the connection closed inside a chunked body after " + body.size() + " bytes");
        }
        int size = Integer.parseInt(sizeLine.split(";", 2)[0].trim(), 16);
        if (size == 0) {
          for (String l = readLine(); l != null && !l.isEmpty(); l = readLine()) {
            // trailers
          }
          return body.toByteArray();
        }
        body.write(readExactly(size));
        readLine();
      }
    }
    Optional<String> length = head.first("Content-Length");
    if (length.isPresent()) {
      return readExactly(Integer.parseInt(length.get()));
    }
    return in.readAllBytes();
  }

  /**
   * Reads exactly {@code n} bytes.
   *
   * <p>{@code byte[] next = c.readExactly(5);}
   *
   * @param n how many
   * @return the bytes
   * @throws EOFException if the connection closes first
   * @throws IOException if the read fails or times out
   */
  public byte[] readExactly(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException("the connection closed after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  /**
   * Reads what has arrived, at least one byte, into the array.
   *
   * <p>{@code int n = c.read(buf);}
   *
   * @param buf where to
   * @return the bytes read, or -1 at the end of the stream
   * @throws IOException if the read fails or times out
   */
  public int read(byte[] buf) throws IOException {
    return in.read(buf);
  }

  /**
   * Reads what has arrived, at least one byte, into part of the array.
   *
   * <p>{@code int n = c.read(buf, 0, buf.length);}
   *
   * @param buf where to
   * @param off the first index to fill
   * @param len the most bytes to read
   * @return the bytes read, or -1 at the end of the stream
   * @throws IOException if the read fails or times out
   */
  public int read(byte[] buf, int off, int len) throws IOException {
    return in.read(buf, off, len);
  }

  /**
   * Whether the server closed the connection (end of stream or a reset) within the socket's
   * timeout; reads one byte if one comes.
   *
   * <p>{@code assertThat(c.closedByServer()).isTrue();}
   *
   * @return true if closed, false if a byte came or the timeout passed
   * @throws IOException never for a reset, which counts as closed
   */
  public boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /**
   * Whether the server closed the connection within {@code millis}: end of stream or a reset.
   * Bytes that arrive meanwhile are read and dropped.
   *
   * <p>{@code assertThat(c.closedWithin(2_000)).isTrue();}
   *
   * @param millis how long to wait
   * @return true if closed in time
   * @throws IOException if the socket's timeout cannot be set
   */
  public boolean closedWithin(int millis) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout(Math.max(1, millis));
    long deadline = System.nanoTime() + millis * 1_000_000L;
    try {
      while (System.nanoTime() < deadline) {
        if (in.read() == -1) {
          return true;
        }
      }
      return false;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    } finally {
      if (!socket.isClosed()) {
        socket.setSoTimeout(before);
      }
    }
  }

  private String readLine() throws IOException {
    StringBuilder sb = new StringBuilder();
    for (;;) {
      int c = in.read();
      if (c == -1) {
        return sb.length() == 0 ? null : sb.toString();
      }
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      if (sb.length() == MAX_LINE) {
        throw new IOException("a line longer than " + MAX_LINE + " bytes");
      }
      sb.append((char) c);
    }
  }

  /** Closes the connection. Any thread. */
  @Override
  public void close() throws IOException {
    socket.close();
  }

  /**
   * A response head: the status line and the header fields in the order received.
   *
   * <p>{@code assertThat(head.all("Set-Cookie")).hasSize(2);}
   *
   * @param statusLine the status line as received, without its CRLF
   * @param status the status code
   * @param fields each field as {@code {name, value}}, the value trimmed
   * @since 0.1
   */
  @Unstable
  public record Head(String statusLine, int status, List<String[]> fields) {
    /**
     * Checks the parts are there and copies the fields.
     *
     * @param statusLine the status line
     * @param status the status code
     * @param fields the fields
     */
    public Head {
      Objects.requireNonNull(statusLine, "statusLine");
      fields = List.copyOf(fields);
    }

    /**
     * The first value of a field.
     *
     * @param name the field name, any case
     * @return its first value, or empty
     */
    public Optional<String> first(String name) {
      return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).findFirst();
    }

    /**
     * Every value of a field, one per field line, in order.
     *
     * @param name the field name, any case
     * @return the values, maybe none
     */
    public List<String> all(String name) {
      return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).toList();
    }

    /**
     * Whether a field is there.
     *
     * @param name the field name, any case
     * @return true if present
     */
    public boolean has(String name) {
      return first(name).isPresent();
    }

    /**
     * The field names in order, lower case, as a list's string: {@code [content-type, date]}.
     *
     * @return the names
     */
    public String names() {
      return fields.stream().map(f -> f[0].toLowerCase(Locale.ROOT)).toList().toString();
    }

    /**
     * Whether the body is chunked: the last transfer coding is {@code chunked}.
     *
     * @return true if chunked
     */
    public boolean isChunked() {
      return first("Transfer-Encoding").filter(v -> v.toLowerCase(Locale.ROOT).endsWith("chunked")).isPresent();
    }

    /**
     * The tokens of every {@code Connection} field, lower case.
     *
     * @return the tokens, maybe none
     */
    public List<String> connectionTokens() {
      List<String> tokens = new ArrayList<>();
      for (String v : all("Connection")) {
        for (String t : v.split(",")) {
          if (!t.isBlank()) {
            tokens.add(t.trim().toLowerCase(Locale.ROOT));
          }
        }
      }
      return tokens;
    }

    /**
     * The head as received, CRLFs shown as {@code \r\n}.
     *
     * @return the head on one line
     */
    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(statusLine);
      fields.forEach(f -> sb.append("\\r\\n").append(f[0]).append(": ").append(f[1]));
      return sb.toString();
    }
  }
}

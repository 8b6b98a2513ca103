package io.gatehouse.testing.adapter;

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
import java.util.Optional;

/**
 * A raw HTTP/1.1 client on one loopback connection, for what a library client hides: the exact
 * framing of a response, interim responses, whether the server closed the connection. Every read
 * is bounded by the socket's timeout.
 */
final class KitClient implements AutoCloseable {
  static final int READ_TIMEOUT_MILLIS = 20_000;
  private static final int MAX_LINE = 64 * 1024;

  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private KitClient(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.out = socket.getOutputStream();
  }

  static KitClient connect(int port) throws IOException {
    return connect(port, 0);
  }

  /** A connection whose receive buffer is {@code receiveBuffer} bytes (0: the system's). */
  static KitClient connect(int port, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    try {
      if (receiveBuffer > 0) {
        s.setReceiveBufferSize(receiveBuffer);
      }
      s.setSoTimeout(READ_TIMEOUT_MILLIS);
      s.setTcpNoDelay(true);
      s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 5_000);
      return new KitClient(s);
    } catch (IOException | RuntimeException e) {
      s.close();
      throw e;
    }
  }

  KitClient send(String text) throws IOException {
    return send(text.getBytes(StandardCharsets.ISO_8859_1));
  }

  KitClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  void send(byte[] bytes, int length) throws IOException {
    out.write(bytes, 0, length);
  }

  /** Reads a status line and its header fields. */
  Head readHead() throws IOException {
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

  /** Reads a body framed by Content-Length or chunked encoding, or up to the end of the stream. */
  byte[] readBody(Head head) throws IOException {
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

  byte[] readExactly(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException("the connection closed after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  int read(byte[] buf, int off, int len) throws IOException {
    return in.read(buf, off, len);
  }

  /**
   * Whether the server closed the connection within {@code millis}: end of stream or a reset.
   * Bytes that arrive meanwhile are read and dropped.
   */
  boolean closedWithin(int millis) throws IOException {
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

  @Override
  public void close() throws IOException {
    socket.close();
  }

  /** A response head: status line and header fields in the order received. */
  record Head(String statusLine, int status, List<String[]> fields) {
    Optional<String> first(String name) {
      return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).findFirst();
    }

    List<String> all(String name) {
      return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).toList();
    }

    boolean has(String name) {
      return first(name).isPresent();
    }

    boolean isChunked() {
      return first("Transfer-Encoding").filter(v -> v.toLowerCase(Locale.ROOT).endsWith("chunked")).isPresent();
    }

    /** The tokens of every {@code Connection} field, lower case. */
    List<String> connectionTokens() {
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

    @Override
    public String toString() {
      StringBuilder sb = new StringBuilder(statusLine);
      fields.forEach(f -> sb.append("\\r\\n").append(f[0]).append(": ").append(f[1]));
      return sb.toString();
    }
  }
}

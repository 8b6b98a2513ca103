package io.gatehouse.servlet;

import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** A raw HTTP/1.1 client over a socket, for what java.net.http hides: framing, truncation, pipelining. */
final class RawHttp implements AutoCloseable {
  final Socket socket;
  private final InputStream in;
  private final OutputStream out;

  private RawHttp(Socket socket) throws IOException {
    this.socket = socket;
    this.in = new java.io.BufferedInputStream(socket.getInputStream());
    this.out = socket.getOutputStream();
  }

  static RawHttp connect(int port) throws IOException {
    return connect(port, -1);
  }

  static RawHttp connect(int port, int receiveBuffer) throws IOException {
    Socket s = new Socket();
    if (receiveBuffer > 0) {
      s.setReceiveBufferSize(receiveBuffer);
    }
    s.setSoTimeout(10_000);
    s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
    return new RawHttp(s);
  }

  RawHttp send(String text) throws IOException {
    out.write(text.getBytes(StandardCharsets.ISO_8859_1));
    out.flush();
    return this;
  }

  RawHttp send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Reads a status line and header fields. */
  Head readHead() throws IOException {
    String status = readLine();
    if (status == null) {
      throw new EOFException("connection closed before a status line");
    }
    List<String[]> fields = new ArrayList<>();
    for (String line = readLine(); line != null && !line.isEmpty(); line = readLine()) {
      int colon = line.indexOf(':');
      fields.add(new String[] {line.substring(0, colon), line.substring(colon + 1).trim()});
    }
    return new Head(Integer.parseInt(status.split(" ")[1]), fields);
  }

  /** Reads a body framed by Content-Length or chunked encoding; EOFException if it is cut short. */
  byte[] readBody(Head head) throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    Optional<String> length = head.first("Content-Length");
    if (head.first("Transfer-Encoding").filter(v -> v.equalsIgnoreCase("chunked")).isPresent()) {
      for (;;) {
        String sizeLine = readLine();
        if (sizeLine == null) {
          throw new EOFException("connection closed inside a chunked body after " + body.size() + " bytes");
        }
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
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
    if (length.isPresent()) {
      return readExactly(Integer.parseInt(length.get()));
    }
    return in.readAllBytes();
  }

  byte[] readExactly(int n) throws IOException {
    byte[] b = in.readNBytes(n);
    if (b.length < n) {
      throw new EOFException("connection closed after " + b.length + " of " + n + " bytes");
    }
    return b;
  }

  int read(byte[] buf) throws IOException {
    return in.read(buf);
  }

  /** Whether the server closed the connection (end of stream or reset) within the socket timeout. */
  boolean closedByServer() throws IOException {
    try {
      return in.read() == -1;
    } catch (SocketTimeoutException e) {
      return false;
    } catch (IOException reset) {
      return true;
    }
  }

  /** Whether the server closed the connection within {@code millis}; reads and drops what comes first. */
  boolean closedWithin(int millis) throws IOException {
    int before = socket.getSoTimeout();
    socket.setSoTimeout(millis);
    try {
      long deadline = System.nanoTime() + millis * 1_000_000L;
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
      sb.append((char) c);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }

  record Head(int status, List<String[]> fields) {
    Optional<String> first(String name) {
      return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).findFirst();
    }

    List<String> all(String name) {
      return fields.stream().filter(f -> f[0].equalsIgnoreCase(name)).map(f -> f[1]).toList();
    }

    boolean has(String name) {
      return first(name).isPresent();
    }

    String names() {
      return fields.stream().map(f -> f[0].toLowerCase(Locale.ROOT)).toList().toString();
    }
  }
}

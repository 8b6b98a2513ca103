package io.gatehouse.testing.transport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * An upstream on 127.0.0.1 that speaks whatever its handler writes, byte for byte: each accepted
 * connection runs the handler on its own thread. Records the raw request heads and counts
 * connections; plain or TLS. (Moved here from gateway-impl's transport tests.)
 */
final class RawUpstream implements AutoCloseable {

  @FunctionalInterface
  interface Handler {
    void handle(Connection connection) throws Exception;
  }

  private final ServerSocket server;
  private final Handler handler;
  private final String scheme;
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger headCount = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
  private final BlockingQueue<Throwable> handlerFailures = new LinkedBlockingQueue<>();

  private RawUpstream(Handler handler, ServerSocket server, String scheme) {
    this.server = server;
    this.handler = handler;
    this.scheme = scheme;
    Thread acceptor = new Thread(this::acceptLoop, "transport-kit-upstream-" + server.getLocalPort());
    acceptor.setDaemon(true);
    threads.add(acceptor);
    acceptor.start();
  }

  static RawUpstream start(Handler handler) throws IOException {
    return new RawUpstream(handler, new ServerSocket(0, 50, InetAddress.getLoopbackAddress()), "http");
  }

  /** Serves TLS with the given server context. */
  static RawUpstream startTls(SSLContext context, Handler handler) throws IOException {
    return new RawUpstream(handler,
        context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()), "https");
  }

  /** Serves every request on a connection with {@code 200} and the given body, keep-alive. */
  static RawUpstream keepAlive(String body) throws IOException {
    return start(c -> {
      while (c.readHead() != null) {
        c.write("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      }
    });
  }

  int port() {
    return server.getLocalPort();
  }

  URI origin() {
    return URI.create(scheme + "://127.0.0.1:" + server.getLocalPort());
  }

  int acceptedConnections() {
    return accepted.get();
  }

  /** How many request heads handlers have read, over all connections. */
  int headsRead() {
    return headCount.get();
  }

  /** The next request head a handler read, waiting up to 5 seconds. */
  String nextHead() throws InterruptedException {
    String head = heads.poll(5, TimeUnit.SECONDS);
    if (head == null) {
      throw new AssertionError("the upstream received no request head within 5 seconds");
    }
    return head;
  }

  List<Throwable> handlerFailures() {
    return List.copyOf(handlerFailures);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        sockets.add(socket);
        Thread t = new Thread(() -> run(socket), "transport-kit-upstream-conn-" + socket.getPort());
        t.setDaemon(true);
        threads.add(t);
        t.start();
      } catch (IOException e) {
        return; // closed
      }
    }
  }

  private void run(Socket socket) {
    try (socket) {
      handler.handle(new Connection(socket));
    } catch (SocketException | SSLException e) {
      // the client went away (or refused the certificate): normal in many rows
    } catch (Throwable t) {
      handlerFailures.add(t);
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : sockets) {
      s.close();
    }
    try {
      for (Thread t : threads) {
        t.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One accepted connection, with blocking helpers. */
  final class Connection {
    final Socket socket;
    final InputStream in;
    final OutputStream out;

    Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    /** Reads a request head up to and including the blank line; null on EOF before any byte. */
    String readHead() throws IOException {
      ByteArrayOutputStream head = new ByteArrayOutputStream();
      int matched = 0;
      while (matched < 4) {
        int b = in.read();
        if (b < 0) {
          if (head.size() == 0) {
            return null;
          }
          throw new IOException("EOF inside a request head: " + head);
        }
        head.write(b);
        matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
      }
      String text = head.toString(StandardCharsets.ISO_8859_1);
      heads.add(text);
      headCount.incrementAndGet();
      return text;
    }

    byte[] readBytes(long n) throws IOException {
      return in.readNBytes(Math.toIntExact(n));
    }

    /** Reads a chunked body to its end; returns the decoded bytes. */
    byte[] readChunkedBody() throws IOException {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      while (true) {
        String sizeLine = readLine();
        int size = Integer.parseInt(sizeLine.split(";")[0].trim(), 16);
        if (size == 0) {
          while (!readLine().isEmpty()) {
            // trailers
          }
          return body.toByteArray();
        }
        body.write(in.readNBytes(size));
        readLine();
      }
    }

    /** Reads the body the head declares (Content-Length or chunked; none otherwise). */
    byte[] readBody(String head) throws IOException {
      String cl = header(head, "Content-Length");
      if (cl != null) {
        return readBytes(Long.parseLong(cl));
      }
      String te = header(head, "Transfer-Encoding");
      if (te != null && te.equalsIgnoreCase("chunked")) {
        return readChunkedBody();
      }
      return new byte[0];
    }

    /**
     * Reads the body the head declares into {@code digest} without holding it; returns its length.
     */
    long digestBody(String head, MessageDigest digest) throws IOException {
      byte[] buffer = new byte[64 * 1024];
      String cl = header(head, "Content-Length");
      if (cl != null) {
        return copy(Long.parseLong(cl), digest, buffer);
      }
      long total = 0;
      while (true) {
        long size = Long.parseLong(readLine().split(";")[0].trim(), 16);
        if (size == 0) {
          while (!readLine().isEmpty()) {
            // trailers
          }
          return total;
        }
        total += copy(size, digest, buffer);
        if (!readLine().isEmpty()) {
          throw new IOException("chunk data not followed by CRLF");
        }
      }
    }

    private long copy(long n, MessageDigest digest, byte[] buffer) throws IOException {
      long left = n;
      while (left > 0) {
        int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (read < 0) {
          throw new IOException("EOF " + left + " bytes before the body's end");
        }
        digest.update(buffer, 0, read);
        left -= read;
      }
      return n;
    }

    String readLine() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      int b;
      while ((b = in.read()) != '\n') {
        if (b < 0) {
          throw new IOException("EOF inside a line");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.ISO_8859_1);
    }

    void write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** Closes with RST instead of FIN. */
    void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    /** Whether the peer closed (EOF or RST) within the bound; bytes read meanwhile are dropped. */
    boolean closedByPeerWithin(Duration bound) throws IOException {
      long deadline = System.nanoTime() + bound.toNanos();
      byte[] sink = new byte[8192];
      while (System.nanoTime() < deadline) {
        socket.setSoTimeout((int) Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
        try {
          if (in.read(sink) < 0) {
            return true;
          }
        } catch (SocketTimeoutException e) {
          return false;
        } catch (SocketException | SSLException e) {
          return true; // connection reset
        }
      }
      return false;
    }
  }

  /** The value of a header in a raw head, or null. */
  static String header(String head, String name) {
    for (String line : head.split("\r\n")) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT)
          .equals(name.toLowerCase(Locale.ROOT))) {
        return line.substring(colon + 1).trim();
      }
    }
    return null;
  }
}

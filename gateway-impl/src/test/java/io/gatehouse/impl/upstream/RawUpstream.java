package io.gatehouse.impl.upstream;

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
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on 127.0.0.1 that speaks whatever its handler writes: each accepted connection runs
 * the handler on its own thread. Records raw request heads and counts connections. (The transport
 * conformance kit in gateway-test-fixtures has a copy that also serves TLS and digests large bodies.)
 */
final class RawUpstream implements AutoCloseable {

  @FunctionalInterface
  interface Handler {
    void handle(Connection connection) throws Exception;
  }

  private final ServerSocket server;
  private final Handler handler;
  private final AtomicInteger accepted = new AtomicInteger();
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final BlockingQueue<String> heads = new LinkedBlockingQueue<>();

  private RawUpstream(Handler handler, InetAddress address, int port) throws IOException {
    this.server = new ServerSocket(port, 50, address);
    this.handler = handler;
    Thread acceptor = new Thread(this::acceptLoop, "raw-upstream-accept-" + server.getLocalPort());
    acceptor.setDaemon(true);
    threads.add(acceptor);
    acceptor.start();
  }

  static RawUpstream start(Handler handler) throws IOException {
    return new RawUpstream(handler, InetAddress.getLoopbackAddress(), 0);
  }

  /** Listens on the given address and port (0 for any). */
  static RawUpstream startOn(InetAddress address, int port, Handler handler) throws IOException {
    return new RawUpstream(handler, address, port);
  }

  int port() {
    return server.getLocalPort();
  }

  /** Serves every request on a connection with {@code 200} and the given body, keep-alive. */
  static RawUpstream keepAlive(String body) throws IOException {
    return start(c -> {
      while (c.readHead() != null) {
        c.write("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      }
    });
  }

  URI origin() {
    return URI.create("http://127.0.0.1:" + server.getLocalPort());
  }

  int acceptedConnections() {
    return accepted.get();
  }

  /** The next request head a handler read, waiting up to 5 seconds. */
  String nextHead() throws InterruptedException {
    String head = heads.poll(5, TimeUnit.SECONDS);
    if (head == null) {
      throw new AssertionError("the upstream received no request head within 5 seconds");
    }
    return head;
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket socket = server.accept();
        accepted.incrementAndGet();
        sockets.add(socket);
        Thread t = new Thread(() -> run(socket), "raw-upstream-conn-" + socket.getPort());
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
    } catch (SocketException e) {
      // the client went away: normal in many tests
    } catch (Exception e) {
      // the tests here assert on what the client got; the kit's copy also collects these
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
        } catch (SocketException e) {
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

package io.gatehouse.testing.raw;

import io.gatehouse.Unstable;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An upstream on 127.0.0.1 that records the exact bytes each request arrived with, for tests that
 * must show what a hostile client's bytes became on the far side of the gateway. It frames
 * requests itself (Content-Length or chunked, strictly) and answers each complete one with
 * {@code 200 ok} (or with the next {@link #script}, exact bytes for hostile-upstream tests); bytes that
 * do not make a complete request are kept as {@link #leftovers()}. It counts the connections it accepts.
 *
 * <pre>{@code
 * try (RawUpstream upstream = RawUpstream.start()) {
 *   ... a gateway routes /api/** to upstream.url(); a client sends "GET /api/a%2Fb HTTP/1.1" ...
 *   assertThat(upstream.awaitRequests(1, Duration.ofSeconds(5))).isTrue();
 *   assertThat(upstream.requests().get(0)).startsWith("GET /api/a%2Fb HTTP/1.1\r\n");
 * }
 * }</pre>
 *
 * <p>Thread-safe. Requests of bodies over 16 MiB are refused (the connection is dropped).
 *
 * @since 0.1
 */
@Unstable
public final class RawUpstream implements AutoCloseable {
  private static final int MAX_REQUEST = 16 * 1024 * 1024;
  private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"
      .getBytes(StandardCharsets.ISO_8859_1);

  private final ServerSocket listener;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "raw-upstream");
    t.setDaemon(true);
    return t;
  });
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final List<String> requests = new ArrayList<>(); // guarded by this
  private final List<String> leftovers = new ArrayList<>(); // guarded by this
  private volatile byte[] answer = OK;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Queue<String> scripts = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Boolean> scriptedConnectionClosed =
      new CompletableFuture<>();

  private RawUpstream(ServerSocket listener) {
    this.listener = listener;
  }

  /**
   * Starts listening on a free loopback port.
   *
   * @return the running upstream
   * @throws IOException if it cannot listen
   */
  public static RawUpstream start() throws IOException {
    ServerSocket s = new ServerSocket();
    s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    RawUpstream upstream = new RawUpstream(s);
    upstream.threads.execute(upstream::accept);
    return upstream;
  }

  /**
   * The base URL, {@code http://127.0.0.1:port}.
   *
   * @return the URL to route to
   */
  public String url() {
    return "http://127.0.0.1:" + listener.getLocalPort();
  }

  /**
   * Answers every later request with these exact bytes instead of {@code 200 ok}.
   *
   * @param rawResponse the response's bytes, one char each (ISO-8859-1)
   * @return this upstream
   */
  public RawUpstream answer(String rawResponse) {
    this.answer = rawResponse.getBytes(StandardCharsets.ISO_8859_1);
    return this;
  }

  /**
   * Answers the next request with a script instead: its bytes, where {@link #PAUSE} flushes and
   * waits 150 ms, and a final {@link #CLOSE} closes the connection after them.
   *
   * @param script the response's bytes, one char each, with the markers
   * @return this upstream
   */
  public RawUpstream script(String script) {
    scripts.add(script);
    return this;
  }

  /** In a script: flush and pause, so that what follows arrives in a later read. */
  public static final String PAUSE = "<pause>";
  /** At the end of a script: close the connection after it. */
  public static final String CLOSE = "<close>";

  /**
   * Connections accepted so far.
   *
   * @return the count
   */
  public int acceptedConnections() {
    return accepted.get();
  }

  /**
   * Completes with true once the connection that played a script is closed (by either side),
   * false if it carries another request.
   *
   * @return the outcome, once known
   */
  public CompletableFuture<Boolean> scriptedConnectionClosed() {
    return scriptedConnectionClosed;
  }

  /**
   * Every complete request received so far, each exactly as its bytes arrived (ISO-8859-1).
   *
   * @return the requests in the order they completed
   */
  public synchronized List<String> requests() {
    return List.copyOf(requests);
  }

  /** Forgets the requests and leftovers received so far. */
  public synchronized void clear() {
    requests.clear();
    leftovers.clear();
  }

  /**
   * Bytes of connections that ended without completing a request.
   *
   * @return one entry per such connection (ISO-8859-1)
   */
  public synchronized List<String> leftovers() {
    return List.copyOf(leftovers);
  }

  /**
   * Waits, bounded, until {@code n} complete requests have arrived.
   *
   * @param n how many requests in total
   * @param timeout how long at most
   * @return true if they arrived in time
   * @throws InterruptedException if interrupted while waiting
   */
  public synchronized boolean awaitRequests(int n, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    for (long left = timeout.toNanos(); requests.size() < n && left > 0; left = deadline - System.nanoTime()) {
      TimeUnit.NANOSECONDS.timedWait(this, left);
    }
    return requests.size() >= n;
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket s = listener.accept();
        accepted.incrementAndGet();
        s.setSoTimeout(20_000);
        open.add(s);
        threads.execute(() -> serve(s));
      } catch (IOException | RejectedExecutionException e) {
        return;
      }
    }
  }

  private void serve(Socket socket) {
    ByteArrayOutputStream current = new ByteArrayOutputStream();
    boolean scripted = false;
    try (socket) {
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = socket.getOutputStream();
      for (;;) {
        current.reset();
        if (!readRequest(in, current)) {
          break;
        }
        if (scripted) {
          scriptedConnectionClosed.complete(false);
        }
        synchronized (this) {
          requests.add(current.toString(StandardCharsets.ISO_8859_1));
          notifyAll();
        }
        String script = scripts.poll();
        if (script != null) {
          scripted = true;
          if (play(script, out)) {
            break;
          }
        } else {
          out.write(answer);
          out.flush();
        }
      }
    } catch (IOException | InterruptedException e) {
      // the gateway cut the connection: what arrived is kept below
    } finally {
      if (scripted) {
        scriptedConnectionClosed.complete(true);
      }
      open.remove(socket);
      if (current.size() > 0) {
        synchronized (this) {
          leftovers.add(current.toString(StandardCharsets.ISO_8859_1));
        }
      }
    }
  }

  /** Writes a script; true if it ends by closing the connection. */
  private static boolean play(String script, OutputStream out) throws IOException, InterruptedException {
    boolean close = script.endsWith(CLOSE);
    String bytes = close ? script.substring(0, script.length() - CLOSE.length()) : script;
    String[] parts = bytes.split(PAUSE, -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        Thread.sleep(150);
      }
      out.write(parts[i].getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }
    return close;
  }

  /** Reads one request into {@code raw}; false at a clean end of stream before its first byte. */
  private static boolean readRequest(InputStream in, ByteArrayOutputStream raw) throws IOException {
    List<String> head = new ArrayList<>();
    for (String line = line(in, raw); ; line = line(in, raw)) {
      if (line == null) {
        if (raw.size() == 0) {
          return false;
        }
        throw new IOException("end of stream inside a request head");
      }
      if (line.isEmpty()) {
        break;
      }
      head.add(line);
    }
    String te = null;
    long length = 0;
    for (String field : head.subList(1, head.size())) {
      int colon = field.indexOf(':');
      String name = field.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = field.substring(colon + 1).trim();
      if (name.equals("transfer-encoding")) {
        te = value;
      } else if (name.equals("content-length")) {
        length = Long.parseLong(value);
      }
    }
    if (te != null) {
      if (!te.equalsIgnoreCase("chunked")) {
        throw new IOException("unsupported transfer-encoding " + te);
      }
      for (;;) {
        String size = line(in, raw);
        if (size == null) {
          throw new IOException("end of stream inside a chunked body");
        }
        int n = Integer.parseInt(size.split(";", 2)[0], 16);
        if (n == 0) {
          for (String trailer = line(in, raw); trailer != null && !trailer.isEmpty(); trailer = line(in, raw)) {
            // trailers are kept in the raw bytes
          }
          return true;
        }
        copy(in, raw, n);
        if (!"".equals(line(in, raw))) {
          throw new IOException("chunk data not followed by CRLF");
        }
      }
    }
    if (length > MAX_REQUEST) {
      throw new IOException("body too large for the test upstream: " + length);
    }
    copy(in, raw, (int) length);
    return true;
  }

  private static void copy(InputStream in, ByteArrayOutputStream raw, int n) throws IOException {
    byte[] b = in.readNBytes(n);
    raw.write(b);
    if (b.length < n) {
      throw new IOException("end of stream after " + b.length + " of " + n + " body bytes");
    }
  }

  /** A line without its CRLF (a bare LF also ends it), or null at end of stream. */
  private static String line(InputStream in, ByteArrayOutputStream raw) throws IOException {
    StringBuilder sb = new StringBuilder();
    for (;;) {
      int c = in.read();
      if (c == -1) {
        return sb.length() == 0 ? null : sb.toString();
      }
      raw.write(c);
      if (c == '\n') {
        int len = sb.length();
        return len > 0 && sb.charAt(len - 1) == '\r' ? sb.substring(0, len - 1) : sb.toString();
      }
      sb.append((char) c);
    }
  }

  /**
   * Stops listening and closes every open connection.
   *
   * @throws IOException if closing the listener fails
   */
  @Override
  public void close() throws IOException {
    listener.close();
    for (Socket s : open) {
      s.close();
    }
    threads.shutdownNow();
  }
}

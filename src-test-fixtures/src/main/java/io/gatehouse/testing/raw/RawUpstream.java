package io.gatehouse.testing.raw;

import io.gatehouse.Unstable;
import java.io.BufferedInputStream;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * An upstream on a loopback address that works in exact bytes, in one of two modes.
 *
 * <p><b>Recording</b> ({@link #start()}): it records the exact bytes each request arrived with,
 * for tests that must show what a hostile client's bytes became on the far side of the gateway. It
 * frames requests itself (Content-Length or chunked, strictly) and answers each complete one with
 * {@code 200 ok} (or with the next {@link #script}, exact bytes for hostile-upstream tests); bytes
 * that do not make a complete request are kept as {@link #leftovers()}. Bodies over 16 MiB are
 * refused (the connection is dropped).
 *
 * <pre>{@code
 * try (RawUpstream upstream = RawUpstream.start()) {
 *   ... a gateway routes /api/** to upstream.url(); a client sends "GET /api/a%2Fb HTTP/1.1" ...
 *   assertThat(upstream.awaitRequests(1, Duration.ofSeconds(5))).isTrue();
 *   assertThat(upstream.requests().get(0)).startsWith("GET /api/a%2Fb HTTP/1.1\r\n");
 * }
 * }</pre>
 *
 * <p><b>Handled</b> ({@link #start(Handler)}, {@link #startTls}, {@link #startOn}): each accepted
 * connection runs the handler on a thread of its own, which reads and writes whatever it likes
 * through a {@link Connection} (request heads, bodies of any size digested without holding them,
 * a reset instead of a close). Heads read through {@link Connection#readHead()} are counted and
 * queued for {@link #nextHead()}; what a handler throws is kept in {@link #handlerFailures()}
 * (except a peer that went away).
 *
 * <pre>{@code
 * try (RawUpstream upstream = RawUpstream.start(c -> {
 *   String head = c.readHead();
 *   c.readBody(head);
 *   c.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
 * })) {
 *   ... send a request to upstream.origin() ...
 *   assertThat(upstream.nextHead()).startsWith("GET / HTTP/1.1\r\n");
 *   assertThat(upstream.handlerFailures()).isEmpty();
 * }
 * }</pre>
 *
 * <p>Both modes count the connections they accept. Thread-safe; {@link #close()} closes every
 * connection and waits, bounded, for the threads it started.
 *
 * @since 0.1
 */
@Unstable
public final class RawUpstream implements AutoCloseable {
  private static final int MAX_REQUEST = 16 * 1024 * 1024;
  private static final byte[] OK = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Type: text/plain\r\n\r\nok"
      .getBytes(StandardCharsets.ISO_8859_1);

  private final ServerSocket listener;
  private final String scheme;
  private final Handler handler;
  private final List<Socket> sockets = new CopyOnWriteArrayList<>();
  private final List<Thread> threads = new CopyOnWriteArrayList<>();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger headCount = new AtomicInteger();
  private final BlockingQueue<String> heads = new LinkedBlockingQueue<>();
  private final BlockingQueue<Throwable> handlerFailures = new LinkedBlockingQueue<>();
  private final List<String> requests = new ArrayList<>(); // guarded by this
  private final List<String> leftovers = new ArrayList<>(); // guarded by this
  private volatile byte[] answer = OK;
  private final Queue<String> scripts = new ConcurrentLinkedQueue<>();
  private final CompletableFuture<Boolean> scriptedConnectionClosed = new CompletableFuture<>();

  /** Null handler: the recording mode. */
  private RawUpstream(ServerSocket listener, String scheme, Handler handler) {
    this.listener = listener;
    this.scheme = scheme;
    this.handler = handler;
    Thread acceptor = new Thread(this::acceptLoop, "raw-upstream-accept-" + listener.getLocalPort());
    acceptor.setDaemon(true);
    threads.add(acceptor);
    acceptor.start();
  }

  /**
   * What a handled upstream does with each connection it accepts, on a thread of its own; the
   * connection is closed when it returns.
   */
  @FunctionalInterface
  public interface Handler {
    /**
     * Serves one connection.
     *
     * @param connection the accepted connection
     * @throws Exception anything: kept in {@link #handlerFailures()} unless the peer went away
     */
    void handle(Connection connection) throws Exception;
  }

  /**
   * Starts listening on a free loopback port.
   *
   * @return the running upstream
   * @throws IOException if it cannot listen
   */
  public static RawUpstream start() throws IOException {
    return new RawUpstream(loopback(0), "http", null);
  }

  /**
   * Starts listening on a free loopback port; each connection runs the handler.
   *
   * @param handler what to do with each connection
   * @return the running upstream
   * @throws IOException if it cannot listen
   */
  public static RawUpstream start(Handler handler) throws IOException {
    return new RawUpstream(loopback(0), "http", Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Starts listening on the given address and port (0 for any free one); each connection runs the
   * handler. Two upstreams on 127.0.0.1 and 127.0.0.2 with the same port stand for two addresses
   * of one host name.
   *
   * @param address the local address to listen on
   * @param port the port, or 0
   * @param handler what to do with each connection
   * @return the running upstream
   * @throws IOException if it cannot listen
   */
  public static RawUpstream startOn(InetAddress address, int port, Handler handler) throws IOException {
    return new RawUpstream(new ServerSocket(port, 50, Objects.requireNonNull(address, "address")), "http",
        Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Starts serving TLS on a free loopback port; each connection runs the handler after the
   * handshake. A client that refuses the certificate is a peer that went away, not a failure.
   *
   * @param context the server's TLS context (its key and certificate)
   * @param handler what to do with each connection
   * @return the running upstream; its {@link #origin()} is {@code https}
   * @throws IOException if it cannot listen
   */
  public static RawUpstream startTls(SSLContext context, Handler handler) throws IOException {
    return new RawUpstream(context.getServerSocketFactory().createServerSocket(0, 50, InetAddress.getLoopbackAddress()),
        "https", Objects.requireNonNull(handler, "handler"));
  }

  /**
   * Starts an upstream that answers every request head on a connection with {@code 200} and the
   * body, keeping the connection alive; request bodies are not read (send none).
   *
   * @param body the response body (ISO-8859-1)
   * @return the running upstream
   * @throws IOException if it cannot listen
   */
  public static RawUpstream keepAlive(String body) throws IOException {
    return start(c -> {
      while (c.readHead() != null) {
        c.write("HTTP/1.1 200 OK\r\nContent-Length: " + body.length() + "\r\n\r\n" + body);
      }
    });
  }

  private static ServerSocket loopback(int port) throws IOException {
    return new ServerSocket(port, 50, InetAddress.getLoopbackAddress());
  }

  /**
   * The base URL, {@code http://127.0.0.1:port} ({@code https} if it serves TLS).
   *
   * @return the URL to route to
   */
  public String url() {
    return scheme + "://127.0.0.1:" + listener.getLocalPort();
  }

  /**
   * The base URL as a URI.
   *
   * @return {@link #url()} as a URI
   */
  public URI origin() {
    return URI.create(url());
  }

  /**
   * The port it listens on.
   *
   * @return the port
   */
  public int port() {
    return listener.getLocalPort();
  }

  /**
   * Answers every later request with these exact bytes instead of {@code 200 ok} (recording mode).
   *
   * @param rawResponse the response's bytes, one char each (ISO-8859-1)
   * @return this upstream
   */
  public RawUpstream answer(String rawResponse) {
    this.answer = rawResponse.getBytes(StandardCharsets.ISO_8859_1);
    return this;
  }

  /**
   * Answers the next request with a script instead (recording mode): its bytes, where
   * {@link #PAUSE} flushes and waits 150 ms, and a final {@link #CLOSE} closes the connection after
   * them.
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
   * How many request heads handlers have read through {@link Connection#readHead()}, over all
   * connections.
   *
   * @return the count
   */
  public int headsRead() {
    return headCount.get();
  }

  /**
   * The next request head a handler read, in arrival order, waiting up to 5 seconds.
   *
   * @return the head, up to and including its blank line (ISO-8859-1)
   * @throws InterruptedException if interrupted while waiting
   * @throws AssertionError if no head arrives within 5 seconds
   */
  public String nextHead() throws InterruptedException {
    String head = heads.poll(5, TimeUnit.SECONDS);
    if (head == null) {
      throw new AssertionError("the upstream received no request head within 5 seconds");
    }
    return head;
  }

  /**
   * What handlers threw so far, other than a peer that went away (a socket or TLS exception).
   *
   * @return the failures in the order they happened
   */
  public List<Throwable> handlerFailures() {
    return List.copyOf(handlerFailures);
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

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket socket = listener.accept();
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
      Connection connection = new Connection(socket);
      if (handler == null) {
        record(connection);
      } else {
        handler.handle(connection);
      }
    } catch (SocketException | SSLException e) {
      // the client went away (or refused the certificate): normal in many tests
    } catch (Throwable t) {
      handlerFailures.add(t);
    }
  }

  private void record(Connection connection) throws IOException {
    Socket socket = connection.socket;
    socket.setSoTimeout(20_000);
    ByteArrayOutputStream current = new ByteArrayOutputStream();
    boolean scripted = false;
    try {
      InputStream in = new BufferedInputStream(connection.in);
      OutputStream out = connection.out;
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
   * Stops listening, closes every connection and waits up to 5 seconds for each thread it started.
   *
   * @throws IOException if closing the listener fails
   */
  @Override
  public void close() throws IOException {
    listener.close();
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

  /**
   * One accepted connection of a handled upstream, with blocking helpers. Reads without a timeout
   * unless the handler sets one on {@link #socket()}.
   */
  public final class Connection {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    private Connection(Socket socket) throws IOException {
      this.socket = socket;
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    /**
     * The socket, to close it, set options or look at its state.
     *
     * @return the socket
     */
    public Socket socket() {
      return socket;
    }

    /**
     * The socket's input, unbuffered: what the helpers here have not read.
     *
     * @return the input stream
     */
    public InputStream in() {
      return in;
    }

    /**
     * The socket's output, for bytes written in pieces; flush it.
     *
     * @return the output stream
     */
    public OutputStream out() {
      return out;
    }

    /**
     * Reads a request head up to and including its blank line, and queues it for
     * {@link RawUpstream#nextHead()}.
     *
     * @return the head (ISO-8859-1), or null at end of stream before its first byte
     * @throws IOException on end of stream inside the head, or a read failure
     */
    public String readHead() throws IOException {
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

    /**
     * Reads exactly {@code n} bytes, fewer only at end of stream.
     *
     * @param n how many
     * @return the bytes read
     * @throws IOException on a read failure
     */
    public byte[] readBytes(long n) throws IOException {
      return in.readNBytes(Math.toIntExact(n));
    }

    /**
     * Reads a chunked body to its end, trailers included.
     *
     * @return the decoded bytes
     * @throws IOException on a read failure or end of stream
     */
    public byte[] readChunkedBody() throws IOException {
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

    /**
     * Reads the body the head declares: Content-Length or chunked; none otherwise.
     *
     * @param head a head {@link #readHead()} returned
     * @return the body's bytes
     * @throws IOException on a read failure or end of stream
     */
    public byte[] readBody(String head) throws IOException {
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
     * Reads the body the head declares (Content-Length, else chunked) into the digest without
     * holding it, for bodies of any size.
     *
     * @param head a head {@link #readHead()} returned
     * @param digest where the body's bytes go
     * @return the body's length
     * @throws IOException on a read failure, end of stream or bad chunk framing
     */
    public long digestBody(String head, MessageDigest digest) throws IOException {
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

    /**
     * Reads a line up to LF; CRs are dropped.
     *
     * @return the line without its line end (ISO-8859-1)
     * @throws IOException on end of stream inside the line
     */
    public String readLine() throws IOException {
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

    /**
     * Writes the text's bytes, one per char (ISO-8859-1), and flushes.
     *
     * @param text what to write
     * @throws IOException on a write failure
     */
    public void write(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /**
     * Closes with RST instead of FIN.
     *
     * @throws IOException if closing fails
     */
    public void reset() throws IOException {
      socket.setSoLinger(true, 0);
      socket.close();
    }

    /**
     * Whether the peer closed (EOF or RST) within the bound; bytes read meanwhile are dropped.
     *
     * @param bound how long at most
     * @return true if the peer closed in time
     * @throws IOException on a failure other than a timeout or reset
     */
    public boolean closedByPeerWithin(Duration bound) throws IOException {
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

  /** The value of a field in a raw head, or null. */
  private static String header(String head, String name) {
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

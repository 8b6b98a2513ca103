package io.gatehouse.testing;

import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProtocolException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * An HTTP/1.1 origin server on 127.0.0.1 that fails on demand, for testing resilience over real
 * sockets: it answers {@code 200 ok} with an {@code X-Upstream: <port>} header until scripted
 * otherwise, keeps connections alive, and records what it received.
 *
 * <p>Answers are an {@link UpstreamScript}, the model a {@link StubUpstream} answers from in
 * memory, so a script written for one works for the other: one-shot answers queued with
 * {@code failNext}/{@code resetNext}/{@code thenRespond}/{@code thenFail} are used once each, in
 * order; after them, the first matching {@link #when(String, String) when} rule; else the standing
 * answer set by {@code respond}/{@code respondWith}/{@code fail}/{@code reset}. A {@code delay}
 * holds back every answer. {@link #refuse()} takes the server down (connects are refused, open
 * connections closed) and {@link #resume()} brings it back on the same port. Thread-safe; close it
 * to free the port and stop its threads.
 *
 * <p>A response body held in memory, or streamed with a known length, is sent with
 * {@code Content-Length}; a streamed one is written as its publisher emits it, so a body that
 * trickles reaches the client as it trickles, and one that fails or ends short of its length cuts
 * the connection. A streamed body of unknown length is read whole first.
 *
 * <pre>{@code
 * try (UpstreamServer orders = UpstreamServer.start()) {
 *   Gateway gateway = Gateway.builder()
 *       .route("orders", r -> r.path("/**").upstream(orders.url()).responseTimeout(Duration.ofSeconds(1)))
 *       .build();
 *   orders.failNext(2, 503);   // then 200 ok
 *   orders.refuse();           // down
 *   orders.resume();           // back, same port
 *   assertThat(orders.awaitRequests(2, Duration.ofSeconds(5))).isTrue();
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class UpstreamServer implements AutoCloseable {
  /** Every thread of a server is named {@code upstream-server-<port>-<n>}. */
  static final String THREAD_PREFIX = "upstream-server-";
  /** Bounds every blocking read, so an idle or stuck connection's thread ends. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(30);
  static final int MAX_BODY = 16 * 1024 * 1024;
  static final int MAX_RECEIVED = 10_000;
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  private static final Response OK = Response.builder(200).body(Body.of("ok")).build();
  /** What a server answers with {@code PROTOCOL_ERROR}: a status line no HTTP client accepts. */
  static final byte[] NOT_HTTP = "HTTP/1.1 ok? not HTTP\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
  /** The failures a server can give once it has read a request. */
  private static final Set<UpstreamException.Kind> FAILURES = EnumSet.of(UpstreamException.Kind.CONNECTION_RESET,
      UpstreamException.Kind.RESPONSE_TIMEOUT, UpstreamException.Kind.PROTOCOL_ERROR);

  private final int port;
  private final String origin;
  private final ExecutorService threads;
  private final Set<Thread> liveThreads = ConcurrentHashMap.newKeySet();
  private final Set<Socket> connections = ConcurrentHashMap.newKeySet();
  private final AtomicInteger connectionCount = new AtomicInteger();

  private final Object listening = new Object();
  private Optional<ServerSocket> listener = Optional.empty(); // guarded by listening; empty while refusing
  private boolean closed; // guarded by listening

  private final UpstreamScript script = new UpstreamScript(new UpstreamScript.Respond(request -> OK), FAILURES,
      "UpstreamServer", "an UpstreamServer has accepted the connection and read the request by then;"
      + " to refuse connections, use refuse()");

  private final Object counts = new Object();
  private final Deque<RecordedRequest> received = new ArrayDeque<>(); // guarded by counts
  private int requestCount; // guarded by counts

  private UpstreamServer(int port) {
    this.port = port;
    this.origin = "http://127.0.0.1:" + port;
    String name = THREAD_PREFIX + port + "-";
    AtomicInteger created = new AtomicInteger();
    this.threads = Executors.newCachedThreadPool(task -> {
      liveThreads.removeIf(t -> !t.isAlive());
      Thread thread = new Thread(task, name + created.incrementAndGet());
      // Daemon, so a server a test forgot to close never keeps the JVM alive.
      thread.setDaemon(true);
      liveThreads.add(thread);
      return thread;
    });
  }

  /**
   * Starts a server on 127.0.0.1 on a free port.
   *
   * <p>{@code UpstreamServer orders = UpstreamServer.start();}
   *
   * @return the running server
   * @throws UncheckedIOException if no port can be bound
   */
  public static UpstreamServer start() {
    return start(0);
  }

  /**
   * Starts a server on 127.0.0.1 on a given port.
   *
   * <p>{@code UpstreamServer orders = UpstreamServer.start(18080);}
   *
   * @param port 1 to 65535, or 0 for a free port
   * @return the running server
   * @throws IllegalArgumentException if the port is out of range
   * @throws UncheckedIOException if the port cannot be bound
   */
  public static UpstreamServer start(int port) {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("port: " + port + " (expected: 0 to 65535)");
    }
    ServerSocket socket = bind(port);
    UpstreamServer server = new UpstreamServer(socket.getLocalPort());
    synchronized (server.listening) {
      server.listen(socket);
    }
    return server;
  }

  /**
   * The server's origin, to use as a route's upstream.
   *
   * <p>{@code r.upstream(orders.url())}
   *
   * @return such as {@code http://127.0.0.1:53211}
   */
  public String url() {
    return origin;
  }

  /**
   * The port the server listens on, also while it refuses connections.
   *
   * <p>{@code orders.port()}
   *
   * @return the port
   */
  public int port() {
    return port;
  }

  /**
   * The script this server answers from; the scripting methods of the server change it too.
   *
   * <p>{@code orders.script().when("GET", "/health").respond(200, "up");}
   *
   * @return the script
   * @since 0.1
   */
  public UpstreamScript script() {
    return script;
  }

  /**
   * Scripts this server with a script written for any upstream: the same {@code Consumer} scripts
   * a {@link StubUpstream} alike.
   *
   * <p>{@code UpstreamServer orders = UpstreamServer.start().script(ordersScript);}
   *
   * @param script changes the script
   * @return this server
   * @since 0.1
   */
  public UpstreamServer script(Consumer<UpstreamScript> script) {
    Objects.requireNonNull(script, "script").accept(this.script);
    return this;
  }

  /**
   * Answers every request with a status and no body.
   *
   * <p>{@code orders.respond(204);}
   *
   * @param status 100 to 599
   * @return this server
   * @throws IllegalArgumentException if the status is out of range
   * @since 0.1
   */
  public UpstreamServer respond(int status) {
    script.respond(status);
    return this;
  }

  /**
   * Answers every request with a status and a body, without a content type.
   *
   * <p>{@code orders.respond(500, "boom");}
   *
   * @param status 100 to 599
   * @param body the body, as UTF-8
   * @return this server
   * @throws IllegalArgumentException if the status is out of range
   */
  public UpstreamServer respond(int status, String body) {
    script.respond(status, body);
    return this;
  }

  /**
   * Answers every request with a status and a typed body.
   *
   * <p>{@code orders.respond(200, "application/json", "{\"id\":7}");}
   *
   * @param status 100 to 599
   * @param contentType the {@code Content-Type} value
   * @param body the body, as UTF-8
   * @return this server
   * @throws IllegalArgumentException if the status is out of range
   * @since 0.1
   */
  public UpstreamServer respond(int status, String contentType, String body) {
    script.respond(status, contentType, body);
    return this;
  }

  /**
   * Answers every request with a response (see the class comment for how its body is sent). A
   * body held in memory may be sent any number of times; a streamed one only once.
   *
   * <p>{@code orders.respond(Response.builder(200).header("ETag", "\"v1\"").build());}
   *
   * @param response the response
   * @return this server
   * @since 0.1
   */
  public UpstreamServer respond(Response response) {
    script.respond(response);
    return this;
  }

  /**
   * Answers every request with what a function makes of it; it runs on the connection's thread.
   * The server sets the framing headers ({@code Content-Length}, {@code Connection}) itself and
   * adds {@code X-Upstream} unless the response has one. A function that throws gives 500.
   *
   * <p>{@code orders.respondWith(req -> Response.builder(200).body(Body.of(req.path())).build());}
   *
   * @param answer computes the response from what was received
   * @return this server
   */
  public UpstreamServer respondWith(Function<RecordedRequest, Response> answer) {
    script.respondWith(answer);
    return this;
  }

  /**
   * Fails every request as a real upstream would, until another standing answer is set:
   * {@code CONNECTION_RESET} resets the connection (see {@link #reset()}), {@code RESPONSE_TIMEOUT}
   * keeps silent until the client gives up, {@code PROTOCOL_ERROR} answers with a head that is not
   * HTTP and closes the connection.
   *
   * <p>{@code orders.fail(UpstreamException.Kind.RESPONSE_TIMEOUT);   // the gateway answers 504}
   *
   * @param kind {@code CONNECTION_RESET}, {@code RESPONSE_TIMEOUT} or {@code PROTOCOL_ERROR}
   * @return this server
   * @throws IllegalArgumentException for another kind, which a server that has read the request
   *     cannot give (to refuse connections, use {@link #refuse()})
   * @since 0.1
   */
  public UpstreamServer fail(UpstreamException.Kind kind) {
    script.fail(kind);
    return this;
  }

  /**
   * Resets the connection of every request, until another standing answer is set: the request
   * is read, then the socket closed with {@code SO_LINGER 0}, so the client sees a connection
   * reset and no response.
   *
   * <p>{@code orders.reset();   // later: orders.healthy()}
   *
   * @return this server
   */
  public UpstreamServer reset() {
    script.reset();
    return this;
  }

  /**
   * Answers the next {@code n} requests, once each, with a status and no body; later ones fall
   * through to what comes next. The answers queue after those already queued.
   *
   * <p>{@code orders.failNext(2, 503);   // 503, 503, then the standing answer}
   *
   * @param n how many requests, zero or more
   * @param status 100 to 599, such as 503
   * @return this server
   * @throws IllegalArgumentException if {@code n} is negative or the status is out of range
   */
  public UpstreamServer failNext(int n, int status) {
    script.failNext(n, status);
    return this;
  }

  /**
   * Resets the connection of the next {@code n} requests, once each (see {@link #reset()});
   * later ones fall through to what comes next. The resets queue after answers already queued.
   *
   * <p>{@code orders.resetNext(1);   // the first attempt is reset, a retry gets 200}
   *
   * @param n how many requests, zero or more
   * @return this server
   * @throws IllegalArgumentException if {@code n} is negative
   */
  public UpstreamServer resetNext(int n) {
    script.resetNext(n);
    return this;
  }

  /**
   * Answers the next request, once, with a response; later ones fall through to what comes next.
   *
   * <p>{@code orders.thenRespond(Response.of(429));}
   *
   * @param response the response
   * @return this server
   * @since 0.1
   */
  public UpstreamServer thenRespond(Response response) {
    script.thenRespond(response);
    return this;
  }

  /**
   * Fails the next request, once, as {@link #fail(UpstreamException.Kind)} does.
   *
   * <p>{@code orders.thenFail(UpstreamException.Kind.PROTOCOL_ERROR);}
   *
   * @param kind {@code CONNECTION_RESET}, {@code RESPONSE_TIMEOUT} or {@code PROTOCOL_ERROR}
   * @return this server
   * @throws IllegalArgumentException for another kind
   * @since 0.1
   */
  public UpstreamServer thenFail(UpstreamException.Kind kind) {
    script.thenFail(kind);
    return this;
  }

  /**
   * Answers requests of one method and path differently from the rest:
   * {@code orders.when("GET", "/orders/*").respond(200, "{}")}. Patterns and order are those of
   * {@link UpstreamScript#when(String, String)}.
   *
   * @param method the method, or {@code *} for any
   * @param pathPattern such as {@code /orders/*} or {@code /static/**}
   * @return the rule's answer to set, which returns to this server
   * @throws IllegalArgumentException if the pattern does not start with {@code /} or has
   *     {@code **} anywhere but at its end
   * @since 0.1
   */
  public UpstreamScript.When<UpstreamServer> when(String method, String pathPattern) {
    return new UpstreamScript.When<>(script, method, pathPattern, this);
  }

  /**
   * Holds back every answer, resets included, by this long after the request is read, until set
   * to zero. The connection's thread waits; close() interrupts it.
   *
   * <p>{@code orders.delay(Duration.ofSeconds(2));   // beyond a 1 s response timeout: 504}
   *
   * @param delay zero or more; zero answers at once
   * @return this server
   * @throws IllegalArgumentException if the delay is negative
   */
  public UpstreamServer delay(Duration delay) {
    script.delay(delay);
    return this;
  }

  /**
   * Takes the server down until {@link #resume()}: stops listening, so connects are refused,
   * and closes every open connection, so a client's pooled connections die too. Idempotent.
   *
   * <p>{@code orders.refuse();   // the gateway sees CONNECT_REFUSED: 502}
   *
   * @return this server
   */
  public UpstreamServer refuse() {
    synchronized (listening) {
      listener.ifPresent(UpstreamServer::closeQuietly);
      listener = Optional.empty();
      connections.forEach(UpstreamServer::closeQuietly);
    }
    return this;
  }

  /**
   * Listens again, on the same port, after {@link #refuse()}; does nothing if listening.
   *
   * <p>{@code orders.resume();}
   *
   * @return this server
   * @throws IllegalStateException if the server is closed
   * @throws UncheckedIOException if the port was taken meanwhile
   */
  public UpstreamServer resume() {
    synchronized (listening) {
      if (closed) {
        throw new IllegalStateException("server: " + this + " (expected: not closed)");
      }
      if (listener.isEmpty()) {
        listen(bind(port));
      }
    }
    return this;
  }

  /**
   * Back to how it started: answers {@code 200 ok} at once, nothing queued, no {@code when}
   * rule, listening. The counts are kept; see {@link #resetCounts()}.
   *
   * <p>{@code orders.healthy();}
   *
   * @return this server
   * @throws IllegalStateException if the server is closed
   * @throws UncheckedIOException if it was refusing and the port was taken meanwhile
   */
  public UpstreamServer healthy() {
    script.clear();
    return resume();
  }

  /**
   * How many requests were read, those that got a reset included, since start or
   * {@link #resetCounts()}. A request is counted before it is answered.
   *
   * <p>{@code assertThat(orders.requestCount()).isEqualTo(3);}
   *
   * @return the count
   */
  public int requestCount() {
    synchronized (counts) {
      return requestCount;
    }
  }

  /**
   * How many connections were accepted since start or {@link #resetCounts()}: with keep-alive,
   * fewer than the requests.
   *
   * <p>{@code assertThat(orders.connectionCount()).isEqualTo(1);}
   *
   * @return the count
   */
  public int connectionCount() {
    return connectionCount.get();
  }

  /**
   * How many connections are open now: accepted and not yet closed by either side. A client that
   * releases its connections (a closed gateway) brings it to zero.
   *
   * <p>{@code assertThat(orders.openConnections()).isZero();}
   *
   * @return the count
   */
  public int openConnections() {
    return connections.size();
  }

  /**
   * The last requests read (at most 10,000), oldest first, with {@link #url()} as their origin.
   *
   * <p>{@code orders.received().get(0).path()}
   *
   * @return the recorded requests
   */
  public List<RecordedRequest> received() {
    synchronized (counts) {
      return List.copyOf(received);
    }
  }

  /**
   * Waits until at least {@code n} requests were read (see {@link #requestCount()}).
   *
   * <p>{@code assertThat(orders.awaitRequests(2, Duration.ofSeconds(5))).isTrue();}
   *
   * @param n the count to reach, zero or more
   * @param timeout how long to wait at most, zero or more
   * @return whether the count was reached in time; false also if the thread was interrupted, whose
   *     interrupt status is then set again
   * @throws IllegalArgumentException if {@code n} or the timeout is negative
   */
  public boolean awaitRequests(int n, Duration timeout) {
    return CountWaits.await(counts, () -> requestCount, n, timeout);
  }

  /**
   * Zeroes the request and connection counts and forgets the received requests; the script
   * stays.
   *
   * <p>{@code orders.resetCounts();}
   */
  public void resetCounts() {
    synchronized (counts) {
      requestCount = 0;
      received.clear();
    }
    connectionCount.set(0);
  }

  /**
   * Stops at once: the port is closed, open connections are dropped, and every thread of the
   * server has ended when this returns (waiting at most 5 s). Idempotent.
   */
  @Override
  public void close() {
    synchronized (listening) {
      if (closed) {
        return;
      }
      closed = true;
      listener.ifPresent(UpstreamServer::closeQuietly);
      listener = Optional.empty();
      connections.forEach(UpstreamServer::closeQuietly);
    }
    threads.shutdownNow();
    long deadline = System.nanoTime() + CLOSE_TIMEOUT.toNanos();
    try {
      threads.awaitTermination(CLOSE_TIMEOUT.toNanos(), TimeUnit.NANOSECONDS);
      // A pool is terminated a little before its last threads have returned; wait for those too.
      for (Thread thread : liveThreads) {
        long left = deadline - System.nanoTime();
        if (left > 0 && thread != Thread.currentThread()) {
          TimeUnit.NANOSECONDS.timedJoin(thread, left);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public String toString() {
    String state;
    synchronized (listening) {
      state = closed ? "closed" : listener.isPresent() ? "listening" : "refusing";
    }
    return "UpstreamServer[" + origin + ", " + state + ", " + requestCount() + " requests]";
  }

  /** Guarded by listening. */
  private void listen(ServerSocket socket) {
    listener = Optional.of(socket);
    try {
      threads.execute(() -> accept(socket));
    } catch (RejectedExecutionException e) {
      closeQuietly(socket);
      listener = Optional.empty();
      throw new IllegalStateException("server: " + origin + " (expected: not closed)", e);
    }
  }

  private static ServerSocket bind(int port) {
    ServerSocket socket = null;
    try {
      socket = new ServerSocket();
      // So resume() can bind the port again while connections closed by refuse() linger in TIME_WAIT.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), port), 128);
      return socket;
    } catch (IOException e) {
      if (socket != null) {
        closeQuietly(socket);
      }
      throw new UncheckedIOException("cannot listen on 127.0.0.1:" + port, e);
    }
  }

  private void accept(ServerSocket socket) {
    while (true) {
      Socket connection;
      try {
        connection = socket.accept();
      } catch (IOException e) {
        return; // refuse() or close() closed the socket
      }
      synchronized (listening) {
        if (listener.filter(current -> current == socket).isEmpty()) {
          closeQuietly(connection); // accepted just as refuse() or close() ran
          return;
        }
        connections.add(connection);
      }
      connectionCount.incrementAndGet();
      try {
        threads.execute(() -> serve(connection));
      } catch (RejectedExecutionException e) {
        connections.remove(connection);
        closeQuietly(connection);
        return;
      }
    }
  }

  private void serve(Socket socket) {
    try (socket) {
      socket.setSoTimeout(Math.toIntExact(READ_TIMEOUT.toMillis()));
      socket.setTcpNoDelay(true);
      InputStream in = new BufferedInputStream(socket.getInputStream());
      OutputStream out = new BufferedOutputStream(socket.getOutputStream());
      Http1Reader reader = new Http1Reader(in, MAX_BODY);
      while (true) {
        Optional<Http1Reader.Received> next;
        try {
          next = reader.next(() -> write(out, "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1)));
        } catch (ProtocolException e) {
          send(out, "GET", Response.builder(400).body(Body.of("UpstreamServer: " + e.getMessage())).build(), false);
          return;
        }
        if (next.isEmpty()) {
          return;
        }
        Http1Reader.Received request = next.get();
        RecordedRequest recorded = new RecordedRequest(origin, request.method(), request.path(),
            request.rawQuery(), request.headers(), request.body());
        UpstreamScript.Taken taken = take(recorded);
        if (!taken.delay().isZero()) {
          TimeUnit.NANOSECONDS.sleep(nanos(taken.delay()));
        }
        if (taken.answer() instanceof UpstreamScript.Fail fail) {
          failAs(fail.kind(), socket, in, out);
          return;
        }
        boolean keepAlive = request.keepAlive();
        Response response = render(((UpstreamScript.Respond) taken.answer()).response(), recorded);
        if (!send(out, request.method(), response, keepAlive) || !keepAlive) {
          return;
        }
      }
    } catch (IOException e) {
      // The client went away, stayed idle past the read timeout, or refuse() or close() closed the socket.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt(); // close(): stop
    } finally {
      connections.remove(socket);
    }
  }

  /** Counts and records the request, then takes its answer: a request is counted before it is answered. */
  private UpstreamScript.Taken take(RecordedRequest request) {
    synchronized (counts) {
      requestCount++;
      if (received.size() == MAX_RECEIVED) {
        received.removeFirst();
      }
      received.addLast(request);
      counts.notifyAll();
    }
    return script.take(request);
  }

  /** Fails the request on the wire; the connection is closed afterwards. */
  private static void failAs(UpstreamException.Kind kind, Socket socket, InputStream in, OutputStream out)
      throws IOException {
    switch (kind) {
      case CONNECTION_RESET -> socket.setSoLinger(true, 0); // closing now sends RST, not FIN
      case PROTOCOL_ERROR -> write(out, NOT_HTTP);
      case RESPONSE_TIMEOUT -> silentUntilClosed(in);
      default -> throw new IllegalStateException("kind: " + kind + " (expected: one of " + FAILURES + ")");
    }
  }

  /** Says nothing until the client closes the connection, or refuse() or close() does. */
  private static void silentUntilClosed(InputStream in) throws IOException {
    while (true) {
      try {
        if (in.read() < 0) {
          return;
        }
        // A byte the client sends meanwhile is dropped: this connection never answers again.
      } catch (SocketTimeoutException e) {
        // still silent; close() and refuse() end the wait by closing the socket
      }
    }
  }

  private static Response render(Function<RecordedRequest, Response> answer, RecordedRequest request) {
    try {
      return Objects.requireNonNull(answer.apply(request), "the respondWith function returned null");
    } catch (RuntimeException e) {
      return Response.builder(500).body(Body.of("UpstreamServer: respondWith failed: " + e)).build();
    }
  }

  /**
   * Writes a response.
   *
   * @return false if the connection cannot carry another response: its streamed body failed, or
   *     ended before its length
   */
  private boolean send(OutputStream out, String method, Response response, boolean keepAlive)
      throws IOException, InterruptedException {
    int status = response.status();
    boolean mayHaveBody = status >= 200 && status != 204 && status != 304;
    boolean writesBody = mayHaveBody && !method.equals("HEAD");
    Body body = response.body();
    boolean streams = writesBody && body.inMemory().isEmpty() && body.contentLength().isPresent();
    byte[] bytes = streams ? null : bodyOf(response);
    long length = streams ? body.contentLength().getAsLong() : bytes.length;
    StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason(status)).append("\r\n");
    response.headers().forEach((name, value) -> {
      if (!isFraming(name)) {
        head.append(name).append(": ").append(value).append("\r\n");
      }
    });
    if (!response.headers().contains("X-Upstream")) {
      head.append("X-Upstream: ").append(port).append("\r\n");
    }
    if (mayHaveBody) {
      head.append("Content-Length: ").append(length).append("\r\n");
    }
    if (!keepAlive) {
      head.append("Connection: close\r\n");
    }
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
    if (streams) {
      out.flush();
      return stream(out, body, length);
    }
    if (writesBody) {
      out.write(bytes);
    }
    out.flush();
    return true;
  }

  /**
   * Writes a streamed body of known length as its publisher emits it, flushing each chunk.
   *
   * @return whether all {@code length} bytes were written; if not, the publisher failed, ended
   *     short or stalled past the read timeout, and the connection must close
   */
  private static boolean stream(OutputStream out, Body body, long length) throws IOException, InterruptedException {
    Chunks chunks = new Chunks();
    body.subscribe(chunks);
    boolean whole = false;
    try {
      long left = length;
      while (left > 0) {
        Object next = chunks.poll(READ_TIMEOUT);
        if (!(next instanceof ByteBuffer chunk)) {
          return false; // failed, ended short, or stalled
        }
        int n = (int) Math.min(chunk.remaining(), left);
        byte[] bytes = new byte[n];
        chunk.get(bytes);
        out.write(bytes);
        out.flush();
        left -= n;
        if (left > 0) {
          chunks.request();
        }
      }
      whole = true;
      return true;
    } finally {
      if (!whole) {
        chunks.cancel();
      }
    }
  }

  /** Receives a streamed body for the connection's thread, one chunk per request. */
  private static final class Chunks implements Flow.Subscriber<ByteBuffer> {
    private static final Object END = new Object();
    private final BlockingQueue<Object> signals = new LinkedBlockingQueue<>();
    private final CompletableFuture<Flow.Subscription> subscription = new CompletableFuture<>();

    @Override
    public void onSubscribe(Flow.Subscription s) {
      if (!subscription.complete(s)) {
        s.cancel();
        return;
      }
      s.request(1);
    }

    @Override
    public void onNext(ByteBuffer item) {
      signals.add(item);
    }

    @Override
    public void onError(Throwable failure) {
      signals.add(failure);
    }

    @Override
    public void onComplete() {
      signals.add(END);
    }

    /** The next chunk, a failure, {@code END}, or null if none came in time. */
    Object poll(Duration timeout) throws InterruptedException {
      return signals.poll(nanos(timeout), TimeUnit.NANOSECONDS);
    }

    void request() {
      subscription.thenAccept(s -> s.request(1));
    }

    void cancel() {
      subscription.thenAccept(Flow.Subscription::cancel);
    }
  }

  private static byte[] bodyOf(Response response) throws InterruptedException {
    Optional<byte[]> inMemory = response.body().inMemory();
    if (inMemory.isPresent()) {
      return inMemory.get();
    }
    try {
      return response.body().bytes(MAX_BODY).toCompletableFuture()
          .get(READ_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException | TimeoutException e) {
      return ("UpstreamServer: the response body failed: " + e).getBytes(StandardCharsets.UTF_8);
    }
  }

  private static void write(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  private static boolean isFraming(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.equals("content-length") || lower.equals("transfer-encoding") || lower.equals("connection");
  }

  private static String reason(int status) {
    return switch (status) {
      case 200 -> "OK";
      case 201 -> "Created";
      case 204 -> "No Content";
      case 400 -> "Bad Request";
      case 404 -> "Not Found";
      case 429 -> "Too Many Requests";
      case 500 -> "Internal Server Error";
      case 502 -> "Bad Gateway";
      case 503 -> "Service Unavailable";
      case 504 -> "Gateway Timeout";
      default -> "Status";
    };
  }

  private static long nanos(Duration duration) {
    try {
      return duration.toNanos();
    } catch (ArithmeticException e) {
      return Long.MAX_VALUE;
    }
  }

  private static void closeQuietly(Closeable closeable) {
    try {
      closeable.close();
    } catch (IOException e) {
      // closing is all that is wanted; there is nothing to do about a failure
    }
  }
}

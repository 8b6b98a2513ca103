package io.gatehouse.impl.upstream;

import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousSocketChannel;
import java.nio.channels.CompletionHandler;
import java.nio.channels.InterruptedByTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One upgrade call (a WebSocket opening handshake) on a connection of its own, never pooled, over
 * the JDK's asynchronous sockets: connects, writes the request head, reads the answer's head. A
 * {@code 101} completes the stage with the connection's later bytes as the body, and from then on
 * the request's {@link Request#tunnel() tunnel} is written to the connection; any other answer
 * completes it with its body read into memory (at most {@value #MAX_REFUSAL_BODY} bytes, as a
 * refusal's body is small), and the connection is closed.
 *
 * <p>This is how calls with a tunnel go out when no server adapter's event loop takes them (the
 * servlet mount, or a chain that finished off an event loop). No thread waits on a connection:
 * every read and write is a completion handler of the JVM's default asynchronous channel group,
 * and each direction has one read or write in flight at most, asked for only on demand.
 *
 * <p>The answer's head is held to the rules of RFC 9112: a status line {@code HTTP/1.x NNN},
 * fields {@code token ":" value} without control bytes or obs-fold, at most
 * {@value #MAX_HEAD} bytes; interim answers other than {@code 101} are skipped. A refusal's body
 * is framed by exactly one {@code Content-Length}, by {@code Transfer-Encoding: chunked} alone, or
 * by the end of the connection.
 */
final class SocketUpgradeCall {
  private static final Logger log = LoggerFactory.getLogger(SocketUpgradeCall.class);
  static final int MAX_HEAD = 64 * 1024;
  static final int MAX_REFUSAL_BODY = 64 * 1024;
  static final int READ_SIZE = 16 * 1024;

  private final UpstreamCall call;
  private final URI origin;
  private final ScheduledExecutorService timer;
  private final CompletableFuture<Response> result = new CompletableFuture<>();
  private final Serial serial = new Serial();
  // Serial only:
  private AsynchronousSocketChannel channel;
  private ScheduledFuture<?> timeout;
  private byte[] received = new byte[0];
  private int receivedLength;
  private int status;
  private HttpHeaders headers;
  private int bodyStart;
  private boolean done;

  private SocketUpgradeCall(UpstreamCall call, URI origin, ScheduledExecutorService timer) {
    this.call = call;
    this.origin = origin;
    this.timer = timer;
  }

  /**
   * Sends the upgrade.
   *
   * @param call the call, whose request carries a tunnel
   * @param origin its checked {@code http} origin
   * @param address the origin host's address, once resolved
   * @param timer runs the connect and response timeouts
   * @return the answer, once its head (and, for a refusal, its body) has arrived; cancelling it
   *     closes the connection
   */
  static CompletableFuture<Response> send(UpstreamCall call, URI origin, CompletionStage<InetAddress> address,
      ScheduledExecutorService timer) {
    SocketUpgradeCall c = new SocketUpgradeCall(call, origin, timer);
    c.result.whenComplete((r, failure) -> {
      if (c.result.isCancelled()) {
        c.serial.execute(() -> c.fail(new UpstreamException(Kind.CONNECTION_RESET, c.description() + ": cancelled")));
      }
    });
    c.serial.execute(() -> c.start(address));
    return c.result;
  }

  private String description() {
    return "GET " + call.origin() + call.request().path() + " (WebSocket upgrade)";
  }

  private void start(CompletionStage<InetAddress> address) {
    if (!"http".equalsIgnoreCase(origin.getScheme())) {
      fail(new UpstreamException(Kind.CONNECT_REFUSED, description() + ": WebSocket upgrades go to http origins only"));
      return;
    }
    arm(call.connectTimeout().toNanos(), () -> fail(new UpstreamException(Kind.CONNECT_TIMEOUT,
        description() + ": no connection within " + call.connectTimeout().toMillis() + " ms")));
    address.whenComplete((a, failure) -> serial.execute(() -> {
      if (done) {
        return;
      }
      if (failure != null) {
        Throwable cause = failure.getCause() != null ? failure.getCause() : failure;
        fail(new UpstreamException(cause instanceof java.util.concurrent.TimeoutException ? Kind.CONNECT_TIMEOUT
            : Kind.CONNECT_REFUSED, description() + ": the host " + origin.getHost() + " did not resolve: " + cause, cause));
        return;
      }
      connect(a);
    }));
  }

  private void connect(InetAddress address) {
    try {
      channel = AsynchronousSocketChannel.open();
      channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
      channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
    } catch (IOException e) {
      fail(new UpstreamException(Kind.CONNECT_REFUSED, description() + ": opening a socket failed", e));
      return;
    }
    int port = origin.getPort() < 0 ? 80 : origin.getPort();
    channel.connect(new InetSocketAddress(address, port), null, handler(ignored -> connected(),
        e -> fail(new UpstreamException(Kind.CONNECT_REFUSED, description() + ": connecting failed: " + e, e))));
  }

  private void connected() {
    if (done) {
      return;
    }
    disarm();
    arm(call.responseTimeout().toNanos(), () -> fail(new UpstreamException(Kind.RESPONSE_TIMEOUT,
        description() + ": the upstream stayed silent for " + call.responseTimeout().toMillis() + " ms")));
    writeHead(ByteBuffer.wrap(requestHead().getBytes(StandardCharsets.ISO_8859_1)));
  }

  /** The request line, Host, then the fields as given but the framing ones (an upgrade has no body). */
  String requestHead() {
    Request r = call.request();
    StringBuilder b = new StringBuilder(512);
    String host = origin.getHost();
    if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
      host = "[" + host + "]";
    }
    b.append("GET ").append(r.target()).append(" HTTP/1.1\r\nHost: ").append(host);
    if (origin.getPort() >= 0 && origin.getPort() != 80) {
      b.append(':').append(origin.getPort());
    }
    b.append("\r\n");
    r.headers().forEach((name, value) -> {
      if (!name.equalsIgnoreCase("Host") && !name.equalsIgnoreCase("Content-Length")
          && !name.equalsIgnoreCase("Transfer-Encoding")) {
        b.append(name).append(": ").append(value).append("\r\n");
      }
    });
    return b.append("\r\n").toString();
  }

  private void writeHead(ByteBuffer head) {
    if (done) {
      return;
    }
    if (!head.hasRemaining()) {
      read();
      return;
    }
    channel.write(head, null, handler(n -> writeHead(head),
        e -> fail(new UpstreamException(Kind.CONNECTION_RESET, description() + ": writing the request failed: " + e, e))));
  }

  private void read() {
    if (done) {
      return;
    }
    ByteBuffer buf = ByteBuffer.allocate(8 * 1024);
    channel.read(buf, null, handler(n -> {
      if (done) {
        return;
      }
      if (n < 0) {
        ended();
        return;
      }
      append(buf.flip());
      try {
        parse();
      } catch (UpstreamException e) {
        fail(e);
      }
    }, e -> fail(new UpstreamException(Kind.CONNECTION_RESET, description() + ": reading the answer failed: " + e, e))));
  }

  private void append(ByteBuffer b) {
    int n = b.remaining();
    if (receivedLength + n > received.length) {
      received = java.util.Arrays.copyOf(received, Math.max(receivedLength + n, received.length * 2));
    }
    b.get(received, receivedLength, n);
    receivedLength += n;
  }

  /** Makes what it can of the bytes so far; reads more if that is not enough. */
  private void parse() throws UpstreamException {
    while (status == 0 || (status >= 100 && status < 200 && status != 101)) {
      int end = headEnd(received, bodyStart, receivedLength);
      if (end < 0) {
        if (receivedLength - bodyStart > MAX_HEAD) {
          throw protocol("a response head over " + MAX_HEAD + " bytes");
        }
        read();
        return;
      }
      parseHead(new String(received, bodyStart, end - bodyStart, StandardCharsets.ISO_8859_1));
      bodyStart = end;
    }
    if (status == 101) {
      switched();
      return;
    }
    byte[] body = refusalBody(false);
    if (body == null) {
      read();
      return;
    }
    answer(body);
  }

  /** The end of the head (after its empty line) at or after {@code from}, or -1. */
  static int headEnd(byte[] b, int from, int to) {
    for (int i = from; i + 3 < to; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
        return i + 4;
      }
    }
    return -1;
  }

  private void parseHead(String head) throws UpstreamException {
    String[] lines = head.substring(0, head.length() - 4).split("\r\n", -1);
    String statusLine = lines[0];
    if (!(statusLine.startsWith("HTTP/1.1 ") || statusLine.startsWith("HTTP/1.0 ")) || statusLine.length() < 12
        || !Character.isDigit(statusLine.charAt(9)) || !Character.isDigit(statusLine.charAt(10))
        || !Character.isDigit(statusLine.charAt(11)) || (statusLine.length() > 12 && statusLine.charAt(12) != ' ')) {
      throw protocol("a bad status line");
    }
    status = Integer.parseInt(statusLine.substring(9, 12));
    if (status < 100) {
      throw protocol("status " + status);
    }
    HttpHeaders.Builder h = HttpHeaders.builder();
    for (int i = 1; i < lines.length; i++) {
      String line = lines[i];
      int colon = line.indexOf(':');
      if (colon <= 0 || line.charAt(0) == ' ' || line.charAt(0) == '\t') {
        throw protocol("a bad header line (obs-fold, or no field name)");
      }
      String name = line.substring(0, colon);
      for (int c = 0; c < name.length(); c++) {
        if (!isTokenChar(name.charAt(c))) {
          throw protocol("a bad field name");
        }
      }
      String value = line.substring(colon + 1).strip();
      for (int c = 0; c < value.length(); c++) {
        char ch = value.charAt(c);
        if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
          throw protocol("a control byte in field " + name);
        }
      }
      h.add(name, value);
    }
    headers = h.build();
  }

  private static boolean isTokenChar(char c) {
    return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }

  /**
   * The refusal's body when it is whole, or null while more is to come.
   *
   * @param atEnd whether the upstream has closed the connection
   */
  private byte[] refusalBody(boolean atEnd) throws UpstreamException {
    int have = receivedLength - bodyStart;
    if (status == 204 || status == 304) {
      return new byte[0];
    }
    java.util.List<String> lengths = headers.all("Content-Length");
    java.util.List<String> codings = headers.all("Transfer-Encoding");
    if (!codings.isEmpty()) {
      if (!lengths.isEmpty() || codings.size() != 1 || !codings.get(0).strip().equalsIgnoreCase("chunked")) {
        throw protocol("Transfer-Encoding " + codings + " with Content-Length " + lengths + " (expected: chunked alone)");
      }
      byte[] decoded = dechunk(received, bodyStart, receivedLength);
      if (decoded == null && have > MAX_REFUSAL_BODY + 16 * 1024) {
        throw tooLong();
      }
      return decoded;
    }
    if (!lengths.isEmpty()) {
      long length;
      try {
        if (lengths.size() != 1 || lengths.get(0).isEmpty() || !lengths.get(0).chars().allMatch(Character::isDigit)) {
          throw new NumberFormatException();
        }
        length = Long.parseLong(lengths.get(0));
      } catch (NumberFormatException e) {
        throw protocol("Content-Length " + lengths);
      }
      if (length > MAX_REFUSAL_BODY) {
        throw tooLong();
      }
      return have >= length ? java.util.Arrays.copyOfRange(received, bodyStart, bodyStart + (int) length) : null;
    }
    if (have > MAX_REFUSAL_BODY) {
      throw tooLong();
    }
    return atEnd ? java.util.Arrays.copyOfRange(received, bodyStart, receivedLength) : null;
  }

  /** A chunked body decoded, null while incomplete; trailers are dropped. */
  static byte[] dechunk(byte[] b, int from, int to) throws UpstreamException {
    java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
    int i = from;
    while (true) {
      int lineEnd = lineEnd(b, i, to);
      if (lineEnd < 0) {
        return null;
      }
      String sizeLine = new String(b, i, lineEnd - i, StandardCharsets.ISO_8859_1);
      int semi = sizeLine.indexOf(';');
      String hex = (semi >= 0 ? sizeLine.substring(0, semi) : sizeLine).strip();
      if (hex.isEmpty() || hex.length() > 8 || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
        throw new UpstreamException(Kind.PROTOCOL_ERROR, "a malformed chunk size");
      }
      long size = Long.parseLong(hex, 16);
      i = lineEnd + 2;
      if (size == 0) {
        while (true) { // trailers, then the empty line
          int end = lineEnd(b, i, to);
          if (end < 0) {
            return null;
          }
          if (end == i) {
            return out.toByteArray();
          }
          i = end + 2;
        }
      }
      if (out.size() + size > MAX_REFUSAL_BODY) {
        throw new UpstreamException(Kind.PROTOCOL_ERROR, "a refusal's body over " + MAX_REFUSAL_BODY + " bytes");
      }
      if (to - i < size + 2) {
        return null;
      }
      out.write(b, i, (int) size);
      i += (int) size;
      if (b[i] != '\r' || b[i + 1] != '\n') {
        throw new UpstreamException(Kind.PROTOCOL_ERROR, "a chunk not ended by CRLF");
      }
      i += 2;
    }
  }

  private static int lineEnd(byte[] b, int from, int to) {
    for (int i = from; i + 1 < to; i++) {
      if (b[i] == '\r' && b[i + 1] == '\n') {
        return i;
      }
    }
    return -1;
  }

  private UpstreamException protocol(String what) {
    return new UpstreamException(Kind.PROTOCOL_ERROR, description() + ": the upstream's answer is not valid HTTP/1.1: " + what);
  }

  private UpstreamException tooLong() {
    return new UpstreamException(Kind.PROTOCOL_ERROR, description() + ": the upstream refused the upgrade with "
        + status + " and a body over " + MAX_REFUSAL_BODY + " bytes (expected: a short refusal)");
  }

  /** The upstream closed the connection: the end of a refusal's body, or too early. */
  private void ended() {
    if (status != 0 && status != 101 && headers != null) {
      try {
        byte[] body = refusalBody(true);
        if (body != null) {
          answer(body);
          return;
        }
      } catch (UpstreamException e) {
        fail(e);
        return;
      }
    }
    fail(new UpstreamException(Kind.CONNECTION_RESET, description()
        + ": the upstream closed the connection before its answer ended"));
  }

  private void answer(byte[] body) {
    done = true;
    disarm();
    close(channel);
    result.complete(Response.builder(status).headers(headers).body(body.length == 0 ? Body.empty() : Body.of(body)).build());
  }

  private void switched() {
    done = true;
    disarm();
    ByteBuffer leftover = receivedLength > bodyStart ? ByteBuffer.wrap(java.util.Arrays.copyOfRange(received, bodyStart, receivedLength)) : null;
    received = null;
    SocketSource fromUpstream = new SocketSource(channel, leftover);
    SocketSink toUpstream = new SocketSink(channel);
    call.request().tunnel().orElseThrow().subscribe(toUpstream);
    if (!result.complete(Response.builder(101).headers(headers).body(Body.ofPublisher(fromUpstream, -1)).build())) {
      close(channel);
    }
  }

  private void fail(UpstreamException failure) {
    if (done) {
      return;
    }
    done = true;
    disarm();
    if (channel != null) {
      close(channel);
    }
    result.completeExceptionally(failure);
  }

  private void arm(long nanos, Runnable task) {
    try {
      timeout = timer.schedule(() -> serial.execute(task), Math.max(1, nanos), TimeUnit.NANOSECONDS);
    } catch (RejectedExecutionException e) {
      fail(new UpstreamException(Kind.CONNECT_REFUSED, description() + ": the transport is closed"));
    }
  }

  private void disarm() {
    ScheduledFuture<?> t = timeout;
    timeout = null;
    if (t != null) {
      t.cancel(false);
    }
  }

  /** A completion handler whose outcomes run on the serial. */
  private <V> CompletionHandler<V, Void> handler(java.util.function.Consumer<V> done,
      java.util.function.Consumer<Throwable> failed) {
    return new CompletionHandler<>() {
      @Override
      public void completed(V value, Void attachment) {
        serial.execute(() -> done.accept(value));
      }

      @Override
      public void failed(Throwable e, Void attachment) {
        serial.execute(() -> failed.accept(e));
      }
    };
  }

  static void close(AsynchronousSocketChannel channel) {
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing an upgraded connection: {}", e.toString());
    }
  }

  /**
   * Runs tasks one at a time, in order, on whichever thread submits while none runs: the
   * completion handlers of one connection and the {@code Flow} signals of its streams.
   */
  static final class Serial implements Executor {
    private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();

    @Override
    public void execute(Runnable task) {
      tasks.add(task);
      if (pending.getAndIncrement() != 0) {
        return;
      }
      do {
        Runnable next = tasks.poll();
        try {
          next.run();
        } catch (RuntimeException e) {
          log.error("an upgraded connection's task failed", e);
        }
      } while (pending.decrementAndGet() != 0);
    }
  }

  /**
   * The bytes the upstream sends after its {@code 101}, with back-pressure: one read in flight at
   * most, and only while the subscriber has demand. Completes at end of stream, fails on a read
   * error; cancelling stops reading (the connection is closed by its writing side, so that a last
   * close frame still goes out).
   */
  static final class SocketSource implements Flow.Publisher<ByteBuffer> {
    private final AsynchronousSocketChannel channel;
    private final Serial serial = new Serial();
    // Serial only:
    private ByteBuffer leftover;
    private Flow.Subscriber<? super ByteBuffer> subscriber;
    private long demand;
    private boolean reading;
    private boolean done;

    SocketSource(AsynchronousSocketChannel channel, ByteBuffer leftover) {
      this.channel = channel;
      this.leftover = leftover;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
      Objects.requireNonNull(s, "subscriber");
      serial.execute(() -> {
        if (subscriber != null) {
          s.onSubscribe(new Flow.Subscription() {
            @Override
            public void request(long n) {}

            @Override
            public void cancel() {}
          });
          s.onError(new IllegalStateException("a connection's bytes take one subscriber"));
          return;
        }
        subscriber = s;
        s.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {
            serial.execute(() -> {
              if (n <= 0) {
                fail(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
                return;
              }
              demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
              pump();
            });
          }

          @Override
          public void cancel() {
            serial.execute(() -> done = true);
          }
        });
      });
    }

    private void pump() {
      while (!done && demand > 0 && !reading) {
        if (leftover != null) {
          ByteBuffer b = leftover;
          leftover = null;
          demand--;
          subscriber.onNext(b);
          continue;
        }
        reading = true;
        ByteBuffer b = ByteBuffer.allocate(READ_SIZE);
        channel.read(b, null, new CompletionHandler<Integer, Void>() {
          @Override
          public void completed(Integer n, Void attachment) {
            serial.execute(() -> {
              reading = false;
              if (done) {
                return;
              }
              if (n < 0) {
                done = true;
                subscriber.onComplete();
                return;
              }
              demand--;
              subscriber.onNext(b.flip());
              pump();
            });
          }

          @Override
          public void failed(Throwable e, Void attachment) {
            serial.execute(() -> {
              reading = false;
              fail(e);
            });
          }
        });
      }
    }

    private void fail(Throwable t) {
      if (done) {
        return;
      }
      done = true;
      subscriber.onError(t);
    }
  }

  /**
   * Writes a stream of bytes to the upstream connection with back-pressure: one buffer at a time,
   * the next asked for once the last is written. When the stream completes, the writing side is
   * shut and the connection closed; when it fails, or a write fails, the connection is closed at
   * once.
   */
  static final class SocketSink implements Flow.Subscriber<ByteBuffer> {
    private final AsynchronousSocketChannel channel;
    private final Serial serial = new Serial();
    // Serial only:
    private Flow.Subscription subscription;
    private boolean writing;
    private boolean completing;
    private boolean closed;

    SocketSink(AsynchronousSocketChannel channel) {
      this.channel = channel;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      serial.execute(() -> {
        if (subscription != null || closed) {
          s.cancel();
          return;
        }
        subscription = s;
        s.request(1);
      });
    }

    @Override
    public void onNext(ByteBuffer item) {
      serial.execute(() -> {
        if (closed) {
          return;
        }
        writing = true;
        write(item);
      });
    }

    private void write(ByteBuffer item) {
      if (closed) {
        return;
      }
      if (!item.hasRemaining()) {
        writing = false;
        if (completing) {
          finish();
        } else {
          subscription.request(1);
        }
        return;
      }
      channel.write(item, null, new CompletionHandler<Integer, Void>() {
        @Override
        public void completed(Integer n, Void attachment) {
          serial.execute(() -> write(item));
        }

        @Override
        public void failed(Throwable e, Void attachment) {
          serial.execute(() -> {
            if (!(e instanceof InterruptedByTimeoutException)) {
              log.debug("writing to an upgraded upstream connection failed: {}", e.toString());
            }
            subscription.cancel();
            close();
          });
        }
      });
    }

    @Override
    public void onError(Throwable failure) {
      serial.execute(this::close);
    }

    @Override
    public void onComplete() {
      serial.execute(() -> {
        completing = true;
        if (!writing) {
          finish();
        }
      });
    }

    private void finish() {
      if (closed) {
        return;
      }
      try {
        channel.shutdownOutput();
      } catch (IOException | RuntimeException e) {
        log.debug("shutting the output of an upgraded connection: {}", e.toString());
      }
      close();
    }

    private void close() {
      if (!closed) {
        closed = true;
        SocketUpgradeCall.close(channel);
      }
    }

    @Override
    public String toString() {
      return "SocketSink[" + (closed ? "closed" : "open") + "]";
    }
  }

  @Override
  public String toString() {
    return "SocketUpgradeCall[" + description().toLowerCase(Locale.ROOT) + "]";
  }
}

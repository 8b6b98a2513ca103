package io.gatehouse.undertow.upstream;

import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.gatehouse.spi.ConnectionPoolStatus;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import io.gatehouse.spi.UpstreamTransport;
import io.gatehouse.upstream.ConnectionPool;
import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.xnio.XnioIoThread;

/**
 * An HTTP/1.1 transport that runs each call on the XNIO I/O thread that makes it, as Undertow's
 * own {@code ProxyHandler} does: the thread that read the client's request writes it upstream,
 * reads the answer and writes it back, with no hand-over to another thread. Each I/O thread keeps
 * its own keep-alive connections ({@link LoopConnections}); the pool's per-origin and total
 * limits hold across threads.
 *
 * <p>It keeps the contract of the gateway's httpclient5 transport (the transport conformance kit
 * runs against both): the request passes exactly (request line as given, Host, the given fields in
 * order minus Host, Connection and framing fields, then the framing the body calls for); the
 * response keeps its status and fields minus the per-hop ones; response framing is strict
 * ({@link ResponseParser}), and a connection whose bytes leave it is closed, never reused; both
 * bodies stream with back-pressure; response timeouts bound socket silence, the acquire timeout
 * the wait for a connection, the connect timeout resolving and connecting; a call lost on a
 * pooled connection the upstream had closed is sent once more on a new one when its body is empty
 * or in memory; cancelling the stage or the body closes the connection.
 *
 * <p>Limits: plain {@code http} origins only ({@code https} calls go to the httpclient5
 * transport); host names resolve through the resolver it is given, off the I/O thread.
 * {@link #send} must be called on an XNIO I/O thread.
 */
final class IoThreadTransport implements UpstreamTransport {
  /** How long close() lets exchanges in flight finish before it cuts their connections. */
  static final long GRACEFUL_CLOSE_MILLIS = 1_000;

  private final ConnectionPool pool;
  private final Function<String, CompletionStage<InetAddress>> resolver;
  private final ConcurrentHashMap<XnioIoThread, LoopConnections> loops = new ConcurrentHashMap<>();
  private final ConcurrentHashMap<URI, Origin> origins = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private volatile boolean closed;

  /**
   * @param pool the connection pool's sizes and times
   * @param resolver finds a host's address, literal or name; must not block (it may complete on any thread),
   *     and fails with a {@link TimeoutException} when resolving takes too long
   */
  IoThreadTransport(ConnectionPool pool, Function<String, CompletionStage<InetAddress>> resolver) {
    this.pool = Objects.requireNonNull(pool, "pool");
    this.resolver = Objects.requireNonNull(resolver, "resolver");
  }

  /** Whether this transport can carry calls to the origin: plain HTTP. */
  static boolean carries(URI origin) {
    return "http".equalsIgnoreCase(origin.getScheme());
  }

  /** Whether the current thread is one this transport's calls run on. */
  static boolean onIoThread() {
    return Thread.currentThread() instanceof XnioIoThread;
  }

  /**
   * Starts one call on the current I/O thread.
   *
   * @throws IllegalArgumentException if the origin is not {@code http://host[:port]} or a timeout
   *     is not positive
   * @throws IllegalStateException if not called on an XNIO I/O thread
   */
  @Override
  public CompletionStage<Response> send(UpstreamCall call) {
    Objects.requireNonNull(call, "call");
    if (call.request().tunnel().isPresent()) {
      return upgrade(call);
    }
    if (!(Thread.currentThread() instanceof XnioIoThread thread)) {
      throw new IllegalStateException("send: called on '" + Thread.currentThread().getName()
          + "' (expected: an XNIO I/O thread)");
    }
    positive("connectTimeout", call.connectTimeout());
    positive("responseTimeout", call.responseTimeout());
    positive("bodyIdleTimeout", call.bodyIdleTimeout());
    Origin origin = origins.get(call.origin());
    if (origin == null) {
      origin = origins.computeIfAbsent(call.origin(), IoThreadTransport::origin);
    }
    LoopConnections loop = loops.get(thread);
    if (loop == null) {
      loop = loops.computeIfAbsent(thread, t -> new LoopConnections(this, t, pool));
    }
    CompletableFuture<Response> result = new CompletableFuture<>();
    attempt(new Exchange(call, origin, loop, false, result));
    return result;
  }

  /**
   * A WebSocket upgrade, on a connection of its own ({@link UpgradeCall}): on this I/O thread, or
   * when the gateway's chain finished elsewhere, on an I/O thread this transport already runs on.
   */
  private CompletionStage<Response> upgrade(UpstreamCall call) {
    positive("connectTimeout", call.connectTimeout());
    positive("responseTimeout", call.responseTimeout());
    XnioIoThread thread = Thread.currentThread() instanceof XnioIoThread t ? t
        : loops.keySet().stream().findFirst().orElse(null);
    if (closed || thread == null) {
      return CompletableFuture.failedFuture(new UpstreamException(Kind.CONNECT_REFUSED, "GET " + call.origin()
          + call.request().path() + " (WebSocket upgrade): " + (closed ? "the transport is closed"
              : "no I/O thread to open the connection on (expected: the call made on an Undertow I/O thread)")));
    }
    Origin origin = origins.computeIfAbsent(call.origin(), IoThreadTransport::origin);
    return new UpgradeCall(this, call, origin, thread).start();
  }

  private void attempt(Exchange e) {
    // Cancelling the caller's stage reaches whichever attempt runs then.
    e.result().whenComplete((response, failure) -> {
      if (failure instanceof CancellationException) {
        e.onLoop(e::cancelled);
      }
    });
    e.loop().acquire(e);
  }

  /** A failed attempt: sent once more on a new connection if it was lost on a stale one, else the call fails. */
  void attemptFailed(Exchange e, UpstreamException failure, boolean responseStarted) {
    if (e.result().isDone()) {
      return;
    }
    if (e.failedOnStaleConnection(failure, responseStarted) && replayable(e.call().request().body())) {
      attempt(new Exchange(e.call(), e.origin(), e.loop(), true, e.result()));
    } else {
      e.result().completeExceptionally(failure);
    }
  }

  private static boolean replayable(Body body) {
    return body.isEmpty() || body.inMemory().isPresent();
  }

  boolean isClosed() {
    return closed;
  }

  /** Takes one of the pool's total slots, if any is free. */
  boolean reserveTotal() {
    for (int n = total.get(); n < pool.maxTotal(); n = total.get()) {
      if (total.compareAndSet(n, n + 1)) {
        return true;
      }
    }
    return false;
  }

  void freeTotal() {
    total.decrementAndGet();
  }

  /** Connections open (or opening) over all threads. */
  int open() {
    return total.get();
  }

  /** The host's address, through the resolver (which answers literals at once). */
  CompletionStage<InetAddress> resolve(String host) {
    return resolver.apply(host);
  }

  static UpstreamException unresolved(String description, String host, Throwable failure) {
    Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
    if (cause instanceof TimeoutException) {
      return new UpstreamException(Kind.CONNECT_TIMEOUT,
          description + ": resolving '" + host + "' timed out: " + cause.getMessage(), cause);
    }
    return new UpstreamException(Kind.CONNECT_REFUSED, description + ": '" + host + "' did not resolve: " + cause, cause);
  }

  @Override
  public Optional<ConnectionPoolStatus> poolStatus() {
    int available = 0;
    for (LoopConnections loop : loops.values()) {
      available += loop.available();
    }
    int pending = 0;
    for (Origin origin : origins.values()) {
      pending += origin.waiting();
    }
    int open = total.get();
    return Optional.of(new ConnectionPoolStatus(Math.max(0, open - available), pending, available, pool.maxTotal()));
  }

  /**
   * Closes idle connections at once, gives exchanges in flight a second to finish, then closes
   * their connections (their callers get {@code CONNECTION_RESET}); later calls fail with
   * {@code CONNECT_REFUSED}. Waits for every I/O thread but the calling one.
   */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    CountDownLatch done = new CountDownLatch(loops.size());
    for (LoopConnections loop : loops.values()) {
      if (!loop.runIfAlive(() -> loop.close(GRACEFUL_CLOSE_MILLIS, done::countDown))) {
        done.countDown();
      }
    }
    for (Origin origin : origins.values()) {
      for (Exchange w = origin.nextWaiter(); w != null; w = origin.nextWaiter()) {
        Exchange waiter = w;
        waiter.onLoop(() -> waiter.failBeforeHead(
            new UpstreamException(Kind.CONNECT_REFUSED, waiter.description() + ": the transport is closed")));
      }
    }
    if (!onIoThread()) {
      try {
        done.await(GRACEFUL_CLOSE_MILLIS + 1_000, TimeUnit.MILLISECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static Origin origin(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    boolean ok = scheme.equals("http")
        && uri.getHost() != null
        && uri.getRawUserInfo() == null
        && (uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/"))
        && uri.getRawQuery() == null
        && uri.getRawFragment() == null;
    if (!ok) {
      throw new IllegalArgumentException(
          "origin: '" + uri + "' (expected: http, a host, an optional port, nothing else)");
    }
    String host = uri.getHost();
    String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    int port = uri.getPort() < 0 ? 80 : uri.getPort();
    String hostHeader = uri.getPort() < 0 ? host : host + ":" + uri.getPort();
    return new Origin(scheme + "://" + bare.toLowerCase(Locale.ROOT) + ":" + port, bare, port, hostHeader);
  }

  private static void positive(String field, Duration value) {
    if (value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(field + ": " + value + " (expected: > 0)");
    }
  }

  @Override
  public String toString() {
    return "IoThreadTransport[" + (closed ? "closed" : loops.size() + " I/O threads, " + total.get() + " connections") + "]";
  }
}

package io.gatehouse.impl.upstream;

import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import java.io.InterruptedIOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.time.Duration;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.hc.client5.http.async.AsyncExecRuntime;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.MalformedChunkCodingException;
import org.apache.hc.core5.http.MessageConstraintException;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.TruncatedChunkException;
import org.apache.hc.core5.http.message.BasicHeader;

/**
 * The state of one call: the stage the caller holds, what has happened on the wire so far, and
 * how a failure maps to an {@link UpstreamException.Kind}. It is also the client's completion
 * callback for the call.
 *
 * <p>Phases: the call is <em>dispatched</em> once a connection is ready and the request head is
 * about to be written (set by {@link ExactRequestHeaders}); before that, failures are connect
 * failures. The stage completes when the response head arrives; later failures go to the response
 * body's subscriber.
 */
final class UpstreamExchange implements FutureCallback<Void> {
  /** The context attribute under which the client's interceptors find this exchange. */
  static final String ATTRIBUTE = UpstreamExchange.class.getName();

  /** Per-hop request headers the transport owns; given values are dropped. */
  private static final Set<String> OWNED_REQUEST_HEADERS =
      Set.of("host", "content-length", "transfer-encoding", "connection");
  /** Per-hop response headers that do not describe the message the gateway passes on. */
  private static final Set<String> HOP_RESPONSE_HEADERS =
      Set.of("transfer-encoding", "connection", "keep-alive");

  private final UpstreamCall call;
  private final Header[] requestHeaders;
  private final CompletableFuture<Response> result = new CompletableFuture<>();
  private final AtomicReference<Throwable> requestBodyFailure = new AtomicReference<>();
  private volatile Future<?> execution;
  private volatile AsyncExecRuntime runtime;
  private volatile ScheduledFuture<?> connectDeadline;
  private volatile boolean abortRequested;
  private volatile boolean dispatched;
  private volatile boolean leased;
  private volatile boolean reused;
  private final boolean newConnection;
  private final Duration acquireTimeout;
  private final ScheduledExecutorService timer;

  /**
   * @param acquireTimeout how long the call may wait for a pooled connection
   * @param newConnection whether the call must run on a newly opened connection (the one resend
   *     after a stale pooled connection)
   * @param timer the transport's timer, for the acquire and connect deadlines
   */
  UpstreamExchange(UpstreamCall call, Duration acquireTimeout, boolean newConnection, ScheduledExecutorService timer) {
    this.call = call;
    this.acquireTimeout = acquireTimeout;
    this.timer = timer;
    this.newConnection = newConnection;
    this.requestHeaders = requestHeaders(call);
    // Cancelling the caller's stage aborts the exchange and closes its connection.
    result.whenComplete((response, failure) -> {
      ScheduledFuture<?> deadline = connectDeadline;
      if (deadline != null) {
        deadline.cancel(false);
      }
      if (failure instanceof CancellationException) {
        abort();
      }
    });
  }

  private static Header[] requestHeaders(UpstreamCall call) {
    URI origin = call.origin();
    List<Header> headers = new ArrayList<>(call.request().headers().size() + 1);
    // URI.getHost() keeps the brackets of an IPv6 literal, as the Host header needs them.
    String host = origin.getPort() < 0 ? origin.getHost() : origin.getHost() + ":" + origin.getPort();
    headers.add(new BasicHeader("Host", host));
    call.request().headers().forEach((name, value) -> {
      if (!OWNED_REQUEST_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
        headers.add(new BasicHeader(name, value));
      }
    });
    return headers.toArray(new Header[0]);
  }

  UpstreamCall call() {
    return call;
  }

  /** What the call is, for messages: method, origin and path, without the query. */
  String description() {
    URI origin = call.origin();
    return call.request().method() + " " + origin.getScheme() + "://" + origin.getRawAuthority()
        + call.request().path();
  }

  /** Host, then the given headers minus those the transport owns, in their order. */
  Header[] requestHeaders() {
    return requestHeaders.clone();
  }

  CompletableFuture<Response> result() {
    return result;
  }

  /** Binds the client's execution, so that aborting can cancel it. */
  void started(Future<?> execution) {
    this.execution = execution;
    if (abortRequested) {
      execution.cancel(true);
    }
  }

  /** Binds the client's per-call runtime, which holds the call's connection once leased. */
  void runtime(AsyncExecRuntime runtime) {
    this.runtime = runtime;
    if (abortRequested) {
      runtime.discardEndpoint();
    }
  }

  /**
   * Aborts the exchange: the client fails it and discards (closes) its connection. Does nothing
   * once the exchange has completed, when the connection has already gone back to the pool clean.
   *
   * <p>Cancelling the client's future alone is not enough: when a new connection completes on
   * the I/O thread while the calling thread is still in the chain, the future's dependency can
   * end up being the finished connect step instead of the exchange, and the cancel reaches
   * nothing. Discarding the runtime's endpoint closes the connection whatever the future holds.
   */
  void abort() {
    abortRequested = true;
    Future<?> f = execution;
    if (f != null) {
      f.cancel(true);
    }
    AsyncExecRuntime r = runtime;
    if (r != null) {
      r.discardEndpoint();
    }
  }

  /**
   * Bounds the wait for a pooled connection by the acquire timeout; once one is leased, a new
   * connection's opening (connect, TLS) is bounded by the connect timeout (see {@link #leased}).
   * The client's own bounds are not enough: its pool notices an expired lease only when some
   * connection is released. Called once the client has the call: a call that got a pooled
   * connection at once (the common case, leased on the calling thread) needs no deadline, and
   * scheduling none spares the timer thread a wake-up per call.
   *
   * @throws RejectedExecutionException if the transport is closing
   */
  void startAcquireDeadline() {
    if (leased || result.isDone()) {
      return;
    }
    ScheduledFuture<?> deadline = timer.schedule(() -> {
      if (!leased) {
        fail(new TimeoutException("no pooled connection free"));
        abort();
      }
    }, acquireTimeout.toNanos(), TimeUnit.NANOSECONDS);
    connectDeadline = deadline;
    if (leased || result.isDone()) {
      deadline.cancel(false);
    }
  }

  /** Whether this call must not run on a pooled connection that was opened before it. */
  boolean needsNewConnection() {
    return newConnection;
  }

  /**
   * The client leased a connection: an open one from the pool ({@code reused}), or a slot for
   * one it opens now, within the connect timeout.
   */
  void leased(boolean reused) {
    this.reused = reused;
    this.leased = true;
    ScheduledFuture<?> acquire = connectDeadline;
    if (acquire != null) {
      acquire.cancel(false);
    }
    if (!reused && !dispatched && !result.isDone()) {
      try {
        ScheduledFuture<?> deadline = timer.schedule(() -> {
          if (!dispatched) {
            fail(new TimeoutException("no connection ready"));
            abort();
          }
        }, call.connectTimeout().toNanos(), TimeUnit.NANOSECONDS);
        connectDeadline = deadline;
        if (dispatched || result.isDone()) {
          deadline.cancel(false);
        }
      } catch (RejectedExecutionException closed) {
        // the transport is closing; close() fails the call
      }
    }
  }

  /**
   * Whether a failure leaves the request unseen by any upstream logic worth protecting, so that
   * it may be sent once more on a new connection: the connection was reused from the pool (the
   * upstream had closed it while it sat idle), it was lost before any byte of a response arrived,
   * and nothing else went wrong.
   */
  boolean failedOnStaleConnection(UpstreamException failure) {
    return reused && !newConnection && failure.kind() == Kind.CONNECTION_RESET
        && requestBodyFailure.get() == null
        && !(failure.getCause() instanceof ResponseCutShortException);
  }

  /** The request head is about to be written on a connection. */
  void dispatched() {
    dispatched = true;
    ScheduledFuture<?> deadline = connectDeadline;
    if (deadline != null) {
      deadline.cancel(false);
    }
  }

  /** The request body's publisher failed, or sent a length other than the one it declared. */
  void requestBodyFailed(Throwable failure) {
    requestBodyFailure.compareAndSet(null, failure);
  }

  /**
   * Converts a response head. {@link ResponseFramingGuard} has already refused bad framing and
   * control bytes on the wire; this checks again on what httpcore parsed, so that a value with a
   * control byte can never reach a client even if the guard is bypassed (the gateway's
   * {@code HttpHeaders} refuses only CR, LF and NUL).
   *
   * @throws ProtocolException if the status or a header cannot be represented, a value has a
   *     control byte, or the head has both Content-Length and Transfer-Encoding
   */
  Response response(HttpResponse head, Body body) throws ProtocolException {
    if (head.containsHeader("Content-Length") && head.containsHeader("Transfer-Encoding")) {
      throw new ProtocolException("invalid response head: both Content-Length and Transfer-Encoding");
    }
    for (Header h : head.getHeaders()) {
      if (hasControlByte(h.getValue())) {
        throw new ProtocolException("invalid response head: a control byte in field '" + h.getName() + "'");
      }
    }
    try {
      Set<String> perHop = new HashSet<>(HOP_RESPONSE_HEADERS);
      for (Header connection : head.getHeaders("Connection")) {
        for (String token : connection.getValue().split(",")) {
          perHop.add(token.trim().toLowerCase(Locale.ROOT));
        }
      }
      HttpHeaders.Builder headers = HttpHeaders.builder();
      for (Header h : head.getHeaders()) {
        if (!perHop.contains(h.getName().toLowerCase(Locale.ROOT))) {
          headers.add(h.getName(), h.getValue());
        }
      }
      return Response.builder(head.getCode()).headers(headers.build()).body(body).build();
    } catch (IllegalArgumentException e) {
      throw new ProtocolException("invalid response head: " + e.getMessage(), e);
    }
  }

  /** Whether a value has a byte that RFC 9110 does not allow in a field value (CTLs but HTAB, and DEL). */
  static boolean hasControlByte(String value) {
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < 0x20 && c != '\t' || c == 0x7f) {
        return true;
      }
    }
    return false;
  }

  /**
   * Completes the caller's stage with the response.
   *
   * @return false if the caller no longer waits (the stage was cancelled or failed)
   */
  boolean deliver(Response response) {
    return result.complete(response);
  }

  /** Fails the caller's stage, unless it has completed already. */
  void fail(Throwable cause) {
    result.completeExceptionally(classify(cause));
  }

  /** Maps a failure of this exchange to the kind the gateway answers for. */
  UpstreamException classify(Throwable cause) {
    if (cause instanceof UpstreamException u) {
      return u;
    }
    Throwable bodyFailure = requestBodyFailure.get();
    if (bodyFailure != null) {
      return new UpstreamException(Kind.REQUEST_BODY_FAILED,
          description() + ": the request body failed: " + bodyFailure, bodyFailure);
    }
    if (!leased && isTimeout(cause)) {
      return new UpstreamException(Kind.POOL_EXHAUSTED,
          description() + ": no pooled connection free within " + acquireTimeout + ": " + cause, cause);
    }
    if (!dispatched) {
      if (isTimeout(cause)) {
        return new UpstreamException(Kind.CONNECT_TIMEOUT,
            description() + ": no connection within " + call.connectTimeout() + ": " + cause, cause);
      }
      return new UpstreamException(Kind.CONNECT_REFUSED,
          description() + ": cannot connect: " + cause, cause);
    }
    if (isProtocolError(cause)) {
      return new UpstreamException(Kind.PROTOCOL_ERROR,
          description() + ": invalid HTTP from upstream: " + cause, cause);
    }
    if (cause instanceof SocketTimeoutException || cause instanceof TimeoutException) {
      boolean inBody = result.isDone() && !result.isCompletedExceptionally();
      return new UpstreamException(Kind.RESPONSE_TIMEOUT, description() + ": upstream silent for "
          + (inBody ? call.bodyIdleTimeout() + " inside the response body" : call.responseTimeout()) + ": " + cause, cause);
    }
    if (cause instanceof InterruptedIOException) {
      // httpclient5 cancels an exchange whose connection closed under it with a bare
      // InterruptedIOException: the connection was lost, and on a pooled one the call is resent.
      return new UpstreamException(Kind.CONNECTION_RESET,
          description() + ": the connection closed under the request: " + cause, cause);
    }
    return new UpstreamException(Kind.CONNECTION_RESET,
        description() + ": connection lost: " + cause, cause);
  }

  /** Socket and connect timeouts are InterruptedIOExceptions; pool lease deadlines are not. */
  private static boolean isTimeout(Throwable cause) {
    return cause instanceof InterruptedIOException || cause instanceof TimeoutException;
  }

  private static boolean isProtocolError(Throwable cause) {
    if (cause instanceof TruncatedChunkException) {
      return false; // the connection closed inside a chunk: a reset, not garbage
    }
    return cause instanceof HttpException
        || cause instanceof UpstreamFramingException
        || cause instanceof MalformedChunkCodingException
        || cause instanceof MessageConstraintException
        || cause instanceof CharacterCodingException;
  }

  // FutureCallback of the client's execution. The response consumer reports head and body
  // itself; this only catches failures that happen before the consumer is involved.

  @Override
  public void completed(Void ignored) {}

  @Override
  public void failed(Exception cause) {
    fail(cause);
  }

  @Override
  public void cancelled() {
    // Our own aborts find the stage done already; a client shutting down does not.
    fail(new CancellationException("the exchange was cancelled"));
  }

  @Override
  public String toString() {
    return description();
  }
}

package io.gatehouse.undertow.internal;

import io.gatehouse.Gateway;
import io.gatehouse.adapter.BodyPace;
import io.gatehouse.adapter.GatewayCall;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.RequestHandler;
import io.gatehouse.http.Response;
import io.undertow.server.Connectors;
import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.RequestTooBigException;
import io.undertow.server.SSLSessionInfo;
import io.undertow.server.protocol.http2.Http2ServerConnection;
import io.gatehouse.adapter.ResponseFraming;
import io.undertow.util.HeaderMap;
import io.undertow.util.HeaderValues;
import io.undertow.util.HttpString;
import io.undertow.util.Protocols;
import io.undertow.util.Headers;
import io.undertow.util.SameThreadExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;

/**
 * One exchange's trip through the gateway: maps Undertow's request to a {@link Request}, calls
 * {@link Gateway#handle} on the I/O thread, writes the {@link Response} back, and tears
 * everything down when the client goes away.
 *
 * <pre>{@code
 * // inside an HttpHandler, on any thread:
 * ExchangeBridge.handle(exchange, gateway, ClientTimeouts.DEFAULTS);
 * }</pre>
 *
 * <p>The exchange is dispatched ({@code exchange.dispatch(SameThreadExecutor.INSTANCE, ...)}), so
 * Undertow does not end it when {@code handleRequest} returns; the bridge ends it once the
 * response is written. If the client goes away first (a failed read or write, the connection
 * closing, or {@link ClientWatch} seeing end of stream), the bridge cancels the response body's
 * subscription and the gateway's future, fails the request body's subscriber, and closes the
 * connection.
 */
public final class ExchangeBridge implements ExchangeCompletionListener {
  private static final Logger log = LoggerFactory.getLogger(ExchangeBridge.class);
  private static final long WATCH_DELAY_MILLIS = 50;
  /** The most of an unread request body that is drained to keep a connection open (as Tomcat's maxSwallowSize does). */
  static final long DRAIN_LIMIT = 64 * 1024;
  private static final String CLIENT_CERTIFICATES = "io.gatehouse.clientCertificates";

  private final HttpServerExchange exchange;
  private final ClientTimeouts timeouts;
  private final XnioIoThread ioThread;
  private final GatewayCall call;
  private final ClientWatch watch;
  private volatile boolean responseWritten;
  private volatile boolean writerDone;
  private volatile ResponseWriter writer;
  private volatile RequestBodyInput requestBody;
  private ChannelSource tunnel; // I/O thread only; set when the connection can switch protocols
  private final DelayedWatches.Entry delayedWatch; // I/O thread only
  private DelayedWatches watchQueue; // I/O thread only; set once the watch is scheduled

  private ExchangeBridge(HttpServerExchange exchange, ClientTimeouts timeouts) {
    this.exchange = exchange;
    this.timeouts = timeouts;
    this.ioThread = exchange.getIoThread();
    this.call = GatewayCall.create(this::onIoThread);
    this.watch = new ClientWatch(exchange, () -> abort(new IOException("the client closed the connection")));
    this.delayedWatch = new DelayedWatches.Entry(() -> {
      if (!responseWritten && !call.isAborted()) {
        watch.start();
      }
    });
  }

  /**
   * Hands an exchange to a gateway, or to anything else with the {@link RequestHandler} contract
   * such as the admin endpoints: the handler is called once on the exchange's I/O thread. Returns
   * at once; the exchange completes asynchronously on its I/O thread.
   *
   * <pre>{@code
   * ExchangeBridge.handle(exchange, lease.gateway(), timeouts);
   * ExchangeBridge.handle(exchange, request -> admin.handle(request, worker), ClientTimeouts.DEFAULTS);
   * }</pre>
   *
   * @param exchange the exchange, not yet responded to; the call may run on any thread
   * @param handler the gateway, or another handler, that turns the request into its response
   * @param timeouts how long to wait on a slow client
   */
  public static void handle(HttpServerExchange exchange, RequestHandler handler, ClientTimeouts timeouts) {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(handler, "handler");
    ExchangeBridge bridge = new ExchangeBridge(exchange, Objects.requireNonNull(timeouts, "timeouts"));
    dispatch(exchange, () -> bridge.start(handler));
  }

  /**
   * Answers an exchange with a fixed response (used for the adapter's own problems, such as 503
   * while shutting down), with the same framing rules as gateway responses.
   *
   * <pre>{@code
   * ExchangeBridge.respond(exchange, Problems.response(exchange, 503, "The server is shutting down."));
   * }</pre>
   *
   * @param exchange the exchange, not yet responded to; the call may run on any thread
   * @param response the response to write
   */
  public static void respond(HttpServerExchange exchange, Response response) {
    Objects.requireNonNull(exchange, "exchange");
    Objects.requireNonNull(response, "response");
    ExchangeBridge bridge = new ExchangeBridge(exchange, ClientTimeouts.DEFAULTS);
    dispatch(exchange, () -> {
      if (bridge.register()) {
        bridge.write(response);
      }
    });
  }

  private static void dispatch(HttpServerExchange exchange, Runnable task) {
    // After handleRequest returns, Undertow runs the task instead of ending the exchange; on the
    // I/O thread itself it runs right away, from a worker it is queued to the I/O thread.
    exchange.dispatch(exchange.isInIoThread() ? SameThreadExecutor.INSTANCE : exchange.getIoThread(), task);
  }

  private boolean register() {
    try {
      // Completion listeners run last added first: the flush runs after this bridge's, just
      // before Undertow reads the next pipelined request.
      exchange.addExchangeCompleteListener(PipelineFlush.INSTANCE);
      exchange.addExchangeCompleteListener(this);
      return true;
    } catch (IllegalStateException alreadyComplete) {
      return false;
    }
  }

  private void start(RequestHandler handler) {
    if (!register()) {
      return;
    }
    Optional<String> path = RequestTarget.rawRelativePath(exchange);
    if (path.isEmpty()) {
      write(Problems.response(exchange, 400,
          "The request target does not line up with the path the gateway is mounted at."));
      return;
    }
    HttpString protocol = exchange.getProtocol();
    if (!protocol.equals(Protocols.HTTP_1_1) && !protocol.equals(Protocols.HTTP_1_0)
        && !protocol.equals(Protocols.HTTP_2_0)) {
      write(Problems.closing(exchange, 505, "The HTTP version is not supported (expected: HTTP/1.0, HTTP/1.1 or HTTP/2)."));
      return;
    }
    RequestFraming framing = RequestFraming.of(exchange);
    if (framing.refusal() != null) {
      write(Problems.closing(exchange, 400, framing.refusal()));
      return;
    }
    long contentLength = framing.contentLength();
    long maxEntitySize = exchange.getMaxEntitySize();
    if (maxEntitySize > 0 && contentLength > maxEntitySize) {
      write(Problems.closing(exchange, 413, "The request body is larger than this server accepts ("
          + maxEntitySize + " bytes)."));
      return;
    }
    if (framing.chunked()) {
      StrictChunkedConduit.install(exchange);
    }
    Request request;
    try {
      request = toRequest(path.get(), contentLength);
    } catch (IllegalArgumentException e) {
      write(Problems.closing(exchange, 400, "The request method or a header field is not valid HTTP."));
      return;
    }
    boolean underWay = call.call(handler, request, this::write,
        (status, detail) -> Problems.response(exchange, status, detail));
    if (underWay && exchange.isRequestComplete()) {
      watchSoon();
    }
  }

  private Request toRequest(String path, long contentLength) {
    Request.Builder b = Request.builder(exchange.getRequestMethod().toString(), path);
    RequestTarget.rawQuery(exchange).ifPresentOrElse(b::rawQuery, b::noQuery);
    b.mountPath(RequestTarget.mountPath(exchange));
    HttpHeaders.Builder headers = HttpHeaders.builder();
    for (HeaderValues values : exchange.getRequestHeaders()) {
      String name = values.getHeaderName().toString();
      for (String value : values) {
        headers.add(name, value);
      }
    }
    b.headers(headers.build());
    InetSocketAddress peer = exchange.getSourceAddress();
    if (peer != null) {
      b.remoteAddress(peer);
    }
    b.scheme("https".equalsIgnoreCase(exchange.getRequestScheme()) ? "https" : "http");
    b.clientCertificates(clientCertificates(exchange));
    if (exchange.getProtocol().equals(Protocols.HTTP_1_1) && exchange.getRequestHeaders().contains(Headers.UPGRADE)
        && exchange.getConnection() instanceof io.undertow.server.protocol.http.HttpServerConnection) {
      // The client's bytes once a 101 has switched the connection (a WebSocket session).
      tunnel = new ChannelSource(ioThread);
      b.tunnel(tunnel);
    }
    if (contentLength == 0 || (contentLength < 0 && exchange.isRequestComplete())) {
      b.body(Body.empty());
    } else {
      // A length, or no length and a body still to come (chunked, or HTTP/2 DATA frames).
      RequestBodyInput input = new RequestBodyInput(this, exchange, contentLength, timeouts);
      requestBody = input;
      b.body(Body.ofPublisher(input.publisher(), contentLength));
    }
    return b.build();
  }

  /** The chain the TLS handshake verified, from the session only: never from a header. */
  static List<X509Certificate> clientCertificates(HttpServerExchange exchange) {
    SSLSessionInfo info = exchange.getConnection().getSslSessionInfo();
    SSLSession session = info == null ? null : info.getSSLSession();
    if (session == null) {
      return List.of();
    }
    // Kept on the session: without a client certificate, asking throws, which would cost every request.
    if (session.getValue(CLIENT_CERTIFICATES) instanceof List<?> known) {
      @SuppressWarnings("unchecked")
      List<X509Certificate> chain = (List<X509Certificate>) known;
      return chain;
    }
    List<X509Certificate> chain = new ArrayList<>(2);
    try {
      for (Certificate c : session.getPeerCertificates()) {
        if (c instanceof X509Certificate x) {
          chain.add(x);
        }
      }
    } catch (SSLPeerUnverifiedException none) {
      chain.clear();
    }
    List<X509Certificate> copy = List.copyOf(chain);
    session.putValue(CLIENT_CERTIFICATES, copy);
    return copy;
  }

  private void write(Response response) {
    if (response.status() == 101) {
      switchProtocols(response);
      return;
    }
    call.markResponding();
    ResponseWriter w = new ResponseWriter(this, exchange, timeouts.write());
    writer = w;
    if (call.isAborted()) {
      GatewayCall.discard(response.body());
      return;
    }
    w.start(response);
  }

  /**
   * A 101 from the gateway: the response head goes out, then the connection is handed over to the
   * session, the client's bytes to the request's tunnel and the response body's bytes to the
   * client. A 101 for a request that cannot switch is the gateway's fault: 502. The exchange ends
   * with the head (the gateway lease with it); the session lives on in its two streams. I/O thread.
   */
  private void switchProtocols(Response response) {
    ChannelSource in = tunnel;
    if (in == null || call.isAborted()) {
      GatewayCall.discard(response.body());
      if (!call.isAborted()) {
        log.warn("a 101 response for a request whose connection cannot switch protocols: {}", exchange);
        call.markResponding();
        ResponseWriter w = new ResponseWriter(this, exchange, timeouts.write());
        writer = w;
        w.start(Problems.closing(exchange, 502, "The gateway answered 101 to a request that cannot switch protocols."));
      }
      return;
    }
    call.markResponding();
    stopWatching();
    responseWritten = true;
    writerDone = true;
    HeaderMap headers = exchange.getResponseHeaders();
    response.headers().forEach((name, value) -> {
      if (!ResponseFraming.isFramingField(name) && !name.equalsIgnoreCase("Connection")) {
        headers.add(HttpString.tryFromString(name), value);
      }
    });
    exchange.upgradeChannel((connection, ex) -> {
      in.attach(connection.getSourceChannel(), null);
      response.body().subscribe(new ChannelSink(connection.getIoThread(), connection.getSinkChannel(), connection));
    });
    exchange.endExchange();
  }

  /** The body failed before any byte went out: answer with this problem instead. I/O thread. */
  void replaceResponse(Response problem) {
    exchange.getResponseHeaders().clear();
    write(problem);
  }

  /**
   * Reading the request body failed: its chunked framing is malformed, it outgrew the server's
   * maximum entity size, it arrived too slowly, or the client went away. The body's subscriber has been failed, so the
   * upstream call is aborted, never completed as if the body had ended. For a refused body with no
   * response started yet, the client is told (400, 408 or 413, then the connection closes) and the
   * gateway's call is cancelled; otherwise the exchange is aborted. I/O thread.
   */
  void requestBodyFailed(IOException cause) {
    int status = cause instanceof ChunkedDecoder.MalformedChunkException ? 400
        : cause instanceof RequestTooBigException ? 413
        : cause instanceof BodyPace.TooSlowException ? 408 : 0;
    if (status == 0 || call.isResponding() || call.isAborted()) {
      abort(cause);
      return;
    }
    log.debug("request body refused, answering {}: {}", status, cause.toString());
    call.cancelCall(); // its answer no longer matters
    write(Problems.closing(exchange, status, switch (status) {
      case 400 -> "The request body's chunked encoding is malformed.";
      case 408 -> "The request body arrived too slowly.";
      default -> "The request body is larger than this server accepts.";
    }));
  }

  /**
   * The response is about to end, or to start while nobody reads the request body: what is left
   * of that body would be drained by Undertow to keep the connection. Drain at most
   * {@value #DRAIN_LIMIT} bytes of a body of known length; otherwise close the connection after
   * the response. I/O thread.
   */
  void limitDrain(boolean bodyStillWanted) {
    if (exchange.isRequestComplete() || !exchange.isPersistent()) {
      return;
    }
    RequestBodyInput p = requestBody;
    if (bodyStillWanted && p != null && p.reading()) {
      return;
    }
    long unread = p == null ? RequestFraming.UNKNOWN : p.unread();
    if (unread < 0 || unread > DRAIN_LIMIT) {
      exchange.setPersistent(false);
    }
  }

  /** The request body has been read to its end: from now on, watch for the client leaving. */
  void requestBodyRead() {
    watchSoon();
  }

  /**
   * Starts the {@link ClientWatch} if the exchange is still going after a short delay. Most
   * exchanges end sooner and never pay for watching (two epoll changes and two conduit swaps).
   * I/O thread.
   */
  private void watchSoon() {
    if (watchQueue != null || responseWritten || call.isAborted()) {
      return;
    }
    watchQueue = DelayedWatches.ofCurrentThread(ioThread, WATCH_DELAY_MILLIS);
    watchQueue.add(delayedWatch);
  }

  private void stopWatching() {
    if (watchQueue != null) {
      watchQueue.remove(delayedWatch);
    }
    watch.stop();
  }

  /**
   * The last byte of the response is being handed to Undertow, which may end the exchange before
   * the call returns: from now on the exchange's end is expected. I/O thread.
   */
  void responseWritten() {
    limitDrain(false);
    responseWritten = true;
    stopWatching();
  }

  /** The writer has finished; nothing is pending. I/O thread. */
  void writerDone() {
    writerDone = true;
  }

  /**
   * Ends the exchange abnormally: the client went away, or the response cannot be completed.
   * Cancels the gateway's future and the response body's subscription, fails the request body's
   * subscriber, and closes the connection. Idempotent; any thread.
   */
  void abort(Throwable cause) {
    if (!call.abort()) {
      return;
    }
    log.debug("aborting {}: {}", exchange, cause.toString());
    ResponseWriter w = writer;
    if (w != null) {
      w.cancel();
    }
    RequestBodyInput p = requestBody;
    if (p != null) {
      p.terminate(cause);
    }
    if (Thread.currentThread() == ioThread) {
      stopWatching();
    }
    if (!exchange.isComplete()) {
      // Once complete, the connection may already carry the client's next request.
      IoUtils.safeClose(exchange.getConnection());
      if (exchange.getConnection() instanceof Http2ServerConnection) {
        endResetStream();
      }
    }
  }

  /**
   * Closing an HTTP/2 exchange's "connection" resets only its stream, and a reset stream (by the
   * client, or by Undertow for a body that does not match its {@code content-length}) never
   * completes the exchange's request or response side by itself: without this the exchange would
   * stay in flight for the server's life, its memory held and every graceful stop waiting for it.
   * Ends both sides as Undertow does for a stream that completes, on the I/O thread.
   */
  private void endResetStream() {
    Runnable end = () -> {
      if (!exchange.isComplete()) {
        Connectors.terminateRequest(exchange);
        Connectors.terminateResponse(exchange);
      }
    };
    if (Thread.currentThread() == ioThread) {
      end.run();
    } else {
      ioThread.execute(end);
    }
  }

  @Override
  public void exchangeEvent(HttpServerExchange ex, NextListener next) {
    try {
      if (!responseWritten || (!writerDone && !exchange.getConnection().isOpen())) {
        // Undertow ends an exchange early when its connection closes.
        abort(new IOException("the exchange ended before its response was written"));
      } else {
        RequestBodyInput p = requestBody;
        if (p != null) {
          p.terminate(new IOException("the exchange ended before the request body was read"));
        }
      }
      if (Thread.currentThread() == ioThread) {
        stopWatching();
      }
    } finally {
      next.proceed();
    }
  }

  /** Queues a task to the exchange's I/O thread, in order with earlier tasks. */
  void onIoThread(Runnable task) {
    try {
      ioThread.execute(task);
    } catch (RejectedExecutionException e) {
      abort(new IOException("the server is stopping", e));
    }
  }
}

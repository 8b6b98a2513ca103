package io.gatehouse.servlet;

import io.gatehouse.adapter.BodyPace;
import io.gatehouse.adapter.GatewayCall;
import io.gatehouse.adapter.ResponseFraming;
import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Request;
import io.gatehouse.http.RequestHandler;
import io.gatehouse.http.Response;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.security.cert.X509Certificate;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request's trip through the gateway on a servlet container: started in async mode, mapped
 * to a {@link Request}, handed to the gateway, its {@link Response} written back with the
 * non-blocking output, and everything torn down when the client goes away.
 *
 * <p>Every use of the servlet request, response and async context runs on the exchange's
 * {@link Serial}. The container's callbacks ({@link AsyncListener}, {@link WriteListener}, the
 * body's read listener) only submit work to it.
 *
 * <p>Ending. A written response completes the async context. A client that goes away (a failed
 * read or write, {@code onError}) or a server that stops waiting ({@code onTimeout}, a drain past
 * its timeout) aborts the exchange: the gateway's stage and the response body's subscription are
 * cancelled, the request body's subscriber is failed, and the response is completed as it stands
 * (a problem if nothing was sent yet, else the connection is cut).
 */
final class ServletExchange implements AsyncListener, WriteListener {
  private static final Logger log = LoggerFactory.getLogger(ServletExchange.class);
  /**
   * The request attribute that asks the adapter's servlet or filter, on the async dispatch that
   * {@link #cut} makes, to throw: a container closes the connection of a committed response whose
   * servlet throws, which is the only portable way to cut a response short.
   */
  static final String CUT = "io.gatehouse.servlet.cut";
  /**
   * The request attribute that asks the adapter's servlet or filter, on the async dispatch that
   * {@link #switchProtocols} makes, to switch the connection ({@link #switchOnDispatch}).
   */
  static final String SWITCH = "io.gatehouse.servlet.switch";

  private final AsyncContext async;
  private final HttpServletRequest request;
  private final HttpServletResponse response;
  private final Serial serial = new Serial();
  private final GatewayCall call = GatewayCall.create(serial);
  private final Runnable onEnd;
  /** Method and raw URI, for logs: a container may recycle the request once the exchange has ended. */
  private final String name;
  private final java.util.function.BooleanSupplier draining;
  private final BodyPaceTimer pace;

  // The fields below are confined to the serial.
  private ResponseWriter writer;
  private RequestBodyInput requestBody;
  private ServletTunnel tunnel; // set when the connection can switch protocols
  private volatile Response switching; // the 101, from the serial to the switch's dispatch
  private boolean listening; // whether the response's WriteListener is set
  private boolean completed;
  private volatile String cutCause;

  private ServletExchange(AsyncContext async, Runnable onEnd, java.util.function.BooleanSupplier draining,
      BodyPaceTimer pace) {
    this.pace = pace;
    this.async = async;
    this.request = (HttpServletRequest) async.getRequest();
    this.response = (HttpServletResponse) async.getResponse();
    this.onEnd = onEnd;
    this.draining = draining;
    this.name = request.getMethod() + " " + request.getRequestURI();
  }

  /**
   * Starts async mode and registers the listeners. Call on the container thread that runs
   * {@code service} or {@code doFilter}.
   *
   * @param onEnd runs once when the exchange has ended (completed, timed out or failed)
   * @param pace the mount's request body pace
   */
  static ServletExchange begin(HttpServletRequest request, HttpServletResponse response, long asyncTimeoutMillis,
      Runnable onEnd, java.util.function.BooleanSupplier draining, BodyPaceTimer pace) throws IOException {
    AsyncContext async = request.startAsync(request, response);
    async.setTimeout(asyncTimeoutMillis);
    ServletExchange exchange = new ServletExchange(async, onEnd, draining, pace);
    async.addListener(exchange);
    if (!canSwitch(request)) {
      // A request that may switch gets its listener with its first response that does not: after
      // a switch, some containers (Jetty) hand the upgraded connection the same output stream.
      exchange.listen();
    }
    return exchange;
  }

  /**
   * Whether a 101 could switch this request's connection: HTTP/1.1 asking to upgrade
   * ({@code Upgrade}), as Undertow's adapter decides, on a container whose upgrade carries the
   * connection's bytes. Not on Jetty (12.1 ee10): whether its upgraded input carries the
   * connection's bytes depends on how far its HTTP parser got with the bodiless upgrade request
   * when the tunnel starts; when the parser had already ended the request, the input reports
   * its end at once and the client's first frame is parsed as a new HTTP request (400). A
   * WebSocket route there answers 400 without a switch, as for any connection that cannot switch.
   */
  static boolean canSwitch(HttpServletRequest request) {
    return "HTTP/1.1".equals(request.getProtocol()) && request.getHeader("Upgrade") != null
        && switchesReliably(request.getServletContext().getServerInfo());
  }

  /**
   * Whether this container's {@code HttpServletRequest.upgrade} hands over the connection's bytes
   * reliably: every container but Jetty, as far as is known.
   *
   * @param serverInfo {@code ServletContext.getServerInfo()}, such as {@code jetty/12.1.14}
   */
  static boolean switchesReliably(String serverInfo) {
    return serverInfo == null || !serverInfo.regionMatches(true, 0, "jetty/", 0, 6);
  }

  /** Sets the response's WriteListener, once. Serial (or the container thread before any task). */
  private void listen() throws IOException {
    if (!listening) {
      listening = true;
      response.getOutputStream().setWriteListener(this);
    }
  }

  /**
   * Maps the request and hands it to the handler; the exchange completes asynchronously.
   *
   * @param handler the gateway's {@code handle}, or anything with its contract
   * @param decodedPrefix the mount's prefix as the container decoded it
   */
  void start(RequestHandler handler, String decodedPrefix) {
    serial.execute(() -> run(handler, decodedPrefix));
  }

  /** Answers with a fixed response, such as the refusal of a server that is stopping. */
  void respond(Response fixed) {
    serial.execute(() -> write(fixed));
  }

  private void run(RequestHandler handler, String decodedPrefix) {
    if (call.isAborted()) {
      return;
    }
    Optional<String> path = RawTarget.relativePath(request.getRequestURI(), decodedPrefix);
    if (path.isEmpty()) {
      write(Problems.response(request, 400, "The request target does not line up with the path the gateway is mounted at."));
      return;
    }
    if (!framingAccepted(request)) {
      write(Problems.closing(request, 400, "The request's Transfer-Encoding is not exactly chunked."));
      return;
    }
    Request mapped;
    try {
      mapped = toRequest(path.get(), decodedPrefix);
    } catch (IllegalArgumentException | IOException e) {
      write(Problems.closing(request, 400, "The request method or a header field is not valid HTTP."));
      return;
    }
    call.call(handler, mapped, this::write, (status, detail) -> Problems.response(request, status, detail));
  }

  /**
   * The request as the gateway takes it; {@code body} decides how the body is read.
   *
   * @throws IllegalArgumentException if the method or a header is not valid HTTP
   */
  private Request toRequest(String path, String decodedPrefix) throws IOException {
    Request.Builder b = Request.builder(request.getMethod(), path);
    RawTarget.rawQuery(request.getQueryString()).ifPresentOrElse(b::rawQuery, b::noQuery);
    b.mountPath(RawTarget.mountPath(decodedPrefix));
    b.headers(headers(request));
    remoteAddress(request).ifPresent(b::remoteAddress);
    b.scheme("https".equalsIgnoreCase(request.getScheme()) ? "https" : "http");
    // The container verified the chain in the TLS handshake (Servlet 6 section 3.10); never a header.
    if (request.getAttribute("jakarta.servlet.request.X509Certificate") instanceof X509Certificate[] chain) {
      b.clientCertificates(List.of(chain));
    }
    if (canSwitch(request)) {
      // The client's bytes once a 101 has switched the connection (a WebSocket session).
      tunnel = new ServletTunnel();
      b.tunnel(tunnel.fromClient());
    }
    long contentLength = request.getContentLengthLong();
    if (!hasBody(request, contentLength)) {
      b.body(Body.empty());
    } else {
      RequestBodyInput input = new RequestBodyInput(this, serial, request, contentLength, pace);
      requestBody = input;
      if (request.getHeader("Expect") == null) {
        input.listenNow(); // else at the first demand: opening the stream may send 100 Continue
      }
      b.body(Body.ofPublisher(input.publisher(), contentLength));
    }
    return b.build();
  }

  /** A request without a declared length has a body only if chunked (HTTP/1.1) or over HTTP/2 and later. */
  /**
   * Whether the request's {@code Transfer-Encoding}, if it has one, is exactly {@code chunked}, as
   * on the Undertow adapter: Jetty accepts {@code gzip, chunked} and hands the body over dechunked,
   * its other coding silently lost.
   */
  static boolean framingAccepted(HttpServletRequest request) {
    Enumeration<String> values = request.getHeaders("Transfer-Encoding");
    if (values == null || !values.hasMoreElements()) {
      return true;
    }
    String only = values.nextElement();
    return !values.hasMoreElements() && only.trim().equalsIgnoreCase("chunked");
  }

  static boolean hasBody(HttpServletRequest request, long contentLength) {
    if (contentLength >= 0) {
      return contentLength > 0;
    }
    String protocol = request.getProtocol();
    boolean http1 = protocol == null || protocol.startsWith("HTTP/1.") || protocol.equals("HTTP/0.9");
    return !http1 || request.getHeader("Transfer-Encoding") != null;
  }

  static HttpHeaders headers(HttpServletRequest request) {
    HttpHeaders.Builder headers = HttpHeaders.builder();
    for (String name : Collections.list(request.getHeaderNames())) {
      for (String value : Collections.list(request.getHeaders(name))) {
        headers.add(name, value);
      }
    }
    return headers.build();
  }

  /** The peer as the container reports it: an IP literal, parsed without a name lookup. */
  static Optional<InetSocketAddress> remoteAddress(HttpServletRequest request) {
    String address = request.getRemoteAddr();
    if (address == null || address.isEmpty()) {
      return Optional.empty();
    }
    String literal = address.startsWith("[") && address.endsWith("]") ? address.substring(1, address.length() - 1) : address;
    if (!isIpLiteral(literal)) {
      return Optional.of(InetSocketAddress.createUnresolved(literal, Math.max(0, request.getRemotePort())));
    }
    try {
      return Optional.of(new InetSocketAddress(InetAddress.getByName(literal), Math.max(0, request.getRemotePort())));
    } catch (UnknownHostException e) {
      return Optional.empty();
    }
  }

  private static boolean isIpLiteral(String s) {
    if (s.indexOf(':') >= 0) {
      return s.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == ':' || c == '.' || c == '%'
          || Character.isLetterOrDigit(c));
    }
    return !s.isEmpty() && s.chars().allMatch(c -> (c >= '0' && c <= '9') || c == '.');
  }

  /** Starts writing a response. Serial. */
  private void write(Response r) {
    if (r.status() == 101) {
      switchProtocols(r);
      return;
    }
    call.markResponding();
    if (call.isAborted() || completed) {
      GatewayCall.discard(r.body());
      return;
    }
    ResponseWriter w = new ResponseWriter(this, serial, response);
    writer = w;
    try {
      listen();
      w.start(r, "HEAD".equals(request.getMethod()), draining.getAsBoolean());
    } catch (IOException | RuntimeException e) {
      w.stop();
      GatewayCall.discard(r.body());
      abort(e instanceof IOException io ? io : new IOException("response: " + e, e));
    }
  }

  /**
   * A 101 from the gateway. Containers switch a connection only from a request's service call,
   * not in async mode (Tomcat refuses; Jetty never writes the 101), as the Servlet specification
   * describes upgrades ("after exiting the service method"). So the container is asked to
   * dispatch once more, to the adapter, which switches on that dispatch
   * ({@link #switchOnDispatch}). The exchange is finished for this serial from here on. A 101 for
   * a request that cannot switch is answered 502. Serial.
   */
  private void switchProtocols(Response r) {
    ServletTunnel t = tunnel;
    if (t == null || call.isAborted() || completed) {
      GatewayCall.discard(r.body());
      if (t != null) {
        t.abandon(new IOException("the exchange ended before the switch"));
      }
      if (!call.isAborted() && !completed) {
        log.warn("a 101 response for a request whose connection cannot switch protocols: {}", name);
        write(Problems.closing(request, 502, "The gateway answered 101 to a request that cannot switch protocols."));
      }
      return;
    }
    call.markResponding();
    completed = true;
    switching = r;
    try {
      request.setAttribute(SWITCH, this);
      async.dispatch(); // nothing here touches the request after this: the dispatch may run already
    } catch (RuntimeException e) {
      log.debug("switching {}: the container would not dispatch: {}", name, e.toString());
      switching = null;
      GatewayCall.discard(r.body());
      t.abandon(e);
      try {
        async.complete();
      } catch (IllegalStateException ended) {
        log.debug("completing an exchange that could not switch: {}", ended.toString());
      }
    }
  }

  /**
   * The dispatch that a 101 asked for, on a container thread, out of async mode: the response
   * gets the 101's fields, the container is asked to switch the connection
   * ({@code HttpServletRequest.upgrade}) and writes the head when the dispatch returns; it then
   * hands the connection to the tunnel: the client's bytes to the request's tunnel, the 101's
   * body to the client. The exchange ends here (the gateway lease with it); the session lives on
   * in the tunnel's two streams. A container that will not switch gets a 502 problem written.
   */
  void switchOnDispatch(HttpServletRequest req, HttpServletResponse res) throws IOException {
    Response r = switching;
    ServletTunnel t = tunnel;
    switching = null;
    try {
      if (r == null || t == null) {
        throw new IllegalStateException("no 101 to switch with");
      }
      ServletTunnel.Handler handler;
      try {
        res.setStatus(101);
        r.headers().forEach((field, value) -> {
          if (!ResponseFraming.isFramingField(field) && !field.equalsIgnoreCase("Connection")) {
            res.addHeader(field, value);
          }
        });
        String protocol = r.headers().first("Upgrade").orElse("websocket");
        res.setHeader("Upgrade", protocol);
        res.setHeader("Connection", "Upgrade");
        handler = req.upgrade(ServletTunnel.Handler.class);
        // Jetty sets Upgrade to the client's first token again; the session's protocol is the gateway's.
        res.setHeader("Upgrade", protocol);
        res.setHeader("Connection", "Upgrade");
      } catch (IOException | jakarta.servlet.ServletException | RuntimeException e) {
        log.warn("the container would not switch the connection of {}: {}", name, e.toString());
        if (r != null) {
          GatewayCall.discard(r.body());
        }
        t.abandon(e);
        res.reset();
        byte[] problem = Problems.bytes(req, res, 502, "The server could not switch this connection's protocol.");
        res.setHeader("Connection", "close");
        res.getOutputStream().write(problem);
        return;
      }
      t.toClient(r.body());
      handler.bind(t);
    } finally {
      end();
    }
  }

  /** The body failed before any byte went out: answer with this problem instead. Serial. */
  void replaceResponse(int status, String detail) {
    try {
      response.reset();
    } catch (IllegalStateException committed) {
      cut(new IOException("the response was committed before its body failed"));
      return;
    }
    write(Problems.response(request, status, detail));
  }

  /**
   * Reading the request body failed: the client went away, or sent a body the container refused.
   * The body's subscriber has been failed, so the upstream call is aborted, never completed as if
   * the body had ended. With no response started, the client is told (400, or 408 for a body that
   * arrived too slowly, then the connection closes) and the gateway's call is cancelled; otherwise
   * the exchange is aborted. Serial.
   */
  void requestBodyFailed(IOException cause) {
    if (call.isResponding() || call.isAborted() || completed) {
      abort(cause);
      return;
    }
    boolean tooSlow = cause instanceof BodyPace.TooSlowException;
    int status = tooSlow ? 408 : 400;
    log.debug("request body failed, answering {}: {}", status, cause.toString());
    call.cancelCall();
    write(Problems.closing(request, status,
        tooSlow ? "The request body arrived too slowly." : "The request body could not be read."));
  }

  /** The response has been written. Serial. */
  void responseDone() {
    RequestBodyInput p = requestBody;
    if (p != null && p.reading()) {
      // Nobody will read the rest; the container drains or closes as it sees fit.
      p.terminate(new IOException("request body: the response ended before the body was read"));
    }
    complete();
  }

  private void complete() {
    if (completed) {
      return;
    }
    completed = true;
    log.debug("completing {}", name);
    try {
      async.complete();
    } catch (IllegalStateException e) {
      log.warn("completing the exchange of {} failed: {}", name, e.toString());
    }
  }

  /**
   * Ends a response that has started: the container is asked to dispatch once more, to the
   * adapter, which throws, so that the container closes the connection rather than end the body
   * as if it were whole. Serial.
   */
  void cut(Throwable cause) {
    if (completed) {
      return;
    }
    completed = true;
    RequestBodyInput p = requestBody;
    if (p != null) {
      p.terminate(cause);
    }
    try {
      request.setAttribute(CUT, this);
      cutCause = cause.toString();
      async.dispatch();
    } catch (RuntimeException e) {
      // The container is stopping (the context no longer maps), or the exchange has ended.
      log.debug("cutting the exchange: {}", e.toString());
      try {
        async.complete();
      } catch (IllegalStateException ended) {
        log.debug("completing a cut exchange: {}", ended.toString());
      }
    }
  }

  /**
   * Ends the exchange abnormally: the client went away, the container stopped waiting, or the
   * server is stopping. Cancels the gateway's future and the response body's subscription, fails
   * the request body's subscriber, and ends the response: a 503 problem if nothing was written,
   * else the connection is cut. Idempotent; any thread.
   */
  void abort(Throwable cause) {
    if (!call.abort()) {
      return;
    }
    log.debug("aborting {}: {}", name, cause.toString());
    serial.execute(() -> {
      ResponseWriter w = writer;
      if (w != null) {
        w.stop();
      }
      RequestBodyInput p = requestBody;
      if (p != null) {
        p.terminate(cause);
      }
      if (completed || call.isEnded()) {
        return;
      }
      if (!response.isCommitted() && !(cause instanceof ClientGone)) {
        try {
          listen();
          response.reset();
          byte[] problem = Problems.bytes(request, response, 503, "The server stopped waiting for this request.");
          if (response.getOutputStream().isReady()) {
            response.getOutputStream().write(problem);
          }
        } catch (IOException | RuntimeException e) {
          log.debug("answering an aborted exchange: {}", e.toString());
        }
        complete();
      } else if (cause instanceof ClientGone) {
        complete();
        // Nothing more can reach the client, so the exchange is over for the gateway now: a
        // container need not tell the async listeners of an exchange whose connection failed
        // (Jetty does not after a failed write), and the lease must not wait for it.
        end();
      } else {
        cut(cause);
      }
    });
  }

  /** The client has gone: nothing more can reach it. */
  static final class ClientGone extends IOException {
    private static final long serialVersionUID = 1L;

    ClientGone(String message, Throwable cause) {
      super(message, cause);
    }
  }

  // AsyncListener: container threads.

  @Override
  public void onComplete(AsyncEvent event) {
    log.debug("onComplete {}", name);
    end();
  }

  @Override
  public void onTimeout(AsyncEvent event) {
    abort(new IOException("the container's async timeout passed"));
  }

  @Override
  public void onError(AsyncEvent event) {
    Throwable t = event.getThrowable();
    abort(new ClientGone("the connection failed: " + t, t));
  }

  @Override
  public void onStartAsync(AsyncEvent event) {
    // A later startAsync on this request (the cut's dispatch does not start one) would need the listener again.
    event.getAsyncContext().addListener(this);
  }

  // WriteListener: container threads.

  @Override
  public void onWritePossible() {
        serial.execute(() -> {
      ResponseWriter w = writer;
      if (w != null) {
        w.pump();
      }
    });
  }

  @Override
  public void onError(Throwable t) {
    abort(new ClientGone("the response could not be written: " + t, t));
  }

  /**
   * The cut's dispatch has reached the adapter, which is about to throw: the exchange ends here,
   * as a container need not tell the async listeners of a request whose dispatch threw.
   *
   * @return why the response is cut short
   */
  String cutShort() {
    end();
    return cutCause;
  }

  private void end() {
    if (!call.end()) {
      return;
    }
    try {
      if (!call.isAborted() && call.isWaiting()) {
        // The container ended the exchange on its own (its connection closed while waiting).
        abort(new ClientGone("the exchange ended before its response was written", null));
      }
      serial.execute(() -> {
        completed = true;
        ResponseWriter w = writer;
        if (w != null && !w.finished()) {
          w.stop();
        }
        RequestBodyInput p = requestBody;
        if (p != null) {
          p.terminate(new IOException("the exchange ended before the request body was read"));
        }
      });
    } finally {
      onEnd.run();
    }
  }

  @Override
  public String toString() {
    return "ServletExchange[" + name + (call.isAborted() ? ", aborted" : "")
        + (call.isEnded() ? ", ended" : "") + "]";
  }
}

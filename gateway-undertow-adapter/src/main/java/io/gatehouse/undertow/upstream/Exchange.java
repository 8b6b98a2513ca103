package io.gatehouse.undertow.upstream;

import io.gatehouse.http.Body;
import io.gatehouse.http.HttpHeaders;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamCall;
import io.gatehouse.spi.UpstreamException;
import io.gatehouse.spi.UpstreamException.Kind;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;

/**
 * One attempt of one call, from waiting for a connection to the last byte of its response. Every
 * method runs on the I/O thread of its {@link LoopConnections}, except {@link #onLoop}, which
 * hands work to it.
 *
 * <p>Phases: waiting (for a pooled connection or a slot to open one), connecting, sending (the
 * request head, then its body), answered (the head arrived: the stage completes; the body
 * follows). A failure before the head fails the stage; after it, the response body.
 */
final class Exchange implements ResponseParser.Listener {
  private final UpstreamCall call;
  private final Origin origin;
  private final LoopConnections loop;
  private final boolean newConnectionOnly;
  private final CompletableFuture<Response> result;

  private UpstreamConnection connection;
  private boolean reused;
  /** The acquire or connect deadline, while there is one. */
  private XnioExecutor.Key timer;
  private long silenceDeadline;
  private boolean waiting;
  private boolean requestSent;
  private boolean responseEnded;
  private boolean requestBodyFailed;
  private boolean keepAlive = true;
  private ResponseBody body;
  private Response head;
  private boolean done;

  /**
   * @param newConnectionOnly whether the attempt must open a new connection (the one resend after
   *     a stale pooled connection)
   * @param result the caller's stage, shared by the call's attempts
   */
  Exchange(UpstreamCall call, Origin origin, LoopConnections loop, boolean newConnectionOnly,
      CompletableFuture<Response> result) {
    this.call = call;
    this.result = result;
    this.origin = origin;
    this.loop = loop;
    this.newConnectionOnly = newConnectionOnly;
  }

  UpstreamCall call() {
    return call;
  }

  Origin origin() {
    return origin;
  }

  LoopConnections loop() {
    return loop;
  }

  CompletableFuture<Response> result() {
    return result;
  }

  boolean newConnectionOnly() {
    return newConnectionOnly;
  }

  /** What the call is, for messages: method, origin and path, without the query. */
  String description() {
    URI u = call.origin();
    return call.request().method() + " " + u.getScheme() + "://" + u.getRawAuthority() + call.request().path();
  }

  /** Runs the task on this exchange's I/O thread: now if already there, else queued to it. */
  void onLoop(Runnable task) {
    loop.run(task);
  }

  boolean finished() {
    return done;
  }

  // ------------------------------------------------------------------ waiting and connecting

  /** Waits for a connection at most the pool's acquire timeout, counted from the first wait. */
  void startWaiting(long acquireTimeoutNanos) {
    waiting = true;
    if (timer == null) {
      arm(acquireTimeoutNanos, () -> {
        if (waiting && !done) {
          waiting = false;
          origin.forget(this);
          failBeforeHead(new UpstreamException(Kind.POOL_EXHAUSTED, description()
              + ": every connection to the origin stayed busy for the pool's acquire timeout"));
        }
      });
    }
  }

  boolean isWaiting() {
    return waiting && !done;
  }

  /** No longer in an origin's queue; the acquire deadline stands until a connection is attached. */
  void stopWaiting() {
    waiting = false;
  }

  /** A new connection is being opened for this exchange, within the connect timeout. */
  void connecting(Runnable onTimeout) {
    disarm();
    arm(call.connectTimeout().toNanos(), onTimeout);
  }

  // ------------------------------------------------------------------ sending

  /** A connection is ready; the request goes out on it. */
  void attach(UpstreamConnection c, boolean pooled) {
    disarm();
    this.connection = c;
    this.reused = pooled;
    armResponseTimeout();
  }

  /** The request's last byte was written. */
  void requestSent() {
    requestSent = true;
    maybeRelease();
  }

  /** The request body's publisher failed or broke its declared length: the connection is closed. */
  void requestBodyFailed(String message, Throwable cause) {
    requestBodyFailed = true;
    fail(new UpstreamException(Kind.REQUEST_BODY_FAILED, description() + ": " + message, cause));
  }

  // ------------------------------------------------------------------ the response

  @Override
  public void head(int status, boolean http10, List<String> fields, long contentLength) {
    HttpHeaders.Builder headers = HttpHeaders.builder();
    List<String> named = connectionNamed(fields);
    keepAlive = !http10 && !named.contains("close");
    for (int i = 0; i < fields.size(); i += 2) {
      String name = fields.get(i);
      if (!isHop(name) && !named.contains(name.toLowerCase(Locale.ROOT))) {
        headers.add(name, fields.get(i + 1));
      }
    }
    Body responseBody;
    if (contentLength == 0) {
      responseBody = Body.empty();
    } else {
      body = new ResponseBody(this);
      responseBody = Body.ofPublisher(body, contentLength);
    }
    head = Response.builder(status).headers(headers.build()).body(responseBody).build();
  }

  @Override
  public void body(ByteBuffer source, int offset, int length) {
    if (body != null) {
      body.add(source, offset, length);
    }
  }

  @Override
  public void end() {
    responseEnded = true;
    if (body != null) {
      body.end();
    }
  }

  /**
   * After a read's bytes all passed the parser: the head goes to the caller, the body to its
   * subscriber, and a finished exchange gives its connection back.
   */
  void afterRead() {
    touch();
    if (head != null && !result.isDone()) {
      result.complete(head);
    }
    if (body != null) {
      body.drain();
    }
    maybeRelease();
  }

  /** The parser refused the upstream's bytes. */
  void framingFailed(ResponseParser.FramingException e) {
    fail(new UpstreamException(Kind.PROTOCOL_ERROR, description() + ": the upstream's response broke HTTP/1.1 framing: "
        + e.getMessage(), e));
  }

  /** The body's subscriber read all it had: the connection may read on. */
  void bodyWantsMore() {
    if (connection != null && !responseEnded) {
      connection.resumeReading();
    }
  }

  /** Whether the body's subscriber holds the connection back. */
  boolean backedUp() {
    return body != null && body.backedUp();
  }

  /** The body's subscriber cancelled: a body not read to its end leaves the connection out of step. */
  void bodyCancelled() {
    if (!responseEnded) {
      fail(new UpstreamException(Kind.CONNECTION_RESET, description() + ": the response body was cancelled"));
    }
  }

  /** The caller cancelled the stage. */
  void cancelled() {
    if (!done) {
      fail(new UpstreamException(Kind.CONNECTION_RESET, description() + ": cancelled"));
    }
  }

  /** The upstream closed the connection (or it failed) while this exchange used it. */
  void connectionLost(String why, Throwable cause) {
    if (done) {
      return;
    }
    fail(new UpstreamException(Kind.CONNECTION_RESET, description() + ": " + why, cause));
  }

  /**
   * Whether this attempt's failure may be sent once more on a new connection: it ran on a pooled
   * connection that the upstream had closed, no byte of a response arrived, and its body did not
   * fail.
   */
  boolean failedOnStaleConnection(UpstreamException failure, boolean responseStarted) {
    return reused && !newConnectionOnly && !responseStarted && !requestBodyFailed
        && failure.kind() == Kind.CONNECTION_RESET && !result.isCancelled();
  }

  /** Fails the exchange where it stands and closes its connection, if it has one. */
  void fail(UpstreamException failure) {
    if (done) {
      return;
    }
    done = true;
    disarm();
    if (waiting) {
      waiting = false;
      origin.forget(this);
    }
    UpstreamConnection c = connection;
    connection = null;
    boolean started = c != null && c.responseStarted();
    if (c != null) {
      c.close();
    }
    if (!result.isDone()) {
      loop.attemptFailed(this, failure, started);
    } else if (body != null) {
      body.fail(failure);
    }
  }

  /** Fails the stage before any connection carried the request. */
  void failBeforeHead(UpstreamException failure) {
    if (done) {
      return;
    }
    done = true;
    disarm();
    loop.attemptFailed(this, failure, false);
  }

  private void maybeRelease() {
    if (done || !requestSent || !responseEnded) {
      return;
    }
    done = true;
    disarm();
    UpstreamConnection c = connection;
    connection = null;
    loop.released(c, keepAlive && !c.midResponse());
  }

  // ------------------------------------------------------------------ timers

  /**
   * Counts socket silence: reads and writes push the deadline on, by the response timeout until
   * the head has arrived and by the body's idle timeout after.
   */
  void touch() {
    silenceDeadline = System.nanoTime() + (head != null ? call.bodyIdleTimeout() : call.responseTimeout()).toNanos();
  }

  /** The response timeout is watched by the thread's sweep (LoopConnections), not a timer per call. */
  private void armResponseTimeout() {
    touch();
    loop.watchSilence();
  }

  /** Whether the exchange runs and its connection has been silent past the response timeout at {@code now}. */
  boolean silentPast(long now) {
    return !done && now - silenceDeadline >= 0;
  }

  /** The response timeout passed: fails the exchange with RESPONSE_TIMEOUT and closes its connection. */
  void silenceTimedOut() {
    fail(new UpstreamException(Kind.RESPONSE_TIMEOUT, description() + ": the upstream stayed silent for "
        + (head != null ? call.bodyIdleTimeout().toMillis() + " ms inside the response body"
            : call.responseTimeout().toMillis() + " ms")));
  }

  private void arm(long nanos, Runnable task) {
    timer = loop.thread().executeAfter(task, Math.max(1, nanos), TimeUnit.NANOSECONDS);
  }

  private void disarm() {
    XnioExecutor.Key t = timer;
    timer = null;
    if (t != null) {
      t.remove();
    }
  }

  private static boolean isHop(String name) {
    return name.equalsIgnoreCase("Transfer-Encoding") || name.equalsIgnoreCase("Connection")
        || name.equalsIgnoreCase("Keep-Alive");
  }

  /** The lower-case tokens of every Connection field. */
  private static List<String> connectionNamed(List<String> fields) {
    List<String> named = null;
    for (int i = 0; i < fields.size(); i += 2) {
      if (fields.get(i).equalsIgnoreCase("Connection")) {
        if (named == null) {
          named = new java.util.ArrayList<>();
        }
        for (String token : fields.get(i + 1).split(",")) {
          String t = token.strip().toLowerCase(Locale.ROOT);
          if (!t.isEmpty()) {
            named.add(t);
          }
        }
      }
    }
    return named == null ? List.of() : named;
  }
}

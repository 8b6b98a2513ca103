package io.gatehouse.servlet;

import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes one gateway {@link Response} to the servlet response: status and headers, framing, then
 * the body as a {@link Flow.Subscriber} with a small window: at most {@value #WINDOW} buffers are
 * asked for and not yet written, more are asked for as they are written. A buffer is written only
 * when the container's output {@linkplain ServletOutputStream#isReady() is ready}, and the output
 * is flushed when no buffer is waiting; when it is not ready, the exchange's write listener
 * resumes the writer. A client that reads slowly therefore slows the body's publisher (and
 * through it the upstream), and no write blocks a container thread.
 *
 * <p>Headers are committed with the first body bytes (or when the response completes), so a
 * body that fails before its first byte still becomes a 502 problem; one that fails later has its
 * connection cut, so the client sees a truncated response rather than a short one that looks
 * whole.
 *
 * <p>Body signals may arrive on any thread; they queue the buffer and run {@link #pump} on the
 * exchange's {@link Serial}, where all servlet calls happen.
 */
final class ResponseWriter implements Flow.Subscriber<ByteBuffer> {
  private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);
  private static final Flow.Subscription CANCELLED = RequestBodyPublisher.NoopSubscription.INSTANCE;
  /** Buffers asked for and not yet written, at most; half of it is asked for again at once. */
  static final int WINDOW = 8;

  private final ServletExchange exchange;
  private final Serial serial;
  private final HttpServletResponse response;
  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  private final Queue<ByteBuffer> arrived = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean pumpScheduled = new AtomicBoolean();
  private volatile Throwable error;
  private volatile boolean completed;

  // The fields below are confined to the serial.
  private ServletOutputStream out;
  private long expectedLength = -1;
  private ByteBuffer pending;
  private int outstanding;
  private boolean flushNeeded;
  private boolean finished;
  private long written;

  ResponseWriter(ServletExchange exchange, Serial serial, HttpServletResponse response) {
    this.exchange = exchange;
    this.serial = serial;
    this.response = response;
  }

  /** Sets status, headers and framing, then streams the body. Serial. */
  void start(Response r, boolean head, boolean draining) throws IOException {
    out = response.getOutputStream();
    response.setStatus(r.status());
    r.headers().forEach((name, value) -> {
      if (!isFraming(name)) {
        response.addHeader(name, value);
      }
    });
    if (asksToClose(r) || draining) {
      response.setHeader("Connection", "close");
    }
    Body body = r.body();
    int status = r.status();
    if (head || status == 204 || status == 304) {
      // No body goes out. HEAD and 304 describe the body a GET would get, so keep its length.
      if (head || status == 304) {
        OptionalLong declared = declaredLength(r);
        if (declared.isPresent()) {
          response.setContentLengthLong(declared.getAsLong());
        } else if (head && body.contentLength().isPresent()) {
          response.setContentLengthLong(body.contentLength().getAsLong());
        }
      }
      ServletExchange.discard(body);
      finished = true;
      exchange.responseDone();
      return;
    }
    OptionalLong length = body.contentLength();
    if (length.isPresent()) {
      expectedLength = length.getAsLong();
      response.setContentLengthLong(expectedLength);
    }
    // Without a length the container frames the body chunked (HTTP/1.1) or by closing (HTTP/1.0).
    try {
      body.subscribe(this);
    } catch (RuntimeException e) {
      log.warn("response body subscribe failed", e);
      failed(e);
    }
  }

  /** Cancels the body's subscription. Any thread. */
  void cancel() {
    Flow.Subscription s = subscription.getAndSet(CANCELLED);
    if (s != null && s != CANCELLED) {
      s.cancel();
    }
  }

  /** Whether the writer has ended, written or failed. Serial. */
  boolean finished() {
    return finished;
  }

  /** Stops writing without a word to the client: the exchange is being torn down. Serial. */
  void stop() {
    finished = true;
    cancel();
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    Objects.requireNonNull(s, "subscription");
    if (!subscription.compareAndSet(null, s)) {
      s.cancel();
      return;
    }
    schedulePump();
  }

  @Override
  public void onNext(ByteBuffer buffer) {
    arrived.add(Objects.requireNonNull(buffer, "buffer"));
    schedulePump();
  }

  @Override
  public void onError(Throwable t) {
    error = Objects.requireNonNull(t, "throwable");
    schedulePump();
  }

  @Override
  public void onComplete() {
    completed = true;
    schedulePump();
  }

  /** At most one pump task is queued, however many signals arrive meanwhile. */
  private void schedulePump() {
    if (pumpScheduled.compareAndSet(false, true)) {
      serial.execute(() -> {
        pumpScheduled.set(false);
        pump();
      });
    }
  }

  /** Writes what it can. Called on the serial, also when the container says the output is ready again. */
  void pump() {
    if (finished || out == null) {
      return;
    }
    try {
      while (!finished) {
        if (pending != null) {
          if (!out.isReady()) {
            return; // onWritePossible resumes
          }
          write(pending);
          pending = null;
          flushNeeded = true;
          continue;
        }
        ByteBuffer next = arrived.poll();
        if (next != null) {
          if (--outstanding < 0) {
            failed(new IllegalStateException("response body: onNext without demand (expected: at most what was requested)"));
            return;
          }
          if (expectedLength >= 0 && written + next.remaining() > expectedLength) {
            failed(new IOException("response body: more than " + expectedLength + " bytes (expected: the declared length)"));
            return;
          }
          if (next.hasRemaining()) {
            pending = next;
          }
          continue;
        }
        if (flushNeeded) {
          if (!out.isReady()) {
            return;
          }
          flushNeeded = false;
          out.flush();
          continue;
        }
        Throwable failure = error;
        if (failure != null) {
          failed(failure);
          return;
        }
        if (completed) {
          if (arrived.isEmpty()) {
            complete(); // every onNext came before onComplete, so none can follow this check
            return;
          }
          continue;
        }
        if (outstanding <= WINDOW / 2) {
          Flow.Subscription s = subscription.get();
          if (s == null || s == CANCELLED) {
            return;
          }
          int more = WINDOW - outstanding;
          outstanding = WINDOW;
          s.request(more);
          if (!arrived.isEmpty()) {
            continue; // the publisher answered inside request()
          }
        }
        return;
      }
    } catch (IOException | RuntimeException e) {
      // A write or flush fails when the client has gone (IllegalStateException: the container
      // has already completed the exchange).
      finished = true;
      cancel();
      exchange.abort(new ServletExchange.ClientGone("the response could not be written: " + e, e));
    }
  }

  private void write(ByteBuffer buffer) throws IOException {
    int n = buffer.remaining();
    if (buffer.hasArray()) {
      out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
    } else {
      byte[] copy = new byte[n];
      buffer.get(copy);
      out.write(copy);
    }
    written += n;
  }

  private void complete() {
    if (expectedLength >= 0 && written != expectedLength) {
      failed(new IOException("response body: " + written + " bytes (expected: " + expectedLength + ")"));
      return;
    }
    finished = true;
    exchange.responseDone();
  }

  private void failed(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    cancel();
    // An upstream that fails mid-body is an operational event, not a bug here: no stack trace
    // unless asked for.
    if (written == 0 && !response.isCommitted()) {
      log.warn("response body failed before its first byte, answering 502: {}", cause.toString());
      log.debug("response body failure", cause);
      exchange.replaceResponse(502, "The upstream response body failed before it started.");
    } else {
      log.warn("response body failed after {} bytes, cutting the connection: {}", written, cause.toString());
      log.debug("response body failure", cause);
      exchange.cut(cause);
    }
  }

  /** A gateway response with {@code Connection: close} ends its connection: framing was in doubt. */
  static boolean asksToClose(Response response) {
    for (String value : response.headers().all("Connection")) {
      for (String token : value.split(",")) {
        if (token.trim().equalsIgnoreCase("close")) {
          return true;
        }
      }
    }
    return false;
  }

  static boolean isFraming(String name) {
    return name.equalsIgnoreCase("Content-Length")
        || name.equalsIgnoreCase("Transfer-Encoding")
        || name.equalsIgnoreCase("Connection");
  }

  private static OptionalLong declaredLength(Response response) {
    return response.headers().first("Content-Length")
        .filter(v -> !v.isEmpty() && v.length() < 19 && v.chars().allMatch(c -> c >= '0' && c <= '9'))
        .map(v -> OptionalLong.of(Long.parseLong(v)))
        .orElse(OptionalLong.empty());
  }
}

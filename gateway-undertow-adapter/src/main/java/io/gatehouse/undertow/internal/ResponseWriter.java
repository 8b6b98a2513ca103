package io.gatehouse.undertow.internal;

import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;

/**
 * Writes a gateway {@link Response} to the exchange: status and headers, framing, then the body
 * as a {@link Flow.Subscriber} with a small window: at most {@value #WINDOW} buffers are asked
 * for and not yet written, more are asked for as they are written, and the channel is flushed
 * when no written buffer is waiting. A client that reads slowly therefore slows the body's
 * publisher (and through it the upstream), while a fast one is not held to one buffer per
 * round trip between threads.
 *
 * <p>Headers are committed with the first body bytes (or at the end of an empty body), so a body
 * that fails before its first byte still becomes a 502 problem; one that fails later closes the
 * connection, so the client sees a truncated response rather than a short one that looks whole.
 *
 * <p>A client that takes no bytes for the write timeout (a full socket buffer that does not
 * drain) has its connection closed.
 *
 * <p>Signals may arrive on any thread. Buffers are queued, and one task at a time is scheduled on
 * the exchange's I/O thread, where all channel work happens.
 */
final class ResponseWriter implements Flow.Subscriber<ByteBuffer> {
  private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);
  private static final Flow.Subscription CANCELLED = RequestBodyPublisher.NoopSubscription.INSTANCE;

  private final ExchangeBridge bridge;
  private final HttpServerExchange exchange;
  private final long writeTimeoutNanos;
  /** Buffers asked for and not yet written, at most; half of it is asked for again at once. */
  static final int WINDOW = 8;

  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  private final Queue<ByteBuffer> arrived = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean pumpScheduled = new AtomicBoolean();
  private volatile Throwable error;
  private volatile boolean completed;

  // The fields below are confined to the I/O thread.
  private long expectedLength = -1;
  private StreamSinkChannel channel;
  private ByteBuffer pending;
  private int outstanding;
  private boolean flushNeeded;
  private boolean closing;
  private boolean finished;
  private boolean pumping;
  private long written;
  private long blockedSince = -1; // when the client stopped taking bytes, or -1
  private XnioExecutor.Key writeCheck;

  ResponseWriter(ExchangeBridge bridge, HttpServerExchange exchange, Duration writeTimeout) {
    this.bridge = bridge;
    this.exchange = exchange;
    this.writeTimeoutNanos = writeTimeout.toNanos();
  }

  /** Sets status, headers and framing, then streams the body. Runs on the I/O thread. */
  void start(Response response) {
    exchange.setStatusCode(response.status());
    HeaderMap headers = exchange.getResponseHeaders();
    response.headers().forEach((name, value) -> {
      if (!isFraming(name)) {
        headers.add(HttpString.tryFromString(name), value);
      }
    });
    if (asksToClose(response)) {
      exchange.setPersistent(false);
    }
    Body body = response.body();
    int status = response.status();
    boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
    if (head && !exchange.getRequestMethod().toString().equals(Methods.HEAD_STRING)) {
      // 'head', 'hEAD': not HEAD (methods are case-sensitive; the gateway answers 501), but Undertow
      // compares methods ignoring case and frames the answer as one to a HEAD, dropping its body.
      // A Content-Length of that body would make the client read the next response as this one's
      // body, so this answer has none and the connection closes.
      exchange.setPersistent(false);
      headers.put(Headers.CONTENT_LENGTH, 0L);
      headers.remove(Headers.CONTENT_TYPE);
      headers.remove(Headers.TRANSFER_ENCODING);
      ExchangeBridge.discard(body);
      finished = true;
      bridge.responseWritten();
      bridge.writerDone();
      exchange.endExchange();
      return;
    }
    if (head || status == 204 || status == 304) {
      // No body goes out. HEAD and 304 describe the body a GET would get, so keep its length.
      if (head || status == 304) {
        OptionalLong declared = declaredLength(response);
        if (declared.isPresent()) {
          headers.put(Headers.CONTENT_LENGTH, declared.getAsLong());
        } else if (head && body.contentLength().isPresent()) {
          headers.put(Headers.CONTENT_LENGTH, body.contentLength().getAsLong());
        }
      }
      ExchangeBridge.discard(body);
      finished = true;
      bridge.responseWritten();
      bridge.writerDone();
      exchange.endExchange();
      return;
    }
    OptionalLong length = body.contentLength();
    if (length.isPresent()) {
      expectedLength = length.getAsLong();
      headers.put(Headers.CONTENT_LENGTH, expectedLength);
    }
    // Without a length Undertow frames the body chunked (HTTP/1.1) or by closing (HTTP/1.0).
    try {
      body.subscribe(this);
    } catch (RuntimeException e) {
      log.warn("response body subscribe failed", e);
      failed(e);
      return;
    }
    // After subscribing: a response body that streams the request body (an echo) reads it.
    bridge.limitDrain(true);
  }

  /** Cancels the body's subscription. Safe on any thread. */
  void cancel() {
    Flow.Subscription s = subscription.getAndSet(CANCELLED);
    if (s != null && s != CANCELLED) {
      s.cancel();
    }
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

  /** At most one pump task is queued to the I/O thread, however many signals arrive meanwhile. */
  private void schedulePump() {
    if (pumpScheduled.compareAndSet(false, true)) {
      bridge.onIoThread(() -> {
        pumpScheduled.set(false);
        pump();
      });
    }
  }

  private void pump() {
    if (pumping || finished) {
      return;
    }
    pumping = true;
    try {
      while (!finished) {
        if (closing) {
          if (!channel.flush()) {
            blocked();
            return;
          }
          done();
          return;
        }
        if (pending != null) {
          if (!write()) {
            return;
          }
          continue;
        }
        ByteBuffer next = arrived.poll();
        if (next != null) {
          if (--outstanding < 0) {
            failed(new IllegalStateException("response body: onNext without demand (expected: at most what was requested)"));
            return;
          }
          pending = next;
          continue;
        }
        if (flushNeeded) {
          if (!channel.flush()) {
            blocked();
            return;
          }
          flushNeeded = false;
          blockedSince = -1;
        }
        Throwable failure = error;
        if (failure != null) {
          failed(failure);
          return;
        }
        if (completed) {
          if (arrived.isEmpty()) {
            complete(); // every onNext came before onComplete, so none can follow this check
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
    } catch (IOException e) {
      // A write or flush fails when the client has gone.
      bridge.abort(e);
    } finally {
      pumping = false;
    }
  }

  /** Writes the pending buffer; false if the channel is full and the write listener will resume. */
  private boolean write() throws IOException {
    ByteBuffer buffer = pending;
    if (!buffer.hasRemaining()) {
      pending = null;
      return true;
    }
    if (expectedLength >= 0 && written + buffer.remaining() > expectedLength) {
      failed(new IOException("response body: more than " + expectedLength
          + " bytes (expected: the declared length)"));
      return false;
    }
    if (expectedLength >= 0 && written + buffer.remaining() == expectedLength) {
      // Undertow ends a fixed-length response, and may complete the exchange, inside the write
      // of its last byte.
      bridge.responseWritten();
    }
    if (!commit()) {
      return false;
    }
    while (buffer.hasRemaining()) {
      int n = channel.write(buffer);
      if (n == 0) {
        blocked();
        return false;
      }
      written += n;
      blockedSince = -1;
    }
    pending = null;
    flushNeeded = true;
    return true;
  }

  private void complete() throws IOException {
    if (expectedLength >= 0 && written != expectedLength) {
      failed(new IOException("response body: " + written + " bytes (expected: " + expectedLength + ")"));
      return;
    }
    // Before the channel is taken or shut: either may end the response and complete the exchange.
    bridge.responseWritten();
    if (!commit()) {
      return;
    }
    closing = true;
    channel.shutdownWrites();
  }

  private boolean commit() {
    if (channel != null) {
      return true;
    }
    channel = exchange.getResponseChannel();
    if (channel == null) {
      failed(new IllegalStateException("response: another handler took Undertow's response channel"));
      return false;
    }
    channel.getWriteSetter().set(ch -> {
      ch.suspendWrites();
      pump();
    });
    return true;
  }

  /** The client takes no more bytes for now: wait for it, at most the write timeout. I/O thread. */
  private void blocked() {
    if (blockedSince < 0) {
      blockedSince = System.nanoTime();
    }
    if (writeCheck == null) {
      writeCheck = exchange.getIoThread().executeAfter(this::checkBlocked,
          Math.max(1, blockedSince + writeTimeoutNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    channel.resumeWrites();
  }

  private void checkBlocked() {
    writeCheck = null;
    if (finished || blockedSince < 0) {
      return;
    }
    long blockedFor = System.nanoTime() - blockedSince;
    if (blockedFor >= writeTimeoutNanos) {
      finished = true;
      cancel();
      log.debug("the client took no response bytes for {} ms; closing", blockedFor / 1_000_000);
      bridge.abort(new IOException("response: the client took no bytes for " + blockedFor / 1_000_000 + " ms"));
    } else {
      writeCheck = exchange.getIoThread().executeAfter(this::checkBlocked, writeTimeoutNanos - blockedFor,
          TimeUnit.NANOSECONDS);
    }
  }

  private void done() {
    if (writeCheck != null) {
      writeCheck.remove();
      writeCheck = null;
    }
    finished = true;
    bridge.writerDone();
    channel.getWriteSetter().set(null);
    exchange.endExchange();
  }

  private void failed(Throwable cause) {
    if (finished) {
      return;
    }
    finished = true;
    cancel();
    // An upstream that fails mid-body is an operational event, not a bug here: no stack trace
    // unless asked for.
    if (channel == null && !exchange.isResponseStarted()) {
      log.warn("response body failed before its first byte, answering 502: {}", cause.toString());
      log.debug("response body failure", cause);
      bridge.replaceResponse(Problems.response(exchange, 502, "The upstream response body failed before it started."));
    } else {
      log.warn("response body failed after {} bytes, closing the connection: {}", written, cause.toString());
      log.debug("response body failure", cause);
      bridge.abort(cause);
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

package io.gatehouse.undertow.internal;

import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;

/**
 * The request body as a {@link Flow.Publisher}: it reads from Undertow's request channel only
 * while its subscriber has outstanding demand, and suspends reads otherwise, so a slow consumer
 * (an upstream that reads slowly) slows the client down through TCP flow control.
 *
 * <p>A client that sends the body too slowly ({@link ClientTimeouts}: a pause longer than the
 * body idle timeout, or an average under the minimum rate) fails the body with
 * {@link ClientTooSlowException}; only time spent waiting on the client counts.
 *
 * <p>One subscriber. Every buffer is a fresh heap buffer that the subscriber owns. All signals
 * are sent on the exchange's I/O thread; {@code request} and {@code cancel} may be called on any
 * thread and are handed to it.
 */
final class RequestBodyPublisher implements Flow.Publisher<ByteBuffer> {
  private static final Logger log = LoggerFactory.getLogger(RequestBodyPublisher.class);
  private static final int CHUNK = 16 * 1024;

  private final ExchangeBridge bridge;
  private final HttpServerExchange exchange;
  private final long contentLength;
  private final BodyPace pace;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  // The fields below are confined to the I/O thread.
  private Flow.Subscriber<? super ByteBuffer> subscriber;
  private StreamSourceChannel channel;
  private long demand;
  private long received;
  private boolean done;
  private boolean draining;
  private ByteBuffer spare;
  private Throwable endedBefore;
  private XnioExecutor.Key paceCheck;

  RequestBodyPublisher(ExchangeBridge bridge, HttpServerExchange exchange, long contentLength, ClientTimeouts timeouts) {
    this.bridge = bridge;
    this.exchange = exchange;
    this.contentLength = contentLength;
    this.pace = new BodyPace(timeouts);
  }

  /** Thrown into the body when the client sends it too slowly. */
  static final class ClientTooSlowException extends IOException {
    private static final long serialVersionUID = 1L;

    ClientTooSlowException(String message) {
      super(message);
    }
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    Objects.requireNonNull(s, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      s.onSubscribe(NoopSubscription.INSTANCE);
      s.onError(new IllegalStateException(
          "request body: a second subscriber (expected: one; the body streams once)"));
      return;
    }
    bridge.onIoThread(() -> start(s));
  }

  private void start(Flow.Subscriber<? super ByteBuffer> s) {
    subscriber = s;
    try {
      s.onSubscribe(new Subscription());
    } catch (Throwable t) {
      log.warn("request body subscriber threw from onSubscribe; cancelling", t);
      done = true;
      subscriber = null;
      return;
    }
    if (endedBefore != null) {
      fail(endedBefore);
    }
  }

  /** Whether a subscriber is reading the body and has not reached its end. I/O thread. */
  boolean reading() {
    return subscribed.get() && !done;
  }

  /** The bytes of a body of known length not read yet; -1 if the length is unknown. I/O thread. */
  long unread() {
    return contentLength < 0 ? -1 : contentLength - received;
  }

  /** The exchange ended or the client went away: a subscriber still reading gets onError. */
  void terminate(Throwable cause) {
    bridge.onIoThread(() -> {
      if (done) {
        return;
      }
      if (subscriber == null) {
        endedBefore = cause;
      } else {
        fail(cause);
      }
    });
  }

  private void request(long n) {
    if (done) {
      return;
    }
    if (n <= 0) {
      fail(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
      return;
    }
    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    drain();
  }

  private void cancel() {
    if (done) {
      return;
    }
    done = true;
    subscriber = null;
    stopPacing();
    if (channel != null) {
      channel.suspendReads();
    }
  }

  private void drain() {
    if (draining) {
      return;
    }
    if (done || demand == 0) {
      pace.paused(System.nanoTime());
      if (channel != null) {
        channel.suspendReads();
      }
      return;
    }
    if (channel == null) {
      if (exchange.isComplete()) {
        fail(new IOException("request body: the exchange ended before the body was read"));
        return;
      }
      channel = exchange.getRequestChannel();
      if (channel == null) {
        fail(new IllegalStateException("request body: another handler took Undertow's request channel"));
        return;
      }
      channel.getReadSetter().set(ch -> drain());
    }
    draining = true;
    try {
      while (demand > 0 && !done) {
        ByteBuffer buffer = spare != null ? spare : ByteBuffer.allocate(CHUNK);
        spare = null;
        int n = channel.read(buffer);
        if (n == -1) {
          complete();
          return;
        }
        if (n == 0) {
          spare = buffer;
          pace.waiting(System.nanoTime());
          schedulePaceCheck();
          channel.resumeReads();
          return;
        }
        buffer.flip();
        received += n;
        pace.received(System.nanoTime(), n);
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        emit(buffer);
      }
      if (!done) {
        pace.paused(System.nanoTime());
        channel.suspendReads();
      }
    } catch (IOException e) {
      // A read fails on a malformed chunk, or when the client closes or resets the connection.
      fail(e);
      bridge.requestBodyFailed(e);
    } finally {
      draining = false;
    }
  }

  private void schedulePaceCheck() {
    if (paceCheck == null) {
      paceCheck = exchange.getIoThread().executeAfter(this::checkPace, pace.nextCheck(System.nanoTime()),
          TimeUnit.NANOSECONDS);
    }
  }

  private void checkPace() {
    paceCheck = null;
    if (done) {
      return;
    }
    long now = System.nanoTime();
    Optional<String> tooSlow = pace.verdict(now);
    if (tooSlow.isPresent()) {
      ClientTooSlowException e = new ClientTooSlowException("request body: " + tooSlow.get());
      fail(e);
      bridge.requestBodyFailed(e);
    } else if (pace.isWaiting()) {
      schedulePaceCheck();
    }
  }

  private void stopPacing() {
    if (paceCheck != null) {
      paceCheck.remove();
      paceCheck = null;
    }
  }

  private void emit(ByteBuffer buffer) {
    try {
      subscriber.onNext(buffer);
    } catch (Throwable t) {
      log.warn("request body subscriber threw from onNext; cancelling", t);
      cancel();
    }
  }

  private void complete() {
    stopPacing();
    channel.suspendReads();
    if (contentLength >= 0 && received != contentLength) {
      IOException e = new IOException(
          "request body: ended after " + received + " bytes (expected: " + contentLength + ")");
      fail(e);
      bridge.abort(e);
      return;
    }
    done = true;
    Flow.Subscriber<? super ByteBuffer> s = subscriber;
    subscriber = null;
    try {
      s.onComplete();
    } catch (Throwable t) {
      log.warn("request body subscriber threw from onComplete", t);
    }
    bridge.requestBodyRead();
  }

  private void fail(Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    stopPacing();
    if (channel != null) {
      channel.suspendReads();
    }
    Flow.Subscriber<? super ByteBuffer> s = subscriber;
    subscriber = null;
    if (s != null) {
      try {
        s.onError(cause);
      } catch (Throwable t) {
        log.warn("request body subscriber threw from onError", t);
      }
    }
  }

  private final class Subscription implements Flow.Subscription {
    @Override
    public void request(long n) {
      bridge.onIoThread(() -> RequestBodyPublisher.this.request(n));
    }

    @Override
    public void cancel() {
      bridge.onIoThread(RequestBodyPublisher.this::cancel);
    }
  }

  enum NoopSubscription implements Flow.Subscription {
    INSTANCE;

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }
}

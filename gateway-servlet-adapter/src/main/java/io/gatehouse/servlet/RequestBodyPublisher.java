package io.gatehouse.servlet;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The request body as a {@link Flow.Publisher}, fed by the container's non-blocking input: it
 * reads only while its subscriber has outstanding demand and the stream {@linkplain
 * ServletInputStream#isReady() is ready}, so a slow consumer (an upstream that reads slowly)
 * slows the client down through TCP flow control, and no read ever blocks a container thread.
 *
 * <p>For a request with {@code Expect: 100-continue} it opens the request's input stream and
 * becomes its {@link ReadListener} only at its subscriber's first demand: a container may send
 * {@code 100 Continue} as soon as the application asks for the input stream (Jetty does), and
 * a request answered without its body (a 403 of the gateway's own) must get its answer, not an
 * invitation to send the body.
 *
 * <p>One subscriber. Every buffer is a fresh heap buffer that the subscriber owns. Signals are
 * sent from the exchange's {@link Serial}; {@code request} and {@code cancel} may be called on any
 * thread.
 */
final class RequestBodyPublisher implements Flow.Publisher<ByteBuffer>, ReadListener {
  private static final Logger log = LoggerFactory.getLogger(RequestBodyPublisher.class);
  static final int CHUNK = 16 * 1024;

  private final ServletExchange exchange;
  private final Serial serial;
  private final ServletRequest request;
  private final long contentLength;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  // The fields below are confined to the serial.
  private Flow.Subscriber<? super ByteBuffer> subscriber;
  private long demand;
  private long received;
  private boolean done;
  private boolean allRead;
  private ServletInputStream in; // null until the first demand
  private Throwable endedBefore;

  RequestBodyPublisher(ServletExchange exchange, Serial serial, ServletRequest request, long contentLength) {
    this.exchange = exchange;
    this.serial = serial;
    this.request = request;
    this.contentLength = contentLength;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    Objects.requireNonNull(s, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      s.onSubscribe(NoopSubscription.INSTANCE);
      s.onError(new IllegalStateException("request body: a second subscriber (expected: one; the body streams once)"));
      return;
    }
    serial.execute(() -> start(s));
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

  /** Whether a subscriber is reading the body and has not reached its end. Serial. */
  boolean reading() {
    return subscribed.get() && !done;
  }

  /** The bytes of a body of known length not read yet; -1 if the length is unknown. Serial. */
  long unread() {
    return contentLength < 0 ? -1 : contentLength - received;
  }

  /** The exchange ended or the client went away: a subscriber still reading gets onError. Serial. */
  void terminate(Throwable cause) {
    if (done) {
      return;
    }
    if (subscriber == null) {
      endedBefore = cause;
    } else {
      fail(cause);
    }
  }

  // Container callbacks: any container thread; the work runs on the serial.

  @Override
  public void onDataAvailable() {
    serial.execute(this::drain);
  }

  @Override
  public void onAllDataRead() {
    serial.execute(() -> {
      allRead = true;
      drain();
    });
  }

  @Override
  public void onError(Throwable t) {
    serial.execute(() -> {
      if (done) {
        return;
      }
      IOException e = t instanceof IOException io ? io : new IOException("request body: " + t, t);
      fail(e);
      exchange.requestBodyFailed(e);
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
    if (in == null && !listen()) {
      return;
    }
    drain();
  }

  private void cancel() {
    done = true;
    subscriber = null;
  }

  /**
   * Opens the input stream and registers as its ReadListener, unless done already: at the first
   * demand, or at once for a request that does not expect {@code 100 Continue}. Serial.
   *
   * @return false if that failed (the subscriber and the exchange have been told)
   */
  boolean listen() {
    if (in != null) {
      return true;
    }
    try {
      in = request.getInputStream();
      in.setReadListener(this); // the container calls onDataAvailable / onAllDataRead from now on
      return true;
    } catch (IOException | RuntimeException e) {
      IOException io = e instanceof IOException x ? x : new IOException("request body: " + e, e);
      fail(io);
      exchange.requestBodyFailed(io);
      return false;
    }
  }

  private void drain() {
    if (done || subscriber == null) {
      return;
    }
    try {
      while (!done) {
        if (allRead || in.isFinished()) {
          complete();
          return;
        }
        if (demand == 0 || !in.isReady()) {
          return; // more demand, or onDataAvailable / onAllDataRead, brings us back
        }
        byte[] bytes = new byte[CHUNK];
        int n = in.read(bytes);
        if (n < 0) {
          complete();
          return;
        }
        if (n == 0) {
          continue;
        }
        received += n;
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        emit(ByteBuffer.wrap(bytes, 0, n));
      }
    } catch (IOException | RuntimeException e) {
      // A read fails when the client closes or resets the connection, or sends a malformed body.
      IOException io = e instanceof IOException x ? x : new IOException("request body: " + e, e);
      fail(io);
      exchange.requestBodyFailed(io);
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
    if (contentLength >= 0 && received != contentLength) {
      IOException e = new IOException("request body: ended after " + received + " bytes (expected: " + contentLength + ")");
      fail(e);
      exchange.requestBodyFailed(e);
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
  }

  private void fail(Throwable cause) {
    if (done) {
      return;
    }
    done = true;
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
      serial.execute(() -> RequestBodyPublisher.this.request(n));
    }

    @Override
    public void cancel() {
      serial.execute(RequestBodyPublisher.this::cancel);
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

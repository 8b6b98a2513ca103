package io.gatehouse.impl.upstream;

import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.hc.core5.concurrent.FutureCallback;
import org.apache.hc.core5.http.EntityDetails;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpException;
import org.apache.hc.core5.http.HttpResponse;
import org.apache.hc.core5.http.HttpVersion;
import org.apache.hc.core5.http.ProtocolException;
import org.apache.hc.core5.http.nio.AsyncResponseConsumer;
import org.apache.hc.core5.http.nio.CapacityChannel;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.util.Timeout;

/**
 * Receives one upstream response: completes the exchange's stage with the head, and publishes the
 * body to one {@link Flow.Subscriber} at the subscriber's pace.
 *
 * <p>Back-pressure: httpcore stops reading the socket when the connection's input window (64 KiB)
 * is used up; this consumer gives window back only for bytes the subscriber has taken, so at most
 * about one window is buffered here whatever the body's size.
 *
 * <p>Why not httpcore5-reactive's {@code ReactiveResponseConsumer}: its subscription's
 * {@code cancel()} only sets a flag, so with the input window used up the connection stays
 * leased, unread, until the socket timeout; here cancelling aborts the exchange and closes the
 * connection at once. Its failures are raw httpcore exceptions, and it calls {@code onNext} while
 * holding a lock that a subscriber requesting from another thread then waits on.
 *
 * <p>An HTTP/2 response has no framing guard in front of it (see {@link ResponseFramingGuard}):
 * here its Content-Length must be one number, a body-less stream must not announce a body, and the
 * body's DATA must add up to exactly its Content-Length (RFC 9113, section 8.1.1), or the call
 * fails with a protocol error and the stream is reset.
 *
 * <p>Threads: {@code onSubscribe}, {@code onNext}, {@code onError} and {@code onComplete} run
 * serially, on an upstream I/O thread or on the thread that calls {@code request} or
 * {@code cancel}. A subscriber must not block in them.
 */
final class ResponseBodyConsumer implements AsyncResponseConsumer<Void>, Flow.Publisher<ByteBuffer> {
  private final UpstreamExchange exchange;
  private final BodyIdleTimeouts connections;
  private final Consumer<ResponseBodyConsumer> onRelease;
  private final Queue<ByteBuffer> received = new ConcurrentLinkedQueue<>();
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private final Subscription subscription = new Subscription();

  private volatile Flow.Subscriber<? super ByteBuffer> subscriber;
  private volatile CapacityChannel capacityChannel;
  private volatile FutureCallback<Void> resultCallback;
  private volatile Response bodiless;
  private volatile boolean ended;
  private volatile boolean released;
  private volatile Throwable failure;
  private volatile boolean cancelled;

  // Touched only inside drain(), which runs on one thread at a time.
  private boolean onSubscribeSignalled;
  /** For an HTTP/2 response: its Content-Length, or -1; and the body's bytes so far (I/O thread only). */
  private long h2Length = -1;
  private boolean h2;
  private long h2Received;
  private boolean terminated;
  private long windowToGive;

  /**
   * @param connections the transport's open connections, whose socket timeout becomes the body's
   *     idle timeout when a head with a body arrives
   * @param onRelease gets this consumer once the client is done with the exchange
   *     (see {@link #releaseResources})
   */
  ResponseBodyConsumer(UpstreamExchange exchange, BodyIdleTimeouts connections, Consumer<ResponseBodyConsumer> onRelease) {
    this.exchange = exchange;
    this.connections = connections;
    this.onRelease = onRelease;
  }

  // ---- AsyncResponseConsumer: called by the client, on an I/O thread ----

  @Override
  public void consumeResponse(HttpResponse response, EntityDetails entity, HttpContext context,
      FutureCallback<Void> resultCallback) throws HttpException, IOException {
    this.resultCallback = resultCallback;
    if (entity != null) {
      Duration bodyIdle = exchange.call().bodyIdleTimeout();
      if (!bodyIdle.equals(exchange.call().responseTimeout())) {
        // Before the head goes on: its subscriber may be slow to ask, and the body's pauses count from here.
        connections.bodyStarted(context, Timeout.ofMilliseconds(Math.max(1, bodyIdle.toMillis())));
      }
    }
    try {
      if (response.getVersion() != null && response.getVersion().greaterEquals(HttpVersion.HTTP_2)) {
        h2 = true;
        h2Length = http2ContentLength(response, entity);
      }
      consumeHead(response, entity, resultCallback);
    } catch (ProtocolException e) {
      // The connection carried a head we refuse: it must not go back to the pool.
      exchange.fail(e);
      exchange.abort();
      throw e;
    }
  }

  private void consumeHead(HttpResponse response, EntityDetails entity, FutureCallback<Void> resultCallback)
      throws ProtocolException {
    if (entity == null) {
      // HEAD, 1xx, 204, 304: no body, whatever Content-Length says (it describes another message).
      // The stage completes once the client has released the connection, so that a call made
      // right after it can reuse the connection.
      bodiless = exchange.response(response, Body.empty());
      ended = true;
      resultCallback.completed(null);
      return;
    }
    long length = h2 ? h2Length : Math.max(entity.getContentLength(), -1);
    Response head = exchange.response(response, Body.ofPublisher(this, length));
    if (!exchange.deliver(head)) {
      exchange.abort(); // nobody will read the body
    }
  }

  /**
   * The Content-Length of an HTTP/2 response, checked as the framing guard checks an HTTP/1.1 one;
   * -1 without one. A stream that ended with its head (no body) must not announce one, unless the
   * response cannot have a body (HEAD, 204, 304), whose Content-Length describes another message.
   */
  private long http2ContentLength(HttpResponse response, EntityDetails entity) throws ProtocolException {
    Header[] lengths = response.getHeaders("Content-Length");
    if (lengths.length == 0) {
      return -1;
    }
    if (lengths.length > 1) {
      throw new ProtocolException("invalid HTTP/2 response head: " + lengths.length + " Content-Length fields");
    }
    String value = lengths[0].getValue();
    if (!value.matches("[0-9]{1,18}")) {
      throw new ProtocolException("invalid HTTP/2 response head: Content-Length '" + value + "'");
    }
    long length = Long.parseLong(value);
    int status = response.getCode();
    boolean bodiless = exchange.call().request().method().equals("HEAD") || status == 204 || status == 304;
    if (entity == null && length > 0 && !bodiless) {
      throw new ProtocolException("invalid HTTP/2 response: Content-Length " + length + " but the stream ended with the head");
    }
    return bodiless ? -1 : length;
  }

  @Override
  public void informationResponse(HttpResponse response, HttpContext context) {
    // 1xx interim responses belong to this hop; the gateway talks to its own client itself.
  }

  @Override
  public void updateCapacity(CapacityChannel capacityChannel) {
    this.capacityChannel = capacityChannel;
    drain();
  }

  @Override
  public void consume(ByteBuffer src) {
    if (cancelled || failure != null) {
      return; // the connection is being closed; the bytes go nowhere
    }
    if (h2) {
      h2Received += src.remaining();
      if (h2Length >= 0 && h2Received > h2Length) {
        h2Mismatch("more than its Content-Length " + h2Length + " bytes of body");
        return;
      }
    }
    ByteBuffer copy = ByteBuffer.allocate(src.remaining());
    copy.put(src).flip();
    received.add(copy);
    drain();
  }

  @Override
  public void streamEnd(List<? extends Header> trailers) {
    if (h2 && h2Length >= 0 && h2Received != h2Length) {
      h2Mismatch(h2Received + " bytes of body where its Content-Length says " + h2Length);
      return;
    }
    // Trailers are dropped: Response has no place for them. onComplete waits for
    // releaseResources(), which the client calls once the connection is back in the pool.
    ended = true;
    drain();
    FutureCallback<Void> callback = resultCallback;
    if (callback != null) {
      callback.completed(null);
    }
  }

  /** An HTTP/2 body that does not match its Content-Length: the call fails, the stream is reset. */
  private void h2Mismatch(String what) {
    ProtocolException e = new ProtocolException("invalid HTTP/2 response: " + what);
    if (failure == null) {
      failure = exchange.classify(e);
    }
    exchange.abort();
    drain();
  }

  @Override
  public void failed(Exception cause) {
    // Before the head this fails the caller's stage; after it, the body. Doing both is harmless
    // and leaves no window in which a failure reaches neither.
    exchange.fail(cause);
    if (!ended && failure == null) {
      failure = exchange.classify(cause);
      drain();
    }
  }

  /**
   * The client is done with the exchange. After a complete response it has put the connection
   * back in the pool by now, so only now does onComplete (or a bodiless head) go out. After a
   * failure it calls this first and {@link #failed} right after, which delivers the error.
   */
  @Override
  public void releaseResources() {
    onRelease.accept(this);
    capacityChannel = null;
    released = true;
    Response pending = bodiless;
    if (pending != null) {
      bodiless = null;
      exchange.deliver(pending);
    }
    drain();
  }

  // ---- Flow.Publisher: the response body ----

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    Objects.requireNonNull(s, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      s.onError(new IllegalStateException(
          exchange.description() + ": the response body can be subscribed to once"));
      return;
    }
    subscriber = s;
    drain();
  }

  /**
   * Delivers what it can. Serialized by {@code wip}: whoever finds it at 0 runs the loop, everyone
   * else only adds to {@code wip}, so a signal from any thread is never lost, and re-entrant calls
   * from inside {@code onNext} do not recurse.
   */
  private void drain() {
    if (wip.getAndIncrement() != 0) {
      return;
    }
    int missed = 1;
    do {
      Flow.Subscriber<? super ByteBuffer> s = subscriber;
      if (terminated) {
        received.clear();
      } else if (s != null) {
        if (!onSubscribeSignalled) {
          onSubscribeSignalled = true;
          s.onSubscribe(subscription);
        }
        emit(s);
      }
      giveWindow();
      missed = wip.addAndGet(-missed);
    } while (missed != 0);
  }

  private void emit(Flow.Subscriber<? super ByteBuffer> s) {
    while (!cancelled && failure == null && demand.get() > 0) {
      ByteBuffer next = received.poll();
      if (next == null) {
        break;
      }
      if (demand.get() != Long.MAX_VALUE) {
        demand.decrementAndGet();
      }
      windowToGive += next.remaining();
      s.onNext(next);
    }
    if (cancelled) {
      terminated = true;
      received.clear();
    } else if (failure != null) {
      terminated = true;
      received.clear();
      s.onError(failure);
    } else if (ended && released && received.isEmpty()) {
      terminated = true;
      s.onComplete();
    }
  }

  private void giveWindow() {
    CapacityChannel channel = capacityChannel;
    if (windowToGive == 0 || channel == null || terminated && !ended) {
      return;
    }
    int increment = (int) Math.min(windowToGive, Integer.MAX_VALUE);
    windowToGive -= increment;
    try {
      channel.update(increment);
    } catch (IOException e) {
      if (failure == null && !ended) {
        failure = exchange.classify(e);
        wip.incrementAndGet(); // run the loop once more to deliver it
      }
    }
  }

  private final class Subscription implements Flow.Subscription {
    @Override
    public void request(long n) {
      if (n <= 0) {
        if (failure == null) {
          failure = new IllegalArgumentException("request: " + n + " (expected: > 0)");
        }
        exchange.abort();
        drain();
        return;
      }
      demand.getAndAccumulate(n, (current, more) -> {
        long sum = current + more;
        return sum < 0 ? Long.MAX_VALUE : sum;
      });
      drain();
    }

    @Override
    public void cancel() {
      if (!cancelled) {
        cancelled = true;
        // Closes the connection unless the body was read to the end already; a half-read
        // connection must not go back to the pool.
        exchange.abort();
        drain();
      }
    }
  }
}

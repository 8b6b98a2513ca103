package io.gatehouse.undertow.upstream;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A response body as it arrives on its connection's I/O thread: copies of the bytes read, queued
 * until asked for. Its subscriber's signals all run on that thread; {@code request} and
 * {@code cancel} may come from any thread and are handed to it. The connection reads no further
 * while the queue holds what nobody asked for, so at most one read's worth waits here.
 */
final class ResponseBody implements Flow.Publisher<ByteBuffer>, Flow.Subscription {
  private final Exchange exchange;
  private final AtomicBoolean subscribed = new AtomicBoolean();
  // Owned by the I/O thread.
  private final ArrayDeque<ByteBuffer> queue = new ArrayDeque<>();
  private volatile Flow.Subscriber<? super ByteBuffer> subscriber;
  private long demand;
  private boolean ended;
  private Throwable failure;
  private boolean finished;
  private boolean draining;

  ResponseBody(Exchange exchange) {
    this.exchange = exchange;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    if (!subscribed.compareAndSet(false, true)) {
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      s.onError(new IllegalStateException(exchange.description() + ": the response body can be subscribed to once"));
      return;
    }
    subscriber = s;
    s.onSubscribe(this);
    exchange.onLoop(this::drain);
  }

  @Override
  public void request(long n) {
    exchange.onLoop(() -> {
      if (finished) {
        return;
      }
      if (n <= 0) {
        fail(new IllegalArgumentException("request: " + n + " (expected: > 0, Reactive Streams rule 3.9)"));
        exchange.bodyCancelled();
        return;
      }
      demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
      drain();
    });
  }

  @Override
  public void cancel() {
    exchange.onLoop(() -> {
      if (!finished) {
        finished = true;
        queue.clear();
        exchange.bodyCancelled();
      }
    });
  }

  /** I/O thread: bytes of the body, copied. */
  void add(ByteBuffer source, int offset, int length) {
    if (finished || length == 0) {
      return;
    }
    ByteBuffer copy = ByteBuffer.allocate(length);
    copy.put(source.duplicate().limit(offset + length).position(offset)).flip();
    queue.add(copy);
  }

  /** I/O thread: the body is whole; the subscriber completes once it has taken the queue. */
  void end() {
    ended = true;
  }

  /** I/O thread: the body failed; what is queued is dropped. */
  void fail(Throwable cause) {
    if (finished || failure != null) {
      return;
    }
    failure = cause;
    queue.clear();
    drain();
  }

  /** I/O thread: whether bytes wait that nobody asked for (the connection then reads no further). */
  boolean backedUp() {
    return !queue.isEmpty();
  }

  /** I/O thread: delivers what is asked for, then the end or the failure. */
  void drain() {
    Flow.Subscriber<? super ByteBuffer> s = subscriber;
    if (s == null || draining || finished) {
      return;
    }
    draining = true;
    try {
      while (demand > 0 && !queue.isEmpty() && !finished) {
        demand--;
        s.onNext(queue.poll());
      }
      if (finished) {
        return;
      }
      if (failure != null) {
        finished = true;
        s.onError(failure);
      } else if (ended && queue.isEmpty()) {
        finished = true;
        s.onComplete();
      }
    } finally {
      draining = false;
    }
    if (!finished && queue.isEmpty()) {
      exchange.bodyWantsMore();
    }
  }
}

package io.gatehouse.impl.transform;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Reads a body that a transformation needs whole, one chunk at a time, up to a cap. The result is
 * the whole body when it ends within the cap; past it, reading stops at once (nothing more is
 * requested) and the result is a {@linkplain #replay() replay}: the bytes held so far, then the
 * rest of the body as it streams on, for a body that passes untouched. So at most
 * {@code cap} bytes (plus the one chunk that crossed it) are ever held.
 *
 * <p>The response cache's {@code CapturingBody} copies a body while passing it on at once; a
 * transformation must hold the body back until it is whole, hence this reader.
 */
final class BoundedBody implements Flow.Subscriber<ByteBuffer>, Flow.Publisher<ByteBuffer> {
  private final long cap;
  private final CompletableFuture<byte[]> whole = new CompletableFuture<>();
  private final ByteArrayOutputStream held = new ByteArrayOutputStream();
  private volatile Flow.Subscription upstream;
  private volatile boolean overflowed;

  // The replay, once overflowed: the held bytes, then the rest, on the downstream's demand.
  private final Queue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
  private final AtomicLong demand = new AtomicLong();
  private final AtomicInteger wip = new AtomicInteger();
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private volatile Flow.Subscriber<? super ByteBuffer> downstream;
  private volatile boolean outstanding;
  private volatile boolean done;
  private volatile Throwable failure;
  private boolean terminated;
  private volatile boolean cancelled;

  /**
   * Reads the body.
   *
   * @param body the body
   * @param cap the most bytes held
   * @return the reader: its {@link #whole()} completes with the bytes, or with null when the body
   *     is larger than the cap (then {@link #replay()} is the body)
   */
  static BoundedBody read(Flow.Publisher<ByteBuffer> body, long cap) {
    BoundedBody reader = new BoundedBody(cap);
    body.subscribe(reader);
    return reader;
  }

  private BoundedBody(long cap) {
    this.cap = cap;
  }

  /** {@return the whole body, or null when it is larger than the cap; fails when the body fails} */
  CompletableFuture<byte[]> whole() {
    return whole;
  }

  /** {@return the body as it came, for one subscriber: call only once {@link #whole()} gave null} */
  Flow.Publisher<ByteBuffer> replay() {
    return this;
  }

  /** Stops reading: the body is not wanted (any more). */
  void discard() {
    cancelled = true;
    held.reset();
    queue.clear();
    Flow.Subscription s = upstream;
    if (s != null) {
      s.cancel();
    }
    whole.cancel(false);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    upstream = s;
    if (cancelled) {
      s.cancel();
      return;
    }
    s.request(1);
  }

  @Override
  public void onNext(ByteBuffer item) {
    if (overflowed) {
      queue.add(item);
      outstanding = false;
      drain();
      return;
    }
    if (whole.isDone()) {
      return;
    }
    int n = item.remaining();
    if ((long) held.size() + n > cap) {
      overflowed = true;
      queue.add(ByteBuffer.wrap(held.toByteArray()).asReadOnlyBuffer());
      held.reset();
      queue.add(item);
      whole.complete(null);
      return;
    }
    byte[] chunk = new byte[n];
    item.get(chunk);
    held.write(chunk, 0, n);
    upstream.request(1);
  }

  @Override
  public void onError(Throwable t) {
    if (overflowed) {
      failure = t;
      done = true;
      drain();
      return;
    }
    held.reset();
    whole.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    if (overflowed) {
      done = true;
      drain();
      return;
    }
    byte[] bytes = held.toByteArray();
    held.reset();
    whole.complete(bytes);
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    if (!overflowed || !subscribed.compareAndSet(false, true)) {
      subscriber.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {}

        @Override
        public void cancel() {}
      });
      subscriber.onError(new IllegalStateException("the body can be replayed once, and only past the cap"));
      return;
    }
    downstream = subscriber;
    subscriber.onSubscribe(new Flow.Subscription() {
      @Override
      public void request(long n) {
        if (n <= 0) {
          failure = new IllegalArgumentException("request: " + n + " (expected: > 0)");
          done = true;
          queue.clear();
          Flow.Subscription s = upstream;
          if (s != null) {
            s.cancel();
          }
        } else {
          demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
        }
        drain();
      }

      @Override
      public void cancel() {
        discard();
      }
    });
    drain();
  }

  private void drain() {
    if (downstream == null || wip.getAndIncrement() != 0) {
      return;
    }
    do {
      Flow.Subscriber<? super ByteBuffer> d = downstream;
      while (!cancelled && demand.get() > 0 && !queue.isEmpty()) {
        ByteBuffer next = queue.poll();
        demand.decrementAndGet();
        d.onNext(next);
      }
      if (!cancelled && queue.isEmpty()) {
        if (done) {
          if (!terminated) {
            terminated = true;
            Throwable t = failure;
            if (t != null) {
              d.onError(t);
            } else {
              d.onComplete();
            }
          }
        } else if (demand.get() > 0 && !outstanding) {
          outstanding = true;
          upstream.request(1);
        }
      }
    } while (wip.decrementAndGet() != 0);
  }
}

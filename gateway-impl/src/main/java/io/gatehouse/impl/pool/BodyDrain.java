package io.gatehouse.impl.pool;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Reads a health check's response body to its end and throws the bytes away, so that the
 * transport can put the connection back in its pool. Past a cap, or when {@link #stop}ped, it
 * cancels instead, which makes the transport close the connection. Unlike {@code Body.bytes},
 * it can be stopped from outside: a body that trickles must not hold its check open forever.
 */
final class BodyDrain implements Flow.Subscriber<ByteBuffer> {
  private final long maxBytes;
  private final CompletableFuture<Void> done = new CompletableFuture<>();
  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  private volatile boolean stopped;
  private long seen; // only onNext touches it, and Flow signals are serialized

  BodyDrain(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** Completes once the body has ended, failed or been cancelled. */
  CompletionStage<Void> done() {
    return done;
  }

  /** Cancels the body, now or as soon as it is subscribed to. Later calls do nothing. */
  void stop() {
    stopped = true;
    Flow.Subscription s = subscription.get();
    if (s != null) {
      s.cancel();
    }
    done.complete(null);
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    if (!subscription.compareAndSet(null, s)) {
      s.cancel(); // the Flow rule for a second subscription
      return;
    }
    // stop() sets the flag before it reads the subscription: one of the two sides sees the other.
    if (stopped) {
      s.cancel();
      return;
    }
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(ByteBuffer item) {
    seen += item.remaining();
    if (seen > maxBytes) {
      stop();
    }
  }

  @Override
  public void onError(Throwable failure) {
    done.complete(null);
  }

  @Override
  public void onComplete() {
    done.complete(null);
  }
}

package io.gatehouse.testing.transport;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A response body subscriber for the kit: counts, digests and (if asked) keeps what it receives.
 * Manual ones request only when told; automatic ones request one item at a time, from an
 * executor if given (the way a gateway's client connection would, from its own thread).
 */
final class KitSubscriber implements Flow.Subscriber<ByteBuffer> {
  final CompletableFuture<Void> done = new CompletableFuture<>();
  final CountDownLatch firstItem = new CountDownLatch(1);
  private final AtomicLong received = new AtomicLong();
  private final MessageDigest digest = KitPublisher.sha256();
  private final ByteArrayOutputStream kept;
  private final boolean auto;
  private final Executor requester;
  private volatile Flow.Subscription subscription;

  private KitSubscriber(boolean keep, boolean auto, Executor requester) {
    this.kept = keep ? new ByteArrayOutputStream() : null;
    this.auto = auto;
    this.requester = requester;
  }

  static KitSubscriber manual() {
    return new KitSubscriber(true, false, null);
  }

  /** Requests only when told, and keeps nothing: for bodies too large for the kit's small heap. */
  static KitSubscriber manualCounting() {
    return new KitSubscriber(false, false, null);
  }

  static KitSubscriber auto(Executor requester) {
    return new KitSubscriber(false, true, requester);
  }

  long received() {
    return received.get();
  }

  synchronized byte[] bytes() {
    return kept.toByteArray();
  }

  byte[] digest() {
    return digest.digest();
  }

  void request(long n) {
    subscription.request(n);
  }

  void cancel() {
    subscription.cancel();
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    if (auto) {
      s.request(1);
    }
  }

  @Override
  public void onNext(ByteBuffer item) {
    received.addAndGet(item.remaining());
    if (kept != null) {
      synchronized (this) {
        // A transport may hand over direct or read-only buffers: copy, never item.array().
        byte[] copy = new byte[item.remaining()];
        item.duplicate().get(copy);
        kept.write(copy, 0, copy.length);
      }
    }
    digest.update(item);
    firstItem.countDown();
    if (auto) {
      if (requester == null) {
        subscription.request(1);
      } else {
        requester.execute(() -> subscription.request(1));
      }
    }
  }

  @Override
  public void onError(Throwable failure) {
    done.completeExceptionally(failure);
  }

  @Override
  public void onComplete() {
    done.complete(null);
  }
}

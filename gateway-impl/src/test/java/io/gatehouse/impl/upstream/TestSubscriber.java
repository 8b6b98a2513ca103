package io.gatehouse.impl.upstream;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;

/**
 * A response body subscriber for tests that reads to the end, one item at a time, and completes
 * {@link #done} with the body's end or failure. (The transport conformance kit in
 * gateway-test-fixtures has the full one: manual demand, digests, kept bytes.)
 */
final class TestSubscriber implements Flow.Subscriber<ByteBuffer> {
  final CompletableFuture<Void> done = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  static TestSubscriber auto() {
    return new TestSubscriber();
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    s.request(1);
  }

  @Override
  public void onNext(ByteBuffer item) {
    subscription.request(1);
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

package io.gatehouse.impl.observe;

import io.gatehouse.http.Body;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;

/**
 * A streaming body that counts its bytes on the way through and, once, says how many there were
 * when it ends: completed, failed, or cancelled by its subscriber.
 *
 * <p>Ordering: the count is told <em>before</em> the subscriber hears {@code onComplete} or
 * {@code onError}, and for a body of known length before its last bytes are passed on, so
 * whoever has read a body to its end (a client over a socket, a test) can rely on what the count
 * fed (the request record, the span) being done already.
 */
public final class CountingBody implements Flow.Publisher<ByteBuffer> {
  private final Body body;
  private final long declaredLength;
  private final LongConsumer ended;
  private final AtomicLong bytes = new AtomicLong();
  private final AtomicBoolean done = new AtomicBoolean();

  private CountingBody(Body body, LongConsumer ended) {
    this.body = body;
    this.declaredLength = body.contentLength().orElse(-1);
    this.ended = ended;
  }

  /**
   * Wraps a streaming body.
   *
   * @param ended told the byte count once the body has ended, however it ended
   * @return a body of the same length that counts
   */
  public static Body wrap(Body body, LongConsumer ended) {
    return Body.ofPublisher(new CountingBody(body, ended), body.contentLength().orElse(-1));
  }

  /**
   * A stream that adds its bytes to {@code counted} as they pass (a WebSocket session's client
   * side, which has no end that the record waits for).
   *
   * @param counted the running count
   * @return the counting stream
   */
  public static Flow.Publisher<ByteBuffer> passing(Flow.Publisher<ByteBuffer> stream, AtomicLong counted) {
    return subscriber -> stream.subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscriber.onSubscribe(subscription);
      }

      @Override
      public void onNext(ByteBuffer item) {
        counted.addAndGet(item.remaining());
        subscriber.onNext(item);
      }

      @Override
      public void onError(Throwable failure) {
        subscriber.onError(failure);
      }

      @Override
      public void onComplete() {
        subscriber.onComplete();
      }
    });
  }

  private void end() {
    if (done.compareAndSet(false, true)) {
      ended.accept(bytes.get());
    }
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    body.subscribe(new Flow.Subscriber<ByteBuffer>() {
      @Override
      public void onSubscribe(Flow.Subscription subscription) {
        subscriber.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {
            subscription.request(n);
          }

          @Override
          public void cancel() {
            subscription.cancel();
            end();
          }
        });
      }

      @Override
      public void onNext(ByteBuffer item) {
        long total = bytes.addAndGet(item.remaining());
        if (declaredLength >= 0 && total >= declaredLength) {
          try {
            end();
          } finally {
            subscriber.onNext(item);
          }
          return;
        }
        subscriber.onNext(item);
      }

      @Override
      public void onError(Throwable failure) {
        try {
          end();
        } finally {
          subscriber.onError(failure);
        }
      }

      @Override
      public void onComplete() {
        try {
          end();
        } finally {
          subscriber.onComplete();
        }
      }
    });
  }
}

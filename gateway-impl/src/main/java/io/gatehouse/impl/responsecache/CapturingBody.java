package io.gatehouse.impl.responsecache;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * A response body on its way to the client, copied as it passes up to a cap: every item goes on
 * downstream unchanged and as soon as it arrives (nothing waits for the copy), and the copy is
 * handed over only when the body completed whole within the cap. Past the cap the copy is dropped
 * at once and the rest streams through uncopied, so at most {@code cap} bytes are ever held. An
 * error or a cancel by the client drops the copy too. Exactly one of the two callbacks runs, once.
 * Subscribed to once, as the body it wraps.
 */
final class CapturingBody implements Flow.Publisher<ByteBuffer> {
  private final Flow.Publisher<ByteBuffer> source;
  private final int cap;
  private final Consumer<byte[]> whole;
  private final Runnable gaveUp;
  private final AtomicBoolean settled = new AtomicBoolean();

  /**
   * @param source the body as it comes from the upstream
   * @param cap the most bytes copied
   * @param whole gets the whole body, when it completed within the cap
   * @param gaveUp runs instead when it did not (too large, failed, cancelled)
   */
  CapturingBody(Flow.Publisher<ByteBuffer> source, int cap, Consumer<byte[]> whole, Runnable gaveUp) {
    this.source = source;
    this.cap = cap;
    this.whole = whole;
    this.gaveUp = gaveUp;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> downstream) {
    source.subscribe(new Flow.Subscriber<ByteBuffer>() {
      private byte[] copy = new byte[Math.min(cap, 8192)];
      private int size;
      private boolean copying = true;

      @Override
      public void onSubscribe(Flow.Subscription s) {
        downstream.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {
            s.request(n);
          }

          @Override
          public void cancel() {
            giveUp();
            s.cancel();
          }
        });
      }

      @Override
      public void onNext(ByteBuffer item) {
        if (copying) {
          int n = item.remaining();
          if ((long) size + n > cap) {
            copying = false;
            copy = null;
            giveUp();
          } else {
            if (size + n > copy.length) {
              copy = Arrays.copyOf(copy, (int) Math.min(cap, Math.max((long) size + n, copy.length * 2L)));
            }
            item.duplicate().get(copy, size, n);
            size += n;
          }
        }
        downstream.onNext(item);
      }

      @Override
      public void onError(Throwable failure) {
        copy = null;
        giveUp();
        downstream.onError(failure);
      }

      @Override
      public void onComplete() {
        if (copying && settled.compareAndSet(false, true)) {
          byte[] bytes = size == copy.length ? copy : Arrays.copyOf(copy, size);
          copy = null;
          try {
            whole.accept(bytes);
          } finally {
            downstream.onComplete();
          }
          return;
        }
        downstream.onComplete();
      }
    });
  }

  private void giveUp() {
    if (settled.compareAndSet(false, true)) {
      gaveUp.run();
    }
  }
}

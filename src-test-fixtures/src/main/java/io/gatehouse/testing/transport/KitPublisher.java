package io.gatehouse.testing.transport;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.SplittableRandom;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A request body for tests: emits {@code total} bytes in chunks, only as demanded, generated on
 * the fly (a byte array or a seeded pseudo-random stream), and digests what it emitted. It may
 * fail after the last byte instead of completing. One subscriber.
 */
final class KitPublisher implements Flow.Publisher<ByteBuffer> {
  private final long total;
  private final int chunk;
  private final byte[] bytes;
  private final SplittableRandom random;
  private final Throwable failure;
  private final MessageDigest digest = sha256();
  private final AtomicLong emitted = new AtomicLong();
  private final AtomicBoolean subscribed = new AtomicBoolean();
  private volatile boolean cancelled;

  private KitPublisher(long total, int chunk, byte[] bytes, SplittableRandom random, Throwable failure) {
    this.total = total;
    this.chunk = chunk;
    this.bytes = bytes;
    this.random = random;
    this.failure = failure;
  }

  static KitPublisher of(byte[] bytes, int chunk) {
    return new KitPublisher(bytes.length, chunk, bytes, null, null);
  }

  static KitPublisher random(long total, int chunk, long seed) {
    return new KitPublisher(total, chunk, null, new SplittableRandom(seed), null);
  }

  /** Emits these bytes, then fails with {@code failure} instead of completing. */
  static KitPublisher failing(byte[] bytes, Throwable failure) {
    return new KitPublisher(bytes.length, Math.max(1, bytes.length), bytes, null, failure);
  }

  long emitted() {
    return emitted.get();
  }

  boolean cancelled() {
    return cancelled;
  }

  /** SHA-256 of the bytes emitted; call once, after the stream ended. */
  byte[] digest() {
    return digest.digest();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    if (!subscribed.compareAndSet(false, true)) {
      throw new IllegalStateException("one subscriber only");
    }
    subscriber.onSubscribe(new Subscription(subscriber));
  }

  private final class Subscription implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private long position;
    private boolean done;

    Subscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      demand.getAndAccumulate(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
    }

    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      int missed = 1;
      do {
        while (!done && !cancelled && demand.get() > 0 && position < total) {
          int length = (int) Math.min(chunk, total - position);
          ByteBuffer next = next(length);
          digest.update(next.duplicate());
          position += length;
          emitted.addAndGet(length);
          demand.decrementAndGet();
          subscriber.onNext(next);
        }
        if (!done && !cancelled && position == total) {
          done = true;
          if (failure != null) {
            subscriber.onError(failure);
          } else {
            subscriber.onComplete();
          }
        }
        missed = wip.addAndGet(-missed);
      } while (missed != 0);
    }

    private ByteBuffer next(int length) {
      if (bytes != null) {
        return ByteBuffer.wrap(bytes, (int) position, length).slice();
      }
      ByteBuffer buffer = ByteBuffer.allocate(length);
      while (buffer.remaining() >= 8) {
        buffer.putLong(random.nextLong());
      }
      while (buffer.hasRemaining()) {
        buffer.put((byte) random.nextInt());
      }
      return buffer.flip();
    }
  }
}

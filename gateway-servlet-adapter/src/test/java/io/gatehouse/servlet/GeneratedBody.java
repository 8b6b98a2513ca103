package io.gatehouse.servlet;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A deterministic byte stream generated on the fly (xorshift64), as a publisher that honours
 * demand and records how much was asked for, emitted and whether it was cancelled. One
 * subscriber. {@code length < 0} means endless.
 */
final class GeneratedBody implements Flow.Publisher<ByteBuffer> {
  static final int CHUNK = 64 * 1024;

  final AtomicLong requested = new AtomicLong();
  final AtomicLong emittedChunks = new AtomicLong();
  final AtomicLong emittedBytes = new AtomicLong();
  final AtomicLong maxOutstanding = new AtomicLong();
  final AtomicBoolean cancelled = new AtomicBoolean();
  private final long length;
  private final long seed;

  GeneratedBody(long length, long seed) {
    this.length = length;
    this.seed = seed;
  }

  /** The SHA-256 of the first {@code length} bytes of the stream for {@code seed}. */
  static String sha256(long length, long seed) {
    MessageDigest md = newDigest();
    Generator g = new Generator(seed);
    ByteBuffer buf = ByteBuffer.allocate(CHUNK);
    long left = length;
    while (left > 0) {
      buf.clear();
      int n = (int) Math.min(CHUNK, left);
      g.fill(buf, n);
      buf.flip();
      md.update(buf);
      left -= n;
    }
    return HexFormat.of().formatHex(md.digest());
  }

  static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    subscriber.onSubscribe(new Subscription(subscriber));
  }

  private final class Subscription implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final Generator generator = new Generator(seed);
    private final AtomicLong demand = new AtomicLong();
    private final AtomicLong wip = new AtomicLong();
    private long sent;
    private boolean done;

    Subscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancelled.set(true);
        subscriber.onError(new IllegalArgumentException("request: " + n));
        return;
      }
      requested.addAndGet(n);
      long d = demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      maxOutstanding.accumulateAndGet(d, Math::max);
      if (wip.getAndIncrement() != 0) {
        return; // the loop below, further up the stack or on another thread, picks it up
      }
      do {
        while (demand.get() > 0 && !done && !cancelled.get()) {
          if (length >= 0 && sent >= length) {
            break;
          }
          int n2 = (int) (length < 0 ? CHUNK : Math.min(CHUNK, length - sent));
          ByteBuffer buf = ByteBuffer.allocate(n2);
          generator.fill(buf, n2);
          buf.flip();
          sent += n2;
          demand.decrementAndGet();
          emittedChunks.incrementAndGet();
          emittedBytes.addAndGet(n2);
          subscriber.onNext(buf);
        }
        if (!done && !cancelled.get() && length >= 0 && sent >= length) {
          done = true;
          subscriber.onComplete();
        }
      } while (wip.decrementAndGet() != 0);
    }

    @Override
    public void cancel() {
      cancelled.set(true);
    }
  }

  /** xorshift64: the stream is the same however it is cut into chunks of multiples of 8. */
  static final class Generator {
    private long x;
    private long word;
    private int wordLeft;

    Generator(long seed) {
      this.x = seed == 0 ? 0x9E3779B97F4A7C15L : seed;
    }

    void fill(ByteBuffer buf, int n) {
      for (int i = 0; i < n; i++) {
        if (wordLeft == 0) {
          x ^= x << 13;
          x ^= x >>> 7;
          x ^= x << 17;
          word = x;
          wordLeft = 8;
        }
        buf.put((byte) word);
        word >>>= 8;
        wordLeft--;
      }
    }
  }
}

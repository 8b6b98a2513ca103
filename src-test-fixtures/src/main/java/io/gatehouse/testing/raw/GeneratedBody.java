package io.gatehouse.testing.raw;

import io.gatehouse.Unstable;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A body of {@link GeneratedBytes} as a publisher that honours demand, made on the fly in
 * {@value #CHUNK}-byte buffers, and records how much was asked for and sent, the most demand
 * outstanding at once, and whether it was cancelled: a response body of any size for tests of
 * streaming and back-pressure. One subscriber. {@code length < 0} means endless.
 *
 * <pre>{@code
 * GeneratedBody body = new GeneratedBody(-1, 7);                 // endless
 * upstream.answer(Response.of(200, Body.ofPublisher(body, -1)));
 * ... a client that reads nothing ...
 * assertThat(body.maxOutstanding()).isLessThanOrEqualTo(8);
 * assertThat(GeneratedBody.sha256(total, 7)).isEqualTo(hashOfWhatTheClientRead);
 * }</pre>
 *
 * @since 0.1
 */
@Unstable
public final class GeneratedBody implements Flow.Publisher<ByteBuffer> {
  /** The size of each buffer, 64 KiB (the last of a body of known length may be shorter). */
  public static final int CHUNK = GeneratedBytes.CHUNK;

  private final AtomicLong requested = new AtomicLong();
  private final AtomicLong emittedChunks = new AtomicLong();
  private final AtomicLong emittedBytes = new AtomicLong();
  private final AtomicLong maxOutstanding = new AtomicLong();
  private final AtomicBoolean cancelled = new AtomicBoolean();
  private final long length;
  private final long seed;

  /**
   * A body of the stream for a seed.
   *
   * @param length its length in bytes; negative for endless
   * @param seed the stream's seed
   */
  public GeneratedBody(long length, long seed) {
    this.length = length;
    this.seed = seed;
  }

  /**
   * The SHA-256 of the first {@code length} bytes of the stream for {@code seed}, as lower-case hex.
   *
   * @param length how many bytes
   * @param seed the stream's seed
   * @return the hash
   */
  public static String sha256(long length, long seed) {
    MessageDigest md = GeneratedBytes.sha256();
    GeneratedBytes g = new GeneratedBytes(seed);
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
    return GeneratedBytes.hex(md);
  }

  /**
   * A new SHA-256 digest, to hash what arrives.
   *
   * @return the digest
   */
  public static MessageDigest newDigest() {
    return GeneratedBytes.sha256();
  }

  /**
   * Buffers asked for so far, in total.
   *
   * @return the sum of every {@code request(n)}
   */
  public long requested() {
    return requested.get();
  }

  /**
   * Buffers sent so far.
   *
   * @return the count of {@code onNext}
   */
  public long emittedChunks() {
    return emittedChunks.get();
  }

  /**
   * Bytes sent so far.
   *
   * @return the bytes of every buffer sent
   */
  public long emittedBytes() {
    return emittedBytes.get();
  }

  /**
   * The most demand that was outstanding at once: asked for and not sent yet.
   *
   * @return the largest outstanding demand seen
   */
  public long maxOutstanding() {
    return maxOutstanding.get();
  }

  /**
   * Whether the subscriber cancelled (or asked for {@code n <= 0}, which also ends the body).
   *
   * @return true once cancelled
   */
  public boolean cancelled() {
    return cancelled.get();
  }

  /**
   * Starts the body for a subscriber; it sends as the subscriber asks.
   *
   * @param subscriber the one subscriber
   */
  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    subscriber.onSubscribe(new Subscription(subscriber));
  }

  private final class Subscription implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final GeneratedBytes generator = new GeneratedBytes(seed);
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
          int size = (int) (length < 0 ? CHUNK : Math.min(CHUNK, length - sent));
          ByteBuffer buf = ByteBuffer.allocate(size);
          generator.fill(buf, size);
          buf.flip();
          sent += size;
          demand.decrementAndGet();
          emittedChunks.incrementAndGet();
          emittedBytes.addAndGet(size);
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
}

package io.gatehouse.impl.transform;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * A body compressed as gzip while it streams: each chunk is deflated and flushed
 * ({@code SYNC_FLUSH}) into one output chunk, so the client receives what the upstream sent without
 * waiting for more, and no more than one chunk is held. Demand passes through one for one; the
 * gzip trailer (CRC-32 and length) goes out once the body ended and the subscriber asks for it.
 * The {@link Deflater}'s native memory is released when the body ends, fails or is cancelled.
 * Subscribed to once, as the body it wraps.
 */
final class GzipBody implements Flow.Publisher<ByteBuffer> {
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final Flow.Publisher<ByteBuffer> source;
  private final int level;

  GzipBody(Flow.Publisher<ByteBuffer> source, int level) {
    this.source = source;
    this.level = level;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> downstream) {
    source.subscribe(new Compressor(downstream, level));
  }

  private static final class Compressor implements Flow.Subscriber<ByteBuffer>, Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> downstream;
    private final Deflater deflater; // guarded by itself
    private final CRC32 crc = new CRC32();
    private final Queue<ByteBuffer> queue = new ConcurrentLinkedQueue<>();
    private final AtomicLong demand = new AtomicLong();
    private final AtomicInteger wip = new AtomicInteger();
    private volatile Flow.Subscription upstream;
    private volatile boolean done;
    private volatile Throwable failure;
    private volatile boolean cancelled;
    private boolean ended; // guarded by deflater
    private boolean headerSent;
    private long inputBytes;
    private boolean terminated; // in drain only

    Compressor(Flow.Subscriber<? super ByteBuffer> downstream, int level) {
      this.downstream = downstream;
      this.deflater = new Deflater(level, true);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      upstream = s;
      downstream.onSubscribe(this);
    }

    @Override
    public void request(long n) {
      if (n <= 0) {
        cancel();
        downstream.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        return;
      }
      demand.accumulateAndGet(n, (a, b) -> a + b < 0 ? Long.MAX_VALUE : a + b);
      upstream.request(n);
      drain();
    }

    @Override
    public void cancel() {
      cancelled = true;
      queue.clear();
      end();
      upstream.cancel();
    }

    @Override
    public void onNext(ByteBuffer item) {
      if (cancelled) {
        return;
      }
      int n = item.remaining();
      if (n == 0) {
        upstream.request(1); // nothing to send for it: ask for the next instead
        return;
      }
      byte[] input = new byte[n];
      item.get(input);
      crc.update(input, 0, n);
      inputBytes += n;
      ByteArrayOutputStream out = new ByteArrayOutputStream(n / 2 + 64);
      if (!headerSent) {
        headerSent = true;
        out.writeBytes(HEADER);
      }
      synchronized (deflater) {
        if (ended) {
          return;
        }
        deflater.setInput(input);
        drainDeflater(out, false);
      }
      queue.add(ByteBuffer.wrap(out.toByteArray()));
      drain();
    }

    /** Everything the deflater has for its input so far. */
    private void drainDeflater(ByteArrayOutputStream out, boolean finishing) {
      byte[] buffer = new byte[8192];
      int written;
      do {
        written = deflater.deflate(buffer, 0, buffer.length, finishing ? Deflater.NO_FLUSH : Deflater.SYNC_FLUSH);
        out.write(buffer, 0, written);
      } while (written == buffer.length || finishing && !deflater.finished());
    }

    @Override
    public void onError(Throwable t) {
      end();
      failure = t;
      done = true;
      drain();
    }

    @Override
    public void onComplete() {
      ByteArrayOutputStream out = new ByteArrayOutputStream(64);
      if (!headerSent) {
        headerSent = true;
        out.writeBytes(HEADER);
      }
      synchronized (deflater) {
        if (ended) {
          return;
        }
        deflater.finish();
        drainDeflater(out, true);
      }
      end();
      long value = crc.getValue();
      for (int i = 0; i < 4; i++) {
        out.write((int) (value >>> (8 * i)) & 0xff);
      }
      for (int i = 0; i < 4; i++) {
        out.write((int) (inputBytes >>> (8 * i)) & 0xff);
      }
      queue.add(ByteBuffer.wrap(out.toByteArray()));
      done = true;
      drain();
    }

    private void end() {
      synchronized (deflater) {
        if (!ended) {
          ended = true;
          deflater.end();
        }
      }
    }

    private void drain() {
      if (wip.getAndIncrement() != 0) {
        return;
      }
      do {
        while (!cancelled && demand.get() > 0 && !queue.isEmpty()) {
          demand.decrementAndGet();
          downstream.onNext(queue.poll());
        }
        if (!cancelled && done && queue.isEmpty() && !terminated) {
          terminated = true;
          Throwable t = failure;
          if (t != null) {
            downstream.onError(t);
          } else {
            downstream.onComplete();
          }
        }
      } while (wip.decrementAndGet() != 0);
    }
  }
}

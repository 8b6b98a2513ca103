package io.gatehouse.upstream;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The tests' streamed body: a publisher of fixed chunks that honours demand, then completes. Made
 * with {@link #of}, it emits on the requesting thread (a {@code request} from inside
 * {@code onNext} only adds demand); made with {@link #paced}, one chunk per interval from a timer
 * thread of its own, the first at once, as an upstream whose body trickles. Each subscription
 * starts from the first chunk, so a body made of it may be read again. It counts the bytes it
 * emitted and notes how long its first subscription to end lasted (completed, failed or cancelled).
 */
final class ChunkPublisher implements Flow.Publisher<ByteBuffer> {
  private final List<byte[]> chunks;
  private final Duration pace; // zero: not paced
  private final AtomicLong emitted = new AtomicLong();
  /** How long, in milliseconds, the first subscription to end lasted: completed, failed or cancelled. */
  final CompletableFuture<Long> endedAfterMillis = new CompletableFuture<>();

  private ChunkPublisher(List<byte[]> chunks, Duration pace) {
    this.chunks = List.copyOf(chunks);
    this.pace = pace;
  }

  /** These chunks, as UTF-8, emitted as demanded. */
  static ChunkPublisher of(String... chunks) {
    return of(Arrays.stream(chunks).map(c -> c.getBytes(StandardCharsets.UTF_8)).toList());
  }

  /** These chunks, emitted as demanded. */
  static ChunkPublisher of(List<byte[]> chunks) {
    return new ChunkPublisher(chunks, Duration.ZERO);
  }

  /** {@code count} chunks of one byte, one per {@code every} while there is demand. */
  static ChunkPublisher paced(int count, byte value, Duration every) {
    if (every.isZero() || every.isNegative()) {
      throw new IllegalArgumentException("every: " + every + " (expected: > 0)");
    }
    byte[] one = {value};
    return new ChunkPublisher(Collections.nCopies(count, one), every);
  }

  /** The bytes emitted so far, over every subscription. */
  long emitted() {
    return emitted.get();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    Subscription subscription = new Subscription(subscriber);
    subscriber.onSubscribe(subscription);
    if (!pace.isZero()) {
      subscription.startTimer();
    }
  }

  private final class Subscription implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final long started = System.nanoTime();
    private ScheduledExecutorService timer; // guarded by this; paced only
    private int next; // guarded by this
    private long demand; // guarded by this
    private boolean emitting; // guarded by this; a request() from inside onNext only adds demand
    private boolean done; // guarded by this

    Subscription(Flow.Subscriber<? super ByteBuffer> subscriber) {
      this.subscriber = subscriber;
    }

    synchronized void startTimer() {
      if (done) {
        return;
      }
      timer = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "chunk-publisher-pace");
        thread.setDaemon(true);
        return thread;
      });
      timer.scheduleWithFixedDelay(this::emitPaced, 0, pace.toNanos(), TimeUnit.NANOSECONDS);
    }

    @Override
    public void request(long n) {
      synchronized (this) {
        if (done) {
          return;
        }
        if (n <= 0) {
          end();
        } else {
          demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
          if (emitting || !pace.isZero()) {
            return; // the loop below, or the timer, emits
          }
          emitting = true;
        }
      }
      if (n <= 0) {
        subscriber.onError(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
        return;
      }
      while (true) {
        ByteBuffer item;
        synchronized (this) {
          if (done) {
            return;
          }
          if (next == chunks.size()) {
            end();
            item = null;
          } else if (demand == 0) {
            emitting = false;
            return;
          } else {
            demand--;
            item = take();
          }
        }
        if (item == null) {
          subscriber.onComplete();
          return;
        }
        subscriber.onNext(item);
      }
    }

    /** On the timer: one chunk if there is demand, and the completion after the last. */
    private void emitPaced() {
      ByteBuffer item;
      boolean last;
      synchronized (this) {
        if (done || demand == 0) {
          return;
        }
        demand--;
        item = take();
        last = next == chunks.size();
        if (last) {
          end();
        }
      }
      subscriber.onNext(item);
      if (last) {
        subscriber.onComplete();
      }
    }

    @Override
    public void cancel() {
      synchronized (this) {
        if (!done) {
          end();
        }
      }
    }

    /** Guarded by this. */
    private ByteBuffer take() {
      byte[] chunk = chunks.get(next++);
      emitted.addAndGet(chunk.length);
      return ByteBuffer.wrap(chunk);
    }

    /** Guarded by this. */
    private void end() {
      done = true;
      if (timer != null) {
        timer.shutdown();
      }
      endedAfterMillis.complete(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }
  }
}

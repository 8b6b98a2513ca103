package io.gatehouse.http;

import io.gatehouse.internal.Check;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A message body: a stream of bytes with back-pressure, and its length when known.
 *
 * <p>A streaming body ({@link #ofPublisher}) can be subscribed to once: it is the bytes that are
 * passing through, not a copy of them. An in-memory body ({@link #of(byte[])}) can be read any
 * number of times.
 *
 * <pre>{@code
 * Body small = Body.of("{\"ok\":true}");
 * Body streamed = Body.ofPublisher(publisher, 1_048_576);
 * body.bytes(64 * 1024).thenAccept(bytes -> ...);   // collect, under a cap
 * }</pre>
 *
 * @since 0.1
 */
public final class Body implements Flow.Publisher<ByteBuffer> {
  private static final Body EMPTY = new Body(null, new byte[0], 0);

  private final Flow.Publisher<ByteBuffer> source;
  private final byte[] bytes;
  private final long contentLength;

  private Body(Flow.Publisher<ByteBuffer> source, byte[] bytes, long contentLength) {
    this.source = source;
    this.bytes = bytes;
    this.contentLength = contentLength;
  }

  /**
   * No bytes.
   *
   * @return the empty body
   */
  public static Body empty() {
    return EMPTY;
  }

  /**
   * A body held in memory.
   *
   * @param bytes the content; copied
   * @return the body
   */
  public static Body of(byte[] bytes) {
    return bytes.length == 0 ? EMPTY : new Body(null, bytes.clone(), bytes.length);
  }

  /**
   * A body held in memory, encoded as UTF-8.
   *
   * @param text the content
   * @return the body
   */
  public static Body of(String text) {
    byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
    return utf8.length == 0 ? EMPTY : new Body(null, utf8, utf8.length);
  }

  /**
   * A streaming body. It may be subscribed to once, and the publisher must honour demand.
   *
   * @param publisher where the bytes come from
   * @param contentLength the exact length in bytes, or -1 if unknown
   * @return the body
   */
  public static Body ofPublisher(Flow.Publisher<ByteBuffer> publisher, long contentLength) {
    Objects.requireNonNull(publisher, "publisher");
    Check.atLeast("contentLength", contentLength, -1);
    return new Body(publisher, null, contentLength);
  }

  /**
   * The exact length, when known.
   *
   * @return the length in bytes, or empty if the body streams with no declared length
   */
  public OptionalLong contentLength() {
    return contentLength < 0 ? OptionalLong.empty() : OptionalLong.of(contentLength);
  }

  /**
   * The content, if the body is held in memory.
   *
   * @return a copy of the bytes, or empty for a streaming body
   */
  public Optional<byte[]> inMemory() {
    return bytes == null ? Optional.empty() : Optional.of(bytes.clone());
  }

  /**
   * Whether the body is known to have no bytes.
   *
   * @return true if the length is known to be 0
   */
  public boolean isEmpty() {
    return contentLength == 0;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    Objects.requireNonNull(subscriber, "subscriber");
    if (source != null) {
      source.subscribe(subscriber);
    } else {
      subscriber.onSubscribe(new BytesSubscription(subscriber, bytes));
    }
  }

  /**
   * Collects the whole body into memory. Streaming bodies are consumed by this call.
   *
   * @param maxBytes the most bytes to accept
   * @return the bytes; completes exceptionally with {@link BodyTooLargeException} past the cap,
   *     or with the stream's own failure
   */
  public CompletionStage<byte[]> bytes(long maxBytes) {
    Check.atLeast("maxBytes", maxBytes, 0);
    if (bytes != null) {
      return bytes.length <= maxBytes
          ? CompletableFuture.completedFuture(bytes.clone())
          : CompletableFuture.failedFuture(new BodyTooLargeException(maxBytes));
    }
    Collector collector = new Collector(maxBytes);
    subscribe(collector);
    return collector.result;
  }

  @Override
  public String toString() {
    return "Body[" + (contentLength < 0 ? "unknown length" : contentLength + " bytes")
        + (bytes != null ? ", in memory]" : ", streaming]");
  }

  private static final class BytesSubscription implements Flow.Subscription {
    private final Flow.Subscriber<? super ByteBuffer> subscriber;
    private final byte[] bytes;
    private final AtomicBoolean done = new AtomicBoolean();

    BytesSubscription(Flow.Subscriber<? super ByteBuffer> subscriber, byte[] bytes) {
      this.subscriber = subscriber;
      this.bytes = bytes;
    }

    @Override
    public void request(long n) {
      if (!done.compareAndSet(false, true)) {
        return;
      }
      if (n <= 0) {
        subscriber.onError(Check.invalid("request", n, "> 0"));
        return;
      }
      if (bytes.length > 0) {
        subscriber.onNext(ByteBuffer.wrap(bytes).asReadOnlyBuffer());
      }
      subscriber.onComplete();
    }

    @Override
    public void cancel() {
      done.set(true);
    }
  }

  private static final class Collector implements Flow.Subscriber<ByteBuffer> {
    private final long maxBytes;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final CompletableFuture<byte[]> result = new CompletableFuture<>();
    private Flow.Subscription subscription;

    Collector(long maxBytes) {
      this.maxBytes = maxBytes;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(ByteBuffer item) {
      if (result.isDone()) {
        return;
      }
      if (out.size() + (long) item.remaining() > maxBytes) {
        subscription.cancel();
        result.completeExceptionally(new BodyTooLargeException(maxBytes));
        return;
      }
      byte[] chunk = new byte[item.remaining()];
      item.get(chunk);
      out.write(chunk, 0, chunk.length);
    }

    @Override
    public void onError(Throwable t) {
      result.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      result.complete(out.toByteArray());
    }
  }
}

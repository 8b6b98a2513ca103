package io.gatehouse.adapter;

import io.gatehouse.Unstable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A request body as a {@link Flow.Publisher}, fed by a server's non-blocking reads: it reads only
 * while its subscriber has outstanding demand and pauses the server's reading otherwise, so a slow
 * consumer (an upstream that reads slowly) slows the client down through TCP flow control, and no
 * read ever blocks. The adapter keeps only its server's side, an {@link Input}.
 *
 * <pre>{@code
 * RequestBodyPublisher body = RequestBodyPublisher.of(input, contentLength, ioThread);
 * builder.body(Body.ofPublisher(body, contentLength));
 * // the server's callbacks, on the I/O thread:
 * body.readable();                 // bytes (or the end) have arrived
 * body.terminate(cause);           // the exchange ended, or the client went away
 * }</pre>
 *
 * <p><b>Contract.</b> One subscriber; a second gets {@code onError}. Every buffer is a fresh heap
 * buffer of at most 16 KiB that the subscriber owns. A body of known length that ends early fails
 * with an {@link IOException}, as does a read that fails; the {@link Input} is told
 * ({@link Input#failed}) so the adapter can answer or abort. {@code request(n <= 0)} fails the
 * subscriber with an {@link IllegalArgumentException}. A subscriber that throws from
 * {@code onNext} is cancelled; one that throws from {@code onSubscribe} is dropped.
 *
 * <p><b>Threads.</b> Every signal is sent, and every {@link Input} method called, on the
 * executor, which must run its tasks one at a time, in order (an I/O thread's own executor, or a
 * serial executor over a pool). {@code subscribe}, {@code request} and {@code cancel} may be
 * called on any thread and are handed to it; methods documented "executor" must be called from
 * its tasks.
 *
 * @since 0.1
 */
@Unstable
public final class RequestBodyPublisher implements Flow.Publisher<ByteBuffer> {
  /** The capacity of each buffer read into. */
  static final int CHUNK = 16 * 1024;

  private final Input input;
  private final long contentLength;
  private final Executor executor;
  private final AtomicBoolean subscribed = new AtomicBoolean();

  // The fields below are confined to the executor.
  private Flow.Subscriber<? super ByteBuffer> subscriber;
  private long demand;
  private long received;
  private boolean done;
  private boolean draining;
  private boolean inputEnded;
  private ByteBuffer spare;
  private Throwable endedBefore;

  private RequestBodyPublisher(Input input, long contentLength, Executor executor) {
    this.input = input;
    this.contentLength = contentLength;
    this.executor = executor;
  }

  /**
   * A publisher of the body the input reads.
   *
   * <p>{@code RequestBodyPublisher body = RequestBodyPublisher.of(input, contentLength, ioThread);}
   *
   * @param input the server's side: where the bytes come from
   * @param contentLength the declared length, checked at the end; -1 if unknown
   * @param executor runs the publisher's tasks one at a time, in order, where the input may be used
   * @return the publisher
   * @throws IllegalArgumentException if {@code contentLength < -1}
   */
  public static RequestBodyPublisher of(Input input, long contentLength, Executor executor) {
    Objects.requireNonNull(input, "input");
    Objects.requireNonNull(executor, "executor");
    if (contentLength < -1) {
      throw new IllegalArgumentException("request body: contentLength: " + contentLength + " (expected: >= -1)");
    }
    return new RequestBodyPublisher(input, contentLength, executor);
  }

  /**
   * Takes the one subscriber; its {@code onSubscribe} runs on the executor. Any thread.
   *
   * @param s the subscriber
   */
  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    Objects.requireNonNull(s, "subscriber");
    if (!subscribed.compareAndSet(false, true)) {
      s.onSubscribe(ResponseBodyWriter.Cancelled.INSTANCE);
      s.onError(new IllegalStateException("request body: a second subscriber (expected: one; the body streams once)"));
      return;
    }
    executor.execute(() -> start(s));
  }

  private void start(Flow.Subscriber<? super ByteBuffer> s) {
    subscriber = s;
    try {
      s.onSubscribe(new Subscription());
    } catch (Throwable t) {
      Log.LOG.log(System.Logger.Level.WARNING, "request body subscriber threw from onSubscribe; cancelling", t);
      done = true;
      subscriber = null;
      return;
    }
    if (endedBefore != null) {
      fail(endedBefore);
    }
  }

  /**
   * Reads while there is demand: call when the server has bytes, or the end of the body, to
   * read. Executor.
   *
   * <p>{@code channel.getReadSetter().set(ch -> body.readable());}
   */
  public void readable() {
    drain();
  }

  /**
   * The server says every byte of the body has been read: the subscriber is completed once it
   * has had them, whatever its demand. Executor.
   *
   * <p>{@code public void onAllDataRead() { serial.execute(body::inputEnded); }}
   */
  public void inputEnded() {
    inputEnded = true;
    drain();
  }

  /**
   * The server's reading failed (outside a {@link Input#read}): the subscriber gets
   * {@code onError}, and the input is told ({@link Input#failed}). Does nothing once the body has
   * ended. Executor.
   *
   * <p>{@code public void onError(Throwable t) { serial.execute(() -> body.readFailed(t)); }}
   *
   * @param cause why; not an {@link IOException} is wrapped in one
   */
  public void readFailed(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    if (done) {
      return;
    }
    IOException e = asIo(cause);
    fail(e);
    input.failed(e);
  }

  /**
   * The exchange ended or the client went away: a subscriber still reading gets {@code onError}
   * (one not subscribed yet gets it once it subscribes). Does nothing once the body has ended.
   * Executor.
   *
   * <p>{@code body.terminate(new IOException("the client closed the connection"));}
   *
   * @param cause what the subscriber gets
   */
  public void terminate(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    if (done) {
      return;
    }
    if (subscriber == null) {
      endedBefore = cause;
    } else {
      fail(cause);
    }
  }

  /**
   * Whether a subscriber has come and the body has not ended (read, failed or cancelled). Executor.
   *
   * <p>{@code if (!body.reading()) closeAfterResponse();}
   *
   * @return true while a subscriber is reading
   */
  public boolean reading() {
    return subscribed.get() && !done;
  }

  /**
   * The bytes of a body of known length not read yet. Executor.
   *
   * <p>{@code long left = body.unread();}
   *
   * @return the bytes still to come, or -1 if the length is unknown
   */
  public long unread() {
    return contentLength < 0 ? -1 : contentLength - received;
  }

  private void request(long n) {
    if (done) {
      return;
    }
    if (n <= 0) {
      fail(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
      return;
    }
    demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
    drain();
  }

  private void cancel() {
    if (done) {
      return;
    }
    done = true;
    subscriber = null;
    input.stop();
  }

  private void drain() {
    if (draining) {
      return;
    }
    if (done) {
      input.pause();
      return;
    }
    if (subscriber == null) {
      return; // not subscribed yet: its first demand brings us back
    }
    draining = true;
    try {
      while (!done) {
        if (inputEnded) {
          complete();
          return;
        }
        if (demand == 0) {
          input.pause();
          return; // more demand brings us back
        }
        ByteBuffer buffer = spare != null ? spare : ByteBuffer.allocate(CHUNK);
        spare = null;
        int n = input.read(buffer);
        if (n < 0) {
          complete();
          return;
        }
        if (n == 0) {
          spare = buffer;
          return; // the server calls readable() when more has arrived
        }
        buffer.flip();
        received += n;
        if (demand != Long.MAX_VALUE) {
          demand--;
        }
        emit(buffer);
      }
    } catch (IOException | RuntimeException e) {
      // A read fails when the client closes or resets the connection, or sends a malformed body.
      IOException io = asIo(e);
      fail(io);
      input.failed(io);
    } finally {
      draining = false;
    }
  }

  private void emit(ByteBuffer buffer) {
    try {
      subscriber.onNext(buffer);
    } catch (Throwable t) {
      Log.LOG.log(System.Logger.Level.WARNING, "request body subscriber threw from onNext; cancelling", t);
      cancel();
    }
  }

  private void complete() {
    input.stop();
    if (contentLength >= 0 && received != contentLength) {
      IOException e = new IOException("request body: ended after " + received + " bytes (expected: " + contentLength + ")");
      fail(e);
      input.failed(e);
      return;
    }
    done = true;
    Flow.Subscriber<? super ByteBuffer> s = subscriber;
    subscriber = null;
    try {
      s.onComplete();
    } catch (Throwable t) {
      Log.LOG.log(System.Logger.Level.WARNING, "request body subscriber threw from onComplete", t);
    }
    input.completed();
  }

  private void fail(Throwable cause) {
    if (done) {
      return;
    }
    done = true;
    input.stop();
    Flow.Subscriber<? super ByteBuffer> s = subscriber;
    subscriber = null;
    if (s != null) {
      try {
        s.onError(cause);
      } catch (Throwable t) {
        Log.LOG.log(System.Logger.Level.WARNING, "request body subscriber threw from onError", t);
      }
    }
  }

  private static IOException asIo(Throwable t) {
    return t instanceof IOException io ? io : new IOException("request body: " + t, t);
  }

  private final class Subscription implements Flow.Subscription {
    @Override
    public void request(long n) {
      executor.execute(() -> RequestBodyPublisher.this.request(n));
    }

    @Override
    public void cancel() {
      executor.execute(RequestBodyPublisher.this::cancel);
    }
  }

  /**
   * The server's side of a {@link RequestBodyPublisher}: what a server must provide to read a
   * body without blocking. Every method is called on the publisher's executor.
   *
   * <pre>{@code
   * RequestBodyPublisher.Input input = new RequestBodyPublisher.Input() {
   *   public int read(ByteBuffer into) throws IOException {
   *     int n = channel.read(into);
   *     if (n == 0) channel.resumeReads();      // the read listener calls body.readable()
   *     return n;
   *   }
   *   public void pause() { channel.suspendReads(); }
   *   public void stop() { channel.suspendReads(); }
   *   public void failed(IOException cause) { exchange.abort(cause); }
   * };
   * }</pre>
   *
   * @since 0.1
   */
  @Unstable
  public interface Input {
    /**
     * Reads what has arrived into the buffer, without blocking. When nothing has, the adapter
     * arranges for {@link RequestBodyPublisher#readable()} once something does (or for
     * {@link RequestBodyPublisher#inputEnded()}, or a failure).
     *
     * @param into a heap buffer with room
     * @return the bytes read (the buffer's position advanced past them); 0 if none have arrived;
     *     -1 at the end of the body
     * @throws IOException if the read failed: the subscriber gets it, then {@link #failed}
     */
    int read(ByteBuffer into) throws IOException;

    /** The subscriber wants nothing for now: stop reading from the client (it then waits in TCP). */
    void pause();

    /** The body has ended (read, failed or cancelled): stop reading for good. Maybe more than once. */
    void stop();

    /**
     * Reading failed, or a body of known length ended early: the subscriber has had
     * {@code onError}. Answer the client (a 400 for a malformed body) or abort the exchange.
     *
     * @param cause why
     */
    void failed(IOException cause);

    /** The whole body has been read and the subscriber completed. Does nothing by default. */
    default void completed() {}
  }

  /** The logger, found at the first log line rather than per exchange. */
  private static final class Log {
    static final System.Logger LOG = Services.logger(Services.find(), RequestBodyPublisher.class);
  }
}

package io.gatehouse.adapter;

import io.gatehouse.Unstable;
import io.gatehouse.http.Body;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Flow;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Writes a response body to a server's non-blocking output: the body's {@link Flow.Subscriber},
 * with back-pressure and bounded buffering. At most 8 buffers are asked for and not yet written;
 * more are asked for as they are written (half the window at a time), and the output is flushed
 * whenever no written buffer is waiting. A client that reads slowly therefore slows the body's
 * publisher (and through it the upstream), while a fast one is not held to one buffer per round
 * trip between threads. The adapter keeps only its server's side, an {@link Output}.
 *
 * <pre>{@code
 * // the adapter has set the status and headers, and framed the body (Content-Length when known):
 * ResponseBodyWriter writer = ResponseBodyWriter.of(response.body(), output, ioThread);
 * writer.start();
 * // the server's "writable again" callback, on the I/O thread:
 * writer.resume();
 * // the client went away (any thread):
 * writer.cancel();
 * }</pre>
 *
 * <p><b>Checks.</b> A body of known length that delivers more or fewer bytes fails, as does a
 * publisher that sends more buffers than were asked for. A body that fails before its first byte
 * reached the output asks the adapter to {@linkplain Output#replace answer 502 instead}; one that
 * fails later asks it to {@linkplain Output#cut cut} the response, so the client sees a truncated
 * response rather than a short one that looks whole.
 *
 * <p><b>Threads.</b> The body's signals may arrive on any thread: buffers are queued, and one task
 * at a time is submitted to the executor, where every call to the {@link Output} happens. The
 * executor must run its tasks one at a time, in order (an I/O thread's own executor, or a serial
 * executor over a pool); methods documented "executor" must be called from its tasks.
 *
 * @since 0.1
 */
@Unstable
public final class ResponseBodyWriter implements Flow.Subscriber<ByteBuffer> {
  /** Buffers asked for and not yet written, at most; half of it is asked for again at once. */
  static final int WINDOW = 8;

  private final Body body;
  private final Output output;
  private final Executor executor;
  private final long expectedLength;
  private final AtomicReference<Flow.Subscription> subscription = new AtomicReference<>();
  private final Queue<ByteBuffer> arrived = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean pumpScheduled = new AtomicBoolean();
  private volatile Throwable error;
  private volatile boolean completed;

  // The fields below are confined to the executor.
  private ByteBuffer pending;
  private int outstanding;
  private boolean flushNeeded;
  private boolean ending;
  private boolean finished;
  private boolean pumping;
  private long written;

  private ResponseBodyWriter(Body body, Output output, Executor executor) {
    this.body = body;
    this.output = output;
    this.executor = executor;
    this.expectedLength = body.contentLength().orElse(-1);
  }

  /**
   * A writer of this body to this output; nothing happens until {@link #start()}.
   *
   * <p>{@code ResponseBodyWriter writer = ResponseBodyWriter.of(response.body(), output, ioThread);}
   *
   * @param body the response's body; its {@link Body#contentLength() length}, if known, is checked
   * @param output the server's side: where the bytes go
   * @param executor runs the writer's tasks one at a time, in order, where the output may be used
   * @return the writer
   */
  public static ResponseBodyWriter of(Body body, Output output, Executor executor) {
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(output, "output");
    Objects.requireNonNull(executor, "executor");
    return new ResponseBodyWriter(body, output, executor);
  }

  /**
   * Subscribes to the body; the bytes then flow as the output takes them. A body whose
   * {@code subscribe} throws fails as if it had signalled the error. Executor; once.
   *
   * <p>{@code writer.start();}
   */
  public void start() {
    try {
      body.subscribe(this);
    } catch (RuntimeException e) {
      Log.LOG.log(System.Logger.Level.WARNING, "response body subscribe failed", e);
      fail(e);
    }
  }

  /**
   * Writes what it can: call when the server says its output can take bytes again, after a
   * {@link Output} method answered {@code false}. Does nothing once finished. Executor.
   *
   * <p>{@code channel.getWriteSetter().set(ch -> { ch.suspendWrites(); writer.resume(); });}
   */
  public void resume() {
    pump();
  }

  /**
   * Cancels the body's subscription, so its publisher (and the upstream behind it) stops; the
   * output is not told. For an exchange that is being torn down. Idempotent; any thread.
   *
   * <p>{@code writer.cancel(); // the client went away}
   */
  public void cancel() {
    Flow.Subscription s = subscription.getAndSet(Cancelled.INSTANCE);
    if (s != null && s != Cancelled.INSTANCE) {
      s.cancel();
    }
  }

  /**
   * Stops writing without a word to the output, and cancels the body's subscription: the exchange
   * is being torn down. Executor.
   *
   * <p>{@code writer.stop(); // the server gave up on the client}
   */
  public void stop() {
    finished = true;
    cancel();
  }

  /**
   * Ends the response as if the body had failed: a 502 problem if no byte reached the output, else
   * the response is cut. For a failure of the adapter's own, such as an output it cannot obtain.
   * Does nothing once finished. Executor.
   *
   * <p>{@code writer.fail(new IllegalStateException("response: another handler took the channel"));}
   *
   * @param cause why the body cannot be written
   */
  public void fail(Throwable cause) {
    Objects.requireNonNull(cause, "cause");
    if (finished) {
      return;
    }
    finished = true;
    cancel();
    // An upstream that fails mid-body is an operational event, not a bug here: no stack trace
    // unless asked for.
    if (written == 0 && !output.committed()) {
      Log.LOG.log(System.Logger.Level.WARNING,
          "response body failed before its first byte, answering 502: " + cause);
      Log.LOG.log(System.Logger.Level.DEBUG, "response body failure", cause);
      output.replace(502, "The upstream response body failed before it started.");
    } else {
      Log.LOG.log(System.Logger.Level.WARNING,
          "response body failed after " + written + " bytes, cutting the connection: " + cause);
      Log.LOG.log(System.Logger.Level.DEBUG, "response body failure", cause);
      output.cut(cause);
    }
  }

  /**
   * Whether the writer has ended: the response written, failed or stopped. Executor.
   *
   * <p>{@code if (!writer.isFinished()) writer.stop();}
   *
   * @return true once nothing more will be written
   */
  public boolean isFinished() {
    return finished;
  }

  /**
   * The body bytes the output has taken so far. Executor.
   *
   * <p>{@code log.debug("{} bytes written", writer.written());}
   *
   * @return the count of bytes written
   */
  public long written() {
    return written;
  }

  /**
   * Takes the subscription (a second one is cancelled) and starts asking for buffers. Any thread.
   *
   * @param s the body's subscription
   */
  @Override
  public void onSubscribe(Flow.Subscription s) {
    Objects.requireNonNull(s, "subscription");
    if (!subscription.compareAndSet(null, s)) {
      s.cancel();
      return;
    }
    schedulePump();
  }

  /**
   * Queues a buffer for the output; the writer owns it from now on. Any thread.
   *
   * @param buffer the next bytes of the body
   */
  @Override
  public void onNext(ByteBuffer buffer) {
    arrived.add(Objects.requireNonNull(buffer, "buffer"));
    schedulePump();
  }

  /**
   * The body failed: once the buffers queued before are written, the response fails. Any thread.
   *
   * @param t why
   */
  @Override
  public void onError(Throwable t) {
    error = Objects.requireNonNull(t, "throwable");
    schedulePump();
  }

  /** The body is complete: once the queued buffers are written, the response ends. Any thread. */
  @Override
  public void onComplete() {
    completed = true;
    schedulePump();
  }

  /** At most one pump task is queued to the executor, however many signals arrive meanwhile. */
  private void schedulePump() {
    if (pumpScheduled.compareAndSet(false, true)) {
      executor.execute(() -> {
        pumpScheduled.set(false);
        pump();
      });
    }
  }

  private void pump() {
    if (pumping || finished) {
      return;
    }
    pumping = true;
    try {
      while (!finished) {
        if (ending) {
          if (output.end()) {
            finished = true;
          }
          return;
        }
        if (pending != null) {
          int before = pending.remaining();
          boolean last = expectedLength >= 0 && written + before == expectedLength;
          boolean all = output.write(pending, last);
          written += before - pending.remaining();
          if (!all) {
            return; // the output is full: resume() comes back
          }
          pending = null;
          flushNeeded = true;
          continue;
        }
        ByteBuffer next = arrived.poll();
        if (next != null) {
          if (--outstanding < 0) {
            fail(new IllegalStateException("response body: onNext without demand (expected: at most what was requested)"));
            return;
          }
          if (expectedLength >= 0 && written + next.remaining() > expectedLength) {
            fail(new IOException("response body: more than " + expectedLength + " bytes (expected: the declared length)"));
            return;
          }
          if (next.hasRemaining()) {
            pending = next;
          }
          continue;
        }
        if (flushNeeded) {
          if (!output.flush()) {
            return;
          }
          flushNeeded = false;
          continue;
        }
        Throwable failure = error;
        if (failure != null) {
          fail(failure);
          return;
        }
        if (completed) {
          if (arrived.isEmpty()) { // every onNext came before onComplete, so none can follow this check
            if (expectedLength >= 0 && written != expectedLength) {
              fail(new IOException("response body: " + written + " bytes (expected: " + expectedLength + ")"));
              return;
            }
            ending = true;
          }
          continue;
        }
        if (outstanding <= WINDOW / 2) {
          Flow.Subscription s = subscription.get();
          if (s == null || s == Cancelled.INSTANCE) {
            return;
          }
          int more = WINDOW - outstanding;
          outstanding = WINDOW;
          s.request(more);
          if (!arrived.isEmpty()) {
            continue; // the publisher answered inside request()
          }
        }
        return;
      }
    } catch (IOException | RuntimeException e) {
      // A write or flush fails when the client has gone (or the server has ended the exchange).
      finished = true;
      cancel();
      output.broken(e);
    } finally {
      pumping = false;
    }
  }

  /**
   * The server's side of a {@link ResponseBodyWriter}: what a server must provide to take a body's
   * bytes without blocking. Every method is called on the writer's executor. A method that answers
   * {@code false} could not finish because the server's output is full: the adapter arranges for
   * {@link ResponseBodyWriter#resume()} once it can take more (and may, for instance, start a write
   * timeout meanwhile), and the writer calls the same method again.
   *
   * <pre>{@code
   * ResponseBodyWriter.Output output = new ResponseBodyWriter.Output() {
   *   public boolean write(ByteBuffer buffer, boolean last) throws IOException {
   *     while (buffer.hasRemaining()) {
   *       if (channel.write(buffer) == 0) { channel.resumeWrites(); return false; }
   *     }
   *     return true;
   *   }
   *   ...
   * };
   * }</pre>
   *
   * @since 0.1
   */
  @Unstable
  public interface Output {
    /**
     * Writes what the server takes of this buffer now, without blocking, and advances the buffer's
     * position past the bytes taken. The first write commits the status and headers.
     *
     * @param buffer a non-empty buffer of the body
     * @param last whether these are the last bytes of a body of known length (a server may end
     *     the response inside their write)
     * @return true if the whole buffer was taken; false if the output is full
     * @throws IOException if the client has gone; the writer then calls {@link #broken}
     */
    boolean write(ByteBuffer buffer, boolean last) throws IOException;

    /**
     * Pushes the bytes written so far towards the client.
     *
     * @return true if done; false if the output is full
     * @throws IOException if the client has gone; the writer then calls {@link #broken}
     */
    boolean flush() throws IOException;

    /**
     * Ends the response: every byte of the body has been written (and, for a body of known length,
     * exactly its length). Called again after it answered false.
     *
     * @return true when the response has ended; false if the output must drain first
     * @throws IOException if the client has gone; the writer then calls {@link #broken}
     */
    boolean end() throws IOException;

    /**
     * Whether the status and headers have gone to the server already (then a failure cannot be
     * answered with a problem any more).
     *
     * @return true once the response is committed
     */
    boolean committed();

    /**
     * The body failed before any of its bytes were written: answer with the adapter's own problem
     * instead ({@link ProblemResponse#of(int, String, String)}), dropping the response's headers.
     *
     * @param status the status, 502
     * @param detail the problem's detail
     */
    void replace(int status, String detail);

    /**
     * The body failed after some of its bytes were written: end the response so that the client
     * sees it truncated (close the connection, or reset the stream), never as if it were whole.
     *
     * @param cause why
     */
    void cut(Throwable cause);

    /**
     * Writing failed: the client has gone, or the server ended the exchange. The body's
     * subscription has been cancelled; end the exchange as one whose client went away.
     *
     * @param cause the exception of the write, flush or end
     */
    void broken(Exception cause);
  }

  /** What the subscription is set to once cancelled, so that a late onSubscribe cancels its own. */
  enum Cancelled implements Flow.Subscription {
    INSTANCE;

    @Override
    public void request(long n) {}

    @Override
    public void cancel() {}
  }

  /** The logger, found at the first log line rather than per exchange. */
  private static final class Log {
    static final System.Logger LOG = Services.logger(Services.find(), ResponseBodyWriter.class);
  }
}

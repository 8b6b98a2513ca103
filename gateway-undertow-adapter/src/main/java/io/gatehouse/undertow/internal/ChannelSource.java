package io.gatehouse.undertow.internal;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSourceChannel;

/**
 * The bytes a switched connection receives (a WebSocket session's client or upstream side), as a
 * stream with back-pressure: it reads only while its subscriber has demand, and suspends reads
 * otherwise. Until {@link #attach} it emits nothing. Completes at end of stream, fails on a read
 * error; cancelling stops reading (the connection is closed by its writing side,
 * {@link ChannelSink}, so that a last close frame still goes out). All work runs on the
 * connection's I/O thread; signals from other threads are queued to it.
 *
 * <pre>{@code
 * ChannelSource in = new ChannelSource(ioThread);
 * in.attach(connection.getSourceChannel(), leftover);
 * }</pre>
 */
public final class ChannelSource implements Flow.Publisher<ByteBuffer> {
  static final int READ_SIZE = 16 * 1024;

  private final XnioIoThread thread;
  // I/O thread only:
  private StreamSourceChannel channel;
  private ByteBuffer leftover;
  private Flow.Subscriber<? super ByteBuffer> subscriber;
  private long demand;
  private boolean done;
  private boolean pumping;

  /** @param thread the I/O thread of the connection that is to be attached */
  public ChannelSource(XnioIoThread thread) {
    this.thread = Objects.requireNonNull(thread, "thread");
  }

  /**
   * Starts reading from the channel, after {@code leftover} (bytes already read past the
   * handshake). I/O thread.
   *
   * @param source the connection's reading side
   * @param leftover bytes to emit first, or null
   */
  public void attach(StreamSourceChannel source, ByteBuffer leftover) {
    this.channel = source;
    this.leftover = leftover != null && leftover.hasRemaining() ? leftover : null;
    source.getReadSetter().set(ch -> pump());
    if (done) {
      source.suspendReads();
      return;
    }
    pump();
  }

  /**
   * Whether nobody wants the bytes any more (cancelled, ended, or failed). I/O thread.
   *
   * @return true once done
   */
  public boolean isDone() {
    return done;
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> s) {
    Objects.requireNonNull(s, "subscriber");
    onThread(() -> {
      if (subscriber != null) {
        s.onSubscribe(new Flow.Subscription() {
          @Override
          public void request(long n) {}

          @Override
          public void cancel() {}
        });
        s.onError(new IllegalStateException("a connection's bytes take one subscriber"));
        return;
      }
      subscriber = s;
      s.onSubscribe(new Flow.Subscription() {
        @Override
        public void request(long n) {
          onThread(() -> {
            if (n <= 0) {
              fail(new IllegalArgumentException("request: " + n + " (expected: > 0)"));
              return;
            }
            demand = demand + n < 0 ? Long.MAX_VALUE : demand + n;
            pump();
          });
        }

        @Override
        public void cancel() {
          onThread(() -> {
            done = true;
            if (channel != null) {
              channel.suspendReads();
            }
          });
        }
      });
    });
  }

  private void pump() {
    if (pumping || subscriber == null || channel == null) {
      return;
    }
    pumping = true;
    try {
      while (!done && demand > 0) {
        ByteBuffer b;
        if (leftover != null) {
          b = leftover;
          leftover = null;
        } else {
          b = ByteBuffer.allocate(READ_SIZE);
          int n;
          try {
            n = channel.read(b);
          } catch (IOException e) {
            fail(e);
            return;
          }
          if (n == 0) {
            channel.resumeReads();
            return;
          }
          if (n < 0) {
            done = true;
            channel.suspendReads();
            subscriber.onComplete();
            return;
          }
          b.flip();
        }
        demand--;
        subscriber.onNext(b);
      }
      if (!done) {
        channel.suspendReads();
      }
    } finally {
      pumping = false;
    }
  }

  private void fail(Throwable t) {
    if (done) {
      return;
    }
    done = true;
    if (channel != null) {
      channel.suspendReads();
    }
    subscriber.onError(t);
  }

  private void onThread(Runnable task) {
    if (Thread.currentThread() == thread) {
      task.run();
    } else {
      thread.execute(task);
    }
  }
}

package io.gatehouse.undertow.internal;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Objects;
import java.util.concurrent.Flow;
import org.xnio.ChannelListeners;
import org.xnio.IoUtils;
import org.xnio.XnioIoThread;
import org.xnio.channels.StreamSinkChannel;

/**
 * Writes a stream of bytes to a switched connection (a WebSocket session's client or upstream
 * side) with back-pressure: one buffer at a time, the next asked for once the last is written.
 * When the stream completes, what is written is flushed and the connection closed; when it fails,
 * or a write fails, the connection is closed at once. All work runs on the connection's I/O
 * thread.
 *
 * <pre>{@code
 * response.body().subscribe(new ChannelSink(ioThread, connection.getSinkChannel(), connection));
 * }</pre>
 */
public final class ChannelSink implements Flow.Subscriber<ByteBuffer> {
  private final XnioIoThread thread;
  private final StreamSinkChannel channel;
  private final Closeable connection;
  // I/O thread only:
  private Flow.Subscription subscription;
  private ByteBuffer current;
  private boolean completing;
  private boolean closed;

  /**
   * @param thread the connection's I/O thread
   * @param channel where the bytes go
   * @param connection closed when the stream ends
   */
  public ChannelSink(XnioIoThread thread, StreamSinkChannel channel, Closeable connection) {
    this.thread = Objects.requireNonNull(thread, "thread");
    this.channel = Objects.requireNonNull(channel, "channel");
    this.connection = Objects.requireNonNull(connection, "connection");
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    onThread(() -> {
      if (subscription != null || closed) {
        s.cancel();
        return;
      }
      subscription = s;
      channel.getWriteSetter().set(ch -> write());
      s.request(1);
    });
  }

  @Override
  public void onNext(ByteBuffer item) {
    onThread(() -> {
      if (closed) {
        return;
      }
      current = item;
      write();
    });
  }

  @Override
  public void onError(Throwable failure) {
    onThread(this::close);
  }

  @Override
  public void onComplete() {
    onThread(() -> {
      completing = true;
      if (current == null) {
        finish();
      }
    });
  }

  private void write() {
    if (closed) {
      return;
    }
    try {
      while (current != null && current.hasRemaining()) {
        if (channel.write(current) == 0) {
          channel.resumeWrites();
          return;
        }
      }
      channel.suspendWrites();
    } catch (IOException e) {
      if (subscription != null) {
        subscription.cancel();
      }
      close();
      return;
    }
    current = null;
    if (completing) {
      finish();
    } else {
      subscription.request(1);
    }
  }

  private void finish() {
    if (closed) {
      return;
    }
    try {
      channel.shutdownWrites();
      if (channel.flush()) {
        close();
        return;
      }
      channel.getWriteSetter().set(ChannelListeners.flushingChannelListener(ch -> close(), (ch, e) -> close()));
      channel.resumeWrites();
    } catch (IOException e) {
      close();
    }
  }

  private void close() {
    if (!closed) {
      closed = true;
      IoUtils.safeClose(connection);
    }
  }

  private void onThread(Runnable task) {
    if (Thread.currentThread() == thread) {
      task.run();
    } else {
      thread.execute(task);
    }
  }
}

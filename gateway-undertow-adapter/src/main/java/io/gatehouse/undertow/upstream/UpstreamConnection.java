package io.gatehouse.undertow.upstream;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.IoUtils;
import org.xnio.StreamConnection;
import org.xnio.conduits.ConduitStreamSinkChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;

/**
 * One HTTP/1.1 connection to an upstream, owned by one I/O thread: it writes each exchange's
 * request ({@link RequestSender}) and reads its response through a strict {@link ResponseParser}.
 * While it waits in the pool it keeps reading, so an upstream that closes it, or sends a byte
 * nobody asked for, has it closed at once rather than handed to the next call.
 */
final class UpstreamConnection {
  /** Reads per readiness event at most; the selector reports the socket again if it has more. */
  private static final int MAX_READS_PER_EVENT = 16;
  private final LoopConnections loop;
  private final Origin origin;
  private final StreamConnection channel;
  private final ConduitStreamSourceChannel source;
  private final ConduitStreamSinkChannel sink;
  private final long openedAt = System.nanoTime();
  private final ResponseParser parser = new ResponseParser();
  private Exchange exchange;
  private RequestSender sender;
  private long idleSince;
  private boolean closed;
  private boolean readsHeld;
  private boolean writesResumed;

  UpstreamConnection(LoopConnections loop, Origin origin, StreamConnection channel) {
    this.loop = loop;
    this.origin = origin;
    this.channel = channel;
    this.source = channel.getSourceChannel();
    this.sink = channel.getSinkChannel();
    source.getReadSetter().set(ch -> onReadable());
    sink.getWriteSetter().set(ch -> onWritable());
    channel.getCloseSetter().set(ch -> onClosed());
    source.resumeReads();
  }

  Origin origin() {
    return origin;
  }

  /** The exchange on this connection; null while it idles. */
  Exchange exchange() {
    return exchange;
  }

  long openedAt() {
    return openedAt;
  }

  long idleSince() {
    return idleSince;
  }

  boolean isOpen() {
    return !closed && channel.isOpen();
  }

  /** Sends the exchange's request on this connection and reads its response. */
  void start(Exchange e, boolean pooled) {
    exchange = e;
    parser.expect(e.call().request().method());
    e.attach(this, pooled);
    sender = new RequestSender(this, e);
    sender.start();
  }

  /** The exchange is over: the connection waits in the pool. */
  void idle() {
    exchange = null;
    sender = null;
    idleSince = System.nanoTime();
    resumeReading();
  }

  boolean responseStarted() {
    return parser.started();
  }

  /** Whether a response is being read (its end has not been seen). */
  boolean midResponse() {
    return !parser.idle();
  }

  /** Writes what it can; true if every byte went out. */
  boolean write(ByteBuffer[] buffers) throws IOException {
    long left = 0;
    for (ByteBuffer b : buffers) {
      left += b.remaining();
    }
    while (left > 0) {
      long n = sink.write(buffers);
      if (n == 0) {
        writesResumed = true;
        sink.resumeWrites();
        return false;
      }
      left -= n;
      if (exchange != null) {
        exchange.touch();
      }
    }
    sink.flush();
    return true;
  }

  /** No more writable events until a write falls short again. */
  void suspendWrites() {
    if (writesResumed) {
      writesResumed = false;
      sink.suspendWrites();
    }
  }

  private void onWritable() {
    if (sender != null) {
      sender.writable();
    } else {
      suspendWrites();
    }
  }

  void resumeReading() {
    if (readsHeld && !closed) {
      readsHeld = false;
      source.resumeReads();
      // Bytes may wait in the socket that no readiness event will announce again.
      source.wakeupReads();
    }
  }

  private void onReadable() {
    ByteBuffer buffer = loop.readBuffer();
    // Bounded, so that one busy upstream leaves the thread to its other connections between reads.
    for (int reads = 0; reads < MAX_READS_PER_EVENT && !closed; reads++) {
      Exchange e = exchange;
      if (e != null && e.backedUp()) {
        readsHeld = true;
        source.suspendReads();
        return;
      }
      int n;
      buffer.clear();
      try {
        n = source.read(buffer);
      } catch (IOException failure) {
        lost("reading failed: " + failure.getMessage(), failure);
        return;
      }
      if (n == 0) {
        return;
      }
      if (n < 0) {
        peerClosed();
        return;
      }
      buffer.flip();
      if (e == null) {
        close(); // bytes nobody asked for: the connection is out of step, never reused
        return;
      }
      try {
        parser.parse(buffer, e);
      } catch (ResponseParser.FramingException failure) {
        e.framingFailed(failure);
        return;
      }
      e.afterRead();
      if (n < buffer.capacity()) {
        // The socket had no more: the selector (level-triggered) calls again when it has.
        return;
      }
    }
  }

  private void peerClosed() {
    Exchange e = exchange;
    if (e == null) {
      close(); // the upstream closed an idle connection
      return;
    }
    if (parser.closed(e)) {
      e.afterRead();
      if (!closed) {
        close();
      }
      return;
    }
    lost("the upstream closed the connection before the whole response arrived", null);
  }

  /** The connection failed under its exchange. */
  void lost(String why, Throwable cause) {
    Exchange e = exchange;
    if (e != null) {
      e.connectionLost(why, cause);
    }
    close();
  }

  private void onClosed() {
    if (!closed) {
      lost("the connection closed", null);
    }
  }

  /** Closes the socket and gives its slot back; the pool forgets it. */
  void close() {
    if (closed) {
      return;
    }
    closed = true;
    Exchange e = exchange;
    exchange = null;
    RequestSender s = sender;
    sender = null;
    if (s != null) {
      s.stop();
    }
    IoUtils.safeClose(channel);
    loop.closed(this);
    if (e != null && !e.finished()) {
      e.connectionLost("the connection closed", null);
    }
  }
}

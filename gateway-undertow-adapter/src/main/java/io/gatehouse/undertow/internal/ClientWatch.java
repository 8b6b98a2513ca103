package io.gatehouse.undertow.internal;

import io.undertow.connector.PooledByteBuffer;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.xnio.ChannelListener;
import org.xnio.channels.StreamSourceChannel;
import org.xnio.conduits.ConduitStreamSourceChannel;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Notices a client that closes its connection while nothing is being read or written: the
 * request is fully read and the gateway is still working on the answer, or the response body is
 * waiting for its upstream.
 *
 * <p>Undertow stops reading a connection once a request is parsed, so a FIN or RST from an idle
 * client goes unseen until the next write. While watching, we read the raw connection: end of
 * stream or an error means the client has gone; bytes mean a pipelined next request, which we
 * hand back to Undertow as the connection's "extra bytes" (where its own parser looks first) and
 * stop watching. A half-closed client (one that shuts down its output and still waits for the
 * answer) counts as gone, as in common proxies.
 *
 * <p>Only plain HTTP/1.1 connections are watched; over TLS reading would interfere with the
 * engine. {@link ExchangeBridge} starts a watch only for exchanges still running a little after
 * their request was read, and stops it before the response's last byte. Runs on the I/O thread.
 */
final class ClientWatch {
  private final HttpServerExchange exchange;
  private final Runnable onGone;
  private HttpServerConnection connection;
  private ConduitStreamSourceChannel source;
  private StreamSourceConduit saved;
  private ChannelListener<? super ConduitStreamSourceChannel> savedListener;
  private boolean active;

  ClientWatch(HttpServerExchange exchange, Runnable onGone) {
    this.exchange = exchange;
    this.onGone = onGone;
  }

  void start() {
    if (active || !exchange.isRequestComplete() || exchange.isComplete()
        || !(exchange.getConnection() instanceof HttpServerConnection c)
        || c.getSslSession() != null || c.getExtraBytes() != null || !c.isOpen()) {
      return;
    }
    connection = c;
    source = c.getChannel().getSourceChannel();
    if (source.isReadResumed()) {
      return; // someone else is reading this connection
    }
    savedListener = source.getReadListener();
    saved = source.getConduit();
    source.setConduit(c.getOriginalSourceConduit());
    source.setReadListener(this::readable);
    active = true;
    source.resumeReads();
  }

  /** Stops watching and puts the connection back as Undertow left it. Idempotent. */
  void stop() {
    if (!active) {
      return;
    }
    active = false;
    source.suspendReads();
    source.setReadListener(savedListener);
    source.setConduit(saved);
  }

  private void readable(StreamSourceChannel ch) {
    if (!active) {
      ch.suspendReads();
      return;
    }
    PooledByteBuffer pooled = connection.getByteBufferPool().allocate();
    boolean handedBack = false;
    try {
      ByteBuffer buffer = pooled.getBuffer();
      buffer.clear();
      int n = ch.read(buffer);
      if (n == 0) {
        return;
      }
      stop();
      if (n < 0) {
        onGone.run();
        return;
      }
      buffer.flip();
      connection.setExtraBytes(pooled);
      handedBack = true;
    } catch (IOException e) {
      stop();
      onGone.run();
    } finally {
      if (!handedBack) {
        pooled.close();
      }
    }
  }
}

package io.gatehouse.undertow.internal;

import io.undertow.conduits.ReadDataStreamSourceConduit;
import io.undertow.server.Connectors;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.util.ImmediatePooledByteBuffer;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import org.xnio.IoUtils;
import org.xnio.channels.StreamSinkChannel;
import org.xnio.conduits.AbstractStreamSourceConduit;
import org.xnio.conduits.ConduitReadableByteChannel;
import org.xnio.conduits.StreamSourceConduit;

/**
 * Reads a chunked request body with {@link ChunkedDecoder} in place of Undertow's lenient reader.
 * It reads the connection's bytes (those Undertow had already read past the head first), gives
 * back any that follow the body for the next pipelined request, and ends the request as
 * Undertow's own conduit would. A malformed body fails every read with the decoder's exception
 * and makes the connection non-persistent; unlike Undertow's reader it does not close the
 * connection, so the adapter can still answer 400.
 *
 * <pre>{@code
 * StrictChunkedConduit.install(exchange);   // before anything reads the request channel
 * }</pre>
 */
final class StrictChunkedConduit extends AbstractStreamSourceConduit<StreamSourceConduit> {
  private static final int RAW_BUFFER = 16 * 1024;

  private final HttpServerExchange exchange;
  private final HttpServerConnection connection;
  private final ChunkedDecoder decoder = new ChunkedDecoder();
  private final ByteBuffer raw = ByteBuffer.allocate(RAW_BUFFER).flip();
  private IOException failure;
  private boolean ended;

  private StrictChunkedConduit(StreamSourceConduit next, HttpServerExchange exchange, HttpServerConnection connection) {
    super(next);
    this.exchange = exchange;
    this.connection = connection;
  }

  /**
   * Puts the strict reader under the exchange's request channel, if it arrived on an HTTP/1.1
   * connection of Undertow's; call it only for a request whose framing is exactly chunked.
   */
  static void install(HttpServerExchange exchange) {
    if (exchange.getConnection() instanceof HttpServerConnection connection) {
      StreamSourceConduit bytes = new ReadDataStreamSourceConduit(connection.getOriginalSourceConduit(), connection);
      connection.getChannel().getSourceChannel().setConduit(new StrictChunkedConduit(bytes, exchange, connection));
    }
  }

  @Override
  public int read(ByteBuffer dst) throws IOException {
    if (failure != null) {
      throw failure;
    }
    if (ended) {
      return -1;
    }
    int start = dst.position();
    try {
      for (;;) {
        if (raw.hasRemaining()) {
          if (decoder.decode(raw, dst)) {
            end();
            int produced = dst.position() - start;
            return produced > 0 ? produced : -1;
          }
          if (dst.position() > start || !dst.hasRemaining()) {
            return dst.position() - start;
          }
        }
        raw.clear();
        int n = next.read(raw);
        raw.flip();
        if (n == -1) {
          throw new ClosedChannelException();
        }
        if (n == 0) {
          return dst.position() - start;
        }
      }
    } catch (IOException e) {
      failure = e;
      exchange.setPersistent(false);
      throw e;
    }
  }

  /** The body has ended: hand back what follows it and end the request, once. */
  private void end() {
    ended = true;
    if (raw.hasRemaining()) {
      ByteBuffer rest = ByteBuffer.allocate(raw.remaining());
      rest.put(raw).flip();
      connection.ungetRequestBytes(new ImmediatePooledByteBuffer(rest));
    }
    Connectors.terminateRequest(exchange);
  }

  @Override
  public long read(ByteBuffer[] dsts, int offset, int length) throws IOException {
    for (int i = offset; i < offset + length; i++) {
      if (dsts[i].hasRemaining()) {
        return read(dsts[i]);
      }
    }
    return 0;
  }

  @Override
  public long transferTo(long position, long count, FileChannel target) throws IOException {
    return target.transferFrom(new ConduitReadableByteChannel(this), position, count);
  }

  @Override
  public long transferTo(long count, ByteBuffer throughBuffer, StreamSinkChannel target) throws IOException {
    return IoUtils.transfer(new ConduitReadableByteChannel(this), count, throughBuffer, target);
  }

  @Override
  public void terminateReads() throws IOException {
    if (!ended) {
      exchange.setPersistent(false);
    }
    next.terminateReads();
  }
}

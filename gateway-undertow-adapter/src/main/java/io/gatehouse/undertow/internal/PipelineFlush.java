package io.gatehouse.undertow.internal;

import io.undertow.server.ExchangeCompletionListener;
import io.undertow.server.HttpServerExchange;
import io.undertow.server.protocol.http.HttpServerConnection;
import io.undertow.server.protocol.http.PipeliningBufferingStreamSinkConduit;
import java.io.IOException;
import org.xnio.IoUtils;
import org.xnio.conduits.ConduitStreamSinkChannel;

/**
 * Writes out the responses that Undertow's pipelining buffer holds before Undertow reads the next
 * pipelined request. Undertow keeps finished responses to pipelined requests in memory until a
 * later request completes; if that request is malformed, it writes its 400 straight to the socket
 * and closes the connection, and the responses held are lost. (Undertow's builder turns
 * {@code BUFFER_PIPELINED_DATA} on by default; {@code GatewayServer} turns it off, this covers a
 * handler mounted in an application's own server.) Waits for the socket when it is full.
 *
 * <pre>{@code
 * exchange.addExchangeCompleteListener(PipelineFlush.INSTANCE);   // runs after listeners added later
 * }</pre>
 */
final class PipelineFlush implements ExchangeCompletionListener {
  static final PipelineFlush INSTANCE = new PipelineFlush();

  private PipelineFlush() {}

  @Override
  public void exchangeEvent(HttpServerExchange exchange, NextListener next) {
    if (!(exchange.getConnection() instanceof HttpServerConnection connection)) {
      next.proceed();
      return;
    }
    PipeliningBufferingStreamSinkConduit buffer = connection.getPipelineBuffer();
    if (buffer == null || connection.getExtraBytes() == null) {
      next.proceed(); // nothing is pipelined behind this exchange: Undertow flushes by itself
      return;
    }
    try {
      if (buffer.flushPipelinedData()) {
        next.proceed();
        return;
      }
    } catch (IOException e) {
      IoUtils.safeClose(connection);
      next.proceed();
      return;
    }
    ConduitStreamSinkChannel sink = connection.getChannel().getSinkChannel();
    sink.setWriteListener(channel -> {
      try {
        if (!buffer.flushPipelinedData()) {
          return;
        }
      } catch (IOException e) {
        IoUtils.safeClose(connection);
      }
      sink.suspendWrites();
      sink.setWriteListener(null);
      next.proceed();
    });
    sink.resumeWrites();
  }
}

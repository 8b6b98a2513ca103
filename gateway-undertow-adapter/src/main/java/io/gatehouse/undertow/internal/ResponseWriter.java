package io.gatehouse.undertow.internal;

import io.gatehouse.adapter.GatewayCall;
import io.gatehouse.adapter.ResponseBodyWriter;
import io.gatehouse.adapter.ResponseFraming;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import io.undertow.server.HttpServerExchange;
import io.undertow.util.HeaderMap;
import io.undertow.util.Headers;
import io.undertow.util.HttpString;
import io.undertow.util.Methods;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSinkChannel;

/**
 * Writes a gateway {@link Response} to the exchange: status and headers, framing, then the body
 * through a {@link ResponseBodyWriter} (bounded demand, flushing, the checks and the failure
 * rules), to which this class is Undertow's {@link ResponseBodyWriter.Output}.
 *
 * <p>What stays here is Undertow's: its response channel, taken at the first body byte (so a body
 * that fails before it can still become a 502 problem) and written until it takes no more, then
 * resumed by its write listener; a fixed-length response that Undertow may end inside the write of
 * its last byte; the channel shut down and flushed at the end; and the write timeout: a client that
 * takes no bytes for that long (a full socket buffer that does not drain) has its connection
 * closed, as Undertow has no such timeout of its own on a non-blocking channel.
 *
 * <p>Everything here runs on the exchange's I/O thread.
 */
final class ResponseWriter implements ResponseBodyWriter.Output {
  private static final Logger log = LoggerFactory.getLogger(ResponseWriter.class);

  private final ExchangeBridge bridge;
  private final HttpServerExchange exchange;
  private final long writeTimeoutNanos;
  private volatile ResponseBodyWriter body;
  private volatile boolean cancelled; // before the body writer exists

  // The fields below are confined to the I/O thread.
  private StreamSinkChannel channel;
  private boolean shut;
  private long blockedSince = -1; // when the client stopped taking bytes, or -1
  private XnioExecutor.Key writeCheck;


  ResponseWriter(ExchangeBridge bridge, HttpServerExchange exchange, Duration writeTimeout) {
    this.bridge = bridge;
    this.exchange = exchange;
    this.writeTimeoutNanos = writeTimeout.toNanos();
  }

  /** Sets status, headers and framing, then streams the body. Runs on the I/O thread. */
  void start(Response response) {
    exchange.setStatusCode(response.status());
    HeaderMap headers = exchange.getResponseHeaders();
    response.headers().forEach((name, value) -> {
      if (!ResponseFraming.isFramingField(name)) {
        headers.add(HttpString.tryFromString(name), value);
      }
    });
    if (ResponseFraming.asksToClose(response)) {
      exchange.setPersistent(false);
    }
    Body responseBody = response.body();
    boolean head = exchange.getRequestMethod().equals(Methods.HEAD);
    if (head && !exchange.getRequestMethod().toString().equals(Methods.HEAD_STRING)) {
      // 'head', 'hEAD': not HEAD (methods are case-sensitive; the gateway answers 501), but Undertow
      // compares methods ignoring case and frames the answer as one to a HEAD, dropping its body.
      // A Content-Length of that body would make the client read the next response as this one's
      // body, so this answer has none and the connection closes.
      exchange.setPersistent(false);
      headers.put(Headers.CONTENT_LENGTH, 0L);
      headers.remove(Headers.CONTENT_TYPE);
      headers.remove(Headers.TRANSFER_ENCODING);
      endWithoutBody(responseBody);
      return;
    }
    if (!ResponseFraming.sendsBody(response.status(), head)) {
      ResponseFraming.lengthWithoutBody(response, head).ifPresent(n -> headers.put(Headers.CONTENT_LENGTH, n));
      endWithoutBody(responseBody);
      return;
    }
    responseBody.contentLength().ifPresent(n -> headers.put(Headers.CONTENT_LENGTH, n));
    // Without a length Undertow frames the body chunked (HTTP/1.1) or by closing (HTTP/1.0).
    ResponseBodyWriter w = ResponseBodyWriter.of(responseBody, this, bridge::onIoThread);
    body = w;
    if (cancelled) {
      w.cancel();
    }
    w.start();
    if (w.isFinished()) {
      return; // subscribing failed
    }
    // After subscribing: a response body that streams the request body (an echo) reads it.
    bridge.limitDrain(true);
  }

  private void endWithoutBody(Body responseBody) {
    GatewayCall.discard(responseBody);
    bridge.responseWritten();
    bridge.writerDone();
    exchange.endExchange();
  }

  /** Cancels the body's subscription. Safe on any thread. */
  void cancel() {
    cancelled = true;
    ResponseBodyWriter w = body;
    if (w != null) {
      w.cancel();
    }
  }

  @Override
  public boolean write(ByteBuffer buffer, boolean last) throws IOException {
    if (last) {
      // Undertow ends a fixed-length response, and may complete the exchange, inside the write
      // of its last byte.
      bridge.responseWritten();
    }
    if (!commit()) {
      return false;
    }
    while (buffer.hasRemaining()) {
      if (channel.write(buffer) == 0) {
        blocked();
        return false;
      }
      blockedSince = -1;
    }
    return true;
  }

  @Override
  public boolean flush() throws IOException {
    if (!channel.flush()) {
      blocked();
      return false;
    }
    blockedSince = -1;
    return true;
  }

  @Override
  public boolean end() throws IOException {
    if (!shut) {
      // Before the channel is taken or shut: either may end the response and complete the exchange.
      bridge.responseWritten();
      if (!commit()) {
        return false;
      }
      shut = true;
      channel.shutdownWrites();
    }
    if (!channel.flush()) {
      blocked();
      return false;
    }
    if (writeCheck != null) {
      writeCheck.remove();
      writeCheck = null;
    }
    bridge.writerDone();
    channel.getWriteSetter().set(null);
    exchange.endExchange();
    return true;
  }

  @Override
  public boolean committed() {
    return channel != null || exchange.isResponseStarted();
  }

  @Override
  public void replace(int status, String detail) {
    bridge.replaceResponse(Problems.response(exchange, status, detail));
  }

  @Override
  public void cut(Throwable cause) {
    bridge.abort(cause);
  }

  @Override
  public void broken(Exception cause) {
    // A write or flush fails when the client has gone.
    bridge.abort(cause);
  }

  private boolean commit() {
    if (channel != null) {
      return true;
    }
    channel = exchange.getResponseChannel();
    if (channel == null) {
      body.fail(new IllegalStateException("response: another handler took Undertow's response channel"));
      return false;
    }
    channel.getWriteSetter().set(ch -> {
      ch.suspendWrites();
      body.resume();
    });
    return true;
  }

  /** The client takes no more bytes for now: wait for it, at most the write timeout. I/O thread. */
  private void blocked() {
    if (blockedSince < 0) {
      blockedSince = System.nanoTime();
    }
    if (writeCheck == null) {
      writeCheck = exchange.getIoThread().executeAfter(this::checkBlocked,
          Math.max(1, blockedSince + writeTimeoutNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
    channel.resumeWrites();
  }

  private void checkBlocked() {
    writeCheck = null;
    if (body.isFinished() || blockedSince < 0) {
      return;
    }
    long blockedFor = System.nanoTime() - blockedSince;
    if (blockedFor >= writeTimeoutNanos) {
      body.stop();
      log.debug("the client took no response bytes for {} ms; closing", blockedFor / 1_000_000);
      bridge.abort(new IOException("response: the client took no bytes for " + blockedFor / 1_000_000 + " ms"));
    } else {
      writeCheck = exchange.getIoThread().executeAfter(this::checkBlocked, writeTimeoutNanos - blockedFor,
          TimeUnit.NANOSECONDS);
    }
  }
}

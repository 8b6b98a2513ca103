package io.gatehouse.servlet;

import io.gatehouse.adapter.GatewayCall;
import io.gatehouse.adapter.ResponseBodyWriter;
import io.gatehouse.adapter.ResponseFraming;
import io.gatehouse.http.Body;
import io.gatehouse.http.Response;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * Writes one gateway {@link Response} to the servlet response: status and headers, framing, then
 * the body through a {@link ResponseBodyWriter} (bounded demand, flushing, the checks and the
 * failure rules), to which this class is the servlet container's
 * {@link ResponseBodyWriter.Output}.
 *
 * <p>What stays here is the servlet API's: a buffer is written, whole, only when the container's
 * output {@linkplain ServletOutputStream#isReady() is ready}, and so is a flush; when it is not,
 * the exchange's write listener resumes the writer, so no write blocks a container thread. The
 * response ends by completing the exchange (the container flushes), is replaced by a problem
 * through {@link HttpServletResponse#reset()}, and is cut by the exchange's throwing dispatch.
 *
 * <p>Everything here runs on the exchange's {@link Serial}.
 */
final class ResponseWriter implements ResponseBodyWriter.Output {
  private final ServletExchange exchange;
  private final Serial serial;
  private final HttpServletResponse response;

  // The fields below are confined to the serial.
  private ServletOutputStream out;
  private ResponseBodyWriter body;
  private boolean finished;

  ResponseWriter(ServletExchange exchange, Serial serial, HttpServletResponse response) {
    this.exchange = exchange;
    this.serial = serial;
    this.response = response;
  }

  /** Sets status, headers and framing, then streams the body. Serial. */
  void start(Response r, boolean head, boolean draining) throws IOException {
    out = response.getOutputStream();
    response.setStatus(r.status());
    r.headers().forEach((name, value) -> {
      if (!ResponseFraming.isFramingField(name)) {
        response.addHeader(name, value);
      }
    });
    if (ResponseFraming.asksToClose(r) || draining) {
      response.setHeader("Connection", "close");
    }
    Body responseBody = r.body();
    if (!ResponseFraming.sendsBody(r.status(), head)) {
      ResponseFraming.lengthWithoutBody(r, head).ifPresent(response::setContentLengthLong);
      GatewayCall.discard(responseBody);
      finished = true;
      exchange.responseDone();
      return;
    }
    responseBody.contentLength().ifPresent(response::setContentLengthLong);
    // Without a length the container frames the body chunked (HTTP/1.1) or by closing (HTTP/1.0).
    body = ResponseBodyWriter.of(responseBody, this, serial);
    body.start();
  }

  /** Whether the writer has ended, written or failed. Serial. */
  boolean finished() {
    return finished || (body != null && body.isFinished());
  }

  /** Stops writing without a word to the client: the exchange is being torn down. Serial. */
  void stop() {
    finished = true;
    if (body != null) {
      body.stop();
    }
  }

  /** Writes what it can. Serial: when the container says the output is ready again. */
  void pump() {
    if (body != null) {
      body.resume();
    }
  }

  @Override
  public boolean write(ByteBuffer buffer, boolean last) throws IOException {
    if (!out.isReady()) {
      return false; // onWritePossible resumes
    }
    int n = buffer.remaining();
    if (buffer.hasArray()) {
      out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
      buffer.position(buffer.limit());
    } else {
      byte[] copy = new byte[n];
      buffer.get(copy);
      out.write(copy);
    }
    return true;
  }

  @Override
  public boolean flush() throws IOException {
    if (!out.isReady()) {
      return false;
    }
    out.flush();
    return true;
  }

  @Override
  public boolean end() {
    exchange.responseDone();
    return true;
  }

  @Override
  public boolean committed() {
    return response.isCommitted();
  }

  @Override
  public void replace(int status, String detail) {
    exchange.replaceResponse(status, detail);
  }

  @Override
  public void cut(Throwable cause) {
    exchange.cut(cause);
  }

  @Override
  public void broken(Exception cause) {
    // A write or flush fails when the client has gone (IllegalStateException: the container has
    // already completed the exchange).
    exchange.abort(new ServletExchange.ClientGone("the response could not be written: " + cause, cause));
  }
}

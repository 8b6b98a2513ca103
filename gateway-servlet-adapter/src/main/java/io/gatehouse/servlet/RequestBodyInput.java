package io.gatehouse.servlet;

import io.gatehouse.adapter.RequestBodyPublisher;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The servlet container's side of the request body's {@link RequestBodyPublisher} (which keeps
 * demand, the length check and the subscriber's signals): reads the container's non-blocking
 * input only while it {@linkplain ServletInputStream#isReady() is ready}, and is its
 * {@link ReadListener}, whose callbacks bring the publisher back on the exchange's {@link Serial}.
 *
 * <p>For a request with {@code Expect: 100-continue} it opens the request's input stream and
 * becomes its {@link ReadListener} only at its subscriber's first demand: a container may send
 * {@code 100 Continue} as soon as the application asks for the input stream (Jetty does), and
 * a request answered without its body (a 403 of the gateway's own) must get its answer, not an
 * invitation to send the body.
 */
final class RequestBodyInput implements RequestBodyPublisher.Input, ReadListener {
  private final ServletExchange exchange;
  private final Serial serial;
  private final ServletRequest request;
  private final RequestBodyPublisher publisher;
  private ServletInputStream in; // null until listening; serial

  RequestBodyInput(ServletExchange exchange, Serial serial, ServletRequest request, long contentLength) {
    this.exchange = exchange;
    this.serial = serial;
    this.request = request;
    this.publisher = RequestBodyPublisher.of(this, contentLength, serial);
  }

  /** The body the gateway reads. */
  RequestBodyPublisher publisher() {
    return publisher;
  }

  /** Whether a subscriber is reading the body and has not reached its end. Serial. */
  boolean reading() {
    return publisher.reading();
  }

  /** The exchange ended or the client went away: a subscriber still reading gets onError. Serial. */
  void terminate(Throwable cause) {
    publisher.terminate(cause);
  }

  /**
   * Opens the input stream and registers as its ReadListener, for a request that does not expect
   * {@code 100 Continue}. If that fails, the subscriber (once it comes) and the exchange are told.
   * Serial.
   */
  void listenNow() {
    try {
      listen();
    } catch (IOException | RuntimeException e) {
      publisher.readFailed(e);
    }
  }

  private void listen() throws IOException {
    if (in == null) {
      ServletInputStream stream = request.getInputStream();
      stream.setReadListener(this); // the container calls onDataAvailable / onAllDataRead from now on
      in = stream;
    }
  }

  // Container callbacks: any container thread; the work runs on the serial.

  @Override
  public void onDataAvailable() {
    serial.execute(publisher::readable);
  }

  @Override
  public void onAllDataRead() {
    serial.execute(publisher::inputEnded);
  }

  @Override
  public void onError(Throwable t) {
    serial.execute(() -> publisher.readFailed(t));
  }

  // The publisher's calls: serial.

  @Override
  public int read(ByteBuffer into) throws IOException {
    listen(); // at the first demand for a request that expects 100 Continue
    while (true) {
      if (in.isFinished()) {
        return -1;
      }
      if (!in.isReady()) {
        return 0; // onDataAvailable / onAllDataRead brings the publisher back
      }
      int n = in.read(into.array(), into.arrayOffset() + into.position(), into.remaining());
      if (n < 0) {
        return -1;
      }
      if (n > 0) {
        into.position(into.position() + n);
        return n;
      }
    }
  }

  @Override
  public void pause() {
    // Nothing to do: the container calls onDataAvailable only after a read found isReady() false.
  }

  @Override
  public void stop() {
    // Nothing to do: an input nobody reads is drained or closed by the container at the end.
  }

  @Override
  public void failed(IOException cause) {
    exchange.requestBodyFailed(cause);
  }
}

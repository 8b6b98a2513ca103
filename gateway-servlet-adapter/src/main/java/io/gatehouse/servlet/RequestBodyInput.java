package io.gatehouse.servlet;

import io.gatehouse.adapter.BodyPace;
import io.gatehouse.adapter.RequestBodyPublisher;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.Future;

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
 *
 * <p>What the container does not do itself stays here too: a client that sends the body too
 * slowly ({@link BodyPace}: a pause longer than the mount's body idle timeout, or an average under
 * its minimum rate) fails the body with {@link BodyPace.TooSlowException}. Only time spent waiting on
 * the client counts: from a read that finds the input not ready to the next bytes, not while the
 * subscriber wants nothing. The mount's timer only hands the check to the {@link Serial}.
 */
final class RequestBodyInput implements RequestBodyPublisher.Input, ReadListener {
  private final ServletExchange exchange;
  private final Serial serial;
  private final ServletRequest request;
  private final RequestBodyPublisher publisher;
  private final BodyPaceTimer timer;
  private final BodyPace pace; // serial
  private ServletInputStream in; // null until listening; serial
  private Future<?> paceCheck; // serial
  private boolean stopped; // serial

  RequestBodyInput(ServletExchange exchange, Serial serial, ServletRequest request, long contentLength,
      BodyPaceTimer timer) {
    this.exchange = exchange;
    this.serial = serial;
    this.request = request;
    this.timer = timer;
    this.pace = timer.newPace();
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
        pace.waiting(System.nanoTime());
        schedulePaceCheck();
        return 0; // onDataAvailable / onAllDataRead brings the publisher back
      }
      int n = in.read(into.array(), into.arrayOffset() + into.position(), into.remaining());
      if (n < 0) {
        return -1;
      }
      if (n > 0) {
        pace.received(System.nanoTime(), n);
        into.position(into.position() + n);
        return n;
      }
    }
  }

  @Override
  public void pause() {
    // The container calls onDataAvailable only after a read found isReady() false: nothing to
    // stop there; the wait on the client, if any, ends without blame.
    pace.paused(System.nanoTime());
  }

  @Override
  public void stop() {
    // An input nobody reads is drained or closed by the container at the end; only the pace
    // check goes.
    stopped = true;
    if (paceCheck != null) {
      paceCheck.cancel(false);
      paceCheck = null;
    }
  }

  @Override
  public void failed(IOException cause) {
    exchange.requestBodyFailed(cause);
  }

  private void schedulePaceCheck() {
    if (paceCheck == null && !stopped) {
      paceCheck = timer.after(pace.nextCheck(System.nanoTime()), () -> serial.execute(this::checkPace));
    }
  }

  /** The timer's turn, on the serial: fails the body if the client is too slow, else looks again later. */
  private void checkPace() {
    paceCheck = null;
    if (!stopped && pace.check(publisher, System.nanoTime())) {
      schedulePaceCheck();
    }
  }
}

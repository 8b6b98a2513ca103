package io.gatehouse.undertow.internal;

import io.gatehouse.adapter.BodyPace;
import io.gatehouse.adapter.RequestBodyPublisher;
import io.undertow.server.HttpServerExchange;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.xnio.XnioExecutor;
import org.xnio.channels.StreamSourceChannel;

/**
 * Undertow's side of the request body's {@link RequestBodyPublisher} (which keeps demand, the
 * length check and the subscriber's signals): reads from Undertow's request channel, taken at the
 * first demand, resumes its reads when it has nothing and suspends them while nobody asks, so a
 * slow consumer (an upstream that reads slowly) slows the client down through TCP flow control.
 *
 * <p>What Undertow does not do itself stays here too: a client that sends the body too slowly
 * ({@link ClientTimeouts}: a pause longer than the body idle timeout, or an average under the
 * minimum rate) fails the body with {@link BodyPace.TooSlowException}; only time spent waiting on the
 * client counts.
 *
 * <p>Everything here runs on the exchange's I/O thread.
 */
final class RequestBodyInput implements RequestBodyPublisher.Input {
  private final ExchangeBridge bridge;
  private final HttpServerExchange exchange;
  private final BodyPace pace;
  private final RequestBodyPublisher publisher;

  // The fields below are confined to the I/O thread.
  private StreamSourceChannel channel;
  private XnioExecutor.Key paceCheck;

  RequestBodyInput(ExchangeBridge bridge, HttpServerExchange exchange, long contentLength, ClientTimeouts timeouts) {
    this.bridge = bridge;
    this.exchange = exchange;
    this.pace = BodyPace.of(new BodyPace.Limits(timeouts.bodyIdle(), timeouts.minBodyRate(), timeouts.minBodyRateGrace()));
    this.publisher = RequestBodyPublisher.of(this, contentLength, bridge::onIoThread);
  }

  /** The body the gateway reads. */
  RequestBodyPublisher publisher() {
    return publisher;
  }

  /** Whether a subscriber is reading the body and has not reached its end. I/O thread. */
  boolean reading() {
    return publisher.reading();
  }

  /** The bytes of a body of known length not read yet; -1 if the length is unknown. I/O thread. */
  long unread() {
    return publisher.unread();
  }

  /** The exchange ended or the client went away: a subscriber still reading gets onError. Any thread. */
  void terminate(Throwable cause) {
    bridge.onIoThread(() -> publisher.terminate(cause));
  }

  @Override
  public int read(ByteBuffer into) throws IOException {
    if (channel == null) {
      if (exchange.isComplete()) {
        publisher.terminate(new IOException("request body: the exchange ended before the body was read"));
        return 0;
      }
      channel = exchange.getRequestChannel();
      if (channel == null) {
        publisher.terminate(new IllegalStateException("request body: another handler took Undertow's request channel"));
        return 0;
      }
      channel.getReadSetter().set(ch -> publisher.readable());
    }
    int n = channel.read(into);
    if (n == 0) {
      pace.waiting(System.nanoTime());
      schedulePaceCheck();
      channel.resumeReads();
    } else if (n > 0) {
      pace.received(System.nanoTime(), n);
    }
    return n;
  }

  @Override
  public void pause() {
    pace.paused(System.nanoTime());
    if (channel != null) {
      channel.suspendReads();
    }
  }

  @Override
  public void stop() {
    if (paceCheck != null) {
      paceCheck.remove();
      paceCheck = null;
    }
    if (channel != null) {
      channel.suspendReads();
    }
  }

  @Override
  public void failed(IOException cause) {
    // A malformed chunk, a body over the size limit or too slow, a client gone, or a body shorter
    // than its length: the bridge answers or aborts.
    bridge.requestBodyFailed(cause);
  }

  @Override
  public void completed() {
    bridge.requestBodyRead();
  }

  private void schedulePaceCheck() {
    if (paceCheck == null) {
      paceCheck = exchange.getIoThread().executeAfter(this::checkPace, pace.nextCheck(System.nanoTime()),
          TimeUnit.NANOSECONDS);
    }
  }

  private void checkPace() {
    paceCheck = null;
    if (pace.check(publisher, System.nanoTime())) {
      schedulePaceCheck();
    }
  }
}

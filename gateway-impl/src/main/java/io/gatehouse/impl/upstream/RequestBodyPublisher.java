package io.gatehouse.impl.upstream;

import java.nio.ByteBuffer;
import java.util.concurrent.Flow;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

/**
 * The request body as httpcore5-reactive's {@code ReactiveEntityProducer} wants it: a Reactive
 * Streams publisher. It relays the gateway's {@code Flow} publisher signal for signal, so demand
 * (and with it back-pressure) passes straight through, and it guards the framing: a body that
 * sends more or fewer bytes than the Content-Length it declared fails instead of desynchronizing
 * the connection. Every failure is recorded on the exchange, which then reports
 * {@code REQUEST_BODY_FAILED}.
 */
final class RequestBodyPublisher implements Publisher<ByteBuffer> {
  private final Flow.Publisher<ByteBuffer> body;
  private final long declaredLength;
  private final UpstreamExchange exchange;

  /**
   * @param declaredLength the length sent as Content-Length, or -1 when the body is chunked
   */
  RequestBodyPublisher(Flow.Publisher<ByteBuffer> body, long declaredLength, UpstreamExchange exchange) {
    this.body = body;
    this.declaredLength = declaredLength;
    this.exchange = exchange;
  }

  @Override
  public void subscribe(Subscriber<? super ByteBuffer> subscriber) {
    body.subscribe(new Relay(subscriber));
  }

  /** Signals arrive serially (Reactive Streams rule 1.3), so plain fields are enough. */
  private final class Relay implements Flow.Subscriber<ByteBuffer> {
    private final Subscriber<? super ByteBuffer> downstream;
    private Flow.Subscription upstream;
    private long sent;
    private boolean done;

    Relay(Subscriber<? super ByteBuffer> downstream) {
      this.downstream = downstream;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      upstream = s;
      downstream.onSubscribe(new Subscription() {
        @Override
        public void request(long n) {
          s.request(n);
        }

        @Override
        public void cancel() {
          s.cancel();
        }
      });
    }

    @Override
    public void onNext(ByteBuffer item) {
      if (done) {
        return;
      }
      sent += item.remaining();
      if (declaredLength >= 0 && sent > declaredLength) {
        upstream.cancel();
        fail(new IllegalStateException("request body: more than the declared "
            + declaredLength + " bytes (expected: exactly " + declaredLength + ")"));
        return;
      }
      downstream.onNext(item);
    }

    @Override
    public void onError(Throwable failure) {
      if (!done) {
        fail(failure);
      }
    }

    @Override
    public void onComplete() {
      if (done) {
        return;
      }
      if (declaredLength >= 0 && sent != declaredLength) {
        fail(new IllegalStateException("request body: ended after " + sent
            + " bytes (expected: " + declaredLength + ")"));
        return;
      }
      done = true;
      downstream.onComplete();
    }

    private void fail(Throwable failure) {
      done = true;
      exchange.requestBodyFailed(failure);
      downstream.onError(failure);
    }
  }
}

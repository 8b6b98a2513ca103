package io.gatehouse.impl.ingress;

import io.gatehouse.http.Body;
import io.gatehouse.http.BodyTooLargeException;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.problem.Problems;
import java.nio.ByteBuffer;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.Flow;

/**
 * A route's cap on the request body, applied once the route is known: a declared length past it is
 * refused at once ({@link #rejection}, 413 before any upstream call); a body of unknown length is
 * wrapped ({@link #capped}) so that it fails with {@link BodyTooLargeException} as soon as it
 * passes the cap. The transport then aborts the upstream call (it never ends the body as if it
 * were complete) and the client gets 413 if no response has started.
 */
public final class BodyLimit {
  private BodyLimit() {}

  /**
   * The 413 for a body whose declared length is over the cap.
   *
   * @param request the routed request
   * @param cap the route's cap in bytes
   * @param requestId the id for the problem
   * @return the problem, with {@code Connection: close}, or empty
   */
  public static Optional<Response> rejection(Request request, long cap, String requestId) {
    long declared = request.body().contentLength().orElse(-1);
    if (declared > cap) {
      return Optional.of(tooLarge(cap, requestId));
    }
    return Optional.empty();
  }

  /**
   * The 413 for a body past the cap.
   *
   * @param cap the cap in bytes
   * @param requestId the id for the problem
   * @return the problem, with {@code Connection: close}
   */
  public static Response tooLarge(long cap, String requestId) {
    return Problems.closing(413, "Content Too Large", "the request body is larger than " + cap + " bytes", requestId);
  }

  /**
   * The request with a body that fails past the cap; the same request when its length is known
   * (and so within the cap) or there is no cap.
   *
   * @param request a request that {@link #rejection} let through
   * @param cap the cap in bytes; {@code Long.MAX_VALUE} for none
   */
  public static Request capped(Request request, long cap) {
    Body body = request.body();
    if (cap == Long.MAX_VALUE || body.contentLength().isPresent()) {
      return request;
    }
    return request.toBuilder().body(Body.ofPublisher(new Capped(body, cap), -1)).build();
  }

  /**
   * The cap a failure says a body passed, looking through the wrappers futures and transports add.
   *
   * @param failure any failure
   * @return the cap, or empty if the failure is not a {@link BodyTooLargeException}
   */
  public static OptionalLong exceededCap(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < 8; depth++, t = t.getCause()) {
      if (t instanceof BodyTooLargeException tooLarge) {
        return OptionalLong.of(tooLarge.limit());
      }
    }
    return OptionalLong.empty();
  }

  /** Relays the body until it passes the cap; then cancels it and fails downstream. */
  private static final class Capped implements Flow.Publisher<ByteBuffer> {
    private final Flow.Publisher<ByteBuffer> source;
    private final long cap;

    Capped(Flow.Publisher<ByteBuffer> source, long cap) {
      this.source = source;
      this.cap = cap;
    }

    @Override
    public void subscribe(Flow.Subscriber<? super ByteBuffer> downstream) {
      source.subscribe(new Flow.Subscriber<ByteBuffer>() {
        // Signals arrive serially (Reactive Streams rule 1.3), so plain fields are enough.
        private Flow.Subscription subscription;
        private long seen;
        private boolean done;

        @Override
        public void onSubscribe(Flow.Subscription s) {
          subscription = s;
          downstream.onSubscribe(s);
        }

        @Override
        public void onNext(ByteBuffer item) {
          if (done) {
            return;
          }
          seen += item.remaining();
          if (seen > cap) {
            done = true;
            subscription.cancel();
            downstream.onError(new BodyTooLargeException(cap));
            return;
          }
          downstream.onNext(item);
        }

        @Override
        public void onError(Throwable failure) {
          if (!done) {
            done = true;
            downstream.onError(failure);
          }
        }

        @Override
        public void onComplete() {
          if (!done) {
            done = true;
            downstream.onComplete();
          }
        }
      });
    }
  }
}

package io.gatehouse.impl.observe;

import io.gatehouse.auth.Principal;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.auth.AuthRuntime;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import io.gatehouse.observe.RequestSpan;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import io.gatehouse.impl.chain.ExchangeContext;

/**
 * Measures one request for the observers and its span: counts its body bytes both ways and, once
 * the response body has ended (at once for a body in memory), ends its {@link RequestSpan} and,
 * when anyone observes, makes its {@link RequestRecord}.
 */
public final class RequestMeasure {
  private static final int CLIENT_CLOSED_REQUEST = 499;

  private final Observers observers;
  private final Function<Request, String> clientAddress;
  private final Request received;
  private final String requestId;
  private final RequestSpan trace;
  private final Instant start;
  private final long startNanos = System.nanoTime();
  private AtomicLong requestBodyBytes; // null unless the request body streams
  private volatile Request routed;
  private volatile ExchangeContext context;
  private volatile Rejection rejection;

  public RequestMeasure(Observers observers, Function<Request, String> clientAddress, Request received, String requestId,
      RequestSpan trace, Instant start) {
    this.observers = observers;
    this.clientAddress = clientAddress;
    this.received = received;
    this.requestId = requestId;
    this.trace = trace;
    this.start = start;
  }

  /** The request with a body that counts its bytes, if it streams. */
  public Request counting(Request request) {
    Body body = request.body();
    if (body.isEmpty() || body.inMemory().isPresent()) {
      return request;
    }
    AtomicLong counted = new AtomicLong();
    requestBodyBytes = counted;
    return request.toBuilder().body(CountingBody.wrap(body, counted::set)).build();
  }

  /** The request as routed (normalized path) and its exchange's context. */
  public void routed(Request request, ExchangeContext context) {
    this.routed = request;
    this.context = context;
  }

  /** Why the gateway answered without a route's chain (400, 404, 405). */
  public void rejected(Rejection why) {
    this.rejection = why;
  }

  /** The response, with a counting body if it streams; the record is made when it ends. */
  public Response finish(Response response) {
    Body body = response.body();
    Optional<byte[]> inMemory = body.inMemory();
    if (body.isEmpty() || inMemory.isPresent()) {
      record(response.status(), inMemory.map(b -> (long) b.length).orElse(0L));
      return response;
    }
    return response.toBuilder().body(CountingBody.wrap(body, bytes -> record(response.status(), bytes))).build();
  }

  /** The client cancelled before the response was ready: recorded as nginx does, with status 499. */
  public void clientLeft() {
    record(CLIENT_CLOSED_REQUEST, 0);
  }

  private void record(int status, long bytesOut) {
    Duration duration = Duration.ofNanos(System.nanoTime() - startNanos);
    ExchangeContext c = context;
    Request request = routed != null ? routed : received;
    Optional<Rejection> why = Optional.ofNullable(c != null ? c.attribute(Observers.REJECTION) : rejection);
    trace.end(status, why);
    if (!observers.active()) {
      return;
    }
    Optional<String> consumer = Optional.empty();
    Optional<String> upstream = Optional.empty();
    Optional<Duration> upstreamDuration = Optional.empty();
    if (c != null) {
      consumer = Optional.ofNullable(c.attribute(AuthRuntime.PRINCIPAL)).map(Principal::id);
      upstream = Optional.ofNullable(c.upstreamTarget);
      upstreamDuration = c.upstreamNanos > 0 ? Optional.of(Duration.ofNanos(c.upstreamNanos)) : Optional.empty();
    }
    long bytesIn = requestBodyBytes != null ? requestBodyBytes.get()
        : received.body().inMemory().map(b -> (long) b.length).orElse(0L);
    observers.request(new RequestRecord(start, requestId, trace.traceId(), clientAddress.apply(received),
        consumer, Optional.ofNullable(c == null ? null : c.routeId), request.method(), request.path(), upstream,
        status, bytesIn, bytesOut, duration, upstreamDuration, why, c == null ? 0 : c.upstreamAttempts));
  }
}

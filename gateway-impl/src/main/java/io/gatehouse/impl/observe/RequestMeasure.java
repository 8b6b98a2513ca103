package io.gatehouse.impl.observe;

import io.gatehouse.auth.Principal;
import io.gatehouse.http.Body;
import io.gatehouse.http.Request;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.observe.Rejection;
import io.gatehouse.observe.RequestRecord;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Measures one request for the observers and its span: counts its body bytes both ways and, once
 * the response body has ended (at once for a body in memory), ends its {@link io.gatehouse.observe.RequestSpan} and,
 * when anyone observes, makes its {@link RequestRecord}.
 */
public final class RequestMeasure {
  private static final int CLIENT_CLOSED_REQUEST = 499;

  private final Observers observers;
  private final Request received;
  private final RequestState state;
  private final Instant start;
  private final long startNanos; // on the request's time source, as every duration the gateway measures
  private AtomicLong requestBodyBytes; // null unless the request body streams
  private volatile Request routed;

  /**
   * Starts measuring a request.
   *
   * @param observers who is told of the record
   * @param received the request as received
   * @param state the request's state, which the stages fill in
   * @param start when it arrived, on the wall clock
   */
  public RequestMeasure(Observers observers, Request received, RequestState state, Instant start) {
    this.observers = observers;
    this.received = received;
    this.state = state;
    this.start = start;
    this.startNanos = state.time().nanoTime();
  }

  /** The request with a body that counts its bytes, if it streams. */
  public Request counting(Request request) {
    if (request.tunnel().isPresent()) {
      // A WebSocket session's client bytes count as they pass: the record is made when the
      // upstream's side ends, which may come first.
      AtomicLong counted = new AtomicLong();
      requestBodyBytes = counted;
      return request.toBuilder().tunnel(CountingBody.passing(request.tunnel().get(), counted)).build();
    }
    Body body = request.body();
    if (body.isEmpty() || body.inMemory().isPresent()) {
      return request;
    }
    AtomicLong counted = new AtomicLong();
    requestBodyBytes = counted;
    return request.toBuilder().body(CountingBody.wrap(body, counted::set)).build();
  }

  /**
   * Records the request as routed (its normalized path).
   *
   * @param request the request the route's chain starts with
   */
  public void routed(Request request) {
    this.routed = request;
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
    Duration duration = Duration.ofNanos(state.time().nanoTime() - startNanos);
    Request request = routed != null ? routed : received;
    Optional<Rejection> why = state.rejection();
    state.trace().end(status, why);
    if (!observers.active()) {
      return;
    }
    long upstreamNanos = state.upstreamNanos();
    Optional<Duration> upstreamDuration = upstreamNanos > 0 ? Optional.of(Duration.ofNanos(upstreamNanos)) : Optional.empty();
    long bytesIn = requestBodyBytes != null ? requestBodyBytes.get()
        : received.body().inMemory().map(b -> (long) b.length).orElse(0L);
    observers.request(new RequestRecord(start, state.requestId(), state.trace().traceId(), state.clientAddress(),
        state.principal().map(Principal::id), state.routeId(), request.method(), request.path(), state.upstreamTarget(),
        status, bytesIn, bytesOut, duration, upstreamDuration, why, state.upstreamAttempts(), state.cacheOutcome()));
  }
}

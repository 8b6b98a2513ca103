package io.gatehouse.observe;

import io.gatehouse.Unstable;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * The trace of one request through the gateway, made by {@link Tracing#start}. The gateway calls
 * {@link #routed} when a route matches, {@link #upstream} for every upstream attempt, and
 * {@link #end} exactly once, when the response has been sent (its body included) or the client
 * has gone.
 *
 * <pre>{@code
 * RequestSpan span = tracing.start(request);
 * span.routed("orders", "/api/orders/{id}");
 * UpstreamSpan call = span.upstream("GET", "http://orders:8080/orders/7", 1);
 * call.inject(headers::set);
 * call.end(200, Optional.empty());
 * span.end(200, Optional.empty());
 * }</pre>
 *
 * <p>Contract: the methods are called on whichever thread the request is on at the time (an I/O
 * thread, a transport's or a timer's), mostly one after another, but a client going away may end
 * the span while an attempt starts; implementations are thread-safe, must not block and must not
 * throw.
 *
 * @since 0.1
 */
@Unstable
public interface RequestSpan {

  /**
   * The trace id, as the request's {@link RequestRecord#traceId()} carries it: 32 lowercase hex
   * digits for W3C Trace Context.
   *
   * <p>{@code log.info("trace {}", span.traceId());}
   *
   * @return the trace id
   */
  String traceId();

  /**
   * A route matched the request.
   *
   * <p>{@code span.routed("orders", "/api/orders/{id}");}
   *
   * @param routeId the route's id
   * @param pathPattern the route's path pattern that matched, such as {@code /api/orders/{id}}
   */
  void routed(String routeId, String pathPattern);

  /**
   * An upstream attempt is about to be sent: starts its span, a child of this one.
   *
   * <p>{@code UpstreamSpan call = span.upstream("GET", "http://orders:8080/orders/7", 1);}
   *
   * @param method the request method
   * @param url the full URL the attempt goes to, query included
   * @param attempt 1 for the first attempt, 2 for the first retry, and so on
   * @return the attempt's span
   */
  UpstreamSpan upstream(String method, String url, int attempt);

  /**
   * Gives the headers that carry this span's context, for calls that have no span of their own
   * (mirror copies). Each header replaces one of the same name.
   *
   * <p>{@code span.inject(headers::set);}
   *
   * @param header takes each header's name and value
   */
  void inject(BiConsumer<String, String> header);

  /**
   * The request ended; called exactly once.
   *
   * <p>{@code span.end(404, Optional.of(Rejection.NO_ROUTE));}
   *
   * @param status the response status; 499 when the client went away before it
   * @param rejection why the gateway answered by itself, if it did
   */
  void end(int status, Optional<Rejection> rejection);
}

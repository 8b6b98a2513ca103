package io.gatehouse.impl.proxy;

import io.gatehouse.filter.Exchange;
import io.gatehouse.http.Response;
import io.gatehouse.impl.chain.RequestState;
import io.gatehouse.impl.ingress.BodyLimit;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.pool.LiveTarget;
import io.gatehouse.impl.problem.RetryAfter;
import io.gatehouse.observe.Rejection;
import io.gatehouse.spi.UpstreamException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CancellationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The problem a client gets when its upstream call failed: 502, or 504 for timeouts; 503 with
 * {@code Retry-After} when no pooled connection came free in time; 413 when the client's body
 * passed the route's cap while streaming; logged once.
 */
final class UpstreamProblems {
  private static final Logger log = LoggerFactory.getLogger(UpstreamProblems.class);

  private UpstreamProblems() {}

  static Response of(RequestState state, String routeId, LiveTarget target, Throwable cause) {
    OptionalLong cap = BodyLimit.exceededCap(cause);
    if (cap.isPresent()) {
      // The client's body passed the route's cap mid-stream; the call was aborted, not the upstream's fault.
      state.reject(Rejection.TOO_LARGE);
      return BodyLimit.tooLarge(cap.getAsLong(), state.requestId());
    }
    if (cause instanceof CancellationException) {
      // The client went away; nobody reads this answer, but the chain still needs one.
      return state.problem(502, "Bad Gateway", "the upstream call was cancelled");
    }
    if (cause instanceof UpstreamException upstream) {
      log.warn("route '{}' request {}: upstream {} failed: {} ({})",
          routeId, state.requestId(), target, upstream.kind(), upstream.getMessage());
      return switch (upstream.kind()) {
        case CONNECT_TIMEOUT -> state.problem(504, "Gateway Timeout", unresolved(upstream)
            ? "the upstream's host name did not resolve in time" : "the upstream did not accept a connection in time");
        case RESPONSE_TIMEOUT -> state.problem(504, "Gateway Timeout", "the upstream did not answer in time");
        case CONNECT_REFUSED -> state.problem(502, "Bad Gateway", unresolved(upstream)
            ? "the upstream's host name did not resolve" : "the upstream could not be reached");
        case CONNECTION_RESET -> state.problem(502, "Bad Gateway", "the upstream closed the connection before answering");
        case PROTOCOL_ERROR -> state.problem(502, "Bad Gateway", "the upstream sent an invalid response");
        case REQUEST_BODY_FAILED -> state.problem(400, "Bad Request", "the request body could not be read");
        case POOL_EXHAUSTED -> poolExhausted(state);
      };
    }
    log.error("route '{}' request {}: upstream {} failed unexpectedly", routeId, state.requestId(), target, cause);
    return state.problem(502, "Bad Gateway", "the upstream call failed");
  }

  private static boolean unresolved(UpstreamException upstream) {
    return upstream.getCause() instanceof UnknownHostException;
  }

  /** Every pooled connection stayed busy: a short, local overload, so the client may come back soon. */
  private static Response poolExhausted(RequestState state) {
    state.reject(Rejection.POOL_EXHAUSTED);
    Response problem = state.problem(503, "Service Unavailable",
        "every connection to the upstream is busy; try again shortly");
    return RetryAfter.on(problem, Duration.ofSeconds(1)); // when a connection frees cannot be known
  }
}

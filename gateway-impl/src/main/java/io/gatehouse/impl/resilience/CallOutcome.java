package io.gatehouse.impl.resilience;

import io.gatehouse.http.BodyTooLargeException;
import io.gatehouse.http.Response;
import io.gatehouse.spi.UpstreamException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

/** How one upstream call ended, as health checks, breakers and retries see it. */
public enum CallOutcome {
  /** A response with a status below 500. */
  SUCCESS,
  /** A response with a 5xx status. */
  SERVER_ERROR,
  /** No connection: refused, unresolved, or not accepted in time. */
  CONNECT_FAILURE,
  /** The connection was reset or closed, or the answer was not HTTP. */
  RESET,
  /** The upstream stayed silent past the response timeout, or the route's deadline passed. */
  TIMEOUT,
  /** The gateway gave the call up (the client left, or another attempt won); no verdict on the target. */
  CANCELLED;

  /**
   * The outcome of a response.
   *
   * @param status the response status
   * @return {@link #SERVER_ERROR} for 5xx, else {@link #SUCCESS}
   */
  public static CallOutcome ofStatus(int status) {
    return status >= 500 ? SERVER_ERROR : SUCCESS;
  }

  /**
   * The outcome of a finished call: its response's, or its failure's.
   *
   * @param response the response, or null when the call failed
   * @param failure the failure, possibly wrapped in a {@link CompletionException}; ignored with a response
   * @return the outcome; a failure that is not an {@link UpstreamException} counts as a reset
   */
  public static CallOutcome of(Response response, Throwable failure) {
    if (response != null) {
      return ofStatus(response.status());
    }
    Throwable cause = unwrapped(failure);
    if (cause instanceof CancellationException || cause instanceof BodyTooLargeException) {
      return CANCELLED; // the client's doing, not the upstream's
    }
    return cause instanceof UpstreamException upstream ? ofFailure(upstream.kind()) : RESET;
  }

  /**
   * The failure a future completed with, without the {@link CompletionException} around it.
   *
   * @return its cause if it is a {@code CompletionException} with one, else itself
   */
  public static Throwable unwrapped(Throwable failure) {
    return failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
  }

  /**
   * The outcome of a transport failure.
   *
   * @param kind what failed
   */
  public static CallOutcome ofFailure(UpstreamException.Kind kind) {
    return switch (kind) {
      case CONNECT_REFUSED, CONNECT_TIMEOUT -> CONNECT_FAILURE;
      case RESPONSE_TIMEOUT -> TIMEOUT;
      case CONNECTION_RESET, PROTOCOL_ERROR -> RESET;
      case REQUEST_BODY_FAILED -> CANCELLED; // the client's fault, not the upstream's
      case POOL_EXHAUSTED -> CANCELLED; // the gateway's own limit: no verdict on the target, no retry
    };
  }

  /**
   * Whether the outcome speaks against the target (for outlier detection).
   *
   * @return true for 5xx, connect failures, resets and timeouts
   */
  public boolean isFailure() {
    return this != SUCCESS && this != CANCELLED;
  }
}

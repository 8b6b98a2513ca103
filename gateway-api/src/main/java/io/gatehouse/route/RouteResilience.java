package io.gatehouse.route;

import io.gatehouse.internal.Text;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.Retry;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * How a route copes with slow and failing upstreams: the timeouts of each upstream call, the
 * deadline of all attempts together, retries, a circuit breaker and the deadline of the whole
 * exchange, response body included. An empty value means the upstream's setting, else the
 * gateway's default. Immutable; made by {@link RouteBuilder} ({@code connectTimeout},
 * {@code responseTimeout}, {@code timeout}, {@code retry}, {@code circuitBreaker},
 * {@code exchangeDeadline}).
 *
 * <p>{@code Optional<Retry> retry = route.resilience().retry();}
 *
 * @since 0.1
 */
public final class RouteResilience {
  private final Optional<Duration> connectTimeout;
  private final Optional<Duration> responseTimeout;
  private final Optional<Duration> responseBodyIdleTimeout;
  private final Optional<Duration> timeout;
  private final Optional<Retry> retry;
  private final Optional<CircuitBreaker> circuitBreaker;
  private final Optional<ExchangeDeadline> exchangeDeadline;

  RouteResilience(Optional<Duration> connectTimeout, Optional<Duration> responseTimeout,
      Optional<Duration> responseBodyIdleTimeout, Optional<Duration> timeout, Optional<Retry> retry,
      Optional<CircuitBreaker> circuitBreaker, Optional<ExchangeDeadline> exchangeDeadline) {
    this.connectTimeout = Objects.requireNonNull(connectTimeout, "connectTimeout");
    this.responseTimeout = Objects.requireNonNull(responseTimeout, "responseTimeout");
    this.responseBodyIdleTimeout = Objects.requireNonNull(responseBodyIdleTimeout, "responseBodyIdleTimeout");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
    this.retry = Objects.requireNonNull(retry, "retry");
    this.circuitBreaker = Objects.requireNonNull(circuitBreaker, "circuitBreaker");
    this.exchangeDeadline = Objects.requireNonNull(exchangeDeadline, "exchangeDeadline");
  }

  /**
   * The time to open a connection to the upstream.
   *
   * @return the timeout; empty means the upstream's, else the gateway's default
   */
  public Optional<Duration> connectTimeout() {
    return connectTimeout;
  }

  /**
   * How long the upstream may stay silent once the request is sent, until its response's head has
   * arrived (an idle timeout).
   *
   * @return the timeout; empty means the upstream's, else the gateway's default
   */
  public Optional<Duration> responseTimeout() {
    return responseTimeout;
  }

  /**
   * How long the upstream's response body may pause between bytes.
   *
   * @return the timeout; empty means the gateway's default
   * @since 0.2
   */
  public Optional<Duration> responseBodyIdleTimeout() {
    return responseBodyIdleTimeout;
  }

  /**
   * The deadline of the whole upstream exchange until the response head, all attempts and
   * backoffs together.
   *
   * @return the deadline, or empty for none
   */
  public Optional<Duration> timeout() {
    return timeout;
  }

  /**
   * How failed upstream calls are retried.
   *
   * @return the policy, or empty for no retries
   */
  public Optional<Retry> retry() {
    return retry;
  }

  /**
   * The route's circuit breaker.
   *
   * @return the breaker's settings, or empty for none
   */
  public Optional<CircuitBreaker> circuitBreaker() {
    return circuitBreaker;
  }

  /**
   * The deadline of the whole exchange, response body included, and the body's slowest rate.
   *
   * @return the deadline; empty means the gateway's
   */
  public Optional<ExchangeDeadline> exchangeDeadline() {
    return exchangeDeadline;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof RouteResilience r && connectTimeout.equals(r.connectTimeout)
        && responseTimeout.equals(r.responseTimeout) && responseBodyIdleTimeout.equals(r.responseBodyIdleTimeout)
        && timeout.equals(r.timeout) && retry.equals(r.retry)
        && circuitBreaker.equals(r.circuitBreaker) && exchangeDeadline.equals(r.exchangeDeadline);
  }

  @Override
  public int hashCode() {
    return Objects.hash(connectTimeout, responseTimeout, responseBodyIdleTimeout, timeout, retry, circuitBreaker,
        exchangeDeadline);
  }

  @Override
  public String toString() {
    return Text.fields(this, "connectTimeout", connectTimeout, "responseTimeout", responseTimeout,
        "responseBodyIdleTimeout", responseBodyIdleTimeout, "timeout", timeout,
        "retry", retry, "circuitBreaker", circuitBreaker, "exchangeDeadline", exchangeDeadline);
  }
}

package io.gatehouse.impl.resilience;

import io.gatehouse.impl.observe.Observers;
import io.gatehouse.observe.GatewayEvent;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.TargetStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One circuit breaker (resilience4j's, on the gateway's clock): {@link #tryAcquire()} before a
 * call, then exactly one of {@link #record} or {@link #release()} after it. Thread-safe and
 * non-blocking. Transitions are logged.
 */
public final class Breaker {
  private static final Logger log = LoggerFactory.getLogger(Breaker.class);
  /** What resilience4j records a failure with; the stack trace would only cost. */
  private static final Exception FAILURE = new Exception("upstream call failed", null, false, false) {
    private static final long serialVersionUID = 1L;
  };

  private final CircuitBreaker spec;
  private final io.github.resilience4j.circuitbreaker.CircuitBreaker breaker;
  private final Clock clock;
  private volatile long openedAt; // clock millis of the last move to open

  /**
   * Creates a breaker.
   *
   * @param name what it guards, for logs: {@code route 'orders'} or a target URL
   * @param spec its settings
   * @param clock the gateway's clock
   * @param observers told of every change of state
   */
  public Breaker(String name, CircuitBreaker spec, Clock clock, Observers observers) {
    this.spec = spec;
    this.clock = clock;
    CircuitBreakerConfig config = CircuitBreakerConfig.custom()
        .failureRateThreshold((float) spec.failureRateThreshold())
        .slowCallRateThreshold((float) spec.slowCallRateThreshold())
        .slowCallDurationThreshold(spec.slowCallDuration())
        .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
        .slidingWindowSize(spec.slidingWindow())
        .minimumNumberOfCalls(spec.minimumCalls())
        .waitDurationInOpenState(spec.openFor())
        .permittedNumberOfCallsInHalfOpenState(spec.halfOpenCalls())
        .automaticTransitionFromOpenToHalfOpenEnabled(false)
        .clock(clock)
        .build();
    this.breaker = io.github.resilience4j.circuitbreaker.CircuitBreaker.of(name, config);
    breaker.getEventPublisher().onStateTransition(event -> {
      if (event.getStateTransition().getToState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
        openedAt = clock.millis();
      }
      log.warn("circuit of {}: {}", name, event.getStateTransition());
      observers.event(new GatewayEvent.CircuitChanged(name, state()));
    });
  }

  /**
   * Asks for a call: false while the circuit is open, or half-open with every probe taken.
   *
   * @return true if the call may go; it must then be recorded or released
   */
  public boolean tryAcquire() {
    return breaker.tryAcquirePermission();
  }

  /**
   * Records how an acquired call ended.
   *
   * @param outcome the outcome
   * @param status the response status, or 0 without a response
   * @param nanos how long the call took
   */
  public void record(CallOutcome outcome, int status, long nanos) {
    boolean failed = switch (outcome) {
      case SUCCESS, SERVER_ERROR -> status >= spec.failureStatusFrom() && status <= spec.failureStatusTo();
      case CONNECT_FAILURE, RESET -> true;
      case TIMEOUT -> spec.timeoutsAreFailures();
      case CANCELLED -> false;
    };
    if (outcome == CallOutcome.CANCELLED || (outcome == CallOutcome.TIMEOUT && !failed)) {
      breaker.releasePermission();
    } else if (failed) {
      breaker.onError(nanos, TimeUnit.NANOSECONDS, FAILURE);
    } else {
      breaker.onSuccess(nanos, TimeUnit.NANOSECONDS);
    }
  }

  /** Gives back an acquired call that was never made. */
  public void release() {
    breaker.releasePermission();
  }

  /**
   * How long until a refused call may be tried again: while open, the time left until the circuit
   * lets probes through (at least zero); while half-open with every probe taken, the time a probe
   * needs is unknown, so zero.
   *
   * @return the wait, for a {@code Retry-After}
   */
  public Duration untilHalfOpen() {
    if (state() != TargetStatus.Circuit.OPEN) {
      return Duration.ZERO;
    }
    long left = openedAt + spec.openFor().toMillis() - clock.millis();
    return left <= 0 ? Duration.ZERO : Duration.ofMillis(left);
  }

  /**
   * The circuit's state now.
   *
   * @return closed, open or half-open
   */
  public TargetStatus.Circuit state() {
    return switch (breaker.getState()) {
      case CLOSED, DISABLED, METRICS_ONLY -> TargetStatus.Circuit.CLOSED;
      case HALF_OPEN -> TargetStatus.Circuit.HALF_OPEN;
      case OPEN, FORCED_OPEN -> TargetStatus.Circuit.OPEN;
    };
  }
}

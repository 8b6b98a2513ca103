package io.gatehouse.impl.resilience;

import io.gatehouse.TimeSource;
import io.gatehouse.impl.carry.CarriedState;
import io.gatehouse.impl.carry.CarryKey;
import io.gatehouse.impl.observe.Observers;
import io.gatehouse.impl.time.MonotonicClock;
import io.gatehouse.observe.GatewayEvent;
import io.gatehouse.upstream.CircuitBreaker;
import io.gatehouse.upstream.TargetStatus;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One circuit breaker (resilience4j's, on the gateway's monotonic time, so a step of the wall clock
 * neither holds a circuit open nor half-opens it early): {@link #tryAcquire()} before a
 * call, then exactly one of {@link #record} or {@link #release()} after it. Thread-safe and
 * non-blocking. Transitions are logged. A gateway swapped in with the same breaker (name and
 * settings) takes the circuit over, open or closed, with its window of outcomes.
 */
public final class Breaker implements CarriedState {
  private static final Logger log = LoggerFactory.getLogger(Breaker.class);
  /** What resilience4j records a failure with; the stack trace would only cost. */
  private static final Exception FAILURE = new Exception("upstream call failed", null, false, false) {
    private static final long serialVersionUID = 1L;
  };

  private final String name;
  private final CircuitBreaker spec;
  private final TimeSource time;
  private final Observers observers;
  private volatile Circuit circuit;

  /**
   * The state: resilience4j's breaker and when it last opened. Its transitions are told to the
   * observers of the newest {@link Breaker} that holds it.
   */
  private static final class Circuit {
    final io.github.resilience4j.circuitbreaker.CircuitBreaker breaker;
    volatile long openedAt; // time.nanoTime() of the last move to open
    volatile Breaker holder;

    Circuit(io.github.resilience4j.circuitbreaker.CircuitBreaker breaker, Breaker holder) {
      this.breaker = breaker;
      this.holder = holder;
    }
  }

  /**
   * Creates a breaker.
   *
   * @param name what it guards, for logs: {@code route 'orders'} or a target URL
   * @param spec its settings
   * @param time the gateway's time source
   * @param observers told of every change of state
   */
  public Breaker(String name, CircuitBreaker spec, TimeSource time, Observers observers) {
    this.name = name;
    this.spec = spec;
    this.time = time;
    this.observers = observers;
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
        .clock(MonotonicClock.of(time))
        .build();
    Circuit created = new Circuit(io.github.resilience4j.circuitbreaker.CircuitBreaker.of(name, config), this);
    created.breaker.getEventPublisher().onStateTransition(event -> {
      if (event.getStateTransition().getToState() == io.github.resilience4j.circuitbreaker.CircuitBreaker.State.OPEN) {
        created.openedAt = time.nanoTime();
      }
      log.warn("circuit of {}: {}", name, event.getStateTransition());
      Breaker holder = created.holder;
      holder.observers.event(new GatewayEvent.CircuitChanged(holder.name, holder.state()));
    });
    this.circuit = created;
  }

  @Override
  public CarryKey carryKey() {
    return new CarryKey("circuit-breaker", name, spec);
  }

  @Override
  public void takeOver(CarriedState previous) {
    Circuit taken = ((Breaker) previous).circuit;
    taken.holder = this;
    circuit = taken;
  }

  /**
   * Asks for a call: false while the circuit is open, or half-open with every probe taken.
   *
   * @return true if the call may go; it must then be recorded or released
   */
  public boolean tryAcquire() {
    return circuit.breaker.tryAcquirePermission();
  }

  /**
   * Records how an acquired call ended.
   *
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
    io.github.resilience4j.circuitbreaker.CircuitBreaker breaker = circuit.breaker;
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
    circuit.breaker.releasePermission();
  }

  /**
   * How long until a refused call may be tried again: while open, the time left until the circuit
   * lets probes through (at least zero); while half-open with every probe taken, the time a probe
   * needs is unknown, so zero.
   *
   * @return the wait, for a {@code Retry-After}
   */
  public Duration untilHalfOpen() {
    Circuit now = circuit;
    if (state(now) != TargetStatus.Circuit.OPEN) {
      return Duration.ZERO;
    }
    long left = spec.openFor().toNanos() - (time.nanoTime() - now.openedAt);
    return left <= 0 ? Duration.ZERO : Duration.ofNanos(left);
  }

  /**
   * The circuit's state now.
   *
   * @return closed, open or half-open
   */
  public TargetStatus.Circuit state() {
    return state(circuit);
  }

  private static TargetStatus.Circuit state(Circuit circuit) {
    return switch (circuit.breaker.getState()) {
      case CLOSED, DISABLED, METRICS_ONLY -> TargetStatus.Circuit.CLOSED;
      case HALF_OPEN -> TargetStatus.Circuit.HALF_OPEN;
      case OPEN, FORCED_OPEN -> TargetStatus.Circuit.OPEN;
    };
  }
}

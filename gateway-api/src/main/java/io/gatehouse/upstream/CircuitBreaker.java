package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
import java.time.Duration;

/**
 * A circuit breaker, for a route ({@code RouteBuilder.circuitBreaker}) or for each target of an
 * {@link Upstream}: it watches the outcome of the last {@code slidingWindow} calls and opens when,
 * after at least {@code minimumCalls}, the share of failures reaches {@code failureRateThreshold}
 * percent or the share of calls slower than {@code slowCallDuration} reaches
 * {@code slowCallRateThreshold} percent. An open route circuit answers 503 at once (or the route's
 * fallback); an open target circuit takes the target out of the rotation. After {@code openFor},
 * {@code halfOpenCalls} probe calls decide whether it closes again. Failures are: no connection, a
 * reset, a status in {@code failureStatusFrom..failureStatusTo} and, if {@code timeoutsAreFailures},
 * a timeout. Driven by the gateway's clock; nothing blocks.
 *
 * <pre>{@code
 * r.circuitBreaker(CircuitBreaker.of().failureRateThreshold(50).openFor(Duration.ofSeconds(10)))
 * }</pre>
 *
 * @param failureRateThreshold the failure percentage that opens the circuit, above 0, at most 100
 * @param slowCallRateThreshold the slow-call percentage that opens the circuit, above 0, at most 100
 * @param slowCallDuration how long a call must take to count as slow
 * @param slidingWindow how many recent calls are counted
 * @param minimumCalls how many calls the window needs before it can open the circuit
 * @param openFor how long the circuit stays open before it lets probes through
 * @param halfOpenCalls how many probes decide whether it closes
 * @param failureStatusFrom the lowest status that counts as a failure
 * @param failureStatusTo the highest status that counts as a failure
 * @param timeoutsAreFailures whether timeouts count as failures
 * @since 0.1
 */
public record CircuitBreaker(double failureRateThreshold, double slowCallRateThreshold, Duration slowCallDuration,
    int slidingWindow, int minimumCalls, Duration openFor, int halfOpenCalls,
    int failureStatusFrom, int failureStatusTo, boolean timeoutsAreFailures) {

  /**
   * Checks every value.
   *
   * @param failureRateThreshold the failure percentage that opens the circuit, above 0, at most 100
   * @param slowCallRateThreshold the slow-call percentage that opens the circuit, above 0, at most 100
   * @param slowCallDuration how long a call must take to count as slow
   * @param slidingWindow how many recent calls are counted
   * @param minimumCalls how many calls the window needs before it can open the circuit
   * @param openFor how long the circuit stays open before it lets probes through
   * @param halfOpenCalls how many probes decide whether it closes
   * @param failureStatusFrom the lowest status that counts as a failure
   * @param failureStatusTo the highest status that counts as a failure
   * @param timeoutsAreFailures whether timeouts count as failures
   */
  public CircuitBreaker {
    Check.positiveAtMost("failureRateThreshold", failureRateThreshold, 100);
    Check.positiveAtMost("slowCallRateThreshold", slowCallRateThreshold, 100);
    Check.positive("slowCallDuration", slowCallDuration);
    Check.atLeast("slidingWindow", slidingWindow, 1);
    Check.atLeast("minimumCalls", minimumCalls, 1);
    Check.positive("openFor", openFor);
    Check.atLeast("halfOpenCalls", halfOpenCalls, 1);
    if (failureStatusFrom < 100 || failureStatusTo > 599 || failureStatusFrom > failureStatusTo) {
      throw Check.invalid("failure statuses", failureStatusFrom + ".." + failureStatusTo, "a range within 100..599");
    }
  }

  /**
   * Opens at 50% failures or 100% calls slower than 60 seconds over the last 20 calls (at least
   * 10), stays open 30 seconds, probes with 3 calls; 5xx statuses and timeouts are failures.
   *
   * @return the breaker
   */
  public static CircuitBreaker of() {
    return new CircuitBreaker(50, 100, Duration.ofSeconds(60), 20, 10, Duration.ofSeconds(30), 3, 500, 599, true);
  }

  /**
   * Sets the failure percentage that opens the circuit.
   *
   * @param percent above 0, at most 100
   * @return a changed copy
   */
  public CircuitBreaker failureRateThreshold(double percent) {
    return new CircuitBreaker(percent, slowCallRateThreshold, slowCallDuration, slidingWindow, minimumCalls,
        openFor, halfOpenCalls, failureStatusFrom, failureStatusTo, timeoutsAreFailures);
  }

  /**
   * Opens the circuit when so many percent of the calls take at least {@code slowerThan}.
   *
   * @param percent above 0, at most 100
   * @param slowerThan the duration from which a call counts as slow
   * @return a changed copy
   */
  public CircuitBreaker slowCallRateThreshold(double percent, Duration slowerThan) {
    return new CircuitBreaker(failureRateThreshold, percent, slowerThan, slidingWindow, minimumCalls,
        openFor, halfOpenCalls, failureStatusFrom, failureStatusTo, timeoutsAreFailures);
  }

  /**
   * Sets how many recent calls are counted, and how many are needed before the circuit can open.
   *
   * @param calls at least 1
   * @param minimumCalls at least 1
   * @return a changed copy
   */
  public CircuitBreaker slidingWindow(int calls, int minimumCalls) {
    return new CircuitBreaker(failureRateThreshold, slowCallRateThreshold, slowCallDuration, calls, minimumCalls,
        openFor, halfOpenCalls, failureStatusFrom, failureStatusTo, timeoutsAreFailures);
  }

  /**
   * Sets how long the circuit stays open before it lets probes through.
   *
   * @param duration more than zero
   * @return a changed copy
   */
  public CircuitBreaker openFor(Duration duration) {
    return new CircuitBreaker(failureRateThreshold, slowCallRateThreshold, slowCallDuration, slidingWindow, minimumCalls,
        duration, halfOpenCalls, failureStatusFrom, failureStatusTo, timeoutsAreFailures);
  }

  /**
   * Sets how many probes decide whether an open circuit closes.
   *
   * @param calls at least 1
   * @return a changed copy
   */
  public CircuitBreaker halfOpenCalls(int calls) {
    return new CircuitBreaker(failureRateThreshold, slowCallRateThreshold, slowCallDuration, slidingWindow, minimumCalls,
        openFor, calls, failureStatusFrom, failureStatusTo, timeoutsAreFailures);
  }

  /**
   * Sets which statuses count as failures.
   *
   * @param from the lowest, at least 100
   * @param to the highest, at most 599
   * @return a changed copy
   */
  public CircuitBreaker failureStatuses(int from, int to) {
    return new CircuitBreaker(failureRateThreshold, slowCallRateThreshold, slowCallDuration, slidingWindow, minimumCalls,
        openFor, halfOpenCalls, from, to, timeoutsAreFailures);
  }

  /**
   * Sets whether timeouts count as failures (they do by default).
   *
   * @param failures true to count them
   * @return a changed copy
   */
  public CircuitBreaker timeoutsAreFailures(boolean failures) {
    return new CircuitBreaker(failureRateThreshold, slowCallRateThreshold, slowCallDuration, slidingWindow, minimumCalls,
        openFor, halfOpenCalls, failureStatusFrom, failureStatusTo, failures);
  }
}

package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.Objects;

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
 * @since 0.1
 */
public final class CircuitBreaker {
  private final double failureRateThreshold;
  private final double slowCallRateThreshold;
  private final Duration slowCallDuration;
  private final int slidingWindow;
  private final int minimumCalls;
  private final Duration openFor;
  private final int halfOpenCalls;
  private final int failureStatusFrom;
  private final int failureStatusTo;
  private final boolean timeoutsAreFailures;

  private CircuitBreaker(double failureRateThreshold, double slowCallRateThreshold, Duration slowCallDuration, int slidingWindow,
      int minimumCalls, Duration openFor, int halfOpenCalls, int failureStatusFrom, int failureStatusTo,
      boolean timeoutsAreFailures) {
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
    this.failureRateThreshold = failureRateThreshold;
    this.slowCallRateThreshold = slowCallRateThreshold;
    this.slowCallDuration = slowCallDuration;
    this.slidingWindow = slidingWindow;
    this.minimumCalls = minimumCalls;
    this.openFor = openFor;
    this.halfOpenCalls = halfOpenCalls;
    this.failureStatusFrom = failureStatusFrom;
    this.failureStatusTo = failureStatusTo;
    this.timeoutsAreFailures = timeoutsAreFailures;
  }

  /**
   * The failure percentage that opens the circuit, above 0, at most 100.
   *
   * @return the setting
   */
  public double failureRateThreshold() {
    return failureRateThreshold;
  }

  /**
   * The slow-call percentage that opens the circuit, above 0, at most 100.
   *
   * @return the setting
   */
  public double slowCallRateThreshold() {
    return slowCallRateThreshold;
  }

  /**
   * How long a call must take to count as slow.
   *
   * @return the setting
   */
  public Duration slowCallDuration() {
    return slowCallDuration;
  }

  /**
   * How many recent calls are counted.
   *
   * @return the setting
   */
  public int slidingWindow() {
    return slidingWindow;
  }

  /**
   * How many calls the window needs before it can open the circuit.
   *
   * @return the setting
   */
  public int minimumCalls() {
    return minimumCalls;
  }

  /**
   * How long the circuit stays open before it lets probes through.
   *
   * @return the setting
   */
  public Duration openFor() {
    return openFor;
  }

  /**
   * How many probes decide whether it closes.
   *
   * @return the setting
   */
  public int halfOpenCalls() {
    return halfOpenCalls;
  }

  /**
   * The lowest status that counts as a failure.
   *
   * @return the setting
   */
  public int failureStatusFrom() {
    return failureStatusFrom;
  }

  /**
   * The highest status that counts as a failure.
   *
   * @return the setting
   */
  public int failureStatusTo() {
    return failureStatusTo;
  }

  /**
   * Whether timeouts count as failures.
   *
   * @return the setting
   */
  public boolean timeoutsAreFailures() {
    return timeoutsAreFailures;
  }

  /**
   * Whether another CircuitBreaker has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof CircuitBreaker o && Double.compare(failureRateThreshold, o.failureRateThreshold) == 0
        && Double.compare(slowCallRateThreshold, o.slowCallRateThreshold) == 0
        && slowCallDuration.equals(o.slowCallDuration)
        && slidingWindow == o.slidingWindow
        && minimumCalls == o.minimumCalls
        && openFor.equals(o.openFor)
        && halfOpenCalls == o.halfOpenCalls
        && failureStatusFrom == o.failureStatusFrom
        && failureStatusTo == o.failureStatusTo
        && timeoutsAreFailures == o.timeoutsAreFailures;
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(failureRateThreshold, slowCallRateThreshold, slowCallDuration, slidingWindow, minimumCalls, openFor, halfOpenCalls, failureStatusFrom, failureStatusTo, timeoutsAreFailures);
  }

  @Override
  public String toString() {
    return Text.fields(this, "failureRateThreshold", failureRateThreshold, "slowCallRateThreshold", slowCallRateThreshold, "slowCallDuration", slowCallDuration, "slidingWindow", slidingWindow, "minimumCalls", minimumCalls, "openFor", openFor, "halfOpenCalls", halfOpenCalls, "failureStatusFrom", failureStatusFrom, "failureStatusTo", failureStatusTo, "timeoutsAreFailures", timeoutsAreFailures);
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

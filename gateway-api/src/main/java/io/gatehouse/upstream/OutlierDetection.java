package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
import java.time.Duration;

/**
 * Passive health: a target whose calls fail {@code consecutiveFailures} times in a row (a 5xx
 * status, no connection, a reset or a timeout) is ejected, taking no traffic for
 * {@code baseEjection} times the number of times it was ejected, at most {@code maxEjection}.
 * A success resets the count; a target that stays in for {@code maxEjection} is forgiven its
 * earlier ejections. Driven by the gateway's clock.
 *
 * <pre>{@code
 * Upstream.of(a, b).outlierDetection(OutlierDetection.consecutiveFailures(5).baseEjection(Duration.ofSeconds(10)))
 * }</pre>
 *
 * @param consecutiveFailures failures in a row that eject a target
 * @param baseEjection how long the first ejection lasts
 * @param maxEjection the longest an ejection lasts
 * @since 0.1
 */
public record OutlierDetection(int consecutiveFailures, Duration baseEjection, Duration maxEjection) {

  /**
   * Checks the values.
   *
   * @param consecutiveFailures failures in a row that eject a target
   * @param baseEjection how long the first ejection lasts
   * @param maxEjection the longest an ejection lasts
   */
  public OutlierDetection {
    Check.atLeast("consecutiveFailures", consecutiveFailures, 1);
    Check.positive("baseEjection", baseEjection);
    Check.positive("maxEjection", maxEjection);
    if (maxEjection.compareTo(baseEjection) < 0) {
      throw Check.invalid("maxEjection", maxEjection, ">= baseEjection, " + baseEjection);
    }
  }

  /**
   * Ejects after so many failures in a row, for 30 seconds the first time, growing to 5 minutes.
   *
   * @param failures at least 1
   * @return the detection
   */
  public static OutlierDetection consecutiveFailures(int failures) {
    return new OutlierDetection(failures, Duration.ofSeconds(30), Duration.ofMinutes(5));
  }

  /**
   * Sets how long the first ejection lasts.
   *
   * @param duration more than zero, at most the longest ejection
   * @return a changed copy
   */
  public OutlierDetection baseEjection(Duration duration) {
    return new OutlierDetection(consecutiveFailures, duration,
        maxEjection.compareTo(Check.positive("baseEjection", duration)) < 0 ? duration : maxEjection);
  }

  /**
   * Sets the longest an ejection lasts.
   *
   * @param duration at least the first ejection's
   * @return a changed copy
   */
  public OutlierDetection maxEjection(Duration duration) {
    return new OutlierDetection(consecutiveFailures, baseEjection, duration);
  }
}

package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.Objects;

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
 * @since 0.1
 */
public final class OutlierDetection {
  private final int consecutiveFailures;
  private final Duration baseEjection;
  private final Duration maxEjection;

  private OutlierDetection(int consecutiveFailures, Duration baseEjection, Duration maxEjection) {
    Check.atLeast("consecutiveFailures", consecutiveFailures, 1);
    Check.positive("baseEjection", baseEjection);
    Check.positive("maxEjection", maxEjection);
    if (maxEjection.compareTo(baseEjection) < 0) {
      throw Check.invalid("maxEjection", maxEjection, ">= baseEjection, " + baseEjection);
    }
    this.consecutiveFailures = consecutiveFailures;
    this.baseEjection = baseEjection;
    this.maxEjection = maxEjection;
  }

  /**
   * Failures in a row that eject a target.
   *
   * @return the setting
   */
  public int consecutiveFailures() {
    return consecutiveFailures;
  }

  /**
   * How long the first ejection lasts.
   *
   * @return the setting
   */
  public Duration baseEjection() {
    return baseEjection;
  }

  /**
   * The longest an ejection lasts.
   *
   * @return the setting
   */
  public Duration maxEjection() {
    return maxEjection;
  }

  /**
   * Whether another OutlierDetection has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof OutlierDetection o && consecutiveFailures == o.consecutiveFailures
        && baseEjection.equals(o.baseEjection)
        && maxEjection.equals(o.maxEjection);
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(consecutiveFailures, baseEjection, maxEjection);
  }

  @Override
  public String toString() {
    return Text.fields(this, "consecutiveFailures", consecutiveFailures, "baseEjection", baseEjection, "maxEjection", maxEjection);
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

package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
import io.gatehouse.internal.Text;
import java.time.Duration;
import java.util.Objects;

/**
 * An active health check: every {@code interval}, each target of an {@link Upstream} gets
 * {@code GET path}; after {@code unhealthyThreshold} failures in a row (a status outside
 * {@code expectedStatusFrom..expectedStatusTo}, no answer within {@code timeout}, or no
 * connection) the target takes no traffic, and after {@code healthyThreshold} successes in a row
 * it takes traffic again. Targets start healthy. The checks run on a thread of the gateway's,
 * which {@code close()} stops.
 *
 * <pre>{@code
 * Upstream.of(a, b).healthCheck(HealthCheck.http("/health").interval(Duration.ofSeconds(5)).unhealthyThreshold(2))
 * }</pre>
 *
 * @since 0.1
 */
public final class HealthCheck {
  private final String path;
  private final Duration interval;
  private final Duration timeout;
  private final int healthyThreshold;
  private final int unhealthyThreshold;
  private final int expectedStatusFrom;
  private final int expectedStatusTo;

  private HealthCheck(String path, Duration interval, Duration timeout, int healthyThreshold, int unhealthyThreshold,
      int expectedStatusFrom, int expectedStatusTo) {
    Objects.requireNonNull(path, "path");
    Check.positive("interval", interval);
    Check.positive("timeout", timeout);
    if (!path.startsWith("/") || path.contains("?") || path.contains("#") || path.contains(" ")) {
      throw new IllegalArgumentException("health check path: '" + path + "' (expected: starting with '/', no query)");
    }
    Check.atLeast("healthyThreshold", healthyThreshold, 1);
    Check.atLeast("unhealthyThreshold", unhealthyThreshold, 1);
    if (expectedStatusFrom < 100 || expectedStatusTo > 599 || expectedStatusFrom > expectedStatusTo) {
      throw Check.invalid("expected statuses", expectedStatusFrom + ".." + expectedStatusTo, "a range within 100..599");
    }
    this.path = path;
    this.interval = interval;
    this.timeout = timeout;
    this.healthyThreshold = healthyThreshold;
    this.unhealthyThreshold = unhealthyThreshold;
    this.expectedStatusFrom = expectedStatusFrom;
    this.expectedStatusTo = expectedStatusTo;
  }

  /**
   * The path to get, starting with {@code /}, appended to the target's base path.
   *
   * @return the setting
   */
  public String path() {
    return path;
  }

  /**
   * The time between two checks of one target.
   *
   * @return the setting
   */
  public Duration interval() {
    return interval;
  }

  /**
   * How long one check may take.
   *
   * @return the setting
   */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Successes in a row that bring an unhealthy target back.
   *
   * @return the setting
   */
  public int healthyThreshold() {
    return healthyThreshold;
  }

  /**
   * Failures in a row that take a healthy target out.
   *
   * @return the setting
   */
  public int unhealthyThreshold() {
    return unhealthyThreshold;
  }

  /**
   * The lowest status that counts as healthy.
   *
   * @return the setting
   */
  public int expectedStatusFrom() {
    return expectedStatusFrom;
  }

  /**
   * The highest status that counts as healthy.
   *
   * @return the setting
   */
  public int expectedStatusTo() {
    return expectedStatusTo;
  }

  /**
   * Whether another HealthCheck has equal settings.
   *
   * @param other the other object
   * @return true if every setting is equal
   */
  @Override
  public boolean equals(Object other) {
    return other instanceof HealthCheck o && path.equals(o.path)
        && interval.equals(o.interval)
        && timeout.equals(o.timeout)
        && healthyThreshold == o.healthyThreshold
        && unhealthyThreshold == o.unhealthyThreshold
        && expectedStatusFrom == o.expectedStatusFrom
        && expectedStatusTo == o.expectedStatusTo;
  }

  /**
   * A hash of every setting, consistent with {@link #equals}.
   *
   * @return the hash
   */
  @Override
  public int hashCode() {
    return Objects.hash(path, interval, timeout, healthyThreshold, unhealthyThreshold, expectedStatusFrom, expectedStatusTo);
  }

  @Override
  public String toString() {
    return Text.fields(this, "path", path, "interval", interval, "timeout", timeout, "healthyThreshold", healthyThreshold, "unhealthyThreshold", unhealthyThreshold, "expectedStatusFrom", expectedStatusFrom, "expectedStatusTo", expectedStatusTo);
  }

  /**
   * Checks {@code GET path} every 10 seconds, within 2 seconds; 2xx and 3xx are healthy; 3 failures
   * in a row take a target out, 2 successes bring it back.
   *
   * @param path the path, such as {@code /health}
   * @return the check
   */
  public static HealthCheck http(String path) {
    return new HealthCheck(path, Duration.ofSeconds(10), Duration.ofSeconds(2), 2, 3, 200, 399);
  }

  /**
   * Sets the time between two checks of one target.
   *
   * @param interval more than zero
   * @return a changed copy
   */
  public HealthCheck interval(Duration interval) {
    return new HealthCheck(path, interval, timeout, healthyThreshold, unhealthyThreshold, expectedStatusFrom, expectedStatusTo);
  }

  /**
   * Sets how long one check may take.
   *
   * @param timeout more than zero
   * @return a changed copy
   */
  public HealthCheck timeout(Duration timeout) {
    return new HealthCheck(path, interval, timeout, healthyThreshold, unhealthyThreshold, expectedStatusFrom, expectedStatusTo);
  }

  /**
   * Sets how many successes in a row bring an unhealthy target back.
   *
   * @param checks at least 1
   * @return a changed copy
   */
  public HealthCheck healthyThreshold(int checks) {
    return new HealthCheck(path, interval, timeout, checks, unhealthyThreshold, expectedStatusFrom, expectedStatusTo);
  }

  /**
   * Sets how many failures in a row take a healthy target out.
   *
   * @param checks at least 1
   * @return a changed copy
   */
  public HealthCheck unhealthyThreshold(int checks) {
    return new HealthCheck(path, interval, timeout, healthyThreshold, checks, expectedStatusFrom, expectedStatusTo);
  }

  /**
   * Sets the statuses that count as healthy.
   *
   * @param from the lowest, at least 100
   * @param to the highest, at most 599
   * @return a changed copy
   */
  public HealthCheck expectStatus(int from, int to) {
    return new HealthCheck(path, interval, timeout, healthyThreshold, unhealthyThreshold, from, to);
  }
}

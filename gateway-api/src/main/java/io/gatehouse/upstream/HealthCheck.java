package io.gatehouse.upstream;

import io.gatehouse.internal.Check;
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
 * @param path the path to get, starting with {@code /}, appended to the target's base path
 * @param interval the time between two checks of one target
 * @param timeout how long one check may take
 * @param healthyThreshold successes in a row that bring an unhealthy target back
 * @param unhealthyThreshold failures in a row that take a healthy target out
 * @param expectedStatusFrom the lowest status that counts as healthy
 * @param expectedStatusTo the highest status that counts as healthy
 * @since 0.1
 */
public record HealthCheck(String path, Duration interval, Duration timeout, int healthyThreshold,
    int unhealthyThreshold, int expectedStatusFrom, int expectedStatusTo) {

  /**
   * Checks every value.
   *
   * @param path the path to get, starting with {@code /}, appended to the target's base path
   * @param interval the time between two checks of one target
   * @param timeout how long one check may take
   * @param healthyThreshold successes in a row that bring an unhealthy target back
   * @param unhealthyThreshold failures in a row that take a healthy target out
   * @param expectedStatusFrom the lowest status that counts as healthy
   * @param expectedStatusTo the highest status that counts as healthy
   */
  public HealthCheck {
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

package io.gatehouse.upstream;

import java.util.Objects;

/**
 * The state of one target at one moment.
 *
 * <p>{@code status.health() == TargetStatus.Health.EJECTED}
 *
 * @param url the target's base URL
 * @param weight its weight
 * @param health what the health checks say
 * @param circuit the state of its circuit breaker
 * @param inFlight the requests in flight to it
 * @since 0.1
 */
public record TargetStatus(String url, int weight, Health health, Circuit circuit, int inFlight) {

  /**
   * Checks that nothing is null.
   *
   * @param url the target's base URL
   * @param weight its weight
   * @param health what the health checks say
   * @param circuit the state of its circuit breaker
   * @param inFlight the requests in flight to it
   */
  public TargetStatus {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(health, "health");
    Objects.requireNonNull(circuit, "circuit");
  }

  /**
   * Whether the target may take a request now (healthy, circuit not open), regardless of its cap.
   *
   * @return true if it may
   */
  public boolean available() {
    return health == Health.HEALTHY && circuit != Circuit.OPEN;
  }

  /** What the health checks say of a target. */
  public enum Health {
    /** It takes traffic. */
    HEALTHY,
    /** The active health check failed it. */
    UNHEALTHY,
    /** Outlier detection ejected it for a while. */
    EJECTED
  }

  /** The state of a target's circuit breaker. */
  public enum Circuit {
    /** The target has no circuit breaker. */
    NONE,
    /** Calls go through. */
    CLOSED,
    /** Calls are refused until probes may go. */
    OPEN,
    /** A few probe calls decide. */
    HALF_OPEN
  }
}

package io.gatehouse;

import java.util.Objects;
import java.util.Optional;

/**
 * One mistake in a gateway configuration, found by {@link Gateway.Builder#build()}.
 *
 * <p>Its {@link #toString()} reads {@code route 'orders': timeout: PT-1S (expected: > 0)}.
 *
 * @param routeId the route the mistake is in, or empty for gateway-wide settings
 * @param field the setting that is wrong, as named in the builder ({@code path}, {@code upstream})
 * @param message the actual value and what was expected
 * @since 0.1
 */
public record ConfigViolation(Optional<String> routeId, String field, String message) {

  /**
   * Checks that no component is null.
   *
   * @param routeId the route the mistake is in, or empty for gateway-wide settings
   * @param field the setting that is wrong, as named in the builder ({@code path}, {@code upstream})
   * @param message the actual value and what was expected
   */
  public ConfigViolation {
    Objects.requireNonNull(routeId, "routeId");
    Objects.requireNonNull(field, "field");
    Objects.requireNonNull(message, "message");
  }

  /**
   * A violation in one route.
   *
   * @param routeId the route's id
   * @param field the setting that is wrong
   * @param message the actual value and what was expected
   * @return the violation
   */
  public static ConfigViolation ofRoute(String routeId, String field, String message) {
    return new ConfigViolation(Optional.of(routeId), field, message);
  }

  /**
   * A violation in a gateway-wide setting.
   *
   * @param field the setting that is wrong
   * @param message the actual value and what was expected
   * @return the violation
   */
  public static ConfigViolation ofGateway(String field, String message) {
    return new ConfigViolation(Optional.empty(), field, message);
  }

  @Override
  public String toString() {
    String subject = routeId.map(id -> "route '" + id + "'").orElse("gateway");
    return subject + ": " + field + ": " + message;
  }
}

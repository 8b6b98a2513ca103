package io.gatehouse.impl.carry;

import java.util.Objects;

/**
 * What a {@link CarriedState} is of.
 *
 * @param kind the kind of state, such as {@code rate-limit}
 * @param scope where it applies: a route id, a limit's name, an upstream group and target
 * @param definition the settings it was built from, compared with {@code equals}
 */
public record CarryKey(String kind, String scope, Object definition) {
  /** Checks that nothing is null. */
  public CarryKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(scope, "scope");
    Objects.requireNonNull(definition, "definition");
  }
}

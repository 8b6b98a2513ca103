package io.gatehouse;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Thrown by {@link Gateway.Builder#build()} when the configuration has mistakes; it lists all of
 * them at once, each naming its route and field.
 *
 * <pre>{@code
 * try {
 *   gateway = builder.build();
 * } catch (GatewayConfigException e) {
 *   e.violations().forEach(v -> log.error("{}", v));
 * }
 * }</pre>
 *
 * @since 0.1
 */
public final class GatewayConfigException extends GatewayException {
  private static final long serialVersionUID = 1L;

  private final transient List<ConfigViolation> violations;

  /**
   * Creates the exception from the violations found.
   *
   * @param violations every mistake found; not empty
   */
  public GatewayConfigException(List<ConfigViolation> violations) {
    super(render(violations));
    this.violations = List.copyOf(violations);
  }

  /**
   * The mistakes, in the order routes were declared.
   *
   * @return every violation found by build()
   */
  public List<ConfigViolation> violations() {
    return violations;
  }

  private static String render(List<ConfigViolation> violations) {
    if (violations.isEmpty()) {
      throw new IllegalArgumentException("violations: [] (expected: at least one)");
    }
    String noun = violations.size() == 1 ? "violation" : "violations";
    return "invalid gateway configuration, " + violations.size() + " " + noun + ":\n  "
        + violations.stream().map(ConfigViolation::toString).collect(Collectors.joining("\n  "));
  }
}

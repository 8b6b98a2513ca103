package io.gatehouse.contract;

import io.gatehouse.GatewayException;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * An OpenAPI spec that cannot be imported: it does not parse, breaks the OpenAPI rules, or uses
 * what Gatehouse does not support yet. Lists every problem found, each with its place in the spec
 * as a JSON Pointer fragment ({@code #/paths/~1pets/get/parameters/0}).
 *
 * <p>{@code openapi 'petstore.json': #/paths/~1pets/get/parameters/0: style: deepObject (expected: form or simple)}
 *
 * @since 0.2
 */
public final class OpenApiException extends GatewayException {
  private static final long serialVersionUID = 1L;

  private final String source;
  private final transient List<Problem> problems;

  OpenApiException(String source, List<Problem> problems) {
    super(render(source, problems));
    this.source = source;
    this.problems = List.copyOf(problems);
  }

  /**
   * One problem in a spec.
   *
   * @param pointer where, as a JSON Pointer fragment ({@code #} for the whole spec)
   * @param reason what is wrong and what was expected
   */
  public record Problem(String pointer, String reason) {
    /**
     * Checks the parts.
     *
     * @param pointer where
     * @param reason what
     */
    public Problem {
      Objects.requireNonNull(pointer, "pointer");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public String toString() {
      return pointer + ": " + reason;
    }
  }

  /** {@return the spec: its file, URL, or {@code the spec text}} */
  public String source() {
    return source;
  }

  /** {@return every problem found, in document order} */
  public List<Problem> problems() {
    return problems;
  }

  private static String render(String source, List<Problem> problems) {
    if (problems.size() == 1) {
      return "openapi " + source + ": " + problems.get(0);
    }
    return "openapi " + source + ": " + problems.size() + " problems:\n  "
        + problems.stream().map(Problem::toString).collect(Collectors.joining("\n  "));
  }
}

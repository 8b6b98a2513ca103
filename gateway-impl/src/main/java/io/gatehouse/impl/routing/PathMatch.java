package io.gatehouse.impl.routing;

import java.util.Map;
import java.util.Objects;

/**
 * One hit of {@link RouteTrie#match(String)}: a value whose pattern matched the path.
 *
 * <p>{@code trie.match("/orders/a%20b").get(0).variables()} gives {@code {id=a%20b}} for
 * {@code /orders/{id}}.
 *
 * @param value the value the pattern was added with
 * @param pattern the pattern that matched; for a value added under several, the first that did
 * @param variables the captured segments by variable name, still percent-encoded as in the path
 * @param <T> the value type
 */
public record PathMatch<T>(T value, PathPattern pattern, Map<String, String> variables) {

  /**
   * Checks that nothing is null and makes the variables unmodifiable.
   *
   * @param value the value the pattern was added with
   * @param pattern the pattern that matched
   * @param variables the captured segments by variable name
   */
  public PathMatch {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(pattern, "pattern");
    variables = Map.copyOf(variables);
  }
}

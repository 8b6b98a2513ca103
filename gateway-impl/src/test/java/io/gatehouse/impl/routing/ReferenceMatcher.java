package io.gatehouse.impl.routing;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/** A naive matcher straight from the pattern text, to check the real ones against. */
final class ReferenceMatcher {
  private ReferenceMatcher() {}

  static Optional<Map<String, String>> match(String pattern, String path) {
    String[] tokens = pattern.substring(1).split("/", -1);
    String[] segments = path.substring(1).split("/", -1);
    boolean rest = tokens[tokens.length - 1].equals("**");
    int fixed = rest ? tokens.length - 1 : tokens.length;
    if (rest ? segments.length < fixed : segments.length != fixed) {
      return Optional.empty();
    }
    Map<String, String> variables = new LinkedHashMap<>();
    for (int i = 0; i < fixed; i++) {
      String t = tokens[i];
      String s = segments[i];
      if (t.equals("*")) {
        if (s.isEmpty()) {
          return Optional.empty();
        }
      } else if (t.startsWith("{")) {
        if (s.isEmpty()) {
          return Optional.empty();
        }
        variables.put(t.substring(1, t.length() - 1), s);
      } else if (!t.equals(s)) {
        return Optional.empty();
      }
    }
    return Optional.of(variables);
  }

  static boolean matches(String pattern, String path) {
    return match(pattern, path).isPresent();
  }
}

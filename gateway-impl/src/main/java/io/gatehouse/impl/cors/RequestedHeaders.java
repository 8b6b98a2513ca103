package io.gatehouse.impl.cors;

import io.gatehouse.http.HttpHeaders;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Reads a preflight's {@code Access-Control-Request-Headers}: a comma-separated list of header
 * names (RFC 9110 §5.6.1), which browsers send lower case, sorted and without spaces
 * ({@code content-type,x-tenant}), and other clients may not. Several field lines are one list;
 * elements are trimmed of spaces and tabs; empty elements are ignored, as RFC 9110 §5.6.1.2 asks of
 * recipients; names are compared in lower case and kept once each, in the order first seen. An
 * element that is not a token makes the whole list malformed.
 *
 * <pre>{@code
 * RequestedHeaders.parse(List.of("X-Tenant , content-type,,x-tenant"));   // [x-tenant, content-type]
 * RequestedHeaders.parse(List.of("x-a;b"));                              // empty: malformed
 * }</pre>
 */
final class RequestedHeaders {
  private RequestedHeaders() {}

  /**
   * The names the field lines list.
   *
   * @param fieldValues the values of every {@code Access-Control-Request-Headers} line, in order
   * @return the distinct names in lower case (an empty list when none is named); empty when malformed
   */
  static Optional<List<String>> parse(List<String> fieldValues) {
    Set<String> names = new LinkedHashSet<>();
    for (String value : fieldValues) {
      for (String untrimmed : value.split(",", -1)) {
        String element = trim(untrimmed);
        if (!element.isEmpty()) {
          if (!HttpHeaders.isValidName(element)) {
            return Optional.empty();
          }
          names.add(element.toLowerCase(Locale.ROOT));
        }
      }
    }
    return Optional.of(List.copyOf(names));
  }

  /** The element without leading and trailing spaces and tabs (RFC 9110 OWS), and nothing else. */
  private static String trim(String value) {
    int from = 0;
    int to = value.length();
    while (from < to && isWhitespace(value.charAt(from))) {
      from++;
    }
    while (to > from && isWhitespace(value.charAt(to - 1))) {
      to--;
    }
    return value.substring(from, to);
  }

  private static boolean isWhitespace(char c) {
    return c == ' ' || c == '\t';
  }
}

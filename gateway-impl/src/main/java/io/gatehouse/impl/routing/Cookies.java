package io.gatehouse.impl.routing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads cookies from {@code Cookie} header values, for route conditions on cookies.
 *
 * <pre>{@code
 * Cookies.parse(List.of("session=abc; theme=\"dark\""));   // {session=[abc], theme=[dark]}
 * }</pre>
 *
 * <p>As RFC 6265 section 5.4 sends them: pairs {@code name=value} separated by {@code ;}. Spaces
 * and tabs around names and values are trimmed, one pair of surrounding double quotes is removed
 * from a value, and a pair without {@code =} or with an empty name is skipped. Values are not
 * decoded. Parsing never fails.
 */
public final class Cookies {
  private Cookies() {}

  /**
   * Reads every cookie from the header values.
   *
   * @param cookieHeaderValues the values of every {@code Cookie} header field, in order
   * @return the values by name, names in order of first appearance; unmodifiable
   */
  public static Map<String, List<String>> parse(List<String> cookieHeaderValues) {
    Objects.requireNonNull(cookieHeaderValues, "cookieHeaderValues");
    Map<String, List<String>> cookies = new LinkedHashMap<>();
    for (String header : cookieHeaderValues) {
      Objects.requireNonNull(header, "cookieHeaderValue");
      int n = header.length();
      int start = 0;
      while (start < n) {
        int semi = header.indexOf(';', start);
        int end = semi < 0 ? n : semi;
        int eq = header.indexOf('=', start);
        if (eq >= 0 && eq < end) {
          String name = trim(header, start, eq);
          if (!name.isEmpty()) {
            String value = trim(header, eq + 1, end);
            if (value.length() >= 2 && value.charAt(0) == '"'
                && value.charAt(value.length() - 1) == '"') {
              value = value.substring(1, value.length() - 1);
            }
            cookies.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
          }
        }
        start = end + 1;
      }
    }
    if (cookies.isEmpty()) {
      return Map.of();
    }
    cookies.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return Collections.unmodifiableMap(cookies);
  }

  private static String trim(String s, int from, int to) {
    while (from < to && isOws(s.charAt(from))) {
      from++;
    }
    while (to > from && isOws(s.charAt(to - 1))) {
      to--;
    }
    return s.substring(from, to);
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }
}

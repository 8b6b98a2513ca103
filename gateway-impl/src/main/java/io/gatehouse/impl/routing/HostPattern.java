package io.gatehouse.impl.routing;

import java.util.Locale;
import java.util.Objects;

/**
 * A route host pattern: an exact host name, {@code *.} followed by a domain, or a bracketed IPv6
 * literal; matched against the {@code Host} header value case-insensitively, without its port and
 * trailing dot.
 *
 * <pre>{@code
 * HostPattern p = HostPattern.parse("*.example.com");
 * p.matches("a.b.Example.com:8443");   // true
 * p.matches("example.com");            // false
 * }</pre>
 *
 * <p>{@code *.example.com} matches any host with at least one label before {@code .example.com},
 * not {@code example.com} itself. Immutable.
 */
public final class HostPattern {
  private final String pattern;
  /** The exact host in lower case, or for a wildcard the suffix with its leading dot. */
  private final String host;
  private final boolean wildcard;

  private HostPattern(String pattern, String host, boolean wildcard) {
    this.pattern = pattern;
    this.host = host;
    this.wildcard = wildcard;
  }

  /**
   * Parses a host pattern. A trailing dot is ignored.
   *
   * @param pattern such as {@code api.example.com}, {@code *.example.com} or {@code [::1]}
   * @throws IllegalArgumentException naming the pattern and what was expected, such as
   *     {@code host: 'a.example.com:80' (expected: no port; it is ignored when matching)}
   */
  public static HostPattern parse(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    String p = pattern.endsWith(".") && !pattern.endsWith("..")
        ? pattern.substring(0, pattern.length() - 1) : pattern;
    if (p.isEmpty()) {
      throw invalid(pattern, "a host name such as 'api.example.com' or '*.example.com'");
    }
    if (p.charAt(0) == '[') {
      if (p.charAt(p.length() - 1) != ']' || p.length() < 4 || !isIpv6(p, 1, p.length() - 1)) {
        throw invalid(pattern, "an IPv6 literal in brackets, such as '[::1]'");
      }
      return new HostPattern(pattern, p.toLowerCase(Locale.ROOT), false);
    }
    if (p.indexOf('/') >= 0) {
      throw invalid(pattern, "a host name without '/'");
    }
    if (p.indexOf(':') >= 0) {
      throw invalid(pattern, "no port; it is ignored when matching");
    }
    boolean wildcard = p.startsWith("*.");
    String name = wildcard ? p.substring(2) : p;
    if (name.indexOf('*') >= 0 || p.equals("*")) {
      throw invalid(pattern, "'*' only as a whole first label, as in '*.example.com'");
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
          || c == '-' || c == '_' || c == '.';
      if (!ok) {
        throw invalid(pattern, "letters, digits, '-', '_' and '.' only");
      }
    }
    if (name.isEmpty() || name.startsWith(".") || name.endsWith(".") || name.contains("..")) {
      throw invalid(pattern, "no empty label");
    }
    String lower = name.toLowerCase(Locale.ROOT);
    return new HostPattern(pattern, wildcard ? "." + lower : lower, wildcard);
  }

  private static boolean isIpv6(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      char c = s.charAt(i);
      if (!(PathNormalizer.hex(c) >= 0 || c == ':' || c == '.')) {
        return false;
      }
    }
    return s.indexOf(':', from) >= 0;
  }

  private static IllegalArgumentException invalid(String pattern, String expected) {
    return new IllegalArgumentException("host: '" + pattern + "' (expected: " + expected + ")");
  }

  /**
   * Whether a {@code Host} header value (or {@code :authority}) matches: case-insensitively,
   * ignoring a {@code :port} suffix and a trailing dot.
   *
   * @param hostHeaderValue such as {@code api.example.com:8443} or {@code [::1]:8080}
   * @return true on a match; false for anything that is not a host
   */
  public boolean matches(String hostHeaderValue) {
    Objects.requireNonNull(hostHeaderValue, "hostHeaderValue");
    String v = hostHeaderValue;
    int end;
    if (!v.isEmpty() && v.charAt(0) == '[') {
      end = v.indexOf(']') + 1;
      if (end == 0 || end < v.length() && v.charAt(end) != ':') {
        return false;
      }
    } else {
      end = v.indexOf(':');
      if (end < 0) {
        end = v.length();
      }
    }
    if (end > 0 && v.charAt(end - 1) == '.') {
      end--;
    }
    int length = host.length();
    if (wildcard) {
      return end > length && equalsIgnoreAsciiCase(v, end - length, length);
    }
    return end == length && equalsIgnoreAsciiCase(v, 0, length);
  }

  // Not String.regionMatches(true, ...): its Unicode folding would let the Kelvin sign match 'k'.
  private boolean equalsIgnoreAsciiCase(String v, int from, int length) {
    for (int i = 0; i < length; i++) {
      char c = v.charAt(from + i);
      if (c >= 'A' && c <= 'Z') {
        c = (char) (c + ('a' - 'A'));
      }
      if (c != host.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The pattern as written.
   *
   * @return such as {@code *.example.com}
   */
  public String pattern() {
    return pattern;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof HostPattern && ((HostPattern) o).pattern.equals(pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  @Override
  public String toString() {
    return pattern;
  }
}

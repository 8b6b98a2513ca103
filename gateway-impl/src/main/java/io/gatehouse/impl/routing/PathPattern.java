package io.gatehouse.impl.routing;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A parsed route path pattern, matched segment by segment against a normalized path.
 *
 * <pre>{@code
 * PathPattern p = PathPattern.parse("/api/orders/{id}");
 * p.variableNames();                                   // [id]
 * PathPattern.parse("/api/**").covers(p);              // true
 * }</pre>
 *
 * <p>Syntax: the pattern starts with {@code /} and is split at {@code /} into segments. A segment
 * is one of:
 * <ul>
 *   <li>a literal, matched exactly and case-sensitively (ASCII-case-insensitively in a trie built
 *       with {@link RouteTrie#builder(boolean)}). It may contain percent-escapes, but must
 *       already be in the form {@link PathNormalizer} produces: {@code /%61dmin}, {@code /a/../b},
 *       {@code /a;b} and {@code /%2F} are configuration errors, since no normalized path could
 *       ever match them as written;
 *   <li>{@code {name}}: one non-empty segment, captured under {@code name}, a Java identifier
 *       unique within the pattern;
 *   <li>{@code *}: one non-empty segment;
 *   <li>{@code **}, only as the last segment: zero or more segments, so {@code /api/**} matches
 *       {@code /api}, {@code /api/} and {@code /api/x/y}.
 * </ul>
 * Partial segments ({@code /files/{name}.json}, {@code /a*b}) and empty segments ({@code //}) are
 * refused. {@code /} alone is the root. A trailing slash is significant: {@code /a/} matches only
 * {@code /a/}, and {@code /a/*} does not match {@code /a/}.
 *
 * <p>Immutable; equal when the pattern strings are equal.
 */
public final class PathPattern {
  private final String pattern;
  private final List<Segment> segments;
  private final boolean rest;
  private final List<String> variableNames;

  private PathPattern(String pattern, List<Segment> segments, boolean rest, List<String> names) {
    this.pattern = pattern;
    this.segments = segments;
    this.rest = rest;
    this.variableNames = names;
  }

  /**
   * Parses a pattern.
   *
   * @param pattern such as {@code /orders/{id}} or {@code /static/**}
   * @throws IllegalArgumentException naming the pattern and what was expected, such as
   *     {@code path: '/a/**}{@code /b' (expected: '**' only as the last segment)}; callers prefix
   *     the route
   */
  public static PathPattern parse(String pattern) {
    Objects.requireNonNull(pattern, "pattern");
    if (pattern.isEmpty() || pattern.charAt(0) != '/') {
      throw invalid(pattern, "starting with '/'");
    }
    if (pattern.length() > PathNormalizer.MAX_LENGTH) {
      throw invalid(pattern, "at most " + PathNormalizer.MAX_LENGTH + " characters");
    }
    List<Segment> segments = new ArrayList<>();
    List<String> names = new ArrayList<>();
    boolean rest = false;
    int start = 1;
    while (true) {
      int slash = pattern.indexOf('/', start);
      boolean last = slash < 0;
      int end = last ? pattern.length() : slash;
      String s = pattern.substring(start, end);
      if (s.equals("**")) {
        if (!last) {
          throw invalid(pattern, "'**' only as the last segment");
        }
        rest = true;
      } else if (s.equals("*")) {
        segments.add(Segment.ONE);
      } else if (s.startsWith("{") && s.endsWith("}") && s.length() >= 2) {
        String name = s.substring(1, s.length() - 1);
        if (!isJavaIdentifier(name)) {
          throw invalid(pattern, "a variable name that is a Java identifier, but was '" + name + "'");
        }
        if (names.contains(name)) {
          throw invalid(pattern, "distinct variable names, but '" + name + "' repeats");
        }
        names.add(name);
        segments.add(Segment.variable(name));
      } else if (s.isEmpty()) {
        if (!last) {
          throw invalid(pattern, "no empty segment ('//')");
        }
        segments.add(Segment.literal(s)); // the root, or a trailing slash
      } else {
        segments.add(Segment.literal(literal(pattern, s)));
      }
      if (last) {
        break;
      }
      start = slash + 1;
    }
    return new PathPattern(pattern, List.copyOf(segments), rest, List.copyOf(names));
  }

  private static String literal(String pattern, String s) {
    if (s.indexOf('{') >= 0 || s.indexOf('}') >= 0) {
      throw invalid(pattern, "'{' and '}' only around a whole segment, as in '/files/{name}'");
    }
    if (s.indexOf('*') >= 0) {
      throw invalid(pattern, "'*' and '**' only as a whole segment");
    }
    String decodedDots = s.replace("%2e", ".").replace("%2E", ".");
    if (decodedDots.equals(".") || decodedDots.equals("..")) {
      throw invalid(pattern, "no '.' or '..' segment");
    }
    String normalized;
    try {
      normalized = PathNormalizer.normalize("/" + s);
    } catch (InvalidPathException e) {
      throw invalid(pattern, "segments a request path may have, but " + e.reason());
    }
    if (!normalized.equals("/" + s)) {
      throw invalid(pattern,
          "segments in normal form, '" + normalized.substring(1) + "' instead of '" + s + "'");
    }
    return s;
  }

  private static boolean isJavaIdentifier(String name) {
    if (name.isEmpty() || !Character.isJavaIdentifierStart(name.charAt(0))) {
      return false;
    }
    for (int i = 1; i < name.length(); i++) {
      if (!Character.isJavaIdentifierPart(name.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static IllegalArgumentException invalid(String pattern, String expected) {
    return new IllegalArgumentException("path: '" + pattern + "' (expected: " + expected + ")");
  }

  /**
   * The pattern as written.
   *
   * @return such as {@code /orders/{id}}
   */
  public String pattern() {
    return pattern;
  }

  /**
   * The variables that every one of these patterns has, in the first pattern's order; none
   * without patterns. A pattern that does not parse is skipped (routing reports it).
   *
   * @param patterns a route's path patterns
   * @return the common variables
   */
  public static java.util.Set<String> commonVariables(List<String> patterns) {
    java.util.Set<String> common = null;
    for (String p : patterns) {
      java.util.Set<String> names;
      try {
        names = new java.util.LinkedHashSet<>(parse(p).variableNames());
      } catch (IllegalArgumentException e) {
        continue;
      }
      if (common == null) {
        common = names;
      } else {
        common.retainAll(names);
      }
    }
    return common == null ? java.util.Set.of() : common;
  }

  /**
   * The names of the captured variables, in the order they appear.
   *
   * @return the names; empty when the pattern captures nothing
   */
  public List<String> variableNames() {
    return variableNames;
  }

  /**
   * Whether this pattern matches every path that {@code other} matches, so a route with
   * {@code other} declared after one with this pattern could never win on its path. Exact: when
   * false, some normalized path matches {@code other} but not this.
   *
   * @param other the pattern of a later route
   * @return true if {@code other} is shadowed by this
   */
  public boolean covers(PathPattern other) {
    return covers(other, false);
  }

  /**
   * {@link #covers(PathPattern)}, with literals compared ignoring ASCII case when
   * {@code ignoreCase}: as in a trie built with {@link RouteTrie#builder(boolean)}.
   *
   * @param other the pattern of a later route
   * @param ignoreCase whether literals match ignoring ASCII case
   * @return true if {@code other} is shadowed by this
   */
  public boolean covers(PathPattern other, boolean ignoreCase) {
    Objects.requireNonNull(other, "other");
    int n = segments.size();
    int m = other.segments.size();
    if (rest) {
      // Matches every path of at least n segments whose first n match; other's paths all are such
      // paths only if other has at least n fixed segments, each covered.
      if (m < n) {
        return false;
      }
    } else if (other.rest || m != n) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (!segments.get(i).covers(other.segments.get(i), ignoreCase)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether the pattern matches the normalized path when the case of ASCII letters in its literal
   * segments is ignored: how a case-insensitive {@link RouteTrie} would decide, for explaining.
   *
   * @param normalizedPath a path as {@link PathNormalizer#normalize(String)} returns it
   * @return true if it matches ignoring case
   */
  public boolean matchesIgnoringCase(String normalizedPath) {
    String[] parts = normalizedPath.substring(1).split("/", -1);
    int n = segments.size();
    if (parts.length < n || (!rest && parts.length != n)) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      Segment s = segments.get(i);
      boolean ok = s.isLiteral() ? AsciiCase.equals(s.literal(), parts[i]) : !parts[i].isEmpty();
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  /**
   * Whether this pattern matches some path that {@code other} would match if case were ignored,
   * but does not match because it differs from {@code other}'s literals in the case of an ASCII
   * letter: a route with this pattern takes the case variants of {@code other}'s paths, in
   * whichever order the two are declared. {@code /**} and {@code /ADMIN/**} take such variants of
   * {@code /admin/**}; {@code /admin/**}, {@code /api/**} and {@code /123} do not.
   *
   * @param other the pattern whose case variants are in question
   * @return true if some case variant of a path of {@code other} matches this
   */
  public boolean coversCaseVariantOf(PathPattern other) {
    Objects.requireNonNull(other, "other");
    int n = segments.size();
    int m = other.segments.size();
    // Each side's '**' matches whatever segments the other has beyond it.
    boolean lengthsFit = rest && other.rest || (rest ? m >= n : other.rest ? n >= m : n == m);
    if (!lengthsFit) {
      return false;
    }
    boolean variant = false;
    for (int i = 0; i < m; i++) {
      Segment theirs = other.segments.get(i);
      if (i >= n) { // under this pattern's '**': any case of their literal
        variant |= theirs.isLiteral() && AsciiCase.hasLetter(theirs.literal());
        continue;
      }
      Segment mine = segments.get(i);
      if (!theirs.isLiteral()) {
        if (mine.isLiteral()) {
          return false;
        }
        continue;
      }
      if (mine.isLiteral()) {
        if (!AsciiCase.equals(mine.literal(), theirs.literal())) {
          return false;
        }
        variant |= !mine.literal().equals(theirs.literal());
      } else {
        if (theirs.literal().isEmpty()) {
          return false;
        }
        variant |= AsciiCase.hasLetter(theirs.literal());
      }
    }
    return variant;
  }

  /** The fixed segments, without a final {@code **}. */
  List<Segment> segments() {
    return segments;
  }

  /** Whether the pattern ends in {@code **}. */
  boolean endsWithRest() {
    return rest;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathPattern && ((PathPattern) o).pattern.equals(pattern);
  }

  @Override
  public int hashCode() {
    return pattern.hashCode();
  }

  @Override
  public String toString() {
    return pattern;
  }

  /**
   * One fixed segment of a pattern: a literal (possibly empty, for the root or a trailing slash),
   * or a one-segment wildcard with an optional variable name.
   */
  static final class Segment {
    static final Segment ONE = new Segment(null, null);

    private final String literal;
    private final String variable;

    private Segment(String literal, String variable) {
      this.literal = literal;
      this.variable = variable;
    }

    static Segment literal(String text) {
      return new Segment(text, null);
    }

    static Segment variable(String name) {
      return new Segment(null, name);
    }

    boolean isLiteral() {
      return literal != null;
    }

    /** The literal text; only for a literal. */
    String literal() {
      return literal;
    }

    /** The variable name, or null for {@code *} and literals. */
    String variable() {
      return variable;
    }

    /** Whether this matches every segment {@code other} matches; wildcards need a non-empty one. */
    boolean covers(Segment other, boolean ignoreCase) {
      if (isLiteral()) {
        return other.isLiteral() && (ignoreCase ? AsciiCase.equals(literal, other.literal) : literal.equals(other.literal));
      }
      return !other.isLiteral() || !other.literal.isEmpty();
    }

    @Override
    public String toString() {
      return isLiteral() ? literal : variable == null ? "*" : "{" + variable + "}";
    }
  }
}

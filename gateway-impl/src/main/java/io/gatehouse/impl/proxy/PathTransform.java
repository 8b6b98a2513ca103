package io.gatehouse.impl.proxy;

import io.gatehouse.impl.routing.PathNormalizer;
import io.gatehouse.route.PathRewrite;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Strip-prefix, then rewrite: what turns the path a route matched into the path the upstream
 * receives. The result is normalized again, so a rewrite cannot smuggle a dot segment upstream.
 */
public final class PathTransform {
  /** A named group's opening, {@code (?<name>}, not escaped. */
  private static final Pattern NAMED_GROUP = Pattern.compile("(?<!\\\\)\\(\\?<([a-zA-Z][a-zA-Z0-9]*)>");

  private static final PathTransform IDENTITY = new PathTransform(0, null, List.of());

  private final int strip;
  private final Pattern regex;
  /** The replacement split into literal parts (even indexes) and variable names (odd indexes). */
  private final List<String> parts;

  private PathTransform(int strip, Pattern regex, List<String> parts) {
    this.strip = strip;
    this.regex = regex;
    this.parts = parts;
  }

  static PathTransform of(int strip, Optional<PathRewrite> rewrite) {
    if (strip == 0 && rewrite.isEmpty()) {
      return IDENTITY;
    }
    Pattern regex = rewrite.map(r -> Pattern.compile(r.regex())).orElse(null);
    List<String> parts = rewrite.map(r -> split(r.replacement())).orElse(List.of());
    return new PathTransform(strip, regex, parts);
  }

  /**
   * What is wrong with the regex group references ({@code $1}, {@code ${name}}) and escapes of a
   * replacement, as {@link Matcher#replaceAll} would find at the first matching request; empty
   * when nothing is. Only the literal parts count: {@code {variable}}s are quoted when applied.
   */
  public static Optional<String> groupReferenceProblem(Pattern regex, String replacement) {
    int groups = regex.matcher("").groupCount();
    Set<String> named = namedGroups(regex.pattern());
    List<String> parts = split(replacement);
    for (int p = 0; p < parts.size(); p += 2) {
      String literal = parts.get(p);
      for (int i = 0; i < literal.length(); i++) {
        char c = literal.charAt(i);
        if (c == '\\') {
          if (++i == literal.length()) {
            return Optional.of("replacement '" + replacement + "' ends with an unpaired \\ (expected: \\\\ for a backslash)");
          }
        } else if (c == '$') {
          if (i + 1 == literal.length()) {
            return Optional.of("replacement '" + replacement + "' ends with an unpaired $ (expected: $n, ${name} or \\$)");
          }
          char next = literal.charAt(i + 1);
          if (next == '{') {
            int close = literal.indexOf('}', i);
            String name = close < 0 ? "" : literal.substring(i + 2, close);
            if (!named.contains(name)) {
              return Optional.of("replacement '" + replacement + "' refers to group ${" + name + "}, which regex '"
                  + regex.pattern() + "' does not have (expected: one of " + new TreeSet<>(named) + ")");
            }
            i = close;
          } else if (next >= '0' && next <= '9') {
            if (next - '0' > groups) {
              return Optional.of("replacement '" + replacement + "' refers to group $" + next + ", but regex '"
                  + regex.pattern() + "' has " + groups + " group" + (groups == 1 ? "" : "s")
                  + " (expected: $0 to $" + groups + ")");
            }
            i++;
          } else {
            return Optional.of("replacement '" + replacement + "' has a $ not followed by a group number or {name}"
                + " (expected: $n, ${name} or \\$)");
          }
        }
      }
    }
    return Optional.empty();
  }

  /** The names of a regex's named groups, {@code (?<name>...)}. */
  private static Set<String> namedGroups(String regex) {
    Set<String> names = new HashSet<>();
    Matcher m = NAMED_GROUP.matcher(regex);
    while (m.find()) {
      names.add(m.group(1));
    }
    return names;
  }

  /** The variable names a replacement refers to as {@code {name}} (not {@code ${group}}). */
  public static List<String> variables(String replacement) {
    List<String> parts = split(replacement);
    List<String> names = new ArrayList<>();
    for (int i = 1; i < parts.size(); i += 2) {
      names.add(parts.get(i));
    }
    return names;
  }

  /**
   * Applies the transform.
   *
   * @throws io.gatehouse.impl.routing.InvalidPathException if the rewritten path is not valid
   */
  String apply(String path, Map<String, String> variables) {
    if (this == IDENTITY) {
      return path;
    }
    String result = stripSegments(path, strip);
    if (regex != null) {
      StringBuilder replacement = new StringBuilder();
      for (int i = 0; i < parts.size(); i++) {
        String part = parts.get(i);
        replacement.append(i % 2 == 0 ? part : Matcher.quoteReplacement(variables.getOrDefault(part, "")));
      }
      result = regex.matcher(result).replaceAll(replacement.toString());
      if (!result.startsWith("/")) {
        result = "/" + result;
      }
      result = PathNormalizer.normalize(result);
    }
    return result;
  }

  static String stripSegments(String path, int segments) {
    int at = 0;
    for (int i = 0; i < segments; i++) {
      int next = path.indexOf('/', at + 1);
      if (next < 0) {
        return "/";
      }
      at = next;
    }
    return path.substring(at);
  }

  private static List<String> split(String replacement) {
    List<String> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int i = 0;
    while (i < replacement.length()) {
      char c = replacement.charAt(i);
      boolean groupReference = i > 0 && replacement.charAt(i - 1) == '$';
      int close = replacement.indexOf('}', i);
      if (c == '{' && !groupReference && close > i + 1) {
        parts.add(literal.toString());
        literal.setLength(0);
        parts.add(replacement.substring(i + 1, close));
        i = close + 1;
      } else {
        literal.append(c);
        i++;
      }
    }
    parts.add(literal.toString());
    return List.copyOf(parts);
  }
}

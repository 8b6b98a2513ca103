package io.gatehouse.impl.aggregate;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A backend's path-and-query template ({@code /users/{id}/orders?since={since}}) or header value
 * template, parsed once at build(). Expanding it percent-encodes each value for where it lands: in
 * the path every byte but the unreserved characters (so a value cannot add a segment, and a value
 * of {@code .} or {@code ..} cannot climb one), in the query the same (so it cannot add a
 * parameter); in a header value it is used as it is, and a value with a control character fails.
 */
public final class Template {
  private static final String PATH_CHARS = "-._~!$&'()*+,;=:@/";
  private static final String QUERY_CHARS = PATH_CHARS + "?";

  /** A literal run or a variable; {@code inQuery} says where a variable lands. */
  private record Part(String literal, String variable, boolean inQuery) {}

  private final String source;
  private final List<Part> parts;
  private final boolean header;

  private Template(String source, List<Part> parts, boolean header) {
    this.source = source;
    this.parts = List.copyOf(parts);
    this.header = header;
  }

  /**
   * Parses a path template.
   *
   * @throws IllegalArgumentException with {@code 'source' <problem> (expected: ...)}
   */
  public static Template path(String source) {
    if (!source.startsWith("/")) {
      throw problem(source, "does not start with '/'", "a path such as /users/{id}, with an optional query");
    }
    return parse(source, false);
  }

  /**
   * Parses a header value template.
   *
   * @throws IllegalArgumentException with {@code 'source' <problem> (expected: ...)}
   */
  public static Template header(String source) {
    return parse(source, true);
  }

  private static Template parse(String source, boolean header) {
    List<Part> parts = new ArrayList<>();
    boolean inQuery = false;
    StringBuilder literal = new StringBuilder();
    for (int i = 0; i < source.length(); i++) {
      char c = source.charAt(i);
      if (c == '{') {
        int end = source.indexOf('}', i);
        if (end < 0) {
          throw problem(source, "has a '{' without '}'", "{name} placeholders");
        }
        String name = source.substring(i + 1, end);
        if (!name.matches("[A-Za-z_][A-Za-z0-9_]{0,63}")) {
          throw problem(source, "has the placeholder {" + name + "}",
              "{name}: a letter or '_', then up to 63 of letters, digits, '_'");
        }
        if (literal.length() > 0) {
          parts.add(new Part(literal.toString(), null, inQuery));
          literal.setLength(0);
        }
        parts.add(new Part(null, name, inQuery));
        i = end;
        continue;
      }
      if (c == '}') {
        throw problem(source, "has a '}' without '{'", "{name} placeholders");
      }
      if (header) {
        if (c < 0x20 && c != '\t' || c == 0x7f) {
          throw problem(source, "has a control character", "a header value");
        }
      } else if (c == '%') {
        if (i + 2 >= source.length() || Character.digit(source.charAt(i + 1), 16) < 0
            || Character.digit(source.charAt(i + 2), 16) < 0) {
          throw problem(source, "has a '%' that is not followed by two hex digits", "a percent-encoded path");
        }
      } else if (c == '?' && !inQuery) {
        inQuery = true;
      } else if (!isUnreserved(c) && (inQuery ? QUERY_CHARS : PATH_CHARS).indexOf(c) < 0) {
        throw problem(source, "has the character '" + c + "'",
            "only the characters RFC 3986 allows in a path and query, others percent-encoded; no fragment");
      }
      literal.append(c);
    }
    if (literal.length() > 0) {
      parts.add(new Part(literal.toString(), null, inQuery));
    }
    return new Template(source, parts, header);
  }

  private static IllegalArgumentException problem(String source, String problem, String expected) {
    return new IllegalArgumentException("'" + source + "' " + problem + " (expected: " + expected + ")");
  }

  /** {@return the variables the template uses, in order of first use} */
  public Set<String> variables() {
    Set<String> names = new LinkedHashSet<>();
    parts.forEach(p -> {
      if (p.variable() != null) {
        names.add(p.variable());
      }
    });
    return names;
  }

  /**
   * Fills the template.
   *
   * @param values a value for every variable
   * @return the path and query, or the header value
   * @throws IllegalArgumentException naming the variable whose value cannot be used
   */
  public String expand(Map<String, String> values) {
    StringBuilder out = new StringBuilder(source.length() + 16);
    for (Part part : parts) {
      if (part.literal() != null) {
        out.append(part.literal());
        continue;
      }
      String value = values.get(part.variable());
      if (value == null) {
        throw new IllegalArgumentException("{" + part.variable() + "} has no value");
      }
      if (header) {
        for (int i = 0; i < value.length(); i++) {
          char c = value.charAt(i);
          if (c < 0x20 && c != '\t' || c == 0x7f) {
            throw new IllegalArgumentException("{" + part.variable() + "} has a control character, not allowed in a header");
          }
        }
        out.append(value);
      } else if (!part.inQuery() && value.isEmpty()) {
        throw new IllegalArgumentException("{" + part.variable() + "} is empty, not allowed as a path segment");
      } else {
        encode(value, !part.inQuery() && (value.equals(".") || value.equals("..")), out);
      }
    }
    return out.toString();
  }

  private static void encode(String value, boolean dots, StringBuilder out) {
    for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if (isUnreserved(c) && !(dots && c == '.')) {
        out.append(c);
      } else {
        out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      }
    }
  }

  private static boolean isUnreserved(char c) {
    return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_'
        || c == '~';
  }

  @Override
  public String toString() {
    return source;
  }
}

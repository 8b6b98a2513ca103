package io.gatehouse.impl.routing;

import java.util.Objects;

/**
 * Brings a request path into the one form routes are matched against, or refuses it, so that no
 * spelling of a path reaches a route whose auth does not cover it.
 *
 * <pre>{@code
 * String path = PathNormalizer.normalize("/public/../%61dmin");   // "/admin"
 * }</pre>
 *
 * <p>The rules, applied in one pass:
 * <ul>
 *   <li>The path must start with {@code /} and be at most {@value #MAX_LENGTH} characters long.
 *   <li>Allowed raw characters are ALPHA, DIGIT and {@code -._~!$&'()*+,=:@/%}. Everything else is
 *       refused: space, {@code "<>\^`{|}}, {@code #}, {@code ?}, control and non-ASCII characters.
 *       {@code ;} is refused too: servers such as Tomcat strip path parameters, so
 *       {@code /admin;x=y} would reach {@code /admin} upstream while matching another route here.
 *   <li>{@code %} must be followed by two hex digits. An escape that decodes to {@code /},
 *       {@code \}, {@code ;}, NUL or another control character ({@code %01}-{@code %1F},
 *       {@code %7F}) is refused: it would mean something else once an upstream decodes it. An
 *       upstream that decodes {@code %3B} before it strips path parameters reads
 *       {@code /public/..%3B/admin} as {@code /public/../admin} and {@code /admin%3Bx} as
 *       {@code /admin}, so {@code %3B} is refused anywhere, as {@code ;} is, not only next to a
 *       dot segment (Spring Security's {@code StrictHttpFirewall} does the same by default). An escape of an
 *       unreserved character (ALPHA DIGIT {@code -._~}) is decoded ({@code %61} becomes
 *       {@code a}); any other escape is kept, with its hex digits in upper case.
 *   <li>Repeated slashes are merged ({@code /a//b} becomes {@code /a/b}), before dot segments are
 *       removed: an empty segment is not a segment that {@code ..} can remove.
 *   <li>Dot segments ({@code .} and {@code ..}, also when spelled {@code %2e}) are removed after
 *       decoding, as in RFC 3986 section 5.2.4, so {@code /a/b/..} becomes {@code /a/}; a
 *       {@code ..} that would climb above the root is refused rather than dropped.
 *   <li>A trailing slash is kept, and case is kept: routing is case-sensitive.
 * </ul>
 *
 * <p>The result is still percent-encoded. A path that is already normal is returned as the same
 * {@code String} instance, without allocating.
 */
public final class PathNormalizer {
  /** The longest path accepted, in characters. */
  public static final int MAX_LENGTH = 8192;

  private static final boolean[] ALLOWED = new boolean[128];
  private static final boolean[] UNRESERVED = new boolean[128];
  private static final char[] HEX = "0123456789ABCDEF".toCharArray();

  static {
    String unreserved = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._~";
    for (int i = 0; i < unreserved.length(); i++) {
      UNRESERVED[unreserved.charAt(i)] = true;
      ALLOWED[unreserved.charAt(i)] = true;
    }
    String others = "!$&'()*+,=:@/%";
    for (int i = 0; i < others.length(); i++) {
      ALLOWED[others.charAt(i)] = true;
    }
  }

  private PathNormalizer() {}

  /**
   * Normalizes a raw request path by the rules in the class comment.
   *
   * @param rawPath the percent-encoded path as received, without the query
   * @return the normalized path, still percent-encoded; {@code rawPath} itself when already normal
   * @throws InvalidPathException if the path is refused
   */
  public static String normalize(String rawPath) {
    Objects.requireNonNull(rawPath, "rawPath");
    String raw = rawPath;
    int n = raw.length();
    if (n > MAX_LENGTH) {
      throw new InvalidPathException(raw, "path longer than " + MAX_LENGTH + " characters");
    }
    if (n == 0 || raw.charAt(0) != '/') {
      throw new InvalidPathException(raw, "path does not start with '/'");
    }
    // While out is null the output equals raw[0, len) and len == i: nothing is copied until the
    // first change, so a normal path costs one scan and no allocation. The output never grows
    // past the input, so one buffer of the input's length is enough.
    char[] out = null;
    int len = 1;
    int i = 1;
    while (true) {
      int segStart = len;
      while (i < n) {
        char c = raw.charAt(i);
        if (c == '/') {
          break;
        }
        if (c == '%') {
          int hi = i + 2 < n ? hex(raw.charAt(i + 1)) : -1;
          int lo = hi >= 0 ? hex(raw.charAt(i + 2)) : -1;
          if (lo < 0) {
            throw new InvalidPathException(raw, "invalid percent-encoding");
          }
          int b = hi << 4 | lo;
          checkDecoded(raw, b);
          if (b < 128 && UNRESERVED[b]) {
            out = copyOnWrite(out, raw, len);
            out[len++] = (char) b;
          } else {
            char h = HEX[hi];
            char l = HEX[lo];
            if (out == null && (h != raw.charAt(i + 1) || l != raw.charAt(i + 2))) {
              out = copyOnWrite(null, raw, len);
            }
            if (out != null) {
              out[len] = '%';
              out[len + 1] = h;
              out[len + 2] = l;
            }
            len += 3;
          }
          i += 3;
        } else {
          if (c >= 128 || !ALLOWED[c]) {
            throw new InvalidPathException(raw, refusedCharacter(c));
          }
          if (out != null) {
            out[len] = c;
          }
          len++;
          i++;
        }
      }
      boolean atEnd = i >= n;
      int segLen = len - segStart;
      char c0 = segLen == 0 ? 0 : (out != null ? out[segStart] : raw.charAt(segStart));
      char c1 = segLen < 2 ? 0 : (out != null ? out[segStart + 1] : raw.charAt(segStart + 1));
      if (segLen == 0) {
        if (atEnd) {
          break;
        }
        out = copyOnWrite(out, raw, len); // a repeated slash: drop it
      } else if (segLen == 1 && c0 == '.') {
        out = copyOnWrite(out, raw, len);
        len = segStart;
        if (atEnd) {
          break;
        }
      } else if (segLen == 2 && c0 == '.' && c1 == '.') {
        if (segStart == 1) {
          throw new InvalidPathException(raw, "'..' above the root");
        }
        out = copyOnWrite(out, raw, len);
        len = segStart - 1;
        while (out[len - 1] != '/') {
          len--;
        }
        if (atEnd) {
          break;
        }
      } else {
        if (atEnd) {
          break;
        }
        if (out != null) {
          out[len] = '/';
        }
        len++;
      }
      i++; // past the '/'
    }
    return out == null ? raw : new String(out, 0, len);
  }

  private static char[] copyOnWrite(char[] out, String raw, int len) {
    if (out != null) {
      return out;
    }
    char[] copy = new char[raw.length()];
    raw.getChars(0, len, copy, 0);
    return copy;
  }

  private static void checkDecoded(String raw, int b) {
    if (b == '/') {
      throw new InvalidPathException(raw, "encoded '/' (%2F) in path");
    }
    if (b == '\\') {
      throw new InvalidPathException(raw, "encoded '\\' (%5C) in path");
    }
    if (b == ';') {
      throw new InvalidPathException(raw, "encoded ';' (%3B) in path");
    }
    if (b == 0) {
      throw new InvalidPathException(raw, "encoded NUL (%00) in path");
    }
    if (b < 0x20 || b == 0x7F) {
      throw new InvalidPathException(
          raw, "encoded control character (%" + HEX[b >> 4] + HEX[b & 0xF] + ") in path");
    }
  }

  private static String refusedCharacter(char c) {
    if (c == ';') {
      return "path parameter ';' in path";
    }
    if (c == '\\') {
      return "backslash '\\' in path";
    }
    if (c > 0x20 && c < 0x7F) {
      return "character '" + c + "' not allowed in path";
    }
    return String.format("character U+%04X not allowed in path", (int) c);
  }

  static int hex(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    if (c >= 'A' && c <= 'F') {
      return c - 'A' + 10;
    }
    if (c >= 'a' && c <= 'f') {
      return c - 'a' + 10;
    }
    return -1;
  }
}

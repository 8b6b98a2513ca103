package io.gatehouse.impl.responsecache;

import java.util.List;
import java.util.Locale;

/**
 * The directives of a message's {@code Cache-Control} lines (RFC 9111 section 5.2), read as a
 * shared cache reads them from hostile input. Directive names compare case-insensitively; an
 * argument may be a token or a quoted string. Unknown directives are ignored. A delta-seconds
 * value that is not a number (or is negative, or a fraction) makes the response stale (its
 * lifetime is 0, section 4.2.1); one too large to hold is taken as 2^31 seconds (section 1.2.2). A
 * directive given twice with different values is treated as the smaller lifetime (stale rather
 * than fresh when in doubt, as section 4.2.1 allows). {@code no-cache} and {@code private} with a
 * field list count as the unqualified directives: the safe reading for a shared cache.
 *
 * <p>Values are seconds; {@link #ABSENT} when the directive is missing.
 */
record CacheControl(
    long maxAge,
    long sMaxAge,
    boolean noStore,
    boolean noCache,
    boolean isPrivate,
    boolean isPublic,
    boolean mustRevalidate,
    boolean proxyRevalidate,
    long staleWhileRevalidate,
    long staleIfError) {

  /** A directive that is not there. */
  static final long ABSENT = -1;
  /** The largest delta-seconds value kept (RFC 9111 section 1.2.2). */
  static final long MAX_DELTA = 2147483648L;
  /** Lines and directives past these are not read: no honest message needs as many. */
  private static final int MAX_DIRECTIVES = 64;

  static final CacheControl NONE = new CacheControl(ABSENT, ABSENT, false, false, false, false, false, false, ABSENT, ABSENT);

  /**
   * Reads every {@code Cache-Control} line of a message.
   *
   * @param lines the field's lines, in order
   * @return the directives
   */
  static CacheControl parse(List<String> lines) {
    if (lines.isEmpty()) {
      return NONE;
    }
    Parser p = new Parser();
    for (String line : lines) {
      p.line(line);
    }
    return new CacheControl(p.maxAge, p.sMaxAge, p.noStore, p.noCache, p.isPrivate, p.isPublic, p.mustRevalidate,
        p.proxyRevalidate, p.swr, p.sie);
  }

  private static final class Parser {
    long maxAge = ABSENT;
    long sMaxAge = ABSENT;
    long swr = ABSENT;
    long sie = ABSENT;
    boolean noStore;
    boolean noCache;
    boolean isPrivate;
    boolean isPublic;
    boolean mustRevalidate;
    boolean proxyRevalidate;
    int count;

    void line(String s) {
      int i = 0;
      int n = s.length();
      while (i < n && count < MAX_DIRECTIVES) {
        while (i < n && (s.charAt(i) == ',' || s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
          i++;
        }
        int start = i;
        while (i < n && isTokenChar(s.charAt(i))) {
          i++;
        }
        if (i == start) {
          // Not a token: skip to the next comma outside a quoted string.
          i = skipToComma(s, i);
          continue;
        }
        String name = s.substring(start, i).toLowerCase(Locale.ROOT);
        while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
          i++;
        }
        String value = null;
        if (i < n && s.charAt(i) == '=') {
          i++;
          while (i < n && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
            i++;
          }
          if (i < n && s.charAt(i) == '"') {
            StringBuilder v = new StringBuilder();
            i++;
            boolean closed = false;
            while (i < n) {
              char c = s.charAt(i++);
              if (c == '\\' && i < n) {
                v.append(s.charAt(i++));
              } else if (c == '"') {
                closed = true;
                break;
              } else {
                v.append(c);
              }
            }
            value = closed ? v.toString() : "\u0000"; // an unclosed quote is not a valid value
          } else {
            int vs = i;
            while (i < n && isTokenChar(s.charAt(i))) {
              i++;
            }
            value = s.substring(vs, i);
          }
        }
        // Anything else before the next comma makes the directive malformed: skip it whole.
        int next = skipToComma(s, i);
        boolean clean = s.substring(i, next).isBlank();
        i = next;
        count++;
        directive(name, clean ? value : "\u0000");
      }
    }

    private void directive(String name, String value) {
      switch (name) {
        case "max-age" -> maxAge = merge(maxAge, delta(value));
        case "s-maxage" -> sMaxAge = merge(sMaxAge, delta(value));
        case "stale-while-revalidate" -> swr = merge(swr, delta(value));
        case "stale-if-error" -> sie = merge(sie, delta(value));
        case "no-store" -> noStore = true;
        case "no-cache" -> noCache = true;
        case "private" -> isPrivate = true;
        case "public" -> isPublic = true;
        case "must-revalidate" -> mustRevalidate = true;
        case "proxy-revalidate" -> proxyRevalidate = true;
        default -> { } // unknown directives are ignored (RFC 9111 section 5.2.3)
      }
    }

    /** Two values of one directive: the smaller, so a conflict never makes a response fresher. */
    private static long merge(long old, long now) {
      return old == ABSENT ? now : Math.min(old, now);
    }

    /** Delta-seconds (1*DIGIT); anything else is 0, which makes the response stale. */
    private static long delta(String value) {
      if (value == null || value.isEmpty()) {
        return 0;
      }
      long v = 0;
      for (int i = 0; i < value.length(); i++) {
        char c = value.charAt(i);
        if (c < '0' || c > '9') {
          return 0;
        }
        v = v * 10 + (c - '0');
        if (v >= MAX_DELTA) {
          return MAX_DELTA;
        }
      }
      return v;
    }

    private static int skipToComma(String s, int i) {
      boolean quoted = false;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (quoted && c == '\\') {
          i += 2;
          continue;
        }
        if (c == '"') {
          quoted = !quoted;
        } else if (c == ',' && !quoted) {
          return i;
        }
        i++;
      }
      return s.length();
    }

    private static boolean isTokenChar(char c) {
      return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
          || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }
  }
}

package io.gatehouse.impl.routing;

/**
 * ASCII case folding for case-insensitive paths: {@code A-Z} as {@code a-z}, nothing else. Not
 * {@link String#equalsIgnoreCase}, which also folds non-ASCII letters (the Kelvin sign as
 * {@code k}), and not locale-sensitive.
 */
final class AsciiCase {
  private AsciiCase() {}

  static char fold(char c) {
    return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
  }

  static String fold(String s) {
    StringBuilder b = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        if (b == null) {
          b = new StringBuilder(s);
        }
        b.setCharAt(i, fold(c));
      }
    }
    return b == null ? s : b.toString();
  }

  /** Whether {@code s[from, from + key.length())} equals {@code key} ignoring ASCII case. */
  static boolean regionEquals(String s, int from, String key) {
    if (from + key.length() > s.length()) {
      return false;
    }
    for (int i = 0; i < key.length(); i++) {
      if (fold(s.charAt(from + i)) != fold(key.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  static boolean equals(String a, String b) {
    return a.length() == b.length() && regionEquals(a, 0, b);
  }

  /** Whether the text has an ASCII letter, so that another case of it exists. */
  static boolean hasLetter(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = fold(s.charAt(i));
      if (c >= 'a' && c <= 'z') {
        return true;
      }
    }
    return false;
  }
}

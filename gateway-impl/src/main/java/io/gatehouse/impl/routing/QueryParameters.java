package io.gatehouse.impl.routing;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Decodes a raw query string for route conditions on query parameters.
 *
 * <pre>{@code
 * QueryParameters.parse("q=caf%C3%A9+au+lait&tag=a&tag=b");   // {q=[café au lait], tag=[a, b]}
 * }</pre>
 *
 * <p>Decoding is {@code application/x-www-form-urlencoded} as the WHATWG URL standard has it:
 * pairs are split at {@code &} (empty pairs are skipped), name and value at the first {@code =}
 * (a pair without one has the value {@code ""}), {@code +} is a space, escapes are bytes of UTF-8
 * (invalid sequences become U+FFFD). A malformed escape such as {@code %zz} is kept as written:
 * parsing never fails.
 */
public final class QueryParameters {
  private QueryParameters() {}

  /**
   * Decodes a raw query.
   *
   * @param rawQuery the query as received, without the {@code ?}; may be empty
   * @return the decoded values by decoded name, names in order of first appearance; unmodifiable
   */
  public static Map<String, List<String>> parse(String rawQuery) {
    Objects.requireNonNull(rawQuery, "rawQuery");
    if (rawQuery.isEmpty()) {
      return Map.of();
    }
    Map<String, List<String>> params = new LinkedHashMap<>();
    forEachPair(rawQuery, (start, nameEnd, end) -> {
      String name = decode(rawQuery, start, nameEnd);
      String value = nameEnd == end ? "" : decode(rawQuery, nameEnd + 1, end);
      params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
    });
    params.replaceAll((k, v) -> Collections.unmodifiableList(v));
    return Collections.unmodifiableMap(params);
  }

  /**
   * The raw query without the pairs whose decoded name is {@code name}; the other pairs keep
   * their raw form and order.
   *
   * @param rawQuery the query as received, without the {@code ?}
   * @param name the decoded name of the pairs to drop
   * @return the remaining raw query; empty when nothing remains
   */
  public static Optional<String> without(String rawQuery, String name) {
    StringBuilder kept = new StringBuilder(rawQuery.length());
    forEachPair(rawQuery, (start, nameEnd, end) -> {
      if (!decode(rawQuery, start, nameEnd).equals(name)) {
        if (kept.length() > 0) {
          kept.append('&');
        }
        kept.append(rawQuery, start, end);
      }
    });
    return kept.length() == 0 ? Optional.empty() : Optional.of(kept.toString());
  }

  /**
   * The raw query with only the pairs whose decoded name is one of {@code names}; they keep their
   * raw form and order.
   *
   * @param rawQuery the query as received, without the {@code ?}
   * @param names the decoded names of the pairs to keep
   * @return the kept raw query; empty when nothing is kept
   */
  public static Optional<String> only(String rawQuery, java.util.Collection<String> names) {
    StringBuilder kept = new StringBuilder(rawQuery.length());
    forEachPair(rawQuery, (start, nameEnd, end) -> {
      if (names.contains(decode(rawQuery, start, nameEnd))) {
        if (kept.length() > 0) {
          kept.append('&');
        }
        kept.append(rawQuery, start, end);
      }
    });
    return kept.length() == 0 ? Optional.empty() : Optional.of(kept.toString());
  }

  /** Where one non-empty pair lies: {@code [start, end)}, its name ending at {@code nameEnd}. */
  private interface PairVisitor {
    void pair(int start, int nameEnd, int end);
  }

  /** Splits at {@code &}, skipping empty pairs, and the name at the first {@code =}. */
  private static void forEachPair(String rawQuery, PairVisitor visitor) {
    int n = rawQuery.length();
    int start = 0;
    while (start <= n) {
      int amp = rawQuery.indexOf('&', start);
      int end = amp < 0 ? n : amp;
      if (end > start) {
        int eq = rawQuery.indexOf('=', start);
        visitor.pair(start, eq < 0 || eq > end ? end : eq, end);
      }
      start = end + 1;
    }
  }

  static String decode(String s, int from, int to) {
    int i = from;
    while (i < to && s.charAt(i) != '%' && s.charAt(i) != '+') {
      i++;
    }
    if (i == to) {
      return s.substring(from, to);
    }
    byte[] bytes = new byte[(to - from) * 3]; // a char may take up to 3 bytes of UTF-8
    int len = 0;
    for (i = from; i < to; i++) {
      char c = s.charAt(i);
      if (c == '+') {
        bytes[len++] = ' ';
      } else if (c == '%' && i + 2 < to && PathNormalizer.hex(s.charAt(i + 1)) >= 0
          && PathNormalizer.hex(s.charAt(i + 2)) >= 0) {
        bytes[len++] = (byte) (PathNormalizer.hex(s.charAt(i + 1)) << 4
            | PathNormalizer.hex(s.charAt(i + 2)));
        i += 2;
      } else if (c < 0x80) {
        bytes[len++] = (byte) c;
      } else {
        // Not expected in a raw query, but an adapter may pass decoded text: keep it as UTF-8.
        int runEnd = i + 1;
        while (runEnd < to && s.charAt(runEnd) >= 0x80) {
          runEnd++;
        }
        byte[] utf8 = s.substring(i, runEnd).getBytes(StandardCharsets.UTF_8);
        System.arraycopy(utf8, 0, bytes, len, utf8.length);
        len += utf8.length;
        i = runEnd - 1;
      }
    }
    return new String(bytes, 0, len, StandardCharsets.UTF_8);
  }
}

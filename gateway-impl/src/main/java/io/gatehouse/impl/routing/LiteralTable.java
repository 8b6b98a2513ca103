package io.gatehouse.impl.routing;

import java.util.Map;

/**
 * An immutable open-addressing map from literal segments to children, looked up by a region of
 * the path so that matching does not cut a substring per segment. When it folds case, keys are
 * stored ASCII-lower-cased and a region is hashed and compared folded ({@link AsciiCase}).
 */
final class LiteralTable<V> {
  private final String[] keys;
  private final int[] hashes;
  private final Object[] values;
  private final int mask;
  private final boolean foldCase;

  LiteralTable(Map<String, V> map) {
    this(map, false);
  }

  /** A table whose keys are already folded when {@code foldCase}. */
  LiteralTable(Map<String, V> map, boolean foldCase) {
    this.foldCase = foldCase;
    int capacity = Integer.highestOneBit(Math.max(2, map.size()) * 2 - 1) << 1; // load <= 1/2
    keys = new String[capacity];
    hashes = new int[capacity];
    values = new Object[capacity];
    mask = capacity - 1;
    for (Map.Entry<String, V> e : map.entrySet()) {
      int h = e.getKey().hashCode();
      int i = spread(h) & mask;
      while (keys[i] != null) {
        i = (i + 1) & mask;
      }
      keys[i] = e.getKey();
      hashes[i] = h;
      values[i] = e.getValue();
    }
  }

  /** The value for {@code s[from, to)}, or null. */
  @SuppressWarnings("unchecked")
  V get(String s, int from, int to) {
    int h = 0;
    for (int k = from; k < to; k++) {
      h = 31 * h + (foldCase ? AsciiCase.fold(s.charAt(k)) : s.charAt(k)); // String.hashCode over the region
    }
    int length = to - from;
    int i = spread(h) & mask;
    String key;
    while ((key = keys[i]) != null) {
      if (hashes[i] == h && key.length() == length
          && (foldCase ? AsciiCase.regionEquals(s, from, key) : s.regionMatches(from, key, 0, length))) {
        return (V) values[i];
      }
      i = (i + 1) & mask;
    }
    return null;
  }

  private static int spread(int h) {
    return h ^ (h >>> 16);
  }
}

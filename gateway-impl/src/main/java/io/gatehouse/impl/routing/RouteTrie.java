package io.gatehouse.impl.routing;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Finds, for a normalized path, every value whose pattern matches it, in the order the patterns
 * were added. A segment trie: each node has its literal children in a hash table, at most one
 * child for a one-segment wildcard ({@code *} or {@code {name}}, whatever the name) and the
 * entries of patterns ending there in {@code **}; a lookup visits only the nodes along the path,
 * so its cost grows with the path and the number of hits, not with the number of patterns.
 *
 * <pre>{@code
 * RouteTrie<String> trie = RouteTrie.<String>builder()
 *     .add(PathPattern.parse("/api/orders/{id}"), "order")
 *     .add(PathPattern.parse("/api/**"), "api")
 *     .build();
 * trie.match("/api/orders/7");   // [order {id=7}, api {}]
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 *
 * @param <T> the value type, such as a compiled route
 */
public final class RouteTrie<T> {
  private final Node<T> root;
  private final int size;
  private final List<T> values;

  private RouteTrie(Node<T> root, int size, List<T> values) {
    this.root = root;
    this.size = size;
    this.values = values;
  }

  /**
   * Starts an empty trie.
   *
   * @param <T> the value type
   */
  public static <T> Builder<T> builder() {
    return new Builder<>(false);
  }

  /**
   * Starts an empty trie whose literal segments match ignoring ASCII case ({@code A-Z} as
   * {@code a-z}) when {@code ignoreCase}; variables keep the path's case.
   *
   * @param ignoreCase whether literals fold case
   * @param <T> the value type
   */
  public static <T> Builder<T> builder(boolean ignoreCase) {
    return new Builder<>(ignoreCase);
  }

  /**
   * How many (pattern, value) pairs were added.
   *
   * @return the count, duplicates included
   */
  public int size() {
    return size;
  }

  /**
   * Every value added, each once, in the order it was first added: for a route table, the
   * routes in declaration order.
   *
   * @return the values; unmodifiable
   */
  public List<T> values() {
    return values;
  }

  /**
   * Every value with a pattern that matches the path, ordered by when it was added. A value added
   * under several patterns appears once, with the variables of the first of its patterns that
   * matched.
   *
   * @param normalizedPath a path as returned by {@link PathNormalizer#normalize(String)}
   * @return the hits; empty when nothing matches
   * @throws IllegalArgumentException if the path does not start with {@code /}
   */
  public List<PathMatch<T>> match(String normalizedPath) {
    Objects.requireNonNull(normalizedPath, "normalizedPath");
    if (normalizedPath.isEmpty() || normalizedPath.charAt(0) != '/') {
      throw new IllegalArgumentException(
          "normalizedPath: '" + normalizedPath + "' (expected: starting with '/')");
    }
    Hits<T> hits = new Hits<>();
    collect(root, normalizedPath, 1, hits);
    return hits.toMatches(normalizedPath);
  }

  /**
   * Walks the trie from {@code node}, where {@code pos} is the start of the next segment, or
   * {@code path.length() + 1} once every segment is consumed.
   */
  private static <T> void collect(Node<T> node, String path, int pos, Hits<T> hits) {
    hits.addAll(node.rest);
    int n = path.length();
    if (pos > n) {
      hits.addAll(node.terminal);
      return;
    }
    int end = path.indexOf('/', pos);
    if (end < 0) {
      end = n;
    }
    if (node.literals != null) {
      Node<T> child = node.literals.get(path, pos, end);
      if (child != null) {
        collect(child, path, end + 1, hits);
      }
    }
    if (node.wildcard != null && end > pos) {
      collect(node.wildcard, path, end + 1, hits);
    }
  }

  @Override
  public String toString() {
    return "RouteTrie(" + size + " patterns)";
  }

  /**
   * Collects the patterns of a {@link RouteTrie}. Insertion order is priority. Not thread-safe;
   * {@link #build()} may be called more than once.
   *
   * @param <T> the value type
   */
  public static final class Builder<T> {
    private final MutableNode<T> root = new MutableNode<>();
    private final Map<T, Integer> valueIds = new HashMap<>();
    private final Map<Integer, Integer> patternsPerValue = new HashMap<>();
    private final List<Entry<T>> entries = new ArrayList<>();
    private final List<T> values = new ArrayList<>();
    private final boolean ignoreCase;

    private Builder(boolean ignoreCase) {
      this.ignoreCase = ignoreCase;
    }

    /**
     * Adds a pattern for a value, with lower priority than everything added before. The same
     * value (by {@code equals}) may be added under several patterns.
     *
     * @param value the value to return when the pattern matches
     * @return this builder
     */
    public Builder<T> add(PathPattern pattern, T value) {
      Objects.requireNonNull(pattern, "pattern");
      Objects.requireNonNull(value, "value");
      int valueId = valueIds.computeIfAbsent(value, v -> {
        values.add(v);
        return valueIds.size();
      });
      patternsPerValue.merge(valueId, 1, Integer::sum);
      List<PathPattern.Segment> segments = pattern.segments();
      List<String> names = new ArrayList<>();
      List<Integer> positions = new ArrayList<>();
      MutableNode<T> node = root;
      for (int i = 0; i < segments.size(); i++) {
        PathPattern.Segment s = segments.get(i);
        if (s.isLiteral()) {
          String key = ignoreCase ? AsciiCase.fold(s.literal()) : s.literal();
          node = node.literals.computeIfAbsent(key, k -> new MutableNode<>());
        } else {
          if (node.wildcard == null) {
            node.wildcard = new MutableNode<>();
          }
          node = node.wildcard;
          if (s.variable() != null) {
            names.add(s.variable());
            positions.add(i);
          }
        }
      }
      Entry<T> entry = new Entry<>(entries.size(), valueId, value, pattern,
          names.toArray(new String[0]), positions.stream().mapToInt(Integer::intValue).toArray(),
          false);
      entries.add(entry);
      (pattern.endsWithRest() ? node.rest : node.terminal).add(entry);
      return this;
    }

    /** Freezes the patterns added so far into an immutable trie. */
    public RouteTrie<T> build() {
      return new RouteTrie<>(root.freeze(this), entries.size(), List.copyOf(values));
    }

    boolean isShared(int valueId) {
      return patternsPerValue.get(valueId) > 1;
    }
  }

  /** One added pattern. */
  private static final class Entry<T> {
    final int index;
    final int valueId;
    final T value;
    final PathPattern pattern;
    final String[] variableNames;
    final int[] variableSegments;
    /** Whether the value has other patterns too, so a hit may need to be dropped as a repeat. */
    final boolean shared;

    Entry(int index, int valueId, T value, PathPattern pattern, String[] names, int[] segments,
        boolean shared) {
      this.index = index;
      this.valueId = valueId;
      this.value = value;
      this.pattern = pattern;
      this.variableNames = names;
      this.variableSegments = segments;
      this.shared = shared;
    }

    Entry<T> frozen(boolean shared) {
      return new Entry<>(index, valueId, value, pattern, variableNames, variableSegments, shared);
    }

    Map<String, String> variables(String path) {
      int count = variableNames.length;
      if (count == 0) {
        return Map.of();
      }
      String[] values = new String[count];
      int segment = 0;
      int pos = 1;
      for (int v = 0; v < count; v++) {
        while (segment < variableSegments[v]) {
          pos = path.indexOf('/', pos) + 1;
          segment++;
        }
        int end = path.indexOf('/', pos);
        values[v] = path.substring(pos, end < 0 ? path.length() : end);
      }
      if (count == 1) {
        return Map.of(variableNames[0], values[0]);
      }
      @SuppressWarnings("unchecked")
      Map.Entry<String, String>[] pairs = (Map.Entry<String, String>[]) new Map.Entry<?, ?>[count];
      for (int v = 0; v < count; v++) {
        pairs[v] = Map.entry(variableNames[v], values[v]);
      }
      return Map.ofEntries(pairs);
    }
  }

  private static final class MutableNode<T> {
    final Map<String, MutableNode<T>> literals = new LinkedHashMap<>();
    MutableNode<T> wildcard;
    final List<Entry<T>> terminal = new ArrayList<>();
    final List<Entry<T>> rest = new ArrayList<>();

    Node<T> freeze(Builder<T> builder) {
      LiteralTable<Node<T>> table = null;
      if (!literals.isEmpty()) {
        Map<String, Node<T>> children = new HashMap<>();
        literals.forEach((k, child) -> children.put(k, child.freeze(builder)));
        table = new LiteralTable<>(children, builder.ignoreCase);
      }
      return new Node<>(table, wildcard == null ? null : wildcard.freeze(builder),
          frozen(terminal, builder), frozen(rest, builder));
    }

    @SuppressWarnings("unchecked")
    private static <T> Entry<T>[] frozen(List<Entry<T>> entries, Builder<T> builder) {
      Entry<T>[] array = (Entry<T>[]) new Entry<?>[entries.size()];
      for (int i = 0; i < array.length; i++) {
        Entry<T> e = entries.get(i);
        array[i] = e.frozen(builder.isShared(e.valueId));
      }
      return array;
    }
  }

  private static final class Node<T> {
    final LiteralTable<Node<T>> literals;
    final Node<T> wildcard;
    final Entry<T>[] terminal;
    final Entry<T>[] rest;

    Node(LiteralTable<Node<T>> literals, Node<T> wildcard, Entry<T>[] terminal, Entry<T>[] rest) {
      this.literals = literals;
      this.wildcard = wildcard;
      this.terminal = terminal;
      this.rest = rest;
    }
  }

  /** The entries hit by one lookup; allocates its array at the first hit. */
  private static final class Hits<T> {
    private Entry<T>[] entries;
    private int count;
    private boolean anyShared;

    @SuppressWarnings("unchecked")
    void addAll(Entry<T>[] more) {
      if (more.length == 0) {
        return;
      }
      if (entries == null) {
        entries = (Entry<T>[]) new Entry<?>[Math.max(4, more.length)];
      } else if (count + more.length > entries.length) {
        entries = Arrays.copyOf(entries, Math.max(entries.length * 2, count + more.length));
      }
      for (Entry<T> e : more) {
        entries[count++] = e;
        anyShared |= e.shared;
      }
    }

    List<PathMatch<T>> toMatches(String path) {
      if (count == 0) {
        return List.of();
      }
      if (count == 1) {
        Entry<T> e = entries[0];
        return List.of(new PathMatch<>(e.value, e.pattern, e.variables(path)));
      }
      Arrays.sort(entries, 0, count, BY_INDEX);
      List<PathMatch<T>> matches = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        Entry<T> e = entries[i];
        if (anyShared && e.shared && seenBefore(i)) {
          continue;
        }
        matches.add(new PathMatch<>(e.value, e.pattern, e.variables(path)));
      }
      return Collections.unmodifiableList(matches);
    }

    private boolean seenBefore(int i) {
      int valueId = entries[i].valueId;
      for (int j = 0; j < i; j++) {
        if (entries[j].valueId == valueId) {
          return true;
        }
      }
      return false;
    }
  }

  private static final Comparator<Entry<?>> BY_INDEX = Comparator.comparingInt(e -> e.index);
}

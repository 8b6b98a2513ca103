package io.gatehouse.impl.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RouteTrieTest {

  private static RouteTrie<String> trie(String... patternThenValue) {
    RouteTrie.Builder<String> b = RouteTrie.builder();
    for (int i = 0; i < patternThenValue.length; i += 2) {
      b.add(PathPattern.parse(patternThenValue[i]), patternThenValue[i + 1]);
    }
    return b.build();
  }

  private static List<String> values(List<PathMatch<String>> matches) {
    return matches.stream().map(PathMatch::value).collect(Collectors.toList());
  }

  @Test
  void orders_hits_by_insertion_not_by_specificity() {
    RouteTrie<String> t = trie("/**", "all", "/api/**", "api", "/api/orders/{id}", "order",
        "/api/orders/7", "seven");
    assertThat(values(t.match("/api/orders/7"))).containsExactly("all", "api", "order", "seven");
  }

  @Test
  void orders_hits_by_insertion_when_the_specific_route_comes_first() {
    RouteTrie<String> t = trie("/api/orders/7", "seven", "/api/orders/{id}", "order", "/api/**", "api");
    assertThat(values(t.match("/api/orders/7"))).containsExactly("seven", "order", "api");
    assertThat(values(t.match("/api/orders/8"))).containsExactly("order", "api");
  }

  @Test
  void captures_variables_by_name() {
    RouteTrie<String> t = trie("/shops/{shop}/orders/{id}", "order");
    PathMatch<String> m = t.match("/shops/s1/orders/42").get(0);
    assertThat(m.variables()).containsExactlyInAnyOrderEntriesOf(Map.of("shop", "s1", "id", "42"));
    assertThat(m.pattern()).isEqualTo(PathPattern.parse("/shops/{shop}/orders/{id}"));
  }

  @Test
  void captures_variables_still_percent_encoded() {
    RouteTrie<String> t = trie("/orders/{id}", "order");
    assertThat(t.match("/orders/a%20b").get(0).variables()).isEqualTo(Map.of("id", "a%20b"));
  }

  @Test
  void captures_each_pattern_its_own_names_at_a_shared_wildcard() {
    RouteTrie<String> t = trie("/a/{x}/b", "first", "/a/{y}/**", "second", "/a/*/b", "third");
    List<PathMatch<String>> matches = t.match("/a/v/b");
    assertThat(values(matches)).containsExactly("first", "second", "third");
    assertThat(matches.get(0).variables()).isEqualTo(Map.of("x", "v"));
    assertThat(matches.get(1).variables()).isEqualTo(Map.of("y", "v"));
    assertThat(matches.get(2).variables()).isEmpty();
  }

  @ParameterizedTest(name = "/api/** on {0}: {1}")
  @CsvSource({
      "/api, true", "/api/, true", "/api/x, true", "/api/x/y, true", "/api/x/y/, true",
      "/apix, false", "/, false", "/ap, false", "/x/api, false"})
  void double_star_matches_zero_or_more_segments(String path, boolean matches) {
    assertThat(trie("/api/**", "api").match(path)).hasSize(matches ? 1 : 0);
  }

  @ParameterizedTest(name = "{0} on {1}: {2}")
  @CsvSource({
      "/, /, true", "/, /a, false", "/a, /a/, false", "/a/, /a, false", "/a/, /a/, true",
      "/a/*, /a/, false", "/a/*, /a/b, true", "/a/{x}, /a/, false", "/*, /, false",
      "/{x}/, /a/, true", "/{x}/, /a, false", "/**, /, true", "/a/b, /a/B, false",
      "/*/b, /x/b, true", "/*/b, /x/c, false"})
  void matches_one_pattern_like_the_reference(String pattern, String path, boolean matches) {
    assertThat(trie(pattern, "v").match(path)).hasSize(matches ? 1 : 0);
    assertThat(ReferenceMatcher.matches(pattern, path)).isEqualTo(matches);
  }

  @Test
  void lists_a_value_added_under_two_patterns_once_with_its_first_match() {
    RouteTrie<String> t = trie("/orders/{id}", "orders", "/x/**", "x", "/orders/**", "orders");
    List<PathMatch<String>> matches = t.match("/orders/7");
    assertThat(values(matches)).containsExactly("orders");
    assertThat(matches.get(0).pattern().pattern()).isEqualTo("/orders/{id}");
    assertThat(matches.get(0).variables()).isEqualTo(Map.of("id", "7"));
    assertThat(values(t.match("/orders/7/lines"))).containsExactly("orders");
    assertThat(t.match("/orders/7/lines").get(0).pattern().pattern()).isEqualTo("/orders/**");
  }

  @Test
  void keeps_the_lowest_insertion_index_of_a_repeated_value() {
    RouteTrie<String> t = trie("/a/**", "late", "/a/b", "early", "/a/*", "late", "/**", "early");
    assertThat(values(t.match("/a/b"))).containsExactly("late", "early");
    assertThat(t.match("/a/b").get(0).pattern().pattern()).isEqualTo("/a/**");
  }

  @Test
  void lists_two_values_under_the_same_pattern_in_order() {
    RouteTrie<String> t = trie("/a", "one", "/a", "two");
    assertThat(values(t.match("/a"))).containsExactly("one", "two");
  }

  @Test
  void returns_an_empty_list_when_nothing_matches() {
    RouteTrie<String> t = trie("/a/b", "ab", "/c/*", "c");
    assertThat(t.match("/a")).isEmpty();
    assertThat(t.match("/a/b/c")).isEmpty();
    assertThat(t.match("/c")).isEmpty();
    assertThat(t.match("/d/e")).isEmpty();
    assertThat(RouteTrie.<String>builder().build().match("/")).isEmpty();
  }

  @Test
  void finds_the_right_one_of_a_thousand_literal_routes() {
    RouteTrie.Builder<Integer> b = RouteTrie.builder();
    for (int i = 0; i < 1000; i++) {
      b.add(PathPattern.parse("/api/service" + i + "/items"), i);
    }
    RouteTrie<Integer> t = b.build();
    assertThat(t.size()).isEqualTo(1000);
    for (int i = 0; i < 1000; i++) {
      List<PathMatch<Integer>> matches = t.match("/api/service" + i + "/items");
      assertThat(matches).hasSize(1);
      assertThat(matches.get(0).value()).isEqualTo(i);
    }
    assertThat(t.match("/api/service1000/items")).isEmpty();
    assertThat(t.match("/api/service1/item")).isEmpty();
  }

  @Test
  void finds_the_right_one_of_a_thousand_templated_routes() {
    RouteTrie.Builder<Integer> b = RouteTrie.builder();
    for (int i = 0; i < 1000; i++) {
      b.add(PathPattern.parse("/tenants/{tenant}/r" + i + "/{id}"), i);
    }
    RouteTrie<Integer> t = b.build();
    List<PathMatch<Integer>> matches = t.match("/tenants/acme/r777/x1");
    assertThat(matches).hasSize(1);
    assertThat(matches.get(0).value()).isEqualTo(777);
    assertThat(matches.get(0).variables()).isEqualTo(Map.of("tenant", "acme", "id", "x1"));
  }

  @Test
  void tells_apart_literals_with_the_same_hash_code() {
    assertThat("Aa".hashCode()).isEqualTo("BB".hashCode());
    assertThat("AaBB".hashCode()).isEqualTo("BBAa".hashCode());
    RouteTrie<String> t = trie("/Aa", "Aa", "/BB", "BB", "/AaBB", "AaBB", "/BBAa", "BBAa", "/AaAa", "AaAa");
    for (String literal : List.of("Aa", "BB", "AaBB", "BBAa", "AaAa")) {
      assertThat(values(t.match("/" + literal))).containsExactly(literal);
    }
    assertThat(t.match("/BBBB")).isEmpty();
  }

  @ParameterizedTest(name = "ignoring case: {0} on {1} -> {2}")
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "/admin/**       | /ADMIN/x     | true  | NONE",
      "/admin/**       | /aDmIn       | true  | NONE",
      "/Admin/{id}     | /admin/AbC   | true  | AbC",
      "/a/b            | /A/B         | true  | NONE",
      "/a/b            | /A/B/        | false | NONE",
      "/a/b            | /a/bb        | false | NONE",
      "/kelvin         | /\u212Aelvin | false | NONE",
      "/%C3%A9t%C3%A9  | /%c3%a9T%c3%a9 | true | NONE",
      "/%C3%A9         | /%C3%89      | false | NONE",
      "/x1-_.~         | /X1-_.~      | true  | NONE",
      "/@              | /`           | false | NONE",
      "/%5B            | /%7B         | false | NONE"})
  void a_case_insensitive_trie_folds_ascii_letters_only_and_keeps_the_paths_case_in_variables(
      String pattern, String path, boolean matches, String id) {
    String actualPath = path.replace("\\u212A", "\u212A");
    RouteTrie<String> t = RouteTrie.<String>builder(true).add(PathPattern.parse(pattern), "v").build();
    List<PathMatch<String>> hits = t.match(actualPath);
    assertThat(hits).hasSize(matches ? 1 : 0);
    if (id != null) {
      assertThat(hits.get(0).variables()).containsEntry("id", id);
    }
    assertThat(RouteTrie.<String>builder(false).add(PathPattern.parse(pattern), "v").build().match(actualPath))
        .hasSize(pattern.equals(actualPath) ? 1 : 0);
    assertThat(PathPattern.parse(pattern).matchesIgnoringCase(actualPath)).isEqualTo(matches);
  }

  @Test
  void a_case_insensitive_trie_merges_patterns_that_differ_only_in_case_keeping_their_order() {
    RouteTrie<String> t = RouteTrie.<String>builder(true)
        .add(PathPattern.parse("/Admin/**"), "first").add(PathPattern.parse("/admin/x"), "second")
        .add(PathPattern.parse("/AaBB"), "hash").build();
    assertThat(values(t.match("/ADMIN/X"))).containsExactly("first", "second");
    assertThat(values(t.match("/aabb"))).containsExactly("hash");
    assertThat(t.match("/BBAa")).isEmpty();
  }

  @Test
  void is_not_changed_by_adding_to_its_builder_later() {
    RouteTrie.Builder<String> b = RouteTrie.<String>builder().add(PathPattern.parse("/a"), "a");
    RouteTrie<String> first = b.build();
    b.add(PathPattern.parse("/a"), "again").add(PathPattern.parse("/**"), "all");
    assertThat(values(first.match("/a"))).containsExactly("a");
    assertThat(values(b.build().match("/a"))).containsExactly("a", "again", "all");
  }

  @Test
  void returns_unmodifiable_results() {
    List<PathMatch<String>> matches = trie("/{a}/{b}", "v").match("/x/y");
    assertThatThrownBy(() -> matches.add(matches.get(0))).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> matches.get(0).variables().put("c", "z"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void rejects_a_path_without_leading_slash() {
    RouteTrie<String> t = trie("/a", "a");
    assertThatThrownBy(() -> t.match("a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("normalizedPath: 'a' (expected: starting with '/')");
    assertThatThrownBy(() -> t.match(""))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("normalizedPath: '' (expected: starting with '/')");
  }

  @Test
  void rejects_null_arguments() {
    RouteTrie.Builder<String> b = RouteTrie.builder();
    assertThatThrownBy(() -> b.add(null, "v")).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("pattern");
    assertThatThrownBy(() -> b.add(PathPattern.parse("/"), null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("value");
    assertThatThrownBy(() -> b.build().match(null)).isInstanceOf(NullPointerException.class)
        .hasMessageContaining("normalizedPath");
  }

  /** The trie must say exactly what a linear scan with the naive matcher says. */
  @Test
  void agrees_with_a_linear_scan_over_a_pool_of_patterns_and_paths() {
    List<String> patterns = List.of("/", "/**", "/*", "/*/", "/a", "/a/", "/b", "/a/b", "/a/b/",
        "/a/*", "/a/{x}", "/a/*/", "/a/**", "/a/b/**", "/a/*/**", "/*/b", "/{p}/{q}", "/*/**",
        "/{x}/{y}/**", "/a/b/c", "/*/b/*", "/a/{m}/c", "/b/**", "/a/b", "/{z}/b/{w}/**");
    List<String> values = List.of("r0", "r1", "r2", "r3", "r4", "r5", "r6", "r7", "r8", "r9",
        "r10", "r11", "r12", "r13", "r14", "r15", "r16", "r17", "r18", "r19", "r20", "r21", "r22",
        "r7", "r23");
    RouteTrie.Builder<String> b = RouteTrie.builder();
    for (int i = 0; i < patterns.size(); i++) {
      b.add(PathPattern.parse(patterns.get(i)), values.get(i));
    }
    RouteTrie<String> t = b.build();
    List<String> paths = new ArrayList<>(List.of("/"));
    String[] segments = {"a", "b", "c", "zz", ""};
    for (String s1 : segments) {
      paths.add("/" + s1);
      for (String s2 : segments) {
        if (!s1.isEmpty()) {
          paths.add("/" + s1 + "/" + s2);
          for (String s3 : segments) {
            if (!s2.isEmpty()) {
              paths.add("/" + s1 + "/" + s2 + "/" + s3);
              paths.add("/" + s1 + "/" + s2 + "/" + s3 + "/d/");
            }
          }
        }
      }
    }
    for (String path : paths) {
      List<String> expectedValues = new ArrayList<>();
      List<Map<String, String>> expectedVariables = new ArrayList<>();
      for (int i = 0; i < patterns.size(); i++) {
        Optional<Map<String, String>> m = ReferenceMatcher.match(patterns.get(i), path);
        if (m.isPresent() && !expectedValues.contains(values.get(i))) {
          expectedValues.add(values.get(i));
          expectedVariables.add(m.get());
        }
      }
      List<PathMatch<String>> actual = t.match(path);
      assertThat(values(actual)).as(path).isEqualTo(expectedValues);
      assertThat(actual.stream().map(PathMatch::variables).collect(Collectors.toList()))
          .as(path).isEqualTo(expectedVariables);
    }
  }
}

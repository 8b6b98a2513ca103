package io.gatehouse.impl.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CookiesTest {

  private static Map<String, List<String>> expected(String... nameThenValue) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < nameThenValue.length; i += 2) {
      map.computeIfAbsent(nameThenValue[i], k -> new ArrayList<>()).add(nameThenValue[i + 1]);
    }
    return map;
  }

  static Stream<Arguments> headers() {
    return Stream.of(
        arguments(List.of(), expected()),
        arguments(List.of(""), expected()),
        arguments(List.of("a=1"), expected("a", "1")),
        arguments(List.of("a=1; b=2"), expected("a", "1", "b", "2")),
        arguments(List.of("b=2;a=1"), expected("b", "2", "a", "1")),
        arguments(List.of("a=1", "b=2; a=3"), expected("a", "1", "b", "2", "a", "3")),
        arguments(List.of("  a = 1 ;\tb=2\t"), expected("a", "1", "b", "2")),
        arguments(List.of("a=\"quoted value\""), expected("a", "quoted value")),
        arguments(List.of("a=\"\""), expected("a", "")),
        arguments(List.of("a=\"\"x\"\""), expected("a", "\"x\"")),
        arguments(List.of("a=\"open"), expected("a", "\"open")),
        arguments(List.of("a=\""), expected("a", "\"")),
        arguments(List.of("a="), expected("a", "")),
        arguments(List.of("a=b=c"), expected("a", "b=c")),
        arguments(List.of("flag; a=1"), expected("a", "1")),
        arguments(List.of("=x; a=1"), expected("a", "1")),
        arguments(List.of(";;a=1;;"), expected("a", "1")),
        arguments(List.of("a=%20x+y"), expected("a", "%20x+y")),
        arguments(List.of("A=1; a=2"), expected("A", "1", "a", "2")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("headers")
  void reads_name_value_pairs_per_rfc_6265(List<String> headers, Map<String, List<String>> expected) {
    Map<String, List<String>> actual = Cookies.parse(headers);
    assertThat(actual).isEqualTo(expected);
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
  }

  @Test
  void returns_unmodifiable_maps_and_lists() {
    Map<String, List<String>> cookies = Cookies.parse(List.of("a=1"));
    assertThatThrownBy(() -> cookies.put("b", List.of())).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> cookies.get("a").add("2")).isInstanceOf(UnsupportedOperationException.class);
  }
}

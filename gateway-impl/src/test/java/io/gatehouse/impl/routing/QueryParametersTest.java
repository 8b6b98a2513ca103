package io.gatehouse.impl.routing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class QueryParametersTest {

  /** Pairs of name and value, in order, into the expected map. */
  private static Map<String, List<String>> expected(String... nameThenValue) {
    Map<String, List<String>> map = new LinkedHashMap<>();
    for (int i = 0; i < nameThenValue.length; i += 2) {
      map.computeIfAbsent(nameThenValue[i], k -> new ArrayList<>()).add(nameThenValue[i + 1]);
    }
    return map;
  }

  static Stream<Arguments> queries() {
    return Stream.of(
        arguments("", expected()),
        arguments("a=1", expected("a", "1")),
        arguments("a=1&b=2", expected("a", "1", "b", "2")),
        arguments("b=2&a=1", expected("b", "2", "a", "1")),
        arguments("tag=x&other=y&tag=z", expected("tag", "x", "other", "y", "tag", "z")),
        arguments("a", expected("a", "")),
        arguments("a=", expected("a", "")),
        arguments("=x", expected("", "x")),
        arguments("a=1=2", expected("a", "1=2")),
        arguments("&&a=1&&", expected("a", "1")),
        arguments("&", expected()),
        arguments("q=a+b", expected("q", "a b")),
        arguments("q=a%20b", expected("q", "a b")),
        arguments("q=a%2Bb", expected("q", "a+b")),
        arguments("q%5B%5D=1", expected("q[]", "1")),
        arguments("q=caf%C3%A9", expected("q", "caf\u00e9")),
        arguments("q=caf%c3%a9", expected("q", "caf\u00e9")),
        arguments("q=%F0%9F%98%80", expected("q", "\uD83D\uDE00")),
        arguments("q=%26%3D", expected("q", "&=")),
        arguments("q=%zz", expected("q", "%zz")),
        arguments("q=%4", expected("q", "%4")),
        arguments("q=%", expected("q", "%")),
        arguments("q=100%", expected("q", "100%")),
        arguments("q=%%41", expected("q", "%A")),
        arguments("q=%+", expected("q", "% ")),
        arguments("q=%C3", expected("q", "\uFFFD")),
        arguments("q=%FF+x", expected("q", "\uFFFD x")),
        arguments("q=caf\u00e9+x", expected("q", "caf\u00e9 x")),
        arguments("q=a;b", expected("q", "a;b")));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("queries")
  void decodes_as_form_urlencoded_utf8(String raw, Map<String, List<String>> expected) {
    Map<String, List<String>> actual = QueryParameters.parse(raw);
    assertThat(actual).isEqualTo(expected);
    assertThat(actual.keySet()).containsExactlyElementsOf(expected.keySet());
  }

  @Test
  void returns_unmodifiable_maps_and_lists() {
    Map<String, List<String>> params = QueryParameters.parse("a=1");
    assertThatThrownBy(() -> params.put("b", List.of())).isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> params.get("a").add("2")).isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', nullValues = "NONE", value = {
      "api_key=s3cret                    | NONE",
      "a=1&api_key=s3cret&b=2            | a=1&b=2",
      "api_key=x&api_key=y&q=caf%C3%A9   | q=caf%C3%A9",
      "api%5Fkey=x&q=1                   | q=1",
      "q=1&&api_key                      | q=1",
      "apikey=1&api_key2=2               | apikey=1&api_key2=2"})
  void without_drops_every_pair_of_the_decoded_name_and_keeps_the_rest_raw(String raw, String expected) {
    assertThat(QueryParameters.without(raw, "api_key")).isEqualTo(Optional.ofNullable(expected));
  }
}

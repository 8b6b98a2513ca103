package io.gatehouse.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HttpHeadersTest {
  private final HttpHeaders headers = HttpHeaders.of("Accept", "text/plain", "X-Id", "7", "accept", "text/html");

  @Test
  void lookups_ignore_case_and_keep_order() {
    assertThat(headers.first("ACCEPT")).contains("text/plain");
    assertThat(headers.first("x-id")).contains("7");
    assertThat(headers.first("Missing")).isEmpty();
    assertThat(headers.all("Accept")).containsExactly("text/plain", "text/html");
    assertThat(headers.all("X-ID")).containsExactly("7");
    assertThat(headers.all("Missing")).isEmpty();
    assertThat(headers.contains("x-ID")).isTrue();
    assertThat(headers.contains("Accept")).isTrue();
    assertThat(headers.contains("Missing")).isFalse();
    assertThat(headers.contains("text/plain")).as("values are not names").isFalse();
  }

  @Test
  void names_are_distinct_in_the_case_first_seen() {
    assertThat(headers.names()).containsExactly("Accept", "X-Id");
    assertThat(HttpHeaders.of().names()).isEmpty();
  }

  @Test
  void for_each_passes_every_line_in_order_and_size_counts_lines() {
    List<String> lines = new ArrayList<>();
    headers.forEach((name, value) -> lines.add(name + "=" + value));

    assertThat(lines).containsExactly("Accept=text/plain", "X-Id=7", "accept=text/html");
    assertThat(headers.size()).isEqualTo(3);
    assertThat(headers.isEmpty()).isFalse();
    assertThat(HttpHeaders.of().size()).isZero();
    assertThat(HttpHeaders.of().isEmpty()).isTrue();
  }

  @Test
  void equal_fields_make_equal_headers_and_order_or_case_tells_them_apart() {
    HttpHeaders same = HttpHeaders.builder().add("Accept", "text/plain").add("X-Id", "7").add("accept", "text/html").build();

    assertThat(headers).isEqualTo(same).hasSameHashCodeAs(same);
    assertThat(headers).isNotEqualTo(HttpHeaders.of("X-Id", "7", "Accept", "text/plain", "accept", "text/html"));
    assertThat(HttpHeaders.of("A", "1")).isNotEqualTo(HttpHeaders.of("a", "1"));
    assertThat(HttpHeaders.of("A", "1")).isNotEqualTo(HttpHeaders.of("A", "2"));
    assertThat(HttpHeaders.of("A", "1")).isNotEqualTo("A: 1");
    assertThat(HttpHeaders.of("A", "1").hashCode()).isNotEqualTo(HttpHeaders.of("A", "2").hashCode()).isNotZero();
  }

  @Test
  void to_string_shows_every_line() {
    assertThat(headers).hasToString("[Accept: text/plain, X-Id: 7, accept: text/html]");
    assertThat(HttpHeaders.of("A", "1")).hasToString("[A: 1]");
    assertThat(HttpHeaders.of()).hasToString("[]");
  }

  @Test
  void of_needs_names_and_values_in_pairs() {
    assertThatThrownBy(() -> HttpHeaders.of("A", "1", "B"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("namesAndValues: 3 strings (expected: an even count)");
    assertThat(HttpHeaders.of(new String[0])).isSameAs(HttpHeaders.of());
    assertThat(HttpHeaders.builder().build()).isSameAs(HttpHeaders.of());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"a", "z", "A", "Z", "0", "9", "!", "#", "$", "%", "&", "'", "*", "+", "-", ".", "^", "_", "`",
      "|", "~", "Content-Type", "x-1"})
  void accepts_every_token_char_as_a_name(String name) {
    assertThat(HttpHeaders.isValidName(name)).isTrue();
    assertThat(HttpHeaders.builder().add(name, "v").build().first(name)).contains("v");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "@", "[", "{", "/", ":", " ", "\t", "\"", "(", ")", ",", ";", "<", "=", ">", "?", "\\",
      "]", "}", "\u007f", "\u0000", "\u00e9", "A B", "Name:", "a\u0000"})
  void refuses_names_that_are_not_tokens(String name) {
    assertThat(HttpHeaders.isValidName(name)).isFalse();
    assertThatThrownBy(() -> HttpHeaders.builder().add(name, "v"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header name: '" + name + "' (expected: an RFC 9110 token)");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"a\rb", "a\nb", "a\u0000b", "\r", "\n", "\u0000", "ok\r\nX-Injected: 1"})
  void refuses_values_that_would_split_a_header(String value) {
    assertThat(HttpHeaders.isValidValue(value)).isFalse();
    assertThatThrownBy(() -> HttpHeaders.builder().add("X-A", value))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("header 'X-A': value contains CR, LF or NUL (expected: none)");
  }

  @ParameterizedTest(name = "[{0}]")
  @ValueSource(strings = {"", "a\tb", " ", "\u0001", "\u007f", "\u00e9"})
  void accepts_other_values_as_they_are(String value) {
    assertThat(HttpHeaders.isValidValue(value)).isTrue();
    assertThat(HttpHeaders.of("X-A", value).first("X-A")).contains(value);
  }

  @Test
  void null_names_and_values_fail_naming_the_argument() {
    assertThatThrownBy(() -> HttpHeaders.builder().add(null, "v")).isInstanceOf(NullPointerException.class).hasMessage("name");
    assertThatThrownBy(() -> HttpHeaders.builder().add("A", null)).isInstanceOf(NullPointerException.class).hasMessage("value");
    assertThatThrownBy(() -> HttpHeaders.builder().remove(null)).isInstanceOf(NullPointerException.class).hasMessage("name");
  }

  @Test
  void set_replaces_every_value_of_a_name_in_any_case_at_the_end() {
    HttpHeaders set = headers.toBuilder().set("ACCEPT", "*/*").build();

    assertThat(set).isEqualTo(HttpHeaders.of("X-Id", "7", "ACCEPT", "*/*"));
  }

  @Test
  void remove_drops_every_value_of_a_name_wherever_it_is() {
    assertThat(headers.toBuilder().remove("accept").build()).isEqualTo(HttpHeaders.of("X-Id", "7"));
    assertThat(headers.toBuilder().remove("X-ID").build())
        .isEqualTo(HttpHeaders.of("Accept", "text/plain", "accept", "text/html"));
    assertThat(HttpHeaders.of("A", "1", "A", "2").toBuilder().remove("a").build()).isSameAs(HttpHeaders.of());
    assertThat(headers.toBuilder().remove("Missing").build()).isEqualTo(headers);
  }

  @Test
  void a_derived_builder_leaves_the_original_as_it_was() {
    HttpHeaders.Builder builder = headers.toBuilder().add("B", "2");

    assertThat(builder.build()).hasToString("[Accept: text/plain, X-Id: 7, accept: text/html, B: 2]");
    assertThat(headers.size()).isEqualTo(3);
  }

  @Test
  void add_all_appends_and_builder_contains_ignores_case() {
    HttpHeaders.Builder builder = HttpHeaders.builder().add("Z", "0").addAll(headers);

    assertThat(builder.build()).hasToString("[Z: 0, Accept: text/plain, X-Id: 7, accept: text/html]");
    assertThat(builder.contains("x-id")).isTrue();
    assertThat(builder.contains("Z")).isTrue();
    assertThat(builder.contains("7")).isFalse();
    assertThat(builder.contains("Missing")).isFalse();
    assertThat(HttpHeaders.builder().contains("Z")).isFalse();
  }
}

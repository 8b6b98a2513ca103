package io.gatehouse.impl.aggregate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TemplateTest {

  @ParameterizedTest(name = "{0} with v={1} -> {2}")
  @CsvSource(delimiter = '|', value = {
      "/users/{v}|7|/users/7",
      "/users/{v}|a b|/users/a%20b",
      "/users/{v}|a/b|/users/a%2Fb",
      "/users/{v}|..|/users/%2E%2E",
      "/users/{v}|.|/users/%2E",
      "/users/{v}|a.b|/users/a.b",
      "/users/{v}|?x=1|/users/%3Fx%3D1",
      "/users/{v}|%2F|/users/%252F",
      "/users/{v}|é|/users/%C3%A9",
      "/users?id={v}|a&admin=1|/users?id=a%26admin%3D1",
      "/users?id={v}|..|/users?id=..",
      "/users?id={v}|a#b|/users?id=a%23b",
      "/a/{v}/b?x={v}|~_-|/a/~_-/b?x=~_-",
  })
  void a_value_is_percent_encoded_for_where_it_lands(String template, String value, String expected) {
    assertThat(Template.path(template).expand(Map.of("v", value))).isEqualTo(expected);
  }

  @Test
  void an_empty_value_is_refused_in_the_path_and_allowed_in_the_query() {
    assertThatThrownBy(() -> Template.path("/users/{v}").expand(Map.of("v", "")))
        .hasMessage("{v} is empty, not allowed as a path segment");
    assertThat(Template.path("/users?q={v}").expand(Map.of("v", ""))).isEqualTo("/users?q=");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "users/{id}|'users/{id}' does not start with '/' (expected: a path such as /users/{id}, with an optional query)",
      "/users/{id|'/users/{id' has a '{' without '}' (expected: {name} placeholders)",
      "/users/id}|'/users/id}' has a '}' without '{' (expected: {name} placeholders)",
      "/users/{}|'/users/{}' has the placeholder {} (expected: {name}: a letter or '_', then up to 63 of letters, digits, '_')",
      "/users/{1d}|'/users/{1d}' has the placeholder {1d} (expected: {name}: a letter or '_', then up to 63 of letters, digits, '_')",
      "/users/{id}#top|'/users/{id}#top' has the character '#' (expected: only the characters RFC 3986 allows in a path and query, others percent-encoded; no fragment)",
      "/users/a b|'/users/a b' has the character ' ' (expected: only the characters RFC 3986 allows in a path and query, others percent-encoded; no fragment)",
      "/users/%zz|'/users/%zz' has a '%' that is not followed by two hex digits (expected: a percent-encoded path)",
  })
  void a_bad_path_template_is_refused_with_the_reason(String template, String message) {
    assertThatThrownBy(() -> Template.path(template)).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }

  @Test
  void variables_are_listed_in_order_of_first_use() {
    assertThat(Template.path("/a/{x}/b/{y}?z={x}&w={z}").variables()).containsExactly("x", "y", "z");
  }

  @Test
  void a_header_value_is_used_as_it_is_and_a_control_character_fails() {
    Template t = Template.header("tenant {t}; v=1");
    assertThat(t.expand(Map.of("t", "a/b c"))).isEqualTo("tenant a/b c; v=1");
    assertThatThrownBy(() -> t.expand(Map.of("t", "a\r\nX-Admin: 1")))
        .hasMessage("{t} has a control character, not allowed in a header");
    assertThatThrownBy(() -> Template.header("a\nb")).hasMessageContaining("has a control character");
  }
}
